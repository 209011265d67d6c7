/* System call entry (kernel/syscall.c) and user-memory helpers. */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include <arch/trap_frame.h>
#include <stdbool.h>
#include <stdint.h>

void syscall_dispatch(trap_frame_t *tf);
/* FL_SYS_HANDLE_INFO for arch/arm64/fastpath.S, on x0-x9 alone (see syscall_leaf.c). */
long syscall_leaf_handle_info(uint64_t h);
/* Whether [va, va + len) lies in user space without wrapping. */
bool user_range_ok(uint64_t va, uint64_t len);

#endif
