/* ESR_EL1 decoding (arch/arm64/esr.c): both tables row by row, and syndromes seen on QEMU. */
#include <arch/esr.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#define EC_SHIFT 26
#define IL       (1u << 25)
#define ISS_ISV  (1u << 24)
#define ISS_FNV  (1u << 10)
#define ISS_EA   (1u << 9)
#define ISS_CM   (1u << 8)
#define ISS_S1PT (1u << 7)
#define ISS_WNR  (1u << 6)

#define EC_IABT_LOW 0x20u
#define EC_IABT_CUR 0x21u
#define EC_DABT_LOW 0x24u
#define EC_DABT_CUR 0x25u

#define NONE ESR_LEVEL_NONE

static esr_info_t decode(uint64_t esr)
{
    esr_info_t e;

    memset(&e, 0xa5, sizeof(e)); /* esr_decode must write every field */
    esr_decode(esr, &e);
    return e;
}

static uint64_t make(unsigned ec, uint32_t iss)
{
    return ((uint64_t)ec << EC_SHIFT) | IL | iss;
}

/* ---- Exception class table ---- */

static const unsigned reserved_ecs[] = {0x02, 0x0b, 0x0f, 0x10, 0x14, 0x23, 0x29, 0x2a,
                                        0x2b, 0x2e, 0x36, 0x37, 0x39, 0x3b, 0x3e, 0x3f};

static bool is_reserved_ec(unsigned ec)
{
    for (size_t i = 0; i < sizeof(reserved_ecs) / sizeof(reserved_ecs[0]); i++)
        if (reserved_ecs[i] == ec)
            return true;
    return false;
}

Test(esr_ec, every_row_has_a_name_and_a_valid_class)
{
    for (unsigned ec = 0; ec < 64; ec++) {
        esr_info_t e = decode(make(ec, 0));
        cr_assert_eq(e.ec, ec, "EC %#x", ec);
        cr_assert_not_null(e.ec_name, "EC %#x has no name", ec);
        cr_assert_gt(strlen(e.ec_name), 0, "EC %#x has an empty name", ec);
        cr_assert_leq((unsigned)e.cls, (unsigned)ESR_CLASS_OTHER, "EC %#x", ec);
        cr_assert_str_neq(esr_class_name(e.cls), "invalid", "EC %#x", ec);
        if (is_reserved_ec(ec)) {
            cr_assert_str_eq(e.ec_name, "reserved EC", "EC %#x", ec);
            cr_assert_eq(e.cls, ESR_CLASS_OTHER, "EC %#x", ec);
        } else {
            cr_assert_str_neq(e.ec_name, "reserved EC", "EC %#x is allocated", ec);
        }
    }
}

Test(esr_ec, class_mapping)
{
    static const struct {
        unsigned ec;
        esr_class_t cls;
    } want[] = {
        {0x00, ESR_CLASS_UNKNOWN},     {0x01, ESR_CLASS_OTHER},
        {0x07, ESR_CLASS_FP_ACCESS},   {0x0e, ESR_CLASS_ILLEGAL_STATE},
        {0x11, ESR_CLASS_OTHER},       {0x15, ESR_CLASS_SVC},
        {0x16, ESR_CLASS_OTHER},       {0x17, ESR_CLASS_OTHER},
        {0x18, ESR_CLASS_SYSREG},      {0x19, ESR_CLASS_OTHER},
        {0x1d, ESR_CLASS_OTHER},       {0x20, ESR_CLASS_INSTR_ABORT},
        {0x21, ESR_CLASS_INSTR_ABORT}, {0x22, ESR_CLASS_PC_ALIGN},
        {0x24, ESR_CLASS_DATA_ABORT},  {0x25, ESR_CLASS_DATA_ABORT},
        {0x26, ESR_CLASS_SP_ALIGN},    {0x28, ESR_CLASS_FP_EXC},
        {0x2c, ESR_CLASS_FP_EXC},      {0x2f, ESR_CLASS_SERROR},
        {0x30, ESR_CLASS_BREAKPOINT},  {0x31, ESR_CLASS_BREAKPOINT},
        {0x32, ESR_CLASS_BREAKPOINT},  {0x33, ESR_CLASS_BREAKPOINT},
        {0x34, ESR_CLASS_BREAKPOINT},  {0x35, ESR_CLASS_BREAKPOINT},
        {0x38, ESR_CLASS_BREAKPOINT},  {0x3a, ESR_CLASS_BREAKPOINT},
        {0x3c, ESR_CLASS_BREAKPOINT},
    };

    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        esr_info_t e = decode(make(want[i].ec, 0));
        cr_assert_eq(e.cls, want[i].cls, "EC %#x: class %s, want %s", want[i].ec,
                     esr_class_name(e.cls), esr_class_name(want[i].cls));
    }
}

Test(esr_ec, only_the_listed_ecs_are_aborts_or_svc)
{
    for (unsigned ec = 0; ec < 64; ec++) {
        esr_info_t e = decode(make(ec, 0));
        bool abort =
            ec == EC_IABT_LOW || ec == EC_IABT_CUR || ec == EC_DABT_LOW || ec == EC_DABT_CUR;
        cr_assert_eq(e.cls == ESR_CLASS_DATA_ABORT || e.cls == ESR_CLASS_INSTR_ABORT, abort,
                     "EC %#x", ec);
        cr_assert_eq(e.cls == ESR_CLASS_SVC, ec == 0x15, "EC %#x", ec);
    }
}

Test(esr_ec, names_of_key_classes)
{
    cr_assert_str_eq(decode(0x56000000).ec_name, "SVC from AArch64");
    cr_assert_str_eq(decode(make(0x24, 0)).ec_name, "data abort from lower EL");
    cr_assert_str_eq(decode(make(0x25, 0)).ec_name, "data abort from same EL");
    cr_assert_str_eq(decode(make(0x20, 0)).ec_name, "instruction abort from lower EL");
    cr_assert_str_eq(decode(make(0x3c, 0)).ec_name, "BRK from AArch64");
    cr_assert_str_eq(decode(make(0x00, 0)).ec_name, "unknown reason");
}

Test(esr_ec, from_lower_el_only_for_the_low_variants)
{
    static const unsigned low[] = {0x20, 0x24, 0x30, 0x32, 0x34};

    for (unsigned ec = 0; ec < 64; ec++) {
        bool want = false;
        for (size_t i = 0; i < sizeof(low) / sizeof(low[0]); i++)
            want |= low[i] == ec;
        cr_assert_eq(decode(make(ec, 0)).from_lower_el, want, "EC %#x", ec);
    }
}

Test(esr_ec, far_valid_by_class)
{
    cr_assert(decode(make(0x22, 0)).far_valid, "PC alignment: FAR is the PC");
    cr_assert(decode(make(0x34, 0)).far_valid, "watchpoint");
    cr_assert(decode(make(0x35, 0)).far_valid, "watchpoint");
    cr_assert_not(decode(make(0x26, 0)).far_valid, "SP alignment: FAR UNKNOWN");
    cr_assert_not(decode(make(0x3c, 0)).far_valid, "BRK");
    cr_assert_not(decode(0x56000000).far_valid, "SVC");
    cr_assert_not(decode(make(0x00, 0)).far_valid);
}

Test(esr_ec, fields_and_iss2_bits_are_separated)
{
    /* ESR_EL1 bits [63:32] (ISS2) must not leak into EC, IL or ISS. */
    uint64_t raw = (UINT64_C(0xffffff) << 32) | 0x92000047u;
    esr_info_t e = decode(raw);

    cr_assert_eq(e.raw, raw);
    cr_assert_eq(e.ec, 0x24);
    cr_assert(e.il);
    cr_assert_eq(e.iss, 0x47);
    cr_assert_eq(e.kind, ESR_FAULT_TRANSLATION);

    e = decode(0x54000000); /* SVC with IL = 0 (never on AArch64, but the bit must decode) */
    cr_assert_eq(e.ec, 0x15);
    cr_assert_not(e.il);
    cr_assert_eq(decode(0x93ffffff).iss, 0x1ffffff);
}

Test(esr_ec, non_aborts_leave_abort_fields_zero)
{
    for (unsigned ec = 0; ec < 64; ec++) {
        if (ec == EC_IABT_LOW || ec == EC_IABT_CUR || ec == EC_DABT_LOW || ec == EC_DABT_CUR)
            continue;
        /* All ISS bits set: none of them may be read as abort fields. */
        esr_info_t e = decode(make(ec, 0x1ffffff));
        cr_assert_eq(e.fsc, 0, "EC %#x", ec);
        cr_assert_eq(e.kind, ESR_FAULT_NONE, "EC %#x", ec);
        cr_assert_eq(e.level, ESR_LEVEL_NONE, "EC %#x", ec);
        cr_assert_null(e.fsc_name, "EC %#x", ec);
        cr_assert_eq(e.access, ESR_ACCESS_READ, "EC %#x", ec);
        cr_assert_not(e.wnr || e.cm || e.fnv || e.isv || e.s1ptw || e.ea, "EC %#x", ec);
        if (ec != 0x15)
            cr_assert_eq(e.svc_imm, 0, "EC %#x", ec);
    }
}

/* ---- Fault status code table ---- */

typedef struct {
    esr_fault_kind_t kind;
    int level;
    bool data_only;
} want_fsc_t;

/* Row contents: {K(kind, level)}, {KD(...)} for data-only codes, {RSV} for reserved. */
#define K(k, l)  ESR_FAULT_##k, (l), false
#define KD(k, l) ESR_FAULT_##k, (l), true
#define RSV      ESR_FAULT_RESERVED, NONE, false

/* Independent copy of the DFSC/IFSC table in the Arm ARM (ESR_EL1, Data Abort DFSC field). */
static const want_fsc_t want_fsc[64] = {
    [0x00] = {K(ADDRESS_SIZE, 0)},
    [0x01] = {K(ADDRESS_SIZE, 1)},
    [0x02] = {K(ADDRESS_SIZE, 2)},
    [0x03] = {K(ADDRESS_SIZE, 3)},
    [0x04] = {K(TRANSLATION, 0)},
    [0x05] = {K(TRANSLATION, 1)},
    [0x06] = {K(TRANSLATION, 2)},
    [0x07] = {K(TRANSLATION, 3)},
    [0x08] = {K(ACCESS_FLAG, 0)},
    [0x09] = {K(ACCESS_FLAG, 1)},
    [0x0a] = {K(ACCESS_FLAG, 2)},
    [0x0b] = {K(ACCESS_FLAG, 3)},
    [0x0c] = {K(PERMISSION, 0)},
    [0x0d] = {K(PERMISSION, 1)},
    [0x0e] = {K(PERMISSION, 2)},
    [0x0f] = {K(PERMISSION, 3)},
    [0x10] = {K(SYNC_EXTERNAL, NONE)},
    [0x11] = {KD(TAG_CHECK, NONE)},
    [0x12] = {K(SYNC_EXTERNAL, -2)},
    [0x13] = {K(SYNC_EXTERNAL, -1)},
    [0x14] = {K(SYNC_EXTERNAL, 0)},
    [0x15] = {K(SYNC_EXTERNAL, 1)},
    [0x16] = {K(SYNC_EXTERNAL, 2)},
    [0x17] = {K(SYNC_EXTERNAL, 3)},
    [0x18] = {K(SYNC_PARITY_ECC, NONE)},
    [0x19] = {RSV},
    [0x1a] = {RSV},
    [0x1b] = {K(SYNC_PARITY_ECC, -1)},
    [0x1c] = {K(SYNC_PARITY_ECC, 0)},
    [0x1d] = {K(SYNC_PARITY_ECC, 1)},
    [0x1e] = {K(SYNC_PARITY_ECC, 2)},
    [0x1f] = {K(SYNC_PARITY_ECC, 3)},
    [0x20] = {RSV},
    [0x21] = {KD(ALIGNMENT, NONE)},
    [0x22] = {K(GRANULE_PROTECTION, -2)},
    [0x23] = {K(GRANULE_PROTECTION, -1)},
    [0x24] = {K(GRANULE_PROTECTION, 0)},
    [0x25] = {K(GRANULE_PROTECTION, 1)},
    [0x26] = {K(GRANULE_PROTECTION, 2)},
    [0x27] = {K(GRANULE_PROTECTION, 3)},
    [0x28] = {K(GRANULE_PROTECTION, NONE)},
    [0x29] = {K(ADDRESS_SIZE, -1)},
    [0x2a] = {K(TRANSLATION, -2)},
    [0x2b] = {K(TRANSLATION, -1)},
    [0x2c] = {K(ADDRESS_SIZE, -2)},
    [0x2d] = {RSV},
    [0x2e] = {RSV},
    [0x2f] = {RSV},
    [0x30] = {K(TLB_CONFLICT, NONE)},
    [0x31] = {K(UNSUPPORTED_ATOMIC, NONE)},
    [0x32] = {K(TLB_CONFLICT, NONE)},
    [0x33] = {RSV},
    [0x34] = {KD(IMPL_DEFINED, NONE)},
    [0x35] = {KD(IMPL_DEFINED, NONE)},
    [0x36] = {RSV},
    [0x37] = {RSV},
    [0x38] = {RSV},
    [0x39] = {RSV},
    [0x3a] = {RSV},
    [0x3b] = {RSV},
    [0x3c] = {RSV},
    [0x3d] = {KD(DOMAIN, NONE)},
    [0x3e] = {KD(DOMAIN, NONE)},
    [0x3f] = {RSV},
};

/* The name must agree with the row: "level N" for levelled codes, "reserved" for reserved. */
static void check_name(const char *name, const want_fsc_t *w, unsigned fsc, const char *what)
{
    char lvl[16];

    cr_assert_not_null(name, "%s FSC %#x has no name", what, fsc);
    if (w->kind == ESR_FAULT_RESERVED) {
        cr_assert_not_null(strstr(name, "reserved"), "%s FSC %#x: '%s'", what, fsc, name);
        return;
    }
    cr_assert_null(strstr(name, "reserved"), "%s FSC %#x: '%s'", what, fsc, name);
    if (w->level != NONE) {
        snprintf(lvl, sizeof(lvl), "level %d", w->level);
        cr_assert_not_null(strstr(name, lvl), "%s FSC %#x: '%s' lacks '%s'", what, fsc, name, lvl);
    } else {
        cr_assert_null(strstr(name, "level "), "%s FSC %#x: '%s'", what, fsc, name);
    }
}

Test(esr_fsc, all_64_codes_as_data_aborts)
{
    static const unsigned ecs[] = {EC_DABT_LOW, EC_DABT_CUR};

    for (size_t i = 0; i < 2; i++) {
        for (unsigned fsc = 0; fsc < 64; fsc++) {
            const want_fsc_t *w = &want_fsc[fsc];
            esr_info_t e = decode(make(ecs[i], fsc));

            cr_assert_eq(e.cls, ESR_CLASS_DATA_ABORT);
            cr_assert_eq(e.fsc, fsc);
            cr_assert_eq(e.kind, w->kind, "DFSC %#x: kind %s, want %s", fsc,
                         esr_fault_kind_name(e.kind), esr_fault_kind_name(w->kind));
            cr_assert_eq(e.level, w->level, "DFSC %#x: level %d, want %d", fsc, e.level, w->level);
            check_name(e.fsc_name, w, fsc, "data");
            cr_assert_eq(e.access, ESR_ACCESS_READ, "DFSC %#x without WnR", fsc);
        }
    }
}

Test(esr_fsc, all_64_codes_as_instruction_aborts)
{
    static const unsigned ecs[] = {EC_IABT_LOW, EC_IABT_CUR};
    static const want_fsc_t reserved = {RSV};

    for (size_t i = 0; i < 2; i++) {
        for (unsigned fsc = 0; fsc < 64; fsc++) {
            /* Data-only codes (tag check, alignment, IMP DEF 0x34/0x35, domain) are reserved
             * in the IFSC table. */
            const want_fsc_t *w = want_fsc[fsc].data_only ? &reserved : &want_fsc[fsc];
            esr_info_t e = decode(make(ecs[i], fsc));

            cr_assert_eq(e.cls, ESR_CLASS_INSTR_ABORT);
            cr_assert_eq(e.fsc, fsc);
            cr_assert_eq(e.kind, w->kind, "IFSC %#x: kind %s, want %s", fsc,
                         esr_fault_kind_name(e.kind), esr_fault_kind_name(w->kind));
            cr_assert_eq(e.level, w->level, "IFSC %#x: level %d, want %d", fsc, e.level, w->level);
            check_name(e.fsc_name, w, fsc, "instruction");
            cr_assert_eq(e.access, ESR_ACCESS_EXEC, "IFSC %#x", fsc);
        }
    }
}

Test(esr_fsc, lpa2_and_special_codes_by_name)
{
    cr_assert_str_eq(decode(make(EC_DABT_LOW, 0x2b)).fsc_name, "translation fault, level -1");
    cr_assert_str_eq(decode(make(EC_DABT_LOW, 0x29)).fsc_name, "address size fault, level -1");
    cr_assert_str_eq(decode(make(EC_DABT_LOW, 0x13)).fsc_name,
                     "synchronous external abort on walk, level -1");
    cr_assert_str_eq(decode(make(EC_DABT_LOW, 0x1b)).fsc_name,
                     "synchronous parity/ECC error on walk, level -1");
    cr_assert_str_eq(decode(make(EC_DABT_LOW, 0x11)).fsc_name, "synchronous tag check fault");
    cr_assert_str_eq(decode(make(EC_DABT_LOW, 0x21)).fsc_name, "alignment fault");
    cr_assert_str_eq(decode(make(EC_DABT_LOW, 0x30)).fsc_name, "TLB conflict abort");
    cr_assert_str_eq(decode(make(EC_DABT_LOW, 0x31)).fsc_name,
                     "unsupported atomic hardware update");
    cr_assert_not_null(strstr(decode(make(EC_DABT_LOW, 0x34)).fsc_name, "lockdown"));
    cr_assert_not_null(strstr(decode(make(EC_DABT_LOW, 0x35)).fsc_name, "exclusive or atomic"));
    cr_assert_str_eq(decode(make(EC_DABT_LOW, 0x22)).fsc_name,
                     "granule protection fault on walk, level -2");
}

/* ---- What the kernel may do about each code (issue 11, item 8) ---- */

#define MAP  ESR_FSC_MAPPING
#define TLBC ESR_FSC_TLB_CONFLICT
#define PGR  ESR_FSC_PAGER
#define RPT  ESR_FSC_REPORT

/*
 * Independent copy of the intended split, row by row (compare Linux arch/arm64/mm/fault.c
 * fault_info[]: do_translation_fault/do_page_fault for translation, access flag and permission;
 * do_bad for address size, TLB conflict, unsupported atomic update, lockdown, unsupported
 * exclusive, domain and reserved; do_sea for external aborts; do_alignment_fault).
 * Only MAP codes may ever be taken for a stale TLB entry; 0x35 (an exclusive or atomic access
 * the memory does not support) and 0x31 in particular must be reported, never retried.
 */
static const esr_fsc_action_t want_action[64] = {
    [0x00] = RPT,  [0x01] = RPT, [0x02] = RPT, [0x03] = RPT, /* address size */
    [0x04] = MAP,  [0x05] = MAP, [0x06] = MAP, [0x07] = MAP, /* translation */
    [0x08] = MAP,  [0x09] = MAP, [0x0a] = MAP, [0x0b] = MAP, /* access flag */
    [0x0c] = MAP,  [0x0d] = MAP, [0x0e] = MAP, [0x0f] = MAP, /* permission */
    [0x10] = PGR,                                            /* external abort on the access */
    [0x11] = RPT,                                            /* tag check */
    [0x12] = RPT,  [0x13] = RPT, [0x14] = RPT, [0x15] = RPT, /* external abort on the walk */
    [0x16] = RPT,  [0x17] = RPT, [0x18] = PGR,               /* parity/ECC on the access */
    [0x19] = RPT,  [0x1a] = RPT,                             /* reserved */
    [0x1b] = RPT,  [0x1c] = RPT, [0x1d] = RPT, [0x1e] = RPT, /* parity/ECC on the walk */
    [0x1f] = RPT,  [0x20] = RPT,                             /* reserved */
    [0x21] = PGR,                                            /* alignment */
    [0x22] = RPT,  [0x23] = RPT, [0x24] = RPT, [0x25] = RPT, /* granule protection */
    [0x26] = RPT,  [0x27] = RPT, [0x28] = RPT, [0x29] = RPT, /* address size, level -1 */
    [0x2a] = MAP,  [0x2b] = MAP,                             /* translation, levels -2, -1 */
    [0x2c] = RPT,                                            /* address size, level -2 */
    [0x2d] = RPT,  [0x2e] = RPT, [0x2f] = RPT,               /* reserved */
    [0x30] = TLBC,                                           /* TLB conflict */
    [0x31] = RPT,                                            /* unsupported atomic update */
    [0x32] = RPT,                                            /* PLB conflict */
    [0x33] = RPT,                                            /* reserved */
    [0x34] = RPT,                                            /* lockdown */
    [0x35] = RPT,                                            /* unsupported exclusive/atomic */
    [0x36] = RPT,  [0x37] = RPT, [0x38] = RPT, [0x39] = RPT, /* reserved */
    [0x3a] = RPT,  [0x3b] = RPT, [0x3c] = RPT, [0x3d] = RPT,
    [0x3e] = RPT, /* domain (PAR_EL1 only) */
    [0x3f] = RPT, /* reserved */
};

Test(esr_fsc_action, every_code_as_data_abort)
{
    static const unsigned ecs[] = {EC_DABT_LOW, EC_DABT_CUR};

    for (size_t i = 0; i < 2; i++) {
        for (unsigned fsc = 0; fsc < 64; fsc++) {
            /* WnR, CM, FnV and EA must not change the decision. */
            static const uint32_t extra[] = {0, ISS_WNR, ISS_CM | ISS_WNR, ISS_FNV | ISS_EA};
            for (size_t x = 0; x < sizeof(extra) / sizeof(extra[0]); x++) {
                esr_info_t e = decode(make(ecs[i], fsc | extra[x]));
                cr_assert_eq(e.action, want_action[fsc], "DFSC %#x (%s): %s, want %s", fsc,
                             e.fsc_name, esr_fsc_action_name(e.action),
                             esr_fsc_action_name(want_action[fsc]));
            }
        }
    }
}

Test(esr_fsc_action, every_code_as_instruction_abort)
{
    static const unsigned ecs[] = {EC_IABT_LOW, EC_IABT_CUR};

    for (size_t i = 0; i < 2; i++) {
        for (unsigned fsc = 0; fsc < 64; fsc++) {
            /* A data-only code in an IFSC is reserved: reported. */
            esr_fsc_action_t want = want_fsc[fsc].data_only ? RPT : want_action[fsc];
            esr_info_t e = decode(make(ecs[i], fsc));
            cr_assert_eq(e.action, want, "IFSC %#x (%s): %s, want %s", fsc, e.fsc_name,
                         esr_fsc_action_name(e.action), esr_fsc_action_name(want));
        }
    }
}

Test(esr_fsc_action, follows_the_kind)
{
    /* The same rule stated per kind: a second way to catch a mistyped row. */
    for (unsigned fsc = 0; fsc < 64; fsc++) {
        esr_info_t e = decode(make(EC_DABT_LOW, fsc));
        bool mapping = e.kind == ESR_FAULT_TRANSLATION || e.kind == ESR_FAULT_ACCESS_FLAG ||
                       e.kind == ESR_FAULT_PERMISSION;
        cr_assert_eq(e.action == MAP, mapping, "DFSC %#x (%s)", fsc, e.fsc_name);
        if (e.kind == ESR_FAULT_RESERVED || e.kind == ESR_FAULT_ADDRESS_SIZE ||
            e.kind == ESR_FAULT_IMPL_DEFINED || e.kind == ESR_FAULT_UNSUPPORTED_ATOMIC ||
            e.kind == ESR_FAULT_DOMAIN || e.kind == ESR_FAULT_GRANULE_PROTECTION ||
            e.kind == ESR_FAULT_TAG_CHECK)
            cr_assert_eq(e.action, RPT, "DFSC %#x (%s)", fsc, e.fsc_name);
        if (e.level != NONE &&
            (e.kind == ESR_FAULT_SYNC_EXTERNAL || e.kind == ESR_FAULT_SYNC_PARITY_ECC))
            cr_assert_eq(e.action, RPT, "DFSC %#x: an error on the kernel's table walk", fsc);
    }
}

Test(esr_fsc_action, non_aborts_have_none)
{
    for (unsigned ec = 0; ec < 64; ec++) {
        if (ec == EC_IABT_LOW || ec == EC_IABT_CUR || ec == EC_DABT_LOW || ec == EC_DABT_CUR)
            continue;
        cr_assert_eq(decode(make(ec, 0x1ffffff)).action, ESR_FSC_NONE, "EC %#x", ec);
    }
    cr_assert_str_eq(esr_fsc_action_name(ESR_FSC_MAPPING), "mapping");
    cr_assert_str_eq(esr_fsc_action_name(ESR_FSC_REPORT), "report");
    cr_assert_str_eq(esr_fsc_action_name((esr_fsc_action_t)77), "invalid");
}

/* ---- Syndromes measured on QEMU (docs: PLATFORM.md "MMU and faults") ---- */

Test(esr_qemu, svc_from_el0)
{
    esr_info_t e = decode(0x56000000);

    cr_assert_eq(e.ec, 0x15);
    cr_assert_eq(e.cls, ESR_CLASS_SVC);
    cr_assert(e.il);
    cr_assert_eq(e.iss, 0);
    cr_assert_eq(e.svc_imm, 0);
    cr_assert_eq(e.kind, ESR_FAULT_NONE);
    cr_assert_null(e.fsc_name);
    cr_assert_not(e.from_lower_el, "SVC does not encode the EL");

    e = decode(0x56001234);
    cr_assert_eq(e.svc_imm, 0x1234);
    e = decode(0x5600ffff);
    cr_assert_eq(e.svc_imm, 0xffff);

    e = decode(0x46000007); /* SVC from AArch32: not a faultline syscall */
    cr_assert_eq(e.cls, ESR_CLASS_OTHER);
    cr_assert_eq(e.svc_imm, 0);
}

static void check_abort(uint32_t esr, esr_class_t cls, bool lower, esr_fault_kind_t kind, int level,
                        esr_access_t access, bool wnr)
{
    esr_info_t e = decode(esr);

    cr_assert_eq(e.cls, cls, "%#x: class %s", esr, esr_class_name(e.cls));
    cr_assert(e.il, "%#x", esr);
    cr_assert_eq(e.from_lower_el, lower, "%#x", esr);
    cr_assert_eq(e.kind, kind, "%#x: kind %s", esr, esr_fault_kind_name(e.kind));
    cr_assert_eq(e.level, level, "%#x: level %d", esr, e.level);
    cr_assert_eq(e.access, access, "%#x: access %s", esr, esr_access_name(e.access));
    cr_assert_eq(e.wnr, wnr, "%#x", esr);
    cr_assert_not(e.cm || e.fnv || e.isv || e.s1ptw || e.ea, "%#x", esr);
    cr_assert(e.far_valid, "%#x", esr);
    cr_assert_not_null(e.fsc_name, "%#x", esr);
}

Test(esr_qemu, el0_write_to_unmapped_is_translation_l3_write)
{
    check_abort(0x92000047, ESR_CLASS_DATA_ABORT, true, ESR_FAULT_TRANSLATION, 3, ESR_ACCESS_WRITE,
                true);
    cr_assert_str_eq(decode(0x92000047).fsc_name, "translation fault, level 3");
}

Test(esr_qemu, el0_accesses_missing_l1_l0)
{
    /* ISS 0x45 / 0x44 have bit 6 (WnR) set: these were writes, not reads. */
    check_abort(0x92000045, ESR_CLASS_DATA_ABORT, true, ESR_FAULT_TRANSLATION, 1, ESR_ACCESS_WRITE,
                true);
    check_abort(0x92000044, ESR_CLASS_DATA_ABORT, true, ESR_FAULT_TRANSLATION, 0, ESR_ACCESS_WRITE,
                true);
    /* The same faults as reads. */
    check_abort(0x92000005, ESR_CLASS_DATA_ABORT, true, ESR_FAULT_TRANSLATION, 1, ESR_ACCESS_READ,
                false);
    check_abort(0x92000004, ESR_CLASS_DATA_ABORT, true, ESR_FAULT_TRANSLATION, 0, ESR_ACCESS_READ,
                false);
}

Test(esr_qemu, el0_read_of_kernel_page_is_permission_l1)
{
    check_abort(0x9200000d, ESR_CLASS_DATA_ABORT, true, ESR_FAULT_PERMISSION, 1, ESR_ACCESS_READ,
                false);
}

Test(esr_qemu, el0_write_to_read_only_is_permission_l3_write)
{
    check_abort(0x9200004f, ESR_CLASS_DATA_ABORT, true, ESR_FAULT_PERMISSION, 3, ESR_ACCESS_WRITE,
                true);
}

Test(esr_qemu, el0_write_with_af_clear_is_access_flag_l3)
{
    check_abort(0x9200004b, ESR_CLASS_DATA_ABORT, true, ESR_FAULT_ACCESS_FLAG, 3, ESR_ACCESS_WRITE,
                true);
}

Test(esr_qemu, el0_fetch_from_unmapped_is_exec)
{
    check_abort(0x82000007, ESR_CLASS_INSTR_ABORT, true, ESR_FAULT_TRANSLATION, 3, ESR_ACCESS_EXEC,
                false);
    cr_assert_eq(decode(0x82000007).ec, 0x20);
}

Test(esr_qemu, kernel_load_under_pan_is_same_el_permission_l3)
{
    check_abort(0x9600000f, ESR_CLASS_DATA_ABORT, false, ESR_FAULT_PERMISSION, 3, ESR_ACCESS_READ,
                false);
    cr_assert_eq(decode(0x9600000f).ec, 0x25);
}

/* ---- Constructed cases: CM, FnV, ISV, RES0 bits in instruction aborts ---- */

Test(esr_bits, cache_maintenance_counts_as_read)
{
    /* DC CIVAC on an unmapped page from EL0: CM = 1 and WnR = 1 (the Arm ARM says WnR is
     * always 1 for cache maintenance), translation L3. */
    esr_info_t e = decode(make(EC_DABT_LOW, ISS_CM | ISS_WNR | 0x07));

    cr_assert(e.cm);
    cr_assert(e.wnr, "WnR is recorded as the hardware reported it");
    cr_assert_eq(e.access, ESR_ACCESS_READ);
    cr_assert_eq(e.kind, ESR_FAULT_TRANSLATION);
    cr_assert_eq(e.level, 3);

    e = decode(make(EC_DABT_CUR, ISS_CM | 0x0f));
    cr_assert(e.cm);
    cr_assert_eq(e.access, ESR_ACCESS_READ);
}

Test(esr_bits, fnv_makes_far_invalid)
{
    /* Synchronous external abort with FnV = 1, data and instruction side. */
    esr_info_t e = decode(make(EC_DABT_LOW, ISS_FNV | ISS_EA | 0x10));

    cr_assert(e.fnv);
    cr_assert_not(e.far_valid);
    cr_assert(e.ea);
    cr_assert_eq(e.kind, ESR_FAULT_SYNC_EXTERNAL);
    cr_assert_eq(e.level, ESR_LEVEL_NONE);

    e = decode(make(EC_IABT_LOW, ISS_FNV | 0x10));
    cr_assert(e.fnv);
    cr_assert_not(e.far_valid);
    cr_assert_eq(e.access, ESR_ACCESS_EXEC);

    e = decode(make(EC_DABT_LOW, 0x10));
    cr_assert_not(e.fnv);
    cr_assert(e.far_valid);
}

Test(esr_bits, isv_s1ptw_only_where_defined)
{
    esr_info_t e = decode(make(EC_DABT_LOW, ISS_ISV | ISS_S1PT | 0x07));

    cr_assert(e.isv);
    cr_assert(e.s1ptw);

    /* In an instruction abort ISS[24], ISS[8] and ISS[6] are RES0: never report them. */
    e = decode(make(EC_IABT_LOW, ISS_ISV | ISS_CM | ISS_WNR | ISS_S1PT | 0x07));
    cr_assert_not(e.isv);
    cr_assert_not(e.cm);
    cr_assert_not(e.wnr);
    cr_assert(e.s1ptw);
    cr_assert_eq(e.access, ESR_ACCESS_EXEC);
    cr_assert_eq(e.kind, ESR_FAULT_TRANSLATION);
}

Test(esr_bits, atomic_on_unmapped_page_reports_read)
{
    /* LDADD on an unmapped page: the Arm ARM sets WnR = 0 because a read would have faulted the
     * same way; the decoder reports what the hardware says (see esr.c). */
    cr_assert_eq(decode(make(EC_DABT_LOW, 0x07)).access, ESR_ACCESS_READ);
    /* The same atomic on a read-only page: a read would not fault, so WnR = 1. */
    cr_assert_eq(decode(make(EC_DABT_LOW, ISS_WNR | 0x0f)).access, ESR_ACCESS_WRITE);
}

/* ---- Name helpers ---- */

Test(esr_names, fault_kinds_access_and_classes)
{
    for (int k = ESR_FAULT_NONE; k <= ESR_FAULT_RESERVED; k++) {
        const char *n = esr_fault_kind_name((esr_fault_kind_t)k);
        cr_assert_not_null(n);
        cr_assert_str_neq(n, "invalid", "kind %d", k);
        for (int j = ESR_FAULT_NONE; j < k; j++)
            cr_assert_str_neq(n, esr_fault_kind_name((esr_fault_kind_t)j), "kinds %d %d", j, k);
    }
    cr_assert_str_eq(esr_fault_kind_name(ESR_FAULT_TRANSLATION), "translation");
    cr_assert_str_eq(esr_fault_kind_name(ESR_FAULT_PERMISSION), "permission");
    cr_assert_str_eq(esr_fault_kind_name((esr_fault_kind_t)99), "invalid");

    cr_assert_str_eq(esr_access_name(ESR_ACCESS_READ), "read");
    cr_assert_str_eq(esr_access_name(ESR_ACCESS_WRITE), "write");
    cr_assert_str_eq(esr_access_name(ESR_ACCESS_EXEC), "exec");
    cr_assert_str_eq(esr_access_name((esr_access_t)7), "invalid");

    for (int c = ESR_CLASS_UNKNOWN; c <= ESR_CLASS_OTHER; c++)
        cr_assert_str_neq(esr_class_name((esr_class_t)c), "invalid", "class %d", c);
    cr_assert_str_eq(esr_class_name((esr_class_t)42), "invalid");
}
