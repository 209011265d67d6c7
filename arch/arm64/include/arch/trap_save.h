/* Assembler macros that save the trap frame from x10 on, shared by entry.S and fastpath.S
 * (both save x0-x9 first and decide late whether they need the rest). */
#ifndef ARCH_TRAP_SAVE_H
#define ARCH_TRAP_SAVE_H

#include <arch/trap_frame.h>

#ifdef __ASSEMBLER__
/* clang-format off */
/* x10-x30, SP_EL0, ELR and SPSR; clobbers x21-x23 after saving them. */
    .macro  save_x10_to_spsr
    stp     x10, x11, [sp, #TF_X(10)]
    stp     x12, x13, [sp, #TF_X(12)]
    stp     x14, x15, [sp, #TF_X(14)]
    stp     x16, x17, [sp, #TF_X(16)]
    stp     x18, x19, [sp, #TF_X(18)]
    stp     x20, x21, [sp, #TF_X(20)]
    stp     x22, x23, [sp, #TF_X(22)]
    stp     x24, x25, [sp, #TF_X(24)]
    stp     x26, x27, [sp, #TF_X(26)]
    stp     x28, x29, [sp, #TF_X(28)]
    mrs     x21, sp_el0
    stp     x30, x21, [sp, #TF_X(30)]
    mrs     x22, elr_el1
    mrs     x23, spsr_el1
    stp     x22, x23, [sp, #TF_ELR]
    .endm

/* The same for a system call: x7 holds ESR_EL1, and FAR means nothing after an SVC. */
    .macro  save_from_x10_svc
    save_x10_to_spsr
    stp     x7, xzr, [sp, #TF_ESR]
    .endm
/* clang-format on */
#endif

#endif
