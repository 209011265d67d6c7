/*
 * Where the user runtime puts things in a process's address space. Every program is linked at
 * FL_PROGRAM_BASE (userland/user.ld); the rest is runtime convention, the same in every
 * process, so a spawner knows where to map a child's stack and start page.
 *
 *   0x0000_0000_0001_0000  FL_START_VA      init: the kernel's boot information page;
 *                                            others: the process start page (fl/start.h)
 *   0x0000_0000_0040_0000  FL_PROGRAM_BASE  text, then rodata, then data/bss, each page-aligned
 *   0x0000_0010_0000_0000                   init only: the initrd, mapped by the kernel
 *   0x0000_0020_0000_0000  FL_HEAP_BASE     malloc's heap, grown page by page by sbrk
 *   0x0000_0030_0000_0000  FL_THREAD_AREA   stacks + TLS of extra threads (fl/thread.h)
 *   0x0000_0030_0020_0000  FL_SCRATCH_VA    spawn's window for filling a child's pages
 *   0x0000_0030_0030_0000  FL_IPCBUF_VA     the IPC buffer of the thread that transfers handles
 *   0x0000_007f_ffff_f000  FL_STACK_TOP     the first thread's stack grows down from here
 *
 * The thread area and the scratch window each fit in one 2 MiB-aligned block, so using them
 * needs one last-level page table each, allocated on first use and kept: after that, creating
 * and destroying threads or processes returns every frame it took.
 */
#ifndef FL_LAYOUT_H
#define FL_LAYOUT_H

#define FL_START_VA      0x10000UL
#define FL_PROGRAM_BASE  0x400000UL
#define FL_HEAP_BASE     0x2000000000UL
#define FL_HEAP_MAX      0x40000000UL /* 1 GiB */
#define FL_THREAD_AREA   0x3000000000UL
#define FL_THREAD_SLOT   0x10000UL /* 64 KiB: control block + TLS at the bottom, stack above */
#define FL_THREAD_SLOTS  32        /* 32 x 64 KiB = 2 MiB */
#define FL_SCRATCH_VA    0x3000200000UL
#define FL_SCRATCH_PAGES 64
#define FL_IPCBUF_VA     0x3000300000UL /* in the scratch window's 2 MiB block: no new table */
#define FL_RUNTIME_AREA  FL_THREAD_AREA /* [area, +4 MiB): runtime pages no pager manages */
#define FL_RUNTIME_SIZE  0x400000UL
#define FL_STACK_TOP     0x7ffffff000UL
#define FL_STACK_PAGES   16
#define FL_USER_TOP      (1UL << 48) /* TTBR0 with a 48-bit VA (T0SZ = 16) */

#endif
