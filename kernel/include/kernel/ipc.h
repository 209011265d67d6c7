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
    uint64_t deadline;             /* ticks a fault sent here may wait for its answer; 0: ever */
    bool want_events;              /* FL_EP_SPACE_EVENTS */
    space_pager_t *events, *events_tail; /* queued FL_LABEL_SPACE_ENDED events (FIFO) */
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
/* Queues a pager event (FL_LABEL_SPACE_ENDED) on ep, or hands it to a waiting receiver. The
 * event holds a reference on its space until received or dropped. */
void endpoint_post_event(endpoint_t *ep, space_pager_t *ev);
/* Takes t out of the endpoint queue or reply wait of its pending fault, touching nothing else
 * (a deadline passed; kernel/fault_deadline.c). */
void ipc_withdraw_fault(thread_t *t);
/* Sends the pending fault message of t, a blocked thread that is not the current one, to ep as
 * a call (kernel/fault_deadline.c passes a timed-out fault on to the exception handler). */
void ipc_send_fault_of(thread_t *t, endpoint_t *ep, uint64_t badge);

void notification_signal(notification_t *n, uint64_t bits);
int notification_wait(notification_t *n, bool block);

#endif
