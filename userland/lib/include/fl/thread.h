/*
 * Extra threads in the calling process. Each gets one slot of the thread area (fl/layout.h):
 * a control block and its TLS block at the bottom, the stack above. fl_thread_join waits for
 * fn to return (through a notification the thread signals as its last act, touching its stack
 * no more), then frees the slot.
 *
 * Not thread-safe: spawn and join threads from one thread (typically main).
 */
#ifndef FL_THREAD_H
#define FL_THREAD_H

#include <faultline/types.h>

typedef void (*fl_thread_fn)(void *arg);

typedef struct fl_thread {
    fl_handle_t thread; /* the kernel thread handle */
    fl_handle_t done;   /* notification the thread signals when fn returns */
    int slot;           /* its slot in the thread area; -1 when not running */
} fl_thread_t;

/* Starts fn(arg) in a new thread at priority (at most the caller's). 0 or an fl_err_t. */
long fl_thread_spawn(fl_thread_t *t, fl_thread_fn fn, void *arg, unsigned priority);

/* Waits until fn has returned, then frees the thread's slot and handles. 0 or an fl_err_t. */
long fl_thread_join(fl_thread_t *t);

/* The priority the runtime's own threads and processes use (the kernel gives init 16). */
#define FL_PRIORITY_DEFAULT 16

#endif
