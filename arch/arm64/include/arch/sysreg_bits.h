/* System register field values shared by assembly and C. */
#ifndef ARCH_SYSREG_BITS_H
#define ARCH_SYSREG_BITS_H

#include <arch/memlayout.h>

/*
 * SCTLR_EL1 (D17.2.118). The kernel writes the whole register (boot_enable_mmu), so every bit
 * has a value we chose: RES1 bits of ARMv8.0 plus the controls below; every other bit is 0.
 * The EL0-visible choices, set or deliberately left 0 (cpu_init.c checks the 0s at build time):
 */
#define SCTLR_RES1 UL(0x30d00800) /* bits 29, 28, 23 (SPAN: no PAN on entry), 22, 20, 11 */
#define SCTLR_M    (UL(1) << 0)   /* stage 1 MMU */
#define SCTLR_C    (UL(1) << 2)   /* data cacheability */
#define SCTLR_SA   (UL(1) << 3)   /* EL1 SP alignment check */
#define SCTLR_SA0  (UL(1) << 4)   /* EL0 SP alignment check */
#define SCTLR_I    (UL(1) << 12)  /* instruction cacheability */
#define SCTLR_DZE  (UL(1) << 14)  /* EL0 may use DC ZVA (picolibc memset) */
#define SCTLR_UCT  (UL(1) << 15)  /* EL0 may read CTR_EL0 (cache line sizes for DC ZVA users) */
#define SCTLR_NTWI (UL(1) << 16)  /* EL0 WFI not trapped: it only waits for the next interrupt */
#define SCTLR_NTWE (UL(1) << 18)  /* EL0 WFE not trapped (spin-wait loops) */
/* Left 0 on purpose: */
#define SCTLR_A      (UL(1) << 1)  /* alignment checks: off, unaligned Normal accesses work */
#define SCTLR_UMA    (UL(1) << 9)  /* EL0 may not touch DAIF */
#define SCTLR_ENRCTX (UL(1) << 10) /* EL0 prediction-restriction instructions trap */
#define SCTLR_ENDB   (UL(1) << 13) /* pointer authentication keys off: PAC instructions in */
#define SCTLR_ENDA   (UL(1) << 27) /*   the hint space are NOPs, the others UNDEFINED */
#define SCTLR_ENIB   (UL(1) << 30)
#define SCTLR_ENIA   (UL(1) << 31)
#define SCTLR_UCI    (UL(1) << 26) /* EL0 cache maintenance (DC CVAU/CIVAC, IC IVAU) traps */
#define SCTLR_E0E    (UL(1) << 24) /* EL0 little-endian */
#define SCTLR_EE     (UL(1) << 25) /* EL1 little-endian */
#define SCTLR_WXN    (UL(1) << 19)
#define SCTLR_BT0    (UL(1) << 35) /* no BTI checks at EL0 */
#define SCTLR_ATA0   (UL(1) << 42) /* EL0 allocation-tag access (MTE) traps */
#define SCTLR_TCF0   (UL(3) << 38) /* EL0 tag check faults: none */
#define SCTLR_ENTP2  (UL(1) << 60) /* EL0 TPIDR2_EL0 (SME) traps */
#define SCTLR_ENALS  (UL(1) << 56) /* EL0 LD64B/ST64B trap */
#define SCTLR_ENAS0  (UL(1) << 55) /* EL0 ST64BV0 traps */
#define SCTLR_EL0_OFF                                                                              \
    (SCTLR_A | SCTLR_UMA | SCTLR_ENRCTX | SCTLR_ENDB | SCTLR_ENDA | SCTLR_ENIB | SCTLR_ENIA |      \
     SCTLR_UCI | SCTLR_E0E | SCTLR_EE | SCTLR_WXN | SCTLR_BT0 | SCTLR_ATA0 | SCTLR_TCF0 |          \
     SCTLR_ENTP2 | SCTLR_ENALS | SCTLR_ENAS0)
#define SCTLR_BOOT SCTLR_RES1
#define SCTLR_KERNEL                                                                               \
    (SCTLR_RES1 | SCTLR_M | SCTLR_C | SCTLR_SA | SCTLR_SA0 | SCTLR_I | SCTLR_DZE | SCTLR_UCT |     \
     SCTLR_NTWI | SCTLR_NTWE)

/* TCR_EL1 (D17.2.131): 48-bit VA both halves, 4 KiB granule, inner-shareable write-back walks.
 * IPS and AS are filled in from ID_AA64MMFR0_EL1 at boot. */
#define TCR_T0SZ(n)   (UL(n) << 0)
#define TCR_EPD0      (UL(1) << 7)
#define TCR_IRGN0_WB  (UL(1) << 8)
#define TCR_ORGN0_WB  (UL(1) << 10)
#define TCR_SH0_INNER (UL(3) << 12)
#define TCR_T1SZ(n)   (UL(n) << 16)
#define TCR_IRGN1_WB  (UL(1) << 24)
#define TCR_ORGN1_WB  (UL(1) << 26)
#define TCR_SH1_INNER (UL(3) << 28)
#define TCR_TG1_4K    (UL(2) << 30)
#define TCR_IPS_SHIFT 32
#define TCR_AS        (UL(1) << 36) /* 16-bit ASIDs */
#define TCR_BOOT                                                                                   \
    (TCR_T0SZ(16) | TCR_IRGN0_WB | TCR_ORGN0_WB | TCR_SH0_INNER | TCR_T1SZ(16) | TCR_IRGN1_WB |    \
     TCR_ORGN1_WB | TCR_SH1_INNER | TCR_TG1_4K)

/* SPSR for "EL1h with D, A, I, F masked" (C5.2.18 SPSR_EL2). */
#define SPSR_EL1H_MASKED 0x3c5
/* SPSR for returning to EL0t (C5.2.18 SPSR_EL1): IRQs and SErrors unmasked, FIQs masked (F,
 * bit 6). Nothing is routed to FIQ (the GIC delivers group 1 interrupts as IRQs, and the kernel
 * never unmasks F), so an FIQ could only be a stray source; masked, it cannot interrupt user
 * threads over and over. */
#define SPSR_EL0T 0x40

/* Block/page attributes the boot tables use; mirror pte.c's encoding. */
#define BOOT_BLOCK_RWX UL(0x701)                   /* valid block, Normal, inner-shareable, AF */
#define BOOT_PAGE_TEXT (UL(0x783) | (UL(1) << 54)) /* RO, EL1-exec, UXN */
#define BOOT_PAGE_RO   (UL(0x783) | (UL(3) << 53)) /* RO, PXN, UXN */
#define BOOT_PAGE_RW   (UL(0x703) | (UL(3) << 53)) /* RW, PXN, UXN */
#define BOOT_TABLE     UL(3)

#endif
