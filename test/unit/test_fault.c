/* Fault-message construction (arch/arm64/fault_decode.c) and pager reply validation
 * (kernel/fault_reply.c), new registers for a faulted thread (kernel/fault_regs_check.c). */
#include <arch/fault_decode.h>
#include <criterion/criterion.h>
#include <faultline/errors.h>
#include <faultline/fault.h>
#include <faultline/ipc.h>
#include <faultline/types.h>
#include <kernel/fault_regs.h>
#include <kernel/fault_reply.h>

#define TOP 0x0001000000000000UL

static fault_decoded_t decode(uint64_t esr, uint64_t far, bool have, uint32_t insn)
{
    esr_info_t e;
    fault_decoded_t d;
    esr_decode(esr, &e);
    fault_decode(&e, far, have, insn, &d);
    return d;
}

Test(fault_decode, every_kind_and_access)
{
    struct {
        uint64_t esr;
        unsigned access, kind;
        int level;
    } cases[] = {
        {0x92000047, FL_FAULT_WRITE, FL_FAULT_TRANSLATION, 3},
        {0x92000007, FL_FAULT_READ, FL_FAULT_TRANSLATION, 3},
        {0x92000004, FL_FAULT_READ, FL_FAULT_TRANSLATION, 0},
        {0x92000045, FL_FAULT_WRITE, FL_FAULT_TRANSLATION, 1},
        {0x9200004f, FL_FAULT_WRITE, FL_FAULT_PERMISSION, 3},
        {0x9200000d, FL_FAULT_READ, FL_FAULT_PERMISSION, 1},
        {0x9200004b, FL_FAULT_WRITE, FL_FAULT_ACCESS_FLAG, 3},
        {0x92000061, FL_FAULT_WRITE, FL_FAULT_ALIGNMENT, -1},
        {0x92000010, FL_FAULT_READ, FL_FAULT_EXTERNAL, -1},
        {0x92000003, FL_FAULT_READ, FL_FAULT_ADDRESS_SIZE, 3},
        {0x82000007, FL_FAULT_EXEC, FL_FAULT_TRANSLATION, 3},
        {0x8200000f, FL_FAULT_EXEC, FL_FAULT_PERMISSION, 3},
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fault_decoded_t d = decode(cases[i].esr, 0x1234, false, 0);
        cr_assert(d.is_memory, "%#lx", cases[i].esr);
        cr_assert_eq(d.access, cases[i].access, "access of %#lx", cases[i].esr);
        cr_assert_eq(d.kind, cases[i].kind, "kind of %#lx", cases[i].esr);
        cr_assert_eq(d.level, cases[i].level, "level of %#lx", cases[i].esr);
        cr_assert_eq(d.addr, 0x1234);
        cr_assert(d.flags & FL_FAULT_FAR_VALID);
    }
}

Test(fault_decode, cache_maintenance_is_read)
{
    /* DC CIVAC on an unmapped page: CM = 1 and WnR = 1. */
    fault_decoded_t d = decode(0x92000147, 0x5000, false, 0);
    cr_assert_eq(d.access, FL_FAULT_READ);
}

Test(fault_decode, fnv_hides_far)
{
    fault_decoded_t d = decode(0x92000410, 0xdead, false, 0); /* FnV, external abort */
    cr_assert_not(d.flags & FL_FAULT_FAR_VALID);
    cr_assert_eq(d.addr, 0);
}

Test(fault_decode, atomics_count_as_writes)
{
    const uint32_t ldadd = 0xf8200020; /* ldadd x0, x0, [x1] */
    const uint32_t swp = 0xf8208020;   /* swp x0, x0, [x1] */
    const uint32_t casal = 0xc8e0fc20; /* casal x0, x0, [x1] */
    const uint32_t casp = 0x48207c82;  /* casp x0, x1, x2, x3, [x4] */
    const uint32_t ldaxr = 0xc85ffc20; /* ldaxr x0, [x1] */
    const uint32_t ldr = 0xf9400020;   /* ldr x0, [x1] */
    const uint32_t stxr = 0xc8027c20;  /* stxr w2, x0, [x1] */
    cr_assert(insn_is_atomic_rmw(ldadd));
    cr_assert(insn_is_atomic_rmw(swp));
    cr_assert(insn_is_atomic_rmw(casal));
    cr_assert(insn_is_atomic_rmw(casp));
    cr_assert(insn_is_atomic_rmw(ldaxr));
    cr_assert_not(insn_is_atomic_rmw(ldr));
    cr_assert_not(insn_is_atomic_rmw(stxr));

    fault_decoded_t d = decode(0x92000007, 0x7000, true, ldadd); /* read fault, WnR = 0 */
    cr_assert_eq(d.access, FL_FAULT_WRITE);
    cr_assert(d.flags & FL_FAULT_ATOMIC);
    d = decode(0x92000007, 0x7000, true, ldr);
    cr_assert_eq(d.access, FL_FAULT_READ);
    cr_assert_not(d.flags & FL_FAULT_ATOMIC);
    d = decode(0x92000007, 0x7000, false, ldadd);
    cr_assert_eq(d.access, FL_FAULT_READ, "without the instruction we cannot tell");
}

Test(fault_decode, other_exceptions)
{
    fault_decoded_t d = decode(0x02000000, 0, false, 0); /* unknown reason: UDF */
    cr_assert_not(d.is_memory);
    cr_assert_eq(d.kind, FL_EXC_UNDEFINED);
    d = decode(0x8a000000, 0x401, false, 0); /* PC alignment */
    cr_assert_eq(d.kind, FL_EXC_PC_ALIGN);
    d = decode(0xf2000000, 0, false, 0); /* BRK */
    cr_assert_eq(d.kind, FL_EXC_BREAKPOINT);
    d = decode(0x9a000000, 0, false, 0); /* SP alignment */
    cr_assert_eq(d.kind, FL_EXC_SP_ALIGN);
}

/* ---- Routing and the kernel's own settling (issue 11, item 8) ---- */

Test(fault_route, only_mapping_and_memory_codes_reach_the_pager)
{
    for (unsigned fsc = 0; fsc < 64; fsc++) {
        for (unsigned ec = 0x24; ec >= 0x20; ec -= 4) { /* data, then instruction abort */
            uint64_t esr = (uint64_t)ec << 26 | 1u << 25 | fsc;
            esr_info_t e;
            esr_decode(esr, &e);
            fault_decoded_t d = decode(esr, 0x1000, false, 0);
            bool pager = e.action == ESR_FSC_MAPPING || e.action == ESR_FSC_PAGER;
            cr_assert(d.is_memory, "%#lx", esr);
            cr_assert_eq(d.fsc_class, e.action, "%#lx", esr);
            cr_assert_eq(d.to_pager, pager, "%#lx (%s): to_pager %d", esr, e.fsc_name, d.to_pager);
        }
    }
    /* The cases named in the issue go to the exception handler, not the pager. */
    cr_assert_not(decode(0x92000035, 0x1000, false, 0).to_pager, "unsupported exclusive/atomic");
    cr_assert_not(decode(0x92000031, 0x1000, false, 0).to_pager, "unsupported atomic update");
    cr_assert_not(decode(0x92000030, 0x1000, false, 0).to_pager, "TLB conflict");
    cr_assert_not(decode(0x92000003, 0x1000, false, 0).to_pager, "address size");
    cr_assert(decode(0x92000061, 0x1000, false, 0).to_pager, "alignment");
    cr_assert(decode(0x92000010, 0x1000, false, 0).to_pager, "external abort");
    cr_assert_not(decode(0x02000000, 0, false, 0).to_pager, "UDF");
}

#define PROT_RW (FL_PROT_READ | FL_PROT_WRITE)
#define PROT_RX (FL_PROT_READ | FL_PROT_EXEC)
#define PC      0x400100UL
#define VA      0x7000UL

/* One fault through fault_settle with a fresh record. */
static fault_settle_t settle_once(uint64_t esr, bool mapped, unsigned prot)
{
    uint64_t last[3] = {0, 0, 0};
    fault_decoded_t d = decode(esr, VA, false, 0);
    return fault_settle(&d, PC, mapped, prot, last);
}

Test(fault_settle, decisions)
{
    /* Stale entries: mapped with the right needed, yet a translation or permission fault. */
    cr_assert_eq(settle_once(0x9200004f, true, PROT_RW), FAULT_RETRY_PAGE,
                 "write, permission, PROT_RW");
    cr_assert_eq(settle_once(0x92000047, true, PROT_RW), FAULT_RETRY_PAGE,
                 "write, translation, PROT_RW");
    cr_assert_eq(settle_once(0x92000007, true, FL_PROT_READ), FAULT_RETRY_PAGE, "read");
    cr_assert_eq(settle_once(0x8200000f, true, PROT_RX), FAULT_RETRY_PAGE, "exec, PROT_RX");
    /* Not stale: the pager's. */
    cr_assert_eq(settle_once(0x9200004f, true, FL_PROT_READ), FAULT_FORWARD, "write to RO");
    cr_assert_eq(settle_once(0x8200000f, true, PROT_RW), FAULT_FORWARD, "exec of PROT_RW");
    cr_assert_eq(settle_once(0x92000047, false, 0), FAULT_FORWARD, "not mapped");
    /* The software access flag. */
    cr_assert_eq(settle_once(0x9200004b, true, PROT_RW), FAULT_SET_AF);
    cr_assert_eq(settle_once(0x9200004b, false, 0), FAULT_FORWARD, "AF, not mapped");
    /* A TLB conflict is cured by invalidating, whatever the tables say. */
    cr_assert_eq(settle_once(0x92000030, true, PROT_RW), FAULT_RETRY_ASID);
    cr_assert_eq(settle_once(0x92000030, false, 0), FAULT_RETRY_ASID);
    /* Never settled, even on a page mapped with every right: the codes of the issue. */
    static const uint64_t never[] = {
        0x92000035, 0x92000075, /* unsupported exclusive/atomic, WnR 0 and 1 */
        0x92000031, 0x92000071, /* unsupported atomic hardware update */
        0x92000000, 0x92000003, /* address size */
        0x92000061, 0x92000010, /* alignment, external abort */
        0x92000018, 0x92000014, /* parity, external abort on the walk */
        0x92000034, 0x92000032, /* lockdown, PLB conflict */
        0x92000011, 0x92000028, /* tag check, granule protection */
        0x9200003d, 0x9200003f, /* domain, reserved */
        0x82000035, 0x82000021, /* data-only codes as IFSC: reserved */
    };
    for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++)
        cr_assert_eq(settle_once(never[i], true, PROT_RW | FL_PROT_EXEC), FAULT_FORWARD, "%#lx",
                     never[i]);
    /* Not an abort. */
    cr_assert_eq(settle_once(0x02000000, true, PROT_RW), FAULT_FORWARD);
}

Test(fault_settle, atomic_read_half_needs_write)
{
    const uint32_t ldadd = 0xf8200020;
    uint64_t last[3] = {0, 0, 0};
    /* The read half of LDADD on a read-only page: reported as a write, so it is the pager's. */
    fault_decoded_t d = decode(0x9200000f, VA, true, ldadd);
    cr_assert_eq(fault_settle(&d, PC, true, FL_PROT_READ, last), FAULT_FORWARD);
    cr_assert_eq(fault_settle(&d, PC, true, PROT_RW, last), FAULT_RETRY_PAGE);
}

/*
 * The livelock of the issue: a fault that comes back however often the kernel invalidates.
 * Replaying what the kernel does (settle, return to the same instruction, fault again) must
 * reach the pager or the exception handler after one retry, every time.
 */
static void replay(uint64_t esr, bool mapped, unsigned prot, fault_settle_t first)
{
    uint64_t last[3] = {0, 0, 0};
    fault_decoded_t d = decode(esr, VA, false, 0);
    unsigned forwards = 0, in_a_row = 0, most = 0;

    for (int i = 0; i < 1000; i++) {
        fault_settle_t what = fault_settle(&d, PC, mapped, prot, last);
        if (what == FAULT_FORWARD) {
            forwards++;
            in_a_row = 0;
        } else {
            cr_assert_eq(what, first, "%#lx: fault %d settled as %d", esr, i, what);
            most = ++in_a_row > most ? in_a_row : most;
        }
    }
    cr_assert_leq(most, 1, "%#lx: settled %u times in a row", esr, most);
    cr_assert_geq(forwards, 500, "%#lx: forwarded only %u of 1000 times", esr, forwards);
}

Test(fault_settle, a_fault_that_keeps_coming_back_is_forwarded)
{
    replay(0x9200004f, true, PROT_RW, FAULT_RETRY_PAGE); /* "stale" permission fault */
    replay(0x92000047, true, PROT_RW, FAULT_RETRY_PAGE); /* "stale" translation fault */
    replay(0x8200000f, true, PROT_RX, FAULT_RETRY_PAGE); /* "stale" instruction fetch */
    replay(0x9200004b, true, PROT_RW, FAULT_SET_AF);     /* AF that will not stay set */
    replay(0x92000030, true, PROT_RW, FAULT_RETRY_ASID); /* TLB conflict */
    replay(0x92000035, true, PROT_RW, FAULT_FORWARD);    /* never settled at all */
}

Test(fault_settle, a_different_fault_is_settled_again)
{
    uint64_t last[3] = {0, 0, 0};
    fault_decoded_t a = decode(0x9200004f, VA, false, 0);
    fault_decoded_t b = decode(0x9200004f, VA + 8, false, 0);
    fault_decoded_t af = decode(0x9200004b, VA, false, 0);

    cr_assert_eq(fault_settle(&a, PC, true, PROT_RW, last), FAULT_RETRY_PAGE);
    cr_assert_eq(fault_settle(&b, PC, true, PROT_RW, last), FAULT_RETRY_PAGE, "other address");
    cr_assert_eq(fault_settle(&b, PC + 4, true, PROT_RW, last), FAULT_RETRY_PAGE, "other PC");
    cr_assert_eq(fault_settle(&af, PC + 4, true, PROT_RW, last), FAULT_SET_AF, "other kind");
    cr_assert_eq(fault_settle(&a, PC + 4, true, PROT_RW, last), FAULT_RETRY_PAGE);
    cr_assert_eq(fault_settle(&a, PC + 4, true, PROT_RW, last), FAULT_FORWARD, "the same again");
    cr_assert_eq(fault_settle(&a, PC + 4, true, PROT_RW, last), FAULT_RETRY_PAGE,
                 "after the pager was asked, a stale entry may be settled again");
    /* A fault the kernel does not settle clears the record. */
    cr_assert_eq(fault_settle(&a, PC, true, PROT_RW, last), FAULT_RETRY_PAGE);
    fault_decoded_t other = decode(0x92000047, VA + 0x1000, false, 0);
    cr_assert_eq(fault_settle(&other, PC, false, 0, last), FAULT_FORWARD);
    cr_assert_eq(fault_settle(&a, PC, true, PROT_RW, last), FAULT_RETRY_PAGE);
}

#undef PROT_RW
#undef PROT_RX
#undef PC
#undef VA

Test(fault_info, packs_and_unpacks)
{
    uint64_t info = FL_FAULT_INFO(FL_FAULT_EXEC, FL_FAULT_PERMISSION, -1, 3, 0xabcdef01u);
    cr_assert_eq(FL_FAULT_ACCESS(info), FL_FAULT_EXEC);
    cr_assert_eq(FL_FAULT_KIND(info), FL_FAULT_PERMISSION);
    cr_assert_eq(FL_FAULT_LEVEL(info), -1);
    cr_assert_eq(FL_FAULT_FLAGS(info), 3);
    cr_assert_eq(FL_FAULT_SEQ(info), 0xabcdef01u);
}

static int check(uint64_t label, unsigned words, unsigned handles, uint64_t w0, uint64_t w1,
                 uint64_t w2, uint64_t w3, fault_reply_t *r)
{
    const char *why = 0;
    uint64_t w[4] = {w0, w1, w2, w3};
    int err = fault_reply_check(FL_TAG(label, words, handles), w, TOP, r, &why);
    if (err)
        cr_assert_not_null(why, "every rejection says why");
    return err;
}

Test(fault_reply, valid_replies)
{
    fault_reply_t r;
    cr_assert_eq(
        check(FL_FAULT_REPLY_MAP, 4, 0, 0x10000, 0x20000, 3, FL_PROT_READ | FL_PROT_WRITE, &r),
        FL_OK);
    cr_assert_eq(r.action, FL_FAULT_REPLY_MAP);
    cr_assert_eq(r.client_va, 0x10000);
    cr_assert_eq(r.pager_va, 0x20000);
    cr_assert_eq(r.pages, 3);
    cr_assert_eq(check(FL_FAULT_REPLY_RESUME, 0, 0, 0, 0, 0, 0, &r), FL_OK);
    cr_assert_eq(check(FL_FAULT_REPLY_FAIL, 1, 0, FL_FAULT_FAIL_GUARD, 0, 0, 0, &r), FL_OK);
    cr_assert_eq(r.reason, FL_FAULT_FAIL_GUARD);
    cr_assert_eq(check(FL_FAULT_REPLY_MAP, 4, 0, TOP - 16 * 4096, 0x1000, 16, FL_PROT_READ, &r),
                 FL_OK, "the last pages of user space");
}

Test(fault_reply, every_malformed_reply_rejected)
{
    fault_reply_t r;
    const unsigned RW = FL_PROT_READ | FL_PROT_WRITE;
    cr_assert_eq(check(0x1234, 4, 0, 0x1000, 0x2000, 1, RW, &r), FL_EINVAL, "unknown label");
    cr_assert_eq(check(0, 0, 0, 0, 0, 0, 0, &r), FL_EINVAL, "label 0");
    cr_assert_eq(check(FL_FAULT_REPLY_MAP, 3, 0, 0x1000, 0x2000, 1, RW, &r), FL_EINVAL,
                 "too few words");
    cr_assert_eq(check(FL_FAULT_REPLY_MAP, 4, 1, 0x1000, 0x2000, 1, RW, &r), FL_EINVAL, "handles");
    cr_assert_eq(check(FL_FAULT_REPLY_MAP, 4, 0, 0x1001, 0x2000, 1, RW, &r), FL_EINVAL,
                 "unaligned client");
    cr_assert_eq(check(FL_FAULT_REPLY_MAP, 4, 0, 0x1000, 0x2800, 1, RW, &r), FL_EINVAL,
                 "unaligned pager");
    cr_assert_eq(check(FL_FAULT_REPLY_MAP, 4, 0, 0x1000, 0x2000, 0, RW, &r), FL_ERANGE, "0 pages");
    cr_assert_eq(check(FL_FAULT_REPLY_MAP, 4, 0, 0x1000, 0x2000, FL_FAULT_MAP_MAX + 1, RW, &r),
                 FL_ERANGE, "too many pages");
    cr_assert_eq(check(FL_FAULT_REPLY_MAP, 4, 0, 0xffff000040000000UL, 0x2000, 1, RW, &r),
                 FL_ERANGE, "kernel address");
    cr_assert_eq(check(FL_FAULT_REPLY_MAP, 4, 0, TOP - 4096, 0x2000, 2, RW, &r), FL_ERANGE,
                 "runs past user space");
    cr_assert_eq(check(FL_FAULT_REPLY_MAP, 4, 0, 0x1000, 0xfffffffffffff000UL, 1, RW, &r),
                 FL_ERANGE, "pager address wraps");
    cr_assert_eq(check(FL_FAULT_REPLY_MAP, 4, 0, 0x1000, 0x2000, 1, 0, &r), FL_EINVAL, "no rights");
    cr_assert_eq(check(FL_FAULT_REPLY_MAP, 4, 0, 0x1000, 0x2000, 1, FL_PROT_WRITE, &r), FL_EINVAL,
                 "write without read");
    cr_assert_eq(check(FL_FAULT_REPLY_MAP, 4, 0, 0x1000, 0x2000, 1, 0x9, &r), FL_EINVAL,
                 "unknown right bits");
    cr_assert_eq(check(FL_FAULT_REPLY_FAIL, 0, 0, 0, 0, 0, 0, &r), FL_EINVAL, "no reason");
    cr_assert_eq(check(FL_FAULT_REPLY_FAIL, 1, 0, 0, 0, 0, 0, &r), FL_EINVAL, "reason 0");
    cr_assert_eq(check(FL_FAULT_REPLY_FAIL, 1, 0, 99, 0, 0, 0, &r), FL_EINVAL, "unknown reason");
}

static long regs(uint64_t sp, uint64_t pc, uint64_t nzcv)
{
    fl_regs_t r = {.sp = sp, .pc = pc, .nzcv = nzcv, .thread = 99};
    return fault_regs_check(&r, TOP);
}

Test(fault_regs, condition_flags_and_user_pc_sp_only)
{
    cr_assert_eq(regs(0x7fff0000, 0x400000, 0), FL_OK);
    cr_assert_eq(regs(TOP - 16, TOP - 4, FL_REGS_NZCV_MASK), FL_OK, "highest user PC and SP");
    cr_assert_eq(regs(0x7fff0000, 0x400000, 0x5), FL_EINVAL, "EL1h mode bits");
    cr_assert_eq(regs(0x7fff0000, 0x400000, 1u << 7), FL_EINVAL, "IRQ mask");
    cr_assert_eq(regs(0x7fff0000, 0x400000, 1u << 21), FL_EINVAL, "single step");
    cr_assert_eq(regs(0x7fff0000, 0x400000, 1ULL << 32), FL_EINVAL, "above PSTATE");
    cr_assert_eq(regs(0x7fff0000, 0x400002, 0), FL_EINVAL, "unaligned PC");
    cr_assert_eq(regs(0x7fff0000, TOP, 0), FL_EINVAL, "PC at user_top");
    cr_assert_eq(regs(0x7fff0000, 0xffff000040000000UL, 0), FL_EINVAL, "kernel PC");
    cr_assert_eq(regs(TOP, 0x400000, 0), FL_EINVAL, "SP at user_top");
}

/* The fast path's table (fault_fast_table) against the decoder it stands for: every entry is
 * what esr_decode + fault_decode give for each ESR with that index, whatever the ignored bits,
 * and the common faults (translation at every level, permission) are in it. */
Test(fault_fast_table, entries_equal_the_decoder_for_every_esr)
{
    uint32_t table[FAULT_FAST_ENTRIES];
    fault_fast_table(table);
    uint64_t x = 0x9e3779b97f4a7c15UL;
    unsigned checked = 0;
    for (unsigned n = 0; n < 200000; n++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        uint64_t esr =
            (x & ~FAULT_FAST_MUST_BE_ZERO & ~(0x3fUL << 26)) | ((x & 1) ? 0x20UL : 0x24UL) << 26;
        uint32_t info = table[FAULT_FAST_INDEX(esr)];
        fault_decoded_t d = decode(esr, 0x4000, false, 0);
        bool forward = d.is_memory && d.to_pager && (d.flags & FL_FAULT_FAR_VALID) &&
                       (d.kind == FL_FAULT_TRANSLATION || d.kind == FL_FAULT_PERMISSION);
        if (!info)
            continue;
        checked++;
        cr_assert(forward, "esr %#lx is in the table but the decoder does not forward it", esr);
        cr_assert_eq(info, (uint32_t)FL_FAULT_INFO(d.access, d.kind, d.level, d.flags, 0),
                     "esr %#lx: table %#x", esr, info);
    }
    cr_assert_gt(checked, 1000);
    for (unsigned level = 0; level < 4; level++) {
        cr_assert_neq(table[FAULT_FAST_INDEX(0x92000004UL + level)], 0, "read L%u", level);
        cr_assert_neq(table[FAULT_FAST_INDEX(0x92000044UL + level)], 0, "write L%u", level);
        cr_assert_neq(table[FAULT_FAST_INDEX(0x82000004UL + level)], 0, "exec L%u", level);
    }
    for (unsigned level = 1; level < 4; level++)
        cr_assert_neq(table[FAULT_FAST_INDEX(0x9200004cUL + level)], 0, "write perm L%u", level);
    /* Access flag, alignment, external aborts and TLB conflicts stay with fault_handle(). */
    cr_assert_eq(table[FAULT_FAST_INDEX(0x9200000bUL)], 0);
    cr_assert_eq(table[FAULT_FAST_INDEX(0x92000021UL)], 0);
    cr_assert_eq(table[FAULT_FAST_INDEX(0x92000010UL)], 0);
    cr_assert_eq(table[FAULT_FAST_INDEX(0x92000030UL)], 0);
}

/* fault_decode_fast (what fault_handle uses before the full decoder) gives exactly
 * fault_decode's result, field by field, for every ESR it accepts, and accepts none the
 * table leaves out. */
Test(fault_fast_table, fast_decode_equals_the_full_decode)
{
    uint32_t table[FAULT_FAST_ENTRIES];
    fault_fast_table(table);
    uint64_t x = 0x2545f4914f6cdd1dUL;
    unsigned accepted = 0;
    for (unsigned n = 0; n < 200000; n++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        uint64_t esr = x & ~(0x3fUL << 26);
        esr |= (uint64_t)((x >> 40) % 3 == 0 ? 0x20 : (x >> 40) % 3 == 1 ? 0x24 : x >> 58) << 26;
        if (x & 1)
            esr &= ~FAULT_FAST_MUST_BE_ZERO;
        uint64_t far = 0x4000 + (x >> 20 & 0xffff000);
        fault_decoded_t fast, full = decode(esr, far, false, 0);
        if (!fault_decode_fast(table, esr, far, &fast)) {
            unsigned ec = (unsigned)(esr >> 26) & 0x3f;
            bool could = (ec == 0x20 || ec == 0x24) && !(esr & FAULT_FAST_MUST_BE_ZERO);
            cr_assert(!could || table[FAULT_FAST_INDEX(esr)] == 0, "esr %#lx refused", esr);
            continue;
        }
        accepted++;
        cr_assert(fast.is_memory == full.is_memory && fast.to_pager == full.to_pager &&
                      fast.fsc_class == full.fsc_class && fast.access == full.access &&
                      fast.kind == full.kind && fast.level == full.level &&
                      fast.flags == full.flags && fast.addr == full.addr,
                  "esr %#lx: fast and full decodes differ", esr);
    }
    cr_assert_gt(accepted, 1000);
    /* The atomic rule, shared: the read half of an LDADD is reported as an atomic write. */
    fault_decoded_t d;
    cr_assert(fault_decode_fast(table, 0x92000007UL, 0x5000, &d));
    cr_assert_eq(d.access, FL_FAULT_READ);
    fault_decode_atomic(&d, 0xb8200020u); /* ldadd w0, w0, [x1] */
    cr_assert_eq(d.access, FL_FAULT_WRITE);
    cr_assert(d.flags & FL_FAULT_ATOMIC);
}
