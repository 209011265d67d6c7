/* System call entry (kernel/syscall.c) and user-memory helpers. */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include <arch/trap_frame.h>
#include <stdbool.h>
#include <stdint.h>

void syscall_dispatch(trap_frame_t *tf);
/* The read-only calls arch/arm64/fastpath.S runs on a partial frame (see syscall.c). */
bool syscall_leaf(trap_frame_t *tf);
/* Whether [va, va + len) lies in user space without wrapping. */
bool user_range_ok(uint64_t va, uint64_t len);

#endif
