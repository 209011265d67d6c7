/*
 * Virtual memory layout (4 KiB granule, 48-bit VA, TCR_EL1.T0SZ = T1SZ = 16).
 *
 *   0x0000_0000_0000_0000 .. USER_TOP          TTBR0: user space, per address space
 *   LINEAR_BASE .. + 128 TiB      TTBR1: linear map of all RAM (VA = PA + LINEAR_BASE)
 *   DEVICE_VA_BASE .. + 512 GiB   TTBR1: device MMIO windows, allocated at boot
 *   KSTACK_VA_BASE .. + 256 MiB   TTBR1: thread kernel stacks, each above an unmapped guard
 *   KIMAGE_VA ..                  TTBR1: the kernel image, wherever it was loaded
 *
 * The image is linked at KIMAGE_VA and mapped to whatever 2 MiB-aligned physical address the
 * loader chose, so nothing here depends on where RAM is: the DTB tells that.
 */
#ifndef ARCH_MEMLAYOUT_H
#define ARCH_MEMLAYOUT_H

#ifdef __ASSEMBLER__
#define UL(x) x
#else
#define UL(x) x##UL
#endif

#define PAGE_SHIFT 12
#define PAGE_SIZE  (UL(1) << PAGE_SHIFT)
#define PAGE_MASK  (~(PAGE_SIZE - 1))

#define USER_TOP       UL(0x0001000000000000)
#define LINEAR_BASE    UL(0xffff000000000000) /* also in arch.h: arch_phys_to_virt */
#define LINEAR_LIMIT   UL(0x0000800000000000) /* highest PA + 1 the linear map can cover */
#define DEVICE_VA_BASE UL(0xffff800000000000)
#define DEVICE_VA_SIZE UL(0x0000008000000000)
#define KIMAGE_VA      UL(0xffffffff80000000)

/* Thread kernel stacks (kstack.c): slot i spans KSTACK_VA_BASE + i * KSTACK_SLOT_SIZE; its
 * lower half is never mapped (the guard) and the stack is the upper half, so an address on a
 * kernel stack has bit KSTACK_SHIFT set and one in a guard has it clear (entry.S tests it). */
#define KSTACK_VA_BASE   UL(0xffff808000000000) /* right after the device windows */
#define KSTACK_SHIFT     14
#define KSTACK_SLOT_SIZE (UL(2) << KSTACK_SHIFT)
#define KSTACK_SLOTS     8192 /* 256 MiB of address space: at most this many threads */

#define KIMG_L3_TABLES        4 /* the boot tables map an image of up to 4 x 2 MiB */
#define BOOT_STACK_SIZE       16384
#define KSTACK_SIZE           (UL(1) << KSTACK_SHIFT)
#define KSTACK_PAGES          (KSTACK_SIZE / PAGE_SIZE)
#define MAX_CPUS              8
#define SECONDARY_STACK_SHIFT 12 /* 4 KiB each: secondaries only park for now */

#endif
