/* Fault forwarding: EL0 exceptions become messages to the thread's pager or exception handler. */
#ifndef KERNEL_FAULT_H
#define KERNEL_FAULT_H

#include <arch/trap_frame.h>
#include <kernel/thread.h>

/* The current thread took a synchronous exception that is not a system call. */
void fault_handle(trap_frame_t *tf);
/* pager replied to client, which is blocked on a fault: check, map, resume or stop it.
 * Returns what the pager's reply call returns. */
int fault_resolve(thread_t *pager, thread_t *client);
/* The checking and mapping half of fault_resolve: *resume says whether client may run again
 * (otherwise it was stopped). */
int fault_apply(thread_t *pager, thread_t *client, bool *resume);
/* client's fault can never be answered (its pager went away): stop it with a log line. */
void fault_abandon(thread_t *client, const char *why);

#endif
