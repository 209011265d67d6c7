/* The IPC fast path (kernel/fastpath.c). */
#ifndef KERNEL_FASTPATH_H
#define KERNEL_FASTPATH_H

#include <arch/trap_frame.h>
#include <stdint.h>

/* Called for every system call before the general dispatcher: when tf is a registers-only
 * call or reply-receive that can complete by switching straight to a waiting thread, it does
 * so and does not return. Otherwise it returns and changes nothing. */
void fastpath_try(trap_frame_t *tf);

/* The current thread's fault message (thread_t.fault_msg) goes straight to a pager thread
 * already waiting on ep, and the pager runs; returns only if that is not possible now. */
struct endpoint;
void fastpath_fault(struct endpoint *ep, uint64_t badge);

/* Which fast paths run (FP_MODE_* in arch/fastpath_offsets.h): the assembly one and then
 * the C one (default), the C one only (fl.fastpath=c) or none (fl.fastpath=off: ipc.c does
 * everything; the reference the fast paths are tested against). */
extern uint8_t fastpath_mode;
/* The common aborts' decode (fault_fast_table), filled unless fl.fastpath=off: fastpath.S
 * and fault_handle() look aborts up there (fault_decode_fast) before decoding them. */
extern uint32_t fastpath_fault_info[];
void fastpath_init(const char *bootargs);
/* When fl.fastpath= was given: prints how many faults and map replies fastpath.S did alone
 * (the tests' evidence that it runs; the system-exit call prints it). */
void fastpath_report(void);

struct thread;
/* For the assembly fast path: pager's REPLY_RECV answers client's fault. Does the reply
 * (fault_apply) and returns whether the client runs again. */
int fastpath_fault_reply(struct thread *pager, struct thread *client);

#endif
