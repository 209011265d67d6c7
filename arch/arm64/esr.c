/*
 * ESR_EL1 decoder. Two const tables do all the work: one row per exception class (EC, 64 rows)
 * and one row per fault status code (DFSC/IFSC, 64 rows). Nothing here touches a system
 * register, so the same file runs in the kernel and on the host.
 *
 * References are to the Arm Architecture Reference Manual for A-profile (DDI 0487), register
 * description "ESR_EL1, Exception Syndrome Register (EL1)": the EC field table, and the ISS
 * encodings "ISS encoding for an exception from a Data Abort", "... from an Instruction Abort"
 * and "... from HVC or SVC instruction execution".
 */
#include <arch/esr.h>
#include <stddef.h>

/* ESR_EL1 fields (ESR_EL1: EC bits [31:26], IL bit [25], ISS bits [24:0]). */
#define ESR_EC_SHIFT 26
#define ESR_EC_MASK  0x3fu
#define ESR_IL       (UINT64_C(1) << 25)
#define ESR_ISS_MASK 0x1ffffffu

/* ISS for Data and Instruction Aborts ("ISS encoding for an exception from a Data Abort" and
 * "... from an Instruction Abort"). WnR, CM and ISV exist only in the Data Abort encoding; the
 * same bits are RES0 for Instruction Aborts. */
#define ISS_ABT_ISV   (1u << 24) /* instruction syndrome (SAS, SRT, ...) valid */
#define ISS_ABT_FNV   (1u << 10) /* FAR not valid */
#define ISS_ABT_EA    (1u << 9)  /* external abort type, IMPLEMENTATION DEFINED */
#define ISS_ABT_CM    (1u << 8)  /* cache maintenance / address translation instruction */
#define ISS_ABT_S1PTW (1u << 7)  /* stage 2 fault on a stage 1 table walk */
#define ISS_ABT_WNR   (1u << 6)  /* write not read */
#define ISS_ABT_FSC   0x3fu      /* DFSC / IFSC */

/* ISS for SVC ("ISS encoding for an exception from HVC or SVC instruction execution"). */
#define ISS_SVC_IMM16 0xffffu

/* EC table row flags. */
#define EC_LOWER 1u /* the EC itself says "from a lower Exception level" */
#define EC_FAR   2u /* FAR_EL1 is set for this EC (aborts additionally check FnV) */

typedef struct {
    const char *name;
    uint8_t cls; /* esr_class_t */
    uint8_t flags;
} ec_row_t;

/* Row contents, used as {EC_RESERVED}: an unallocated EC value. */
#define EC_RESERVED "reserved EC", ESR_CLASS_OTHER, 0

/*
 * ESR_EL1.EC, one row per value. Unallocated values are listed explicitly so that every row has
 * a name. Feature-gated classes are decoded whether or not the feature exists: a class the CPU
 * cannot raise costs nothing, a missing row would print nothing useful.
 */
static const ec_row_t ec_table[64] = {
    [0x00] = {"unknown reason", ESR_CLASS_UNKNOWN, 0},
    [0x01] = {"trapped WFI/WFE", ESR_CLASS_OTHER, 0},
    [0x02] = {EC_RESERVED},
    [0x03] = {"trapped AArch32 MCR/MRC (coproc 15)", ESR_CLASS_OTHER, 0},
    [0x04] = {"trapped AArch32 MCRR/MRRC (coproc 15)", ESR_CLASS_OTHER, 0},
    [0x05] = {"trapped AArch32 MCR/MRC (coproc 14)", ESR_CLASS_OTHER, 0},
    [0x06] = {"trapped AArch32 LDC/STC", ESR_CLASS_OTHER, 0},
    /* CPACR_EL1.FPEN: the lazy FP enable path. SVE (0x19) and SME (0x1D) traps are separate
     * controls, so they are not FP_ACCESS: enabling FPEN would not clear them. */
    [0x07] = {"SIMD/FP access trap", ESR_CLASS_FP_ACCESS, 0},
    [0x08] = {"trapped VMRS (ID group, EL2 only)", ESR_CLASS_OTHER, 0},
    [0x09] = {"trapped pointer authentication instruction", ESR_CLASS_OTHER, 0},
    [0x0A] = {"trapped LD64B/ST64B* or other instruction", ESR_CLASS_OTHER, 0},
    [0x0B] = {EC_RESERVED},
    [0x0C] = {"trapped AArch32 MRRC (coproc 14)", ESR_CLASS_OTHER, 0},
    [0x0D] = {"branch target exception (BTI)", ESR_CLASS_OTHER, 0},
    [0x0E] = {"illegal execution state", ESR_CLASS_ILLEGAL_STATE, 0},
    [0x0F] = {EC_RESERVED},
    [0x10] = {EC_RESERVED},
    /* AArch32 system calls use another ABI; faultline has no AArch32 EL0, so not SVC. */
    [0x11] = {"SVC from AArch32", ESR_CLASS_OTHER, 0},
    [0x12] = {"HVC from AArch32", ESR_CLASS_OTHER, 0},
    [0x13] = {"SMC from AArch32", ESR_CLASS_OTHER, 0},
    [0x14] = {EC_RESERVED},
    [0x15] = {"SVC from AArch64", ESR_CLASS_SVC, 0},
    [0x16] = {"HVC from AArch64", ESR_CLASS_OTHER, 0},
    [0x17] = {"SMC from AArch64", ESR_CLASS_OTHER, 0},
    [0x18] = {"trapped MSR/MRS/system instruction", ESR_CLASS_SYSREG, 0},
    [0x19] = {"SVE access trap", ESR_CLASS_OTHER, 0},
    [0x1A] = {"trapped ERET/ERETAA/ERETAB", ESR_CLASS_OTHER, 0},
    [0x1B] = {"TSTART exception (FEAT_TME)", ESR_CLASS_OTHER, 0},
    [0x1C] = {"pointer authentication failure (FPAC)", ESR_CLASS_OTHER, 0},
    [0x1D] = {"SME access trap", ESR_CLASS_OTHER, 0},
    [0x1E] = {"granule protection check (EL3 only)", ESR_CLASS_OTHER, 0},
    [0x1F] = {"IMPLEMENTATION DEFINED (EL3 only)", ESR_CLASS_OTHER, 0},
    [0x20] = {"instruction abort from lower EL", ESR_CLASS_INSTR_ABORT, EC_LOWER | EC_FAR},
    [0x21] = {"instruction abort from same EL", ESR_CLASS_INSTR_ABORT, EC_FAR},
    [0x22] = {"PC alignment fault", ESR_CLASS_PC_ALIGN, EC_FAR},
    [0x23] = {EC_RESERVED},
    [0x24] = {"data abort from lower EL", ESR_CLASS_DATA_ABORT, EC_LOWER | EC_FAR},
    [0x25] = {"data abort from same EL", ESR_CLASS_DATA_ABORT, EC_FAR},
    /* FAR_EL1 is UNKNOWN for an SP alignment fault. */
    [0x26] = {"SP alignment fault", ESR_CLASS_SP_ALIGN, 0},
    [0x27] = {"memory operation exception (FEAT_MOPS)", ESR_CLASS_OTHER, 0},
    [0x28] = {"trapped AArch32 FP exception", ESR_CLASS_FP_EXC, 0},
    [0x29] = {EC_RESERVED},
    [0x2A] = {EC_RESERVED},
    [0x2B] = {EC_RESERVED},
    [0x2C] = {"trapped AArch64 FP exception", ESR_CLASS_FP_EXC, 0},
    [0x2D] = {"guarded control stack exception (FEAT_GCS)", ESR_CLASS_OTHER, 0},
    [0x2E] = {EC_RESERVED},
    [0x2F] = {"SError", ESR_CLASS_SERROR, 0},
    [0x30] = {"breakpoint from lower EL", ESR_CLASS_BREAKPOINT, EC_LOWER},
    [0x31] = {"breakpoint from same EL", ESR_CLASS_BREAKPOINT, 0},
    [0x32] = {"software step from lower EL", ESR_CLASS_BREAKPOINT, EC_LOWER},
    [0x33] = {"software step from same EL", ESR_CLASS_BREAKPOINT, 0},
    [0x34] = {"watchpoint from lower EL", ESR_CLASS_BREAKPOINT, EC_LOWER | EC_FAR},
    [0x35] = {"watchpoint from same EL", ESR_CLASS_BREAKPOINT, EC_FAR},
    [0x36] = {EC_RESERVED},
    [0x37] = {EC_RESERVED},
    [0x38] = {"BKPT from AArch32", ESR_CLASS_BREAKPOINT, 0},
    [0x39] = {EC_RESERVED},
    [0x3A] = {"vector catch from AArch32 (EL2 only)", ESR_CLASS_BREAKPOINT, 0},
    [0x3B] = {EC_RESERVED},
    [0x3C] = {"BRK from AArch64", ESR_CLASS_BREAKPOINT, 0},
    /* Recent Arm ARM revisions (FEAT_EBEP, FEAT_SPE_EXC, FEAT_TRBE_EXC). */
    [0x3D] = {"profiling exception", ESR_CLASS_OTHER, 0},
    [0x3E] = {EC_RESERVED},
    [0x3F] = {EC_RESERVED},
};

/* FSC table row flags. */
#define FSC_DATA_ONLY 1u /* allocated for DFSC only; reserved as an IFSC */

typedef struct {
    uint8_t kind;   /* esr_fault_kind_t */
    uint8_t action; /* esr_fsc_action_t */
    int8_t level;
    uint8_t flags;
    const char *name;
} fsc_row_t;

#define NOLVL ESR_LEVEL_NONE
/* The action column (esr.h explains each), short so that a row stays on one line. */
#define MAP  ESR_FSC_MAPPING
#define TLBC ESR_FSC_TLB_CONFLICT
#define PGR  ESR_FSC_PAGER
#define RPT  ESR_FSC_REPORT
/* Row contents, used as {FSC_RESERVED}: an unallocated code. Nothing can be done about a code
 * the architecture does not define: it is reported. */
#define FSC_RESERVED ESR_FAULT_RESERVED, RPT, NOLVL, 0, "reserved fault status code"

/*
 * DFSC/IFSC (ESR_EL1 ISS[5:0], Data Abort "DFSC" and Instruction Abort "IFSC" field tables).
 * Columns: kind, action, level, flags, name. The action column is the one place that decides
 * what the kernel does with each code (the split Linux makes in arch/arm64/mm/fault.c
 * fault_info[]): only the codes a page-table change explains (MAP) may be a stale TLB entry or
 * go to the pager as a page to map; a TLB conflict (TLBC) is cured by invalidating, once;
 * alignment and synchronous external or parity errors on the access itself (PGR) are about the
 * memory the pager put there, so the pager hears of them but the kernel never retries them;
 * everything else (RPT: address size, walk errors, tag check, unsupported atomic update,
 * unsupported exclusive or atomic access, lockdown, granule protection, domain, reserved) no
 * mapping can fix, and it goes to the thread's exception handler or stops the thread.
 * Level -1 codes come with FEAT_LPA2, level -2 codes with FEAT_D128, Granule Protection Faults
 * with FEAT_RME. 0x18 and 0x1B..0x1F are reserved when FEAT_RAS is implemented; they are kept
 * so that a CPU without RAS decodes. AArch32's 0x22 "debug event" does not exist in AArch64
 * (debug exceptions have their own ECs); there 0x22 is a level -2 Granule Protection Fault.
 */
static const fsc_row_t fsc_table[64] = {
    [0x00] = {ESR_FAULT_ADDRESS_SIZE, RPT, 0, 0, "address size fault, level 0 or TTBR"},
    [0x01] = {ESR_FAULT_ADDRESS_SIZE, RPT, 1, 0, "address size fault, level 1"},
    [0x02] = {ESR_FAULT_ADDRESS_SIZE, RPT, 2, 0, "address size fault, level 2"},
    [0x03] = {ESR_FAULT_ADDRESS_SIZE, RPT, 3, 0, "address size fault, level 3"},
    [0x04] = {ESR_FAULT_TRANSLATION, MAP, 0, 0, "translation fault, level 0"},
    [0x05] = {ESR_FAULT_TRANSLATION, MAP, 1, 0, "translation fault, level 1"},
    [0x06] = {ESR_FAULT_TRANSLATION, MAP, 2, 0, "translation fault, level 2"},
    [0x07] = {ESR_FAULT_TRANSLATION, MAP, 3, 0, "translation fault, level 3"},
    [0x08] = {ESR_FAULT_ACCESS_FLAG, MAP, 0, 0, "access flag fault, level 0"},
    [0x09] = {ESR_FAULT_ACCESS_FLAG, MAP, 1, 0, "access flag fault, level 1"},
    [0x0A] = {ESR_FAULT_ACCESS_FLAG, MAP, 2, 0, "access flag fault, level 2"},
    [0x0B] = {ESR_FAULT_ACCESS_FLAG, MAP, 3, 0, "access flag fault, level 3"},
    [0x0C] = {ESR_FAULT_PERMISSION, MAP, 0, 0, "permission fault, level 0"},
    [0x0D] = {ESR_FAULT_PERMISSION, MAP, 1, 0, "permission fault, level 1"},
    [0x0E] = {ESR_FAULT_PERMISSION, MAP, 2, 0, "permission fault, level 2"},
    [0x0F] = {ESR_FAULT_PERMISSION, MAP, 3, 0, "permission fault, level 3"},
    [0x10] = {ESR_FAULT_SYNC_EXTERNAL, PGR, NOLVL, 0, "synchronous external abort"},
    /* FEAT_MTE2. FAR_EL1 bits [63:60] are UNKNOWN for tag check faults. */
    [0x11] = {ESR_FAULT_TAG_CHECK, RPT, NOLVL, FSC_DATA_ONLY, "synchronous tag check fault"},
    [0x12] = {ESR_FAULT_SYNC_EXTERNAL, RPT, -2, 0, "synchronous external abort on walk, level -2"},
    [0x13] = {ESR_FAULT_SYNC_EXTERNAL, RPT, -1, 0, "synchronous external abort on walk, level -1"},
    [0x14] = {ESR_FAULT_SYNC_EXTERNAL, RPT, 0, 0, "synchronous external abort on walk, level 0"},
    [0x15] = {ESR_FAULT_SYNC_EXTERNAL, RPT, 1, 0, "synchronous external abort on walk, level 1"},
    [0x16] = {ESR_FAULT_SYNC_EXTERNAL, RPT, 2, 0, "synchronous external abort on walk, level 2"},
    [0x17] = {ESR_FAULT_SYNC_EXTERNAL, RPT, 3, 0, "synchronous external abort on walk, level 3"},
    [0x18] = {ESR_FAULT_SYNC_PARITY_ECC, PGR, NOLVL, 0, "synchronous parity/ECC error"},
    [0x19] = {FSC_RESERVED},
    [0x1A] = {FSC_RESERVED},
    [0x1B] = {ESR_FAULT_SYNC_PARITY_ECC, RPT, -1, 0,
              "synchronous parity/ECC error on walk, level -1"},
    [0x1C] = {ESR_FAULT_SYNC_PARITY_ECC, RPT, 0, 0,
              "synchronous parity/ECC error on walk, level 0"},
    [0x1D] = {ESR_FAULT_SYNC_PARITY_ECC, RPT, 1, 0,
              "synchronous parity/ECC error on walk, level 1"},
    [0x1E] = {ESR_FAULT_SYNC_PARITY_ECC, RPT, 2, 0,
              "synchronous parity/ECC error on walk, level 2"},
    [0x1F] = {ESR_FAULT_SYNC_PARITY_ECC, RPT, 3, 0,
              "synchronous parity/ECC error on walk, level 3"},
    [0x20] = {FSC_RESERVED},
    [0x21] = {ESR_FAULT_ALIGNMENT, PGR, NOLVL, FSC_DATA_ONLY, "alignment fault"},
    [0x22] = {ESR_FAULT_GRANULE_PROTECTION, RPT, -2, 0,
              "granule protection fault on walk, level -2"},
    [0x23] = {ESR_FAULT_GRANULE_PROTECTION, RPT, -1, 0,
              "granule protection fault on walk, level -1"},
    [0x24] = {ESR_FAULT_GRANULE_PROTECTION, RPT, 0, 0, "granule protection fault on walk, level 0"},
    [0x25] = {ESR_FAULT_GRANULE_PROTECTION, RPT, 1, 0, "granule protection fault on walk, level 1"},
    [0x26] = {ESR_FAULT_GRANULE_PROTECTION, RPT, 2, 0, "granule protection fault on walk, level 2"},
    [0x27] = {ESR_FAULT_GRANULE_PROTECTION, RPT, 3, 0, "granule protection fault on walk, level 3"},
    [0x28] = {ESR_FAULT_GRANULE_PROTECTION, RPT, NOLVL, 0, "granule protection fault"},
    [0x29] = {ESR_FAULT_ADDRESS_SIZE, RPT, -1, 0, "address size fault, level -1"},
    [0x2A] = {ESR_FAULT_TRANSLATION, MAP, -2, 0, "translation fault, level -2"},
    [0x2B] = {ESR_FAULT_TRANSLATION, MAP, -1, 0, "translation fault, level -1"},
    [0x2C] = {ESR_FAULT_ADDRESS_SIZE, RPT, -2, 0, "address size fault, level -2"},
    [0x2D] = {FSC_RESERVED},
    [0x2E] = {FSC_RESERVED},
    [0x2F] = {FSC_RESERVED},
    [0x30] = {ESR_FAULT_TLB_CONFLICT, TLBC, NOLVL, 0, "TLB conflict abort"},
    /* FEAT_HAFDBS: the hardware AF/dirty update could not be done atomically. */
    [0x31] = {ESR_FAULT_UNSUPPORTED_ATOMIC, RPT, NOLVL, 0, "unsupported atomic hardware update"},
    /* Listed as "PLB conflict abort" in recent Arm ARM revisions; which feature introduces it
     * was not verified. Grouped with TLB conflict: both are fatal, not resolvable by mapping. */
    [0x32] = {ESR_FAULT_TLB_CONFLICT, RPT, NOLVL, 0, "PLB conflict abort"},
    [0x33] = {FSC_RESERVED},
    [0x34] = {ESR_FAULT_IMPL_DEFINED, RPT, NOLVL, FSC_DATA_ONLY,
              "IMPLEMENTATION DEFINED (lockdown)"},
    [0x35] = {ESR_FAULT_IMPL_DEFINED, RPT, NOLVL, FSC_DATA_ONLY,
              "IMPLEMENTATION DEFINED (unsupported exclusive or atomic access)"},
    [0x36] = {FSC_RESERVED},
    [0x37] = {FSC_RESERVED},
    [0x38] = {FSC_RESERVED},
    [0x39] = {FSC_RESERVED},
    [0x3A] = {FSC_RESERVED},
    [0x3B] = {FSC_RESERVED},
    [0x3C] = {FSC_RESERVED},
    /* Defined "only for faults reported in the PAR_EL1": an ESR should never carry them. */
    [0x3D] = {ESR_FAULT_DOMAIN, RPT, NOLVL, FSC_DATA_ONLY, "section domain fault (PAR_EL1 only)"},
    [0x3E] = {ESR_FAULT_DOMAIN, RPT, NOLVL, FSC_DATA_ONLY, "page domain fault (PAR_EL1 only)"},
    [0x3F] = {FSC_RESERVED},
};

static const fsc_row_t fsc_reserved_ifsc = {ESR_FAULT_RESERVED, RPT, NOLVL, 0,
                                            "reserved fault status code (data abort only)"};

_Static_assert(sizeof(ec_table) / sizeof(ec_table[0]) == ESR_EC_MASK + 1, "one row per EC");
_Static_assert(sizeof(fsc_table) / sizeof(fsc_table[0]) == ISS_ABT_FSC + 1, "one row per FSC");

/*
 * Access type of a Data Abort (ESR_EL1, "ISS encoding for an exception from a Data Abort",
 * fields WnR and CM).
 *
 * CM = 1: the abort came from a cache maintenance or address translation instruction, for which
 * "WnR always returns a value of 1"; WnR says nothing, and such an instruction never needs the
 * page to be writable, so it counts as a read (as Linux's is_write_abort() does).
 *
 * Atomic read-modify-write instructions (LDADD and the other LSE atomics, CAS, SWP): the Arm ARM
 * says, under the WnR field, "For faults from an atomic instruction that both reads and writes
 * from a memory location, this bit is set to 0 if a read of the address specified by the
 * instruction would have generated the fault which is being reported, otherwise it is set to 1."
 * A read of an unmapped address faults too, so an atomic on a page that is not mapped (a
 * Translation, Access flag or Address size fault) reports WnR = 0 and decodes here as READ; only
 * a Permission fault on a readable, non-writable page reports WnR = 1 (WRITE). WnR is also
 * UNKNOWN for an External abort on an atomic access and for DFSC 0x31 and 0x35. So ESR alone
 * cannot make "an atomic counts as a write on its first fault": a fault handler that maps a
 * read-only page on a READ fault will take a second, permission fault for the same atomic. It
 * has to look at the instruction at ELR_EL1, or map writable regions writable on any fault.
 *
 * Exclusive pairs are two instructions: LDXR faults as a read, STXR as a write. A pair on a fresh
 * page can fault twice; that is still correct, as the exception return clears the exclusive
 * monitor, STXR fails and the loop retries.
 */
static esr_access_t data_abort_access(uint32_t iss)
{
    if (iss & ISS_ABT_CM)
        return ESR_ACCESS_READ;
    return (iss & ISS_ABT_WNR) ? ESR_ACCESS_WRITE : ESR_ACCESS_READ;
}

static void decode_abort(esr_info_t *out, bool data)
{
    uint32_t iss = out->iss;
    const fsc_row_t *row = &fsc_table[iss & ISS_ABT_FSC];

    if (!data && (row->flags & FSC_DATA_ONLY))
        row = &fsc_reserved_ifsc;
    out->fsc = (uint8_t)(iss & ISS_ABT_FSC);
    out->kind = (esr_fault_kind_t)row->kind;
    out->action = (esr_fsc_action_t)row->action;
    out->level = row->level;
    out->fsc_name = row->name;
    out->fnv = (iss & ISS_ABT_FNV) != 0;
    out->ea = (iss & ISS_ABT_EA) != 0;
    out->s1ptw = (iss & ISS_ABT_S1PTW) != 0;
    if (data) {
        out->isv = (iss & ISS_ABT_ISV) != 0;
        out->cm = (iss & ISS_ABT_CM) != 0;
        out->wnr = (iss & ISS_ABT_WNR) != 0;
        out->access = data_abort_access(iss);
    } else {
        out->access = ESR_ACCESS_EXEC;
    }
    /* FnV: "FAR is not valid, and holds an UNKNOWN value". */
    out->far_valid = !out->fnv;
}

void esr_decode(uint64_t esr, esr_info_t *out)
{
    uint8_t ec = (uint8_t)((esr >> ESR_EC_SHIFT) & ESR_EC_MASK);
    const ec_row_t *row = &ec_table[ec];

    *out = (esr_info_t){
        .raw = esr,
        .ec = ec,
        .il = (esr & ESR_IL) != 0,
        .iss = (uint32_t)(esr & ESR_ISS_MASK),
        .cls = (esr_class_t)row->cls,
        .ec_name = row->name,
        .from_lower_el = (row->flags & EC_LOWER) != 0,
        .far_valid = (row->flags & EC_FAR) != 0,
        .fsc = 0,
        .kind = ESR_FAULT_NONE,
        .action = ESR_FSC_NONE,
        .level = ESR_LEVEL_NONE,
        .fsc_name = NULL,
        .access = ESR_ACCESS_READ,
    };
    switch (out->cls) {
    case ESR_CLASS_DATA_ABORT: decode_abort(out, true); break;
    case ESR_CLASS_INSTR_ABORT: decode_abort(out, false); break;
    case ESR_CLASS_SVC: out->svc_imm = (uint16_t)(out->iss & ISS_SVC_IMM16); break;
    default: break;
    }
}

const char *esr_fault_kind_name(esr_fault_kind_t k)
{
    static const char *const names[] = {
        [ESR_FAULT_NONE] = "none",
        [ESR_FAULT_ADDRESS_SIZE] = "address size",
        [ESR_FAULT_TRANSLATION] = "translation",
        [ESR_FAULT_ACCESS_FLAG] = "access flag",
        [ESR_FAULT_PERMISSION] = "permission",
        [ESR_FAULT_ALIGNMENT] = "alignment",
        [ESR_FAULT_SYNC_EXTERNAL] = "synchronous external abort",
        [ESR_FAULT_SYNC_PARITY_ECC] = "synchronous parity/ECC",
        [ESR_FAULT_TLB_CONFLICT] = "TLB conflict",
        [ESR_FAULT_UNSUPPORTED_ATOMIC] = "unsupported atomic update",
        [ESR_FAULT_TAG_CHECK] = "tag check",
        [ESR_FAULT_IMPL_DEFINED] = "implementation defined",
        [ESR_FAULT_GRANULE_PROTECTION] = "granule protection",
        [ESR_FAULT_DOMAIN] = "domain",
        [ESR_FAULT_RESERVED] = "reserved",
    };

    if ((unsigned)k >= sizeof(names) / sizeof(names[0]) || !names[k])
        return "invalid";
    return names[k];
}

const char *esr_fsc_action_name(esr_fsc_action_t a)
{
    static const char *const names[] = {
        [ESR_FSC_NONE] = "none",
        [ESR_FSC_MAPPING] = "mapping",
        [ESR_FSC_TLB_CONFLICT] = "TLB conflict",
        [ESR_FSC_PAGER] = "pager",
        [ESR_FSC_REPORT] = "report",
    };

    if ((unsigned)a >= sizeof(names) / sizeof(names[0]) || !names[a])
        return "invalid";
    return names[a];
}

const char *esr_access_name(esr_access_t a)
{
    switch (a) {
    case ESR_ACCESS_READ: return "read";
    case ESR_ACCESS_WRITE: return "write";
    case ESR_ACCESS_EXEC: return "exec";
    }
    return "invalid";
}

const char *esr_class_name(esr_class_t c)
{
    static const char *const names[] = {
        [ESR_CLASS_UNKNOWN] = "unknown",
        [ESR_CLASS_DATA_ABORT] = "data abort",
        [ESR_CLASS_INSTR_ABORT] = "instruction abort",
        [ESR_CLASS_SVC] = "svc",
        [ESR_CLASS_PC_ALIGN] = "pc alignment",
        [ESR_CLASS_SP_ALIGN] = "sp alignment",
        [ESR_CLASS_FP_ACCESS] = "fp access",
        [ESR_CLASS_FP_EXC] = "fp exception",
        [ESR_CLASS_BREAKPOINT] = "breakpoint/debug",
        [ESR_CLASS_SERROR] = "serror",
        [ESR_CLASS_SYSREG] = "system register trap",
        [ESR_CLASS_ILLEGAL_STATE] = "illegal state",
        [ESR_CLASS_OTHER] = "other",
    };

    if ((unsigned)c >= sizeof(names) / sizeof(names[0]) || !names[c])
        return "invalid";
    return names[c];
}
