/*
 * fork() for processes that run on the reference pager (fl/vm.h). The child is a copy of the
 * calling process's pager memory (program, heap, stack, start page, vm_map regions), shared
 * copy-on-write: neither side copies a page until it writes it, and a write to a page the
 * other side no longer holds only regains write access.
 *
 * How: setjmp; a new space; FORK at the pager (which clones the address space and gives the
 * child its own badged endpoint); a thread in the child that starts in fl_fork_child, which
 * sets the child's handles and TLS pointer and longjmps into its copy of the jmp_buf — the
 * stack is shared at the same addresses, so the child returns from fl_fork with 0.
 *
 * Limits: call it from the main thread of a single-threaded process (other threads' stacks
 * and the IPC buffer are not pager memory, so the child has none of them); the child has no
 * parent endpoint (it ends with FL_SYS_THREAD_EXIT) and its pool is the parent's.
 */
#ifndef FL_FORK_H
#define FL_FORK_H

#include <faultline/types.h>
#include <stdint.h>

typedef struct fl_child {
    fl_handle_t space, thread; /* all rights */
    uint64_t pager_id;         /* for fl_pager_stats / fl_pager_report */
    uint64_t bits;             /* its bits on the runtime's fork notification */
} fl_child_t;

/* 0 in the child; 1 in the parent with *child filled; a negative fl_err_t on failure. */
long fl_fork(fl_child_t *child);

/* Waits until the child ended and the pager freed its memory; *status = its exit status
 * (-1 if a fault stopped it). Closes the child's handles. */
long fl_child_wait(fl_child_t *child, long *status);

#endif
