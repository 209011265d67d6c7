/*
 * Kernel entry: the arm64 Image header, the EL2 -> EL1 drop, and the boot page tables.
 *
 * QEMU (like any arm64 Image loader, Linux Documentation/arch/arm64/booting.rst) enters at the
 * first byte with x0 = DTB physical address, MMU and caches off, at EL2 or EL1. This file runs
 * at the physical load address until the MMU is on, so it only uses PC-relative addressing.
 */
#include <arch/sysreg_bits.h>

    .section .text.head, "ax"
    .globl _head
_head:
    b       primary_entry                   /* code0 */
    .long   0                               /* code1 */
    .quad   0                               /* text_offset: load at a 2 MiB boundary */
    .quad   _kernel_size                    /* image_size, including BSS */
    .quad   0xa                             /* flags: LE, 4 KiB pages, anywhere in RAM */
    .quad   0, 0, 0                         /* reserved */
    .ascii  "ARM\x64"                       /* magic */
    .long   0                               /* no PE/COFF header */

primary_entry:
    mov     x19, x0                         /* DTB physical address, 0 if none */
    adr     x20, _head                      /* physical load address of the image */
    mrs     x0, CurrentEL
    lsr     x0, x0, #2
    cmp     x0, #2
    b.ne    1f
    bl      el2_drop_to_el1
1:  ldr     x0, =SCTLR_BOOT
    msr     sctlr_el1, x0
    isb

    adrp    x0, boot_stack_top
    add     x0, x0, :lo12:boot_stack_top
    mov     sp, x0
    /*
     * BSS (and in it the boot page tables) is written below with the MMU off, so the writes go
     * straight to memory, but everything reads it later through the cache, table walks
     * included. The boot protocol only promises that the loaded image was cleaned to PoC; the
     * BSS range may still have lines in the cache from whoever ran before. So, as Linux's
     * head.S does for its tables: invalidate the range to PoC first (a dirty line evicted
     * later would overwrite what we wrote), write, then invalidate again (a line fetched in
     * the meantime would hide it). kernel.ld page-aligns the range, so no line is shared with
     * .data.
     */
    bl      bss_inval_poc
    adrp    x0, __bss_start
    add     x0, x0, :lo12:__bss_start
    adrp    x1, __bss_end
    add     x1, x1, :lo12:__bss_end
2:  cmp     x0, x1
    b.hs    3f
    str     xzr, [x0], #8
    b       2b

3:  bl      boot_build_tables
    dmb     sy                              /* the writes are done before the invalidation */
    bl      bss_inval_poc
    bl      boot_enable_mmu
    ldr     x0, =high_entry                 /* absolute: the KIMAGE_VA alias */
    br      x0

/* DC IVAC over [__bss_start, __bss_end) (Arm ARM D7.5 "Cache maintenance instructions"), line
 * size from CTR_EL0.DminLine (bits [19:16], log2 of words). Leaf: uses x0-x3 only. */
bss_inval_poc:
    adrp    x0, __bss_start
    add     x0, x0, :lo12:__bss_start
    adrp    x1, __bss_end
    add     x1, x1, :lo12:__bss_end
    mrs     x3, ctr_el0
    ubfx    x3, x3, #16, #4
    mov     x2, #4
    lsl     x2, x2, x3
1:  cmp     x0, x1
    b.hs    2f
    dc      ivac, x0
    add     x0, x0, x2
    b       1b
2:  dsb     sy
    ret

/*
 * Leave EL2 for good (we never use it): AArch64 EL1, no traps of timers, FP, PMU or GICv3
 * system registers to EL2, identity virtualization IDs, stage 2 off.
 */
el2_drop_to_el1:
    mov     x0, #(1 << 31)                  /* HCR_EL2.RW: EL1 is AArch64 (D17.2.48) */
    msr     hcr_el2, x0
    mov     x0, #3                          /* CNTHCTL_EL2.EL1PCTEN | EL1PCEN */
    msr     cnthctl_el2, x0
    msr     cntvoff_el2, xzr
    mov     x0, #0x33ff                     /* CPTR_EL2: RES1 bits, TFP = 0 */
    msr     cptr_el2, x0
    mrs     x0, pmcr_el0
    ubfx    x0, x0, #11, #5                 /* PMCR_EL0.N: give EL1 every counter */
    msr     mdcr_el2, x0
    mrs     x0, midr_el1
    msr     vpidr_el2, x0
    mrs     x0, mpidr_el1
    msr     vmpidr_el2, x0
    msr     vttbr_el2, xzr
    mrs     x0, id_aa64pfr0_el1
    ubfx    x0, x0, #24, #4                 /* ID_AA64PFR0_EL1.GIC: GICv3 CPU interface? */
    cbz     x0, 1f
    mrs     x0, icc_sre_el2
    mov     x1, #0x9                        /* ICC_SRE_EL2.SRE | Enable: EL1 may use SRE */
    orr     x0, x0, x1
    msr     icc_sre_el2, x0
    isb
    msr     ich_hcr_el2, xzr
1:  ldr     x0, =SCTLR_BOOT
    msr     sctlr_el1, x0
    mov     x0, #SPSR_EL1H_MASKED
    msr     spsr_el2, x0
    msr     elr_el2, lr
    eret

/*
 * Boot translation tables.
 *  TTBR0: identity map of the 1 GiB holding the image (and of the one holding the DTB) so the
 *         MMU can be switched on while running at the physical address; dropped in mmu_init.
 *  TTBR1: kernel_root, the kernel's permanent root table. The image gets 4 KiB pages with
 *         final rights now (text RX, rodata R, the rest RW, never executable), so C code never
 *         has to break a live mapping of itself. mmu.c adds the linear map and devices.
 */
boot_build_tables:
    adrp    x0, idmap_l0
    adrp    x1, idmap_l1
    orr     x2, x1, #BOOT_TABLE
    ubfx    x3, x20, #39, #9
    str     x2, [x0, x3, lsl #3]
    ubfx    x3, x20, #30, #9
    lsr     x4, x20, #30
    lsl     x4, x4, #30
    mov     x5, #BOOT_BLOCK_RWX
    orr     x4, x4, x5
    str     x4, [x1, x3, lsl #3]
    cbz     x19, 1f                         /* the DTB's gigabyte, if under the same L0 entry */
    eor     x6, x19, x20
    lsr     x6, x6, #39
    cbnz    x6, 1f
    ubfx    x3, x19, #30, #9
    lsr     x4, x19, #30
    lsl     x4, x4, #30
    orr     x4, x4, x5
    str     x4, [x1, x3, lsl #3]

1:  adrp    x0, kernel_root
    adrp    x1, kimg_l1
    adrp    x2, kimg_l2
    adrp    x3, kimg_l3
    orr     x4, x1, #BOOT_TABLE
    str     x4, [x0, #(511 * 8)]            /* KIMAGE_VA: L0 index 511 */
    orr     x4, x2, #BOOT_TABLE
    str     x4, [x1, #(510 * 8)]            /*            L1 index 510 */
    mov     x5, #0                          /* L2 index 0..KIMG_L3_TABLES-1 -> kimg_l3[] */
2:  add     x4, x3, x5, lsl #12
    orr     x4, x4, #BOOT_TABLE
    str     x4, [x2, x5, lsl #3]
    add     x5, x5, #1
    cmp     x5, #KIMG_L3_TABLES
    b.lo    2b

    ldr     x6, =_head                      /* x6: VA of the page being mapped */
    ldr     x7, =_end
    ldr     x8, =_etext
    ldr     x9, =_erodata
    ldr     x10, =BOOT_PAGE_TEXT
    ldr     x11, =BOOT_PAGE_RO
    ldr     x12, =BOOT_PAGE_RW
    mov     x13, x20                        /* x13: its physical address */
3:  cmp     x6, x7
    b.hs    6f
    mov     x14, x10
    cmp     x6, x8
    b.lo    4f
    mov     x14, x11
    cmp     x6, x9
    b.lo    4f
    mov     x14, x12
4:  orr     x14, x14, x13
    ldr     x15, =KIMAGE_VA
    sub     x15, x6, x15
    lsr     x15, x15, #12                   /* page index within kimg_l3[] */
    str     x14, [x3, x15, lsl #3]
    add     x6, x6, #4096
    add     x13, x13, #4096
    b       3b
6:  dsb     ishst
    ret

/*
 * Secondary CPUs, started by PSCI CPU_ON (arch/arm64/smp.c) with x0 = their CPU index, at the
 * boot EL, MMU off. Same drop to EL1 and MMU set-up as the boot CPU, on the tables it built.
 */
    .globl  secondary_entry
secondary_entry:
    mov     x19, x0
    mrs     x1, CurrentEL
    lsr     x1, x1, #2
    cmp     x1, #2
    b.ne    1f
    bl      el2_drop_to_el1
1:  ldr     x0, =SCTLR_BOOT
    msr     sctlr_el1, x0
    isb
    adrp    x0, secondary_stacks                /* physical: each CPU's stack top */
    add     x0, x0, :lo12:secondary_stacks
    add     x1, x19, #1
    lsl     x1, x1, #SECONDARY_STACK_SHIFT
    add     sp, x0, x1
    bl      boot_enable_mmu
    ldr     x0, =secondary_high
    br      x0

boot_enable_mmu:
    ldr     x0, =0x0400ff                   /* MAIR_EL1: attr0 Normal WB, attr1 nGnRnE, attr2 nGnRE */
    msr     mair_el1, x0
    ldr     x0, =TCR_BOOT
    mrs     x1, id_aa64mmfr0_el1
    and     x2, x1, #7                      /* PARange -> TCR_EL1.IPS, at most 48 bits */
    cmp     x2, #5
    mov     x3, #5
    csel    x2, x2, x3, ls
    bfi     x0, x2, #TCR_IPS_SHIFT, #3
    ubfx    x2, x1, #4, #4                  /* ASIDBits == 2: 16-bit ASIDs */
    cmp     x2, #2
    b.ne    1f
    orr     x0, x0, #TCR_AS
1:  msr     tcr_el1, x0
    adrp    x0, idmap_l0
    msr     ttbr0_el1, x0
    adrp    x0, kernel_root
    msr     ttbr1_el1, x0
    isb
    tlbi    vmalle1
    dsb     nsh
    isb
    ldr     x0, =SCTLR_KERNEL
    msr     sctlr_el1, x0
    isb
    ret

    .text
high_entry:
    ldr     x0, =boot_stack_top
    mov     sp, x0
    ldr     x0, =exception_vectors
    msr     vbar_el1, x0
    isb
    mov     x29, #0                         /* ends the frame-pointer chain for backtraces */
    mov     x30, #0
    bl      arch_cpu_init                   /* every EL0-visible control: cpu_init.c */
    mov     x0, x19
    mov     x1, x20
    bl      kmain
    b       .

secondary_high:
    ldr     x0, =secondary_stacks
    add     x1, x19, #1
    lsl     x1, x1, #SECONDARY_STACK_SHIFT
    add     sp, x0, x1
    ldr     x0, =exception_vectors
    msr     vbar_el1, x0
    isb
    mov     x29, #0
    mov     x30, #0
    bl      arch_cpu_init
    mov     x0, x19
    bl      smp_secondary_main
    b       .

    .ltorg

    .section .bss.pagetables, "aw", %nobits
    .balign 4096
    .globl  kernel_root
kernel_root:    .skip 4096
idmap_l0:       .skip 4096
idmap_l1:       .skip 4096
kimg_l1:        .skip 4096
kimg_l2:        .skip 4096
kimg_l3:        .skip 4096 * KIMG_L3_TABLES

    .section .bss.stack, "aw", %nobits
    .balign 16
    .globl  secondary_stacks
secondary_stacks: .skip (1 << SECONDARY_STACK_SHIFT) * MAX_CPUS
boot_stack:     .skip BOOT_STACK_SIZE
    .globl  boot_stack_top
boot_stack_top:
