/*
 * Turning an EL0 synchronous exception into the arch-neutral fault message (faultline/fault.h).
 * Pure logic over ESR_EL1, FAR_EL1 and the faulting instruction: tested on the host.
 */
#ifndef ARCH_FAULT_DECODE_H
#define ARCH_FAULT_DECODE_H

#include <arch/esr.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct {
    bool is_memory;    /* a data or instruction abort (access, level and address say more) */
    bool to_pager;     /* the pager is told (else the exception handler, or nobody) */
    uint8_t fsc_class; /* esr_fsc_action_t of an abort (esr.c's table), else ESR_FSC_NONE */
    unsigned access;   /* FL_FAULT_READ/WRITE/EXEC */
    unsigned kind;     /* FL_FAULT_* or FL_EXC_* */
    int level;
    unsigned flags; /* FL_FAULT_FAR_VALID, FL_FAULT_ATOMIC */
    uint64_t addr;  /* FAR if valid, else 0 */
} fault_decoded_t;

/* Whether insn (A64) reads and writes memory in one go: LSE atomics (LDADD.., SWP), CAS,
 * CASP, and load-exclusives (their store-exclusive follows). ESR's WnR reports a read for the
 * read half of such an instruction (Arm ARM, ESR_ELx ISS WnR), so the kernel looks at it. */
bool insn_is_atomic_rmw(uint32_t insn);

/* insn: the instruction at the PC when it could be read (have_insn), for the atomic check. */
void fault_decode(const esr_info_t *e, uint64_t far, bool have_insn, uint32_t insn,
                  fault_decoded_t *out);

/* What the kernel does with an EL0 abort before it tells anyone. */
typedef enum {
    FAULT_FORWARD,    /* tell the pager (to_pager) or the exception handler */
    FAULT_RETRY_PAGE, /* a stale TLB entry: invalidate the page for the space's ASID, retry */
    FAULT_RETRY_ASID, /* a TLB conflict: invalidate the space's whole ASID, retry */
    FAULT_SET_AF,     /* the software access flag: set it, retry */
} fault_settle_t;

/*
 * Decides whether the kernel settles fault d (at pc) alone. mapped/prot: whether the space maps
 * the faulting page and with which FL_PROT_* rights (mapped false when FAR is not valid or not
 * a user address). last[3]: the thread's record of the last fault the kernel settled (zeroed at
 * thread creation), updated here. A fault identical to it (same PC, address, kind and access)
 * is forwarded, not settled again: settling did not help. That bounds the retries: a fault no
 * TLB invalidation cures (a wrong FAR, a CPU quirk, a misclassified code) costs one retry,
 * never a loop inside the kernel.
 */
fault_settle_t fault_settle(const fault_decoded_t *d, uint64_t pc, bool mapped, unsigned prot,
                            uint64_t last[3]);

/*
 * The fast fault path's decoder (arch/arm64/fastpath.S): a table of the fault-message info
 * word (FL_FAULT_INFO without the sequence number) for each abort from EL0 it may forward
 * without C, indexed by FAULT_FAST_INDEX(esr). 0 marks an abort it leaves to fault_handle():
 * anything but a translation or permission fault a pager resolves with FAR valid. The
 * index covers EC (data or instruction abort from EL0), WnR and the status code; the path
 * takes only aborts with the bits of FAULT_FAST_MUST_BE_ZERO clear, and the table holds only
 * entries whose decode does not depend on any other ESR bit (FAULT_FAST_IGNORED_BITS), so an
 * entry is exactly what esr_decode() and fault_decode() give for every ESR it stands for. A
 * read (data abort, WnR 0) still needs the atomic check on the instruction.
 */
#define FAULT_FAST_ENTRIES      256
#define FAULT_FAST_MUST_BE_ZERO 0x780UL              /* FnV, EA, CM, S1PTW */
#define FAULT_FAST_IGNORED_BITS 0xffffffff03fff800UL /* ISS2, IL, ISV..SET */
#define FAULT_FAST_INDEX(esr)   ((((esr) >> 26 & 0x3f) == 0x20 ? 0x80u : 0u) | (unsigned)((esr)&0x7f))
void fault_fast_table(uint32_t table[FAULT_FAST_ENTRIES]);
/* fault_decode() for an abort of that table, with FAR valid (what fault_decode gives for it
 * without the instruction: a read then still needs fault_decode_atomic); false for any other
 * ESR. Used by fault_handle() too: the common abort costs a table lookup, not a decode. */
bool fault_decode_fast(const uint32_t table[FAULT_FAST_ENTRIES], uint64_t esr, uint64_t far,
                       fault_decoded_t *out);
/* The atomic rule of fault_decode() (a read of an atomic's read half is reported as a write),
 * for a data abort without CM whose instruction could be read. */
void fault_decode_atomic(fault_decoded_t *d, uint32_t insn);

#endif
