/* Boot steps after the MMU is on (kernel/boot.c). */
#ifndef KERNEL_BOOT_H
#define KERNEL_BOOT_H

#include <kernel/frame.h>
#include <kernel/platform.h>

/* The kernel's frame allocator, over all RAM the DTB lists. */
extern frame_alloc_t kernel_frames;

/* Hands every RAM frame to kernel_frames except the image, the DTB, the initrd, the DTB's
 * reserved ranges and the allocator's own bitmaps. */
void boot_frames_init(const platform_t *plat, uint64_t dtb_pa);

/* Builds the root task from the initrd's `init` and makes it runnable (kernel/initload.c). */
void init_start(const platform_t *plat);

/* The rest of boot: what runs once interrupts are on. Does not return. */
__attribute__((noreturn)) void boot_run(const platform_t *plat);

#endif
