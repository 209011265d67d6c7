/* Thread kernel stacks in their own area of the kernel's address space, each with a guard. */
#ifndef ARCH_KSTACK_H
#define ARCH_KSTACK_H

#include <arch/memlayout.h>
#include <stdint.h>

/* Maps the KSTACK_PAGES frames pa[] (zeroed by the caller's allocator) as a kernel stack in a
 * free slot of the stack area, with the unmapped guard below it. Returns the stack's top (the
 * initial SP), or 0 when every slot is taken or a page table cannot be allocated. */
uint64_t arch_kstack_map(const uint64_t pa[KSTACK_PAGES]);
/* Unmaps the stack whose top is top (TLB entries included) and frees its slot; the frames are
 * the caller's to free. */
void arch_kstack_unmap(uint64_t top);
/* Whether va lies in the guard of some kernel stack. */
int arch_kstack_in_guard(uint64_t va);

/* Boot self-test (fl.selftest=kstack): overflows a kernel stack on purpose. */
void arch_selftest_kstack_overflow(void);

#endif
