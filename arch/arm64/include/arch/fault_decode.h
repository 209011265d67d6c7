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
    bool is_memory;  /* a data or instruction abort: goes to the pager */
    unsigned access; /* FL_FAULT_READ/WRITE/EXEC */
    unsigned kind;   /* FL_FAULT_* or FL_EXC_* */
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

#endif
