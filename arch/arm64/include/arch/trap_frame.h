/* The register state saved on every exception entry (entry.S builds it). */
#ifndef ARCH_TRAP_FRAME_H
#define ARCH_TRAP_FRAME_H

#define TF_X(n)   ((n)*8)
#define TF_SP_EL0 (31 * 8)
#define TF_ELR    (32 * 8)
#define TF_SPSR   (33 * 8)
#define TF_ESR    (34 * 8)
#define TF_FAR    (35 * 8)
#define TF_SIZE   (36 * 8)

#ifndef __ASSEMBLER__
#include <stdint.h>

typedef struct trap_frame {
    uint64_t x[31]; /* x30 is the link register */
    uint64_t sp_el0;
    uint64_t elr;
    uint64_t spsr;
    uint64_t esr;
    uint64_t far;
} trap_frame_t;

_Static_assert(sizeof(trap_frame_t) == TF_SIZE, "entry.S and trap_frame_t disagree");
_Static_assert(TF_SIZE % 16 == 0, "the stack must stay 16-byte aligned");
#endif

#endif
