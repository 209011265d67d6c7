/*
 * ESR_EL1 decoder: turns the Exception Syndrome Register into a flat struct the trap code and
 * the generic fault path can use without knowing bit positions. Pure table lookups, no system
 * registers, so it is built and tested on the host too (test/unit/test_esr.c, tools/esr-decode).
 *
 * Layout references are to the Arm Architecture Reference Manual for A-profile (DDI 0487),
 * register description "ESR_EL1, Exception Syndrome Register (EL1)" and its ISS encodings.
 */
#ifndef ARCH_ESR_H
#define ARCH_ESR_H

#include <stdbool.h>
#include <stdint.h>

/* Coarse, arch-neutral grouping used by the kernel's dispatch. */
typedef enum {
    ESR_CLASS_UNKNOWN,       /* EC 0x00: undefined/unallocated instruction and friends */
    ESR_CLASS_DATA_ABORT,    /* EC 0x24, 0x25 */
    ESR_CLASS_INSTR_ABORT,   /* EC 0x20, 0x21 */
    ESR_CLASS_SVC,           /* EC 0x15 only (AArch64 SVC); AArch32 SVC is OTHER */
    ESR_CLASS_PC_ALIGN,      /* EC 0x22 */
    ESR_CLASS_SP_ALIGN,      /* EC 0x26 */
    ESR_CLASS_FP_ACCESS,     /* EC 0x07 only: CPACR_EL1.FPEN trap (SVE/SME traps are OTHER) */
    ESR_CLASS_FP_EXC,        /* EC 0x28, 0x2C */
    ESR_CLASS_BREAKPOINT,    /* debug: BRK, BKPT, HW breakpoint, step, watchpoint, vector catch */
    ESR_CLASS_SERROR,        /* EC 0x2F */
    ESR_CLASS_SYSREG,        /* EC 0x18: trapped MSR/MRS/SYS */
    ESR_CLASS_ILLEGAL_STATE, /* EC 0x0E */
    ESR_CLASS_OTHER          /* everything else, including unallocated EC values */
} esr_class_t;

/* What kind of fault a DFSC/IFSC reports. */
typedef enum {
    ESR_FAULT_NONE, /* not an abort */
    ESR_FAULT_ADDRESS_SIZE,
    ESR_FAULT_TRANSLATION,
    ESR_FAULT_ACCESS_FLAG,
    ESR_FAULT_PERMISSION,
    ESR_FAULT_ALIGNMENT,
    ESR_FAULT_SYNC_EXTERNAL, /* on the access itself or on a table walk (level says which) */
    ESR_FAULT_SYNC_PARITY_ECC,
    ESR_FAULT_TLB_CONFLICT,
    ESR_FAULT_UNSUPPORTED_ATOMIC, /* FEAT_HAFDBS hardware update fault */
    ESR_FAULT_TAG_CHECK,          /* FEAT_MTE2 */
    ESR_FAULT_IMPL_DEFINED,       /* 0x34 lockdown, 0x35 unsupported exclusive/atomic */
    ESR_FAULT_GRANULE_PROTECTION, /* FEAT_RME */
    ESR_FAULT_DOMAIN,             /* 0x3D/0x3E: defined only for PAR_EL1, never in an ESR */
    ESR_FAULT_RESERVED
} esr_fault_kind_t;

/*
 * What may be done about a fault status code: the action column of the DFSC/IFSC table in
 * esr.c, the only place that decides it per code.
 */
typedef enum {
    ESR_FSC_NONE, /* not an abort */
    /* Translation, access flag, permission: the page tables explain the fault. If the entry is
     * already valid with the right needed, a stale TLB entry is the only explanation: the
     * kernel invalidates the page and retries, once. Otherwise the pager maps. */
    ESR_FSC_MAPPING,
    /* TLB conflict: overlapping TLB entries for the address; invalidating the address space's
     * entries cures it, once. Again at once: reported like ESR_FSC_REPORT. */
    ESR_FSC_TLB_CONFLICT,
    /* Alignment, synchronous external abort or parity/ECC error on the access itself: about
     * the memory the pager mapped there (a device, a bad frame), so the pager is told; no
     * mapping change or TLB invalidation makes the access succeed, so never retried. */
    ESR_FSC_PAGER,
    /* Nothing a mapping can fix (address size, errors on the table walk, tag check,
     * unsupported atomic hardware update, exclusive or atomic access the memory does not
     * support, lockdown, granule protection, domain, reserved codes): the thread's exception
     * handler is told, or the thread is stopped with a report. */
    ESR_FSC_REPORT,
} esr_fsc_action_t;

typedef enum { ESR_ACCESS_READ, ESR_ACCESS_WRITE, ESR_ACCESS_EXEC } esr_access_t;

/* Level of the lookup that faulted: -2..3 (-2 only with FEAT_D128, -1 with FEAT_LPA2), or this
 * when the code has no level. Not -2: FEAT_D128 codes (0x12, 0x22, 0x2A, 0x2C) use level -2. */
#define ESR_LEVEL_NONE INT8_MIN

typedef struct {
    uint64_t raw;
    uint8_t ec;          /* ESR_EL1.EC, bits [31:26] */
    bool il;             /* ESR_EL1.IL, bit [25]: 32-bit instruction */
    uint32_t iss;        /* ESR_EL1.ISS, bits [24:0] */
    esr_class_t cls;     /* from the EC table */
    const char *ec_name; /* never NULL */
    /* Taken from a lower EL (EL0): set only for the EC pairs that encode it (aborts, hardware
     * breakpoint, software step, watchpoint). For other classes read SPSR_EL1.M instead. */
    bool from_lower_el;
    /* FAR_EL1 holds the faulting address: aborts with FnV = 0, PC alignment, watchpoints. */
    bool far_valid;

    /* Aborts only (cls DATA_ABORT / INSTR_ABORT); otherwise 0, NULL, ESR_LEVEL_NONE. */
    uint8_t fsc; /* DFSC/IFSC, ISS bits [5:0] */
    esr_fault_kind_t kind;
    esr_fsc_action_t action; /* ESR_FSC_NONE unless an abort */
    int8_t level;
    const char *fsc_name; /* never NULL for aborts */
    /* IABT: EXEC. DABT: READ when CM = 1, else WnR ? WRITE : READ. An atomic read-modify-write
     * that faults because the page is not mapped at all reports READ: see esr.c. */
    esr_access_t access;
    bool wnr;   /* ISS[6], data aborts only */
    bool cm;    /* ISS[8], data aborts only: cache maintenance or AT instruction */
    bool fnv;   /* ISS[10]: FAR not valid */
    bool isv;   /* ISS[24], data aborts only: ISS[23:14] hold a valid instruction syndrome */
    bool s1ptw; /* ISS[7]: stage 2 fault on a stage 1 walk (never at EL1 without EL2) */
    bool ea;    /* ISS[9]: IMPLEMENTATION DEFINED external abort type */

    uint16_t svc_imm; /* SVC only: imm16 of the SVC instruction, ISS[15:0] */
} esr_info_t;

/* Decodes esr into *out; every field is written. Never fails: unknown values decode to
 * "reserved" rows. */
void esr_decode(uint64_t esr, esr_info_t *out);

/* Short names for printing; never NULL, also for out-of-range values. */
const char *esr_fault_kind_name(esr_fault_kind_t k);
const char *esr_access_name(esr_access_t a);
const char *esr_fsc_action_name(esr_fsc_action_t a);
const char *esr_class_name(esr_class_t c);

#endif
