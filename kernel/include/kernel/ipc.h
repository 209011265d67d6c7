/* Synchronous endpoints and asynchronous notifications. */
#ifndef KERNEL_IPC_H
#define KERNEL_IPC_H

#include <faultline/ipc.h>
#include <kernel/thread.h>

typedef struct endpoint {
    kobj_t obj;
    thread_t *senders, *receivers; /* FIFO wait queues (circular, via qnext/qprev) */
    uint32_t receivers_possible;   /* handles with FL_RIGHT_READ: 0 means nobody can receive */
    bool closed;                   /* it had receivers and has none now: sends fail */
} endpoint_t;

typedef struct notification {
    kobj_t obj;
    uint64_t bits;
    thread_t *waiters;
} notification_t;

/* Each returns 0 / an error for the calling thread, or IPC_BLOCKED when the current thread
 * blocked; the thread that wakes it writes its results into its trap frame. */
#define IPC_BLOCKED (-1000) /* neither an error code nor a value any syscall returns */

int ipc_send(endpoint_t *ep, uint64_t badge, bool is_call);
int ipc_recv(endpoint_t *ep);
int ipc_reply(void);
/* t's IPC buffer as t sees it now (the writable ordinary page mapped at the address it
 * registered), or NULL: none registered, or that page is not mapped so now. */
fl_ipc_buffer_t *ipc_buffer(thread_t *t);
/* Takes t out of whatever IPC it waits in (t is dying). */
void ipc_cancel_thread(thread_t *t);
/* No handle that can receive on ep is left: fail everyone queued and every later send. */
void endpoint_close(endpoint_t *ep);

void notification_signal(notification_t *n, uint64_t bits);
int notification_wait(notification_t *n, bool block);

#endif
