/* Fault forwarding: EL0 exceptions become messages to the thread's pager or exception handler. */
#ifndef KERNEL_FAULT_H
#define KERNEL_FAULT_H

#include <arch/esr.h>
#include <arch/trap_frame.h>
#include <kernel/thread.h>

/* The current thread took a synchronous exception that is not a system call. */
void fault_handle(trap_frame_t *tf);
/* pager replied to client, which is blocked on a fault: check, map, resume or stop it.
 * Returns what the pager's reply call returns. */
int fault_resolve(thread_t *pager, thread_t *client);
/* The kernel faulted on a user address while copying for a system call of the current
 * thread. Settled locally (a stale TLB entry, the access flag): returns true, retry the
 * access. No pager, or not a system call: returns false, the copy fails with FL_EFAULT.
 * Otherwise it does not return: the system call is abandoned, the thread rewound to its svc
 * and sent to its pager as a fault (FL_FAULT_SYSCALL); after a map or resume reply the call
 * runs again from the start, after a fail reply it returns FL_EFAULT. */
bool fault_user_copy(const esr_info_t *e, uint64_t far);
/* The checking and mapping half of fault_resolve: *resume says whether client may run again
 * (otherwise it was stopped). */
int fault_apply(thread_t *pager, thread_t *client, bool *resume);
/* The current thread was interrupted at EL0 by an SError or FIQ (tf): stop it with a log line
 * (what happened, detail) and run someone else; the kernel goes on. */
void fault_async(trap_frame_t *tf, const char *what, const char *detail);
/* client's fault can never be answered (its pager went away): stop it with a log line. */
void fault_abandon(thread_t *client, const char *why);
/* client's fault was not answered within its pager endpoint's deadline (why names the pager):
 * stop it with a log line; its process ends with FL_ETIMEDOUT (a syscall's copy fails). */
void fault_timed_out(thread_t *client, const char *why);
/* Deadlines (kernel/fault_deadline.c): arm one for client's fault just sent to ep, and check
 * them on every timer tick. */
void fault_deadline_arm(thread_t *client, struct endpoint *ep);
void fault_deadline_tick(void);
/* Held faults (kernel/fault_async.c). pager, which owes client's fault as its reply target,
 * is about to receive another message: keep the fault owed (true), or false if client is not
 * blocked on a fault pager owes. */
bool fault_hold(thread_t *pager, thread_t *client);
/* client's fault is no longer owed (answered elsewhere, withdrawn, client ending): take it off
 * its pager thread's held list, if it is on one. */
void fault_unhold(thread_t *client);
/* pager is ending: every fault it holds fails ("its pager ended before replying"). */
void fault_abandon_held(thread_t *pager);
/* The blocked thread whose fault `token` names, if a thread of the caller's space owes it:
 * FL_OK, FL_EINVAL (token 0) or FL_ENOENT. */
long fault_token_client(uint64_t token, thread_t **client);

#endif
