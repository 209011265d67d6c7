/*
 * Child code for test_fault_arch.c: what EL0 may and may not do with the CPU's control
 * registers (issue 11, item 10). Same convention as fault_asm.S (x0 = mailbox, kept in x19,
 * ends in fk_done). These pages sit between fa_text_start and fa_text_end, mapped into a child
 * at the same addresses next to fault_asm.S's pages (fk_done lives there).
 */
#include "fault_asm.h"

    .arch armv8.2-a
    .arch_extension sve

    .section .text.fa_child, "ax"
    .balign 4096
    .global fa_text_start
fa_text_start:

/* One system-register access chosen by arg (an index into the table below: each entry is two
 * instructions, the access and a branch out); result = what a read returned. Every access here
 * must trap: the test's exception handler gets it and stops the child. */
    .global fa_sysreg
    .type fa_sysreg, %function
fa_sysreg:
    mov     x19, x0
    ldr     x1, [x19, #FK_MB_ARG]
    mov     x3, #0
    adr     x2, 1f
    add     x2, x2, x1, lsl #3
    br      x2
1:
    .global fa_insn_cntv_ctl_w
fa_insn_cntv_ctl_w:                         /* 0: stop the scheduler tick */
    msr     cntv_ctl_el0, xzr
    b       9f
    .global fa_insn_cntv_cval_w
fa_insn_cntv_cval_w:                        /* 1: move the next tick */
    msr     cntv_cval_el0, xzr
    b       9f
    .global fa_insn_cntv_tval_w
fa_insn_cntv_tval_w:                        /* 2 */
    msr     cntv_tval_el0, xzr
    b       9f
    .global fa_insn_cntv_ctl_r
fa_insn_cntv_ctl_r:                         /* 3 */
    mrs     x3, cntv_ctl_el0
    b       9f
    .global fa_insn_cntp_ctl_w
fa_insn_cntp_ctl_w:                         /* 4: the physical timer */
    msr     cntp_ctl_el0, xzr
    b       9f
    .global fa_insn_cntpct_r
fa_insn_cntpct_r:                           /* 5: the physical counter (only the virtual one) */
    mrs     x3, cntpct_el0
    b       9f
    .global fa_insn_pmu_r
fa_insn_pmu_r:                              /* 6: PMU counters (booted without fl.bench) */
    mrs     x3, pmevcntr0_el0
    b       9f
    .global fa_insn_pmcr_w
fa_insn_pmcr_w:                             /* 7: PMU control */
    msr     pmcr_el0, xzr
    b       9f
    .global fa_insn_dcc_r
fa_insn_dcc_r:                              /* 8: debug communications channel */
    mrs     x3, mdccsr_el0
    b       9f
    .global fa_insn_tpidrro_w
fa_insn_tpidrro_w:                          /* 9: the read-only thread pointer */
    msr     tpidrro_el0, x19
    b       9f
    .global fa_insn_sve
fa_insn_sve:                                /* 10: SVE (trapped, or UNDEFINED without SVE) */
    rdvl    x3, #1
    b       9f
    .global fa_insn_daif_w
fa_insn_daif_w:                             /* 11: mask interrupts (SCTLR_EL1.UMA = 0) */
    msr     daifset, #2
    b       9f
    .global fa_insn_dc_civac
fa_insn_dc_civac:                           /* 12: cache maintenance (SCTLR_EL1.UCI = 0) */
    dc      civac, x19
    b       9f
9:  str     x3, [x19, #FK_MB_RESULT]
    b       fk_done
    .size fa_sysreg, . - fa_sysreg

/* What EL0 may read: result = TPIDRRO_EL0, result2 = CNTFRQ_EL0, and two CNTVCT_EL0 readings
 * around a short loop in the mailbox words 6 and 7. */
    .global fa_counters
    .type fa_counters, %function
fa_counters:
    mov     x19, x0
    mrs     x2, tpidrro_el0
    str     x2, [x19, #FK_MB_RESULT]
    mrs     x3, cntfrq_el0
    str     x3, [x19, #FK_MB_RESULT2]
    isb
    mrs     x4, cntvct_el0
    mov     x6, #50000
1:  subs    x6, x6, #1
    b.ne    1b
    isb
    mrs     x5, cntvct_el0
    stp     x4, x5, [x19, #48]
    b       fk_done
    .size fa_counters, . - fa_counters

    .balign 4096
    .global fa_text_end
fa_text_end:
