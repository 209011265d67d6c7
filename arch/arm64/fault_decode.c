/* EL0 exception -> fault message fields; see fault_decode.h. */
#include <arch/fault_decode.h>
#include <faultline/fault.h>
#include <faultline/types.h>

bool insn_is_atomic_rmw(uint32_t insn)
{
    /* Encodings from the Arm ARM C4.1 "A64 instruction set encoding", loads and stores. Every
     * form below has 0x08 or 0x38 in bits 29-24; the loads that fault most (immediate
     * offsets: 0x39, pairs: 0x29, ...) are told apart by that alone. */
    uint32_t op = insn >> 24 & 0x3f;
    if (op != 0x08 && op != 0x38)
        return false;
    if ((insn & 0x3f200c00u) == 0x38200000u)
        return true; /* atomic memory operations: LDADD/LDCLR/LDEOR/LDSET/LD[SU]MAX/MIN, SWP */
    if ((insn & 0x3fa07c00u) == 0x08a07c00u)
        return true; /* CAS, CASA, CASL, CASAL (B/H/W/X) */
    if ((insn & 0xbfa07c00u) == 0x08207c00u)
        return true; /* CASP family */
    if ((insn & 0x3fc00000u) == 0x08400000u)
        return true; /* LDXR, LDAXR, LDXP, LDAXP: the store-exclusive will write */
    return false;
}

static unsigned kind_of(esr_fault_kind_t k)
{
    switch (k) {
    case ESR_FAULT_TRANSLATION: return FL_FAULT_TRANSLATION;
    case ESR_FAULT_PERMISSION: return FL_FAULT_PERMISSION;
    case ESR_FAULT_ACCESS_FLAG: return FL_FAULT_ACCESS_FLAG;
    case ESR_FAULT_ALIGNMENT: return FL_FAULT_ALIGNMENT;
    case ESR_FAULT_ADDRESS_SIZE: return FL_FAULT_ADDRESS_SIZE;
    case ESR_FAULT_SYNC_EXTERNAL:
    case ESR_FAULT_SYNC_PARITY_ECC: return FL_FAULT_EXTERNAL;
    default: return FL_FAULT_OTHER;
    }
}

static unsigned exception_kind(esr_class_t c)
{
    switch (c) {
    case ESR_CLASS_UNKNOWN:
    case ESR_CLASS_ILLEGAL_STATE: return FL_EXC_UNDEFINED;
    case ESR_CLASS_PC_ALIGN: return FL_EXC_PC_ALIGN;
    case ESR_CLASS_SP_ALIGN: return FL_EXC_SP_ALIGN;
    case ESR_CLASS_BREAKPOINT: return FL_EXC_BREAKPOINT;
    case ESR_CLASS_FP_EXC: return FL_EXC_FP;
    default: return FL_EXC_SYSTEM;
    }
}

void fault_decode(const esr_info_t *e, uint64_t far, bool have_insn, uint32_t insn,
                  fault_decoded_t *out)
{
    *out = (fault_decoded_t){0};
    out->flags = e->far_valid ? FL_FAULT_FAR_VALID : 0;
    out->addr = e->far_valid ? far : 0;
    if (e->cls != ESR_CLASS_DATA_ABORT && e->cls != ESR_CLASS_INSTR_ABORT) {
        out->kind = exception_kind(e->cls);
        out->level = -1;
        return;
    }
    out->is_memory = true;
    out->fsc_class = (uint8_t)e->action;
    /* Only codes about the memory itself reach the pager; the rest (a TLB conflict that
     * outlived its invalidation included) are the exception handler's. */
    out->to_pager = e->action == ESR_FSC_MAPPING || e->action == ESR_FSC_PAGER;
    out->kind = kind_of(e->kind);
    out->level = e->level == ESR_LEVEL_NONE ? -1 : e->level;
    switch (e->access) {
    case ESR_ACCESS_EXEC: out->access = FL_FAULT_EXEC; break;
    case ESR_ACCESS_WRITE: out->access = FL_FAULT_WRITE; break;
    default: out->access = FL_FAULT_READ; break;
    }
    if (!e->cm && have_insn)
        fault_decode_atomic(out, insn);
}

void fault_decode_atomic(fault_decoded_t *d, uint32_t insn)
{
    /* The read half of an atomic faults first; answering it read-only would only fault again
     * on the write half, so report the write now. */
    if (d->access == FL_FAULT_READ && insn_is_atomic_rmw(insn)) {
        d->access = FL_FAULT_WRITE;
        d->flags |= FL_FAULT_ATOMIC;
    }
}

bool fault_decode_fast(const uint32_t table[FAULT_FAST_ENTRIES], uint64_t esr, uint64_t far,
                       fault_decoded_t *out)
{
    unsigned ec = (unsigned)(esr >> 26) & 0x3f;
    if ((ec != 0x20 && ec != 0x24) || (esr & FAULT_FAST_MUST_BE_ZERO))
        return false;
    uint32_t info = table[FAULT_FAST_INDEX(esr)];
    if (!info)
        return false;
    *out = (fault_decoded_t){
        .is_memory = true,
        .to_pager = true,
        .fsc_class = ESR_FSC_MAPPING,
        .access = FL_FAULT_ACCESS(info),
        .kind = FL_FAULT_KIND(info),
        .level = FL_FAULT_LEVEL(info),
        .flags = FL_FAULT_FLAGS(info),
        .addr = far,
    };
    return true;
}

static fault_settle_t settle_decision(const fault_decoded_t *d, bool mapped, unsigned prot)
{
    if (!d->is_memory)
        return FAULT_FORWARD;
    if (d->fsc_class == ESR_FSC_TLB_CONFLICT)
        return FAULT_RETRY_ASID; /* whatever is mapped: the TLB itself is inconsistent */
    if (d->fsc_class != ESR_FSC_MAPPING || !mapped)
        return FAULT_FORWARD;
    if (d->kind == FL_FAULT_ACCESS_FLAG)
        return FAULT_SET_AF;
    unsigned need = d->access == FL_FAULT_WRITE  ? FL_PROT_WRITE
                    : d->access == FL_FAULT_EXEC ? FL_PROT_EXEC
                                                 : FL_PROT_READ;
    /* Mapped with the right, yet a translation or permission fault: the walk used a stale
     * entry (the mapping changed without invalidation, e.g. rights gained, or on another CPU). */
    return (prot & need) == need ? FAULT_RETRY_PAGE : FAULT_FORWARD;
}

fault_settle_t fault_settle(const fault_decoded_t *d, uint64_t pc, bool mapped, unsigned prot,
                            uint64_t last[3])
{
    /* kind is never 0 for an abort, so a zeroed record matches nothing. */
    uint64_t key[3] = {pc, d->addr, d->access | (uint64_t)d->kind << 8};
    bool repeat = key[0] == last[0] && key[1] == last[1] && key[2] == last[2];
    fault_settle_t what = repeat ? FAULT_FORWARD : settle_decision(d, mapped, prot);

    for (int i = 0; i < 3; i++)
        last[i] = what == FAULT_FORWARD ? 0 : key[i];
    return what;
}

/* The info word for an abort the fast path may forward (fault_decode.h), or 0. */
static uint32_t fast_info(uint64_t esr)
{
    esr_info_t e;
    fault_decoded_t d;
    esr_decode(esr, &e);
    fault_decode(&e, FL_PAGE_SIZE, false, 0, &d);
    if (!d.is_memory || !d.to_pager || d.fsc_class != ESR_FSC_MAPPING ||
        !(d.flags & FL_FAULT_FAR_VALID) ||
        (d.kind != FL_FAULT_TRANSLATION && d.kind != FL_FAULT_PERMISSION))
        return 0;
    return (uint32_t)FL_FAULT_INFO(d.access, d.kind, d.level, d.flags, 0);
}

void fault_fast_table(uint32_t table[FAULT_FAST_ENTRIES])
{
    for (unsigned i = 0; i < FAULT_FAST_ENTRIES; i++) {
        uint64_t ec = (i & 0x80) ? 0x20 : 0x24; /* instruction or data abort from EL0 */
        uint64_t esr = ec << 26 | (i & 0x7f);
        uint32_t info = fast_info(esr);
        /* Only where no ignored bit changes the decode. */
        if (info != fast_info(esr | FAULT_FAST_IGNORED_BITS) ||
            info != fast_info(esr | (1UL << 25)) || info != fast_info(esr | (1UL << 24)))
            info = 0;
        table[i] = info;
    }
}
