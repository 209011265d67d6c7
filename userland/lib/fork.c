/* fork() on the reference pager; see fl/fork.h. */
#include <fl/fork.h>
#include <fl/pager_proto.h>
#include <fl/runtime.h>
#include <fl/spawn.h>
#include <fl/syscall.h>
#include <fl/thread.h>
#include <fl/vm.h>
#include <setjmp.h>
#include <stdio.h>

#define CHILD_STACK_GAP 8192 /* the child's first frames go this far below the parent's */

/* Written before FORK, so the child's copy holds them; the child reads them first thing. */
static jmp_buf fork_jmp;
static struct {
    fl_handle_t self, pool;
    uint64_t tp;
} snap;
static fl_handle_t fork_ntf;
static unsigned fork_count;

void fl_fork_child(uint64_t pager) __attribute__((noreturn));

/* The child's first instruction (x0 = its pager endpoint there). Runs before TLS is set up:
 * touches no thread-local variable. */
void fl_fork_child(uint64_t pager)
{
    fl_runtime_handles_t *h = fl_runtime_handles();
    h->self_space = snap.self;
    h->pool = snap.pool;
    h->parent = FL_HANDLE_INVALID;
    h->pager = (fl_handle_t)pager;
    fl_ipcbuf_forget();
    fork_ntf = FL_HANDLE_INVALID; /* its own children get their own notification */
    __asm__ volatile("msr tpidr_el0, %0" : : "r"(snap.tp));
    longjmp(fork_jmp, 1);
}

/* Makes the child's space with its own handles to itself and the pool. */
static long make_space(fl_handle_t *space)
{
    long r = fl_space_create(fl_pool());
    if (r < 0)
        return r;
    *space = (fl_handle_t)r;
    long self = fl_handle_give(*space, *space, FL_RIGHTS_ALL);
    long pool = self < 0 ? self : fl_handle_give(*space, fl_pool(), FL_RIGHTS_ALL);
    if (pool < 0) {
        fl_space_destroy(*space);
        fl_handle_close(*space);
        return pool;
    }
    snap.self = (fl_handle_t)self;
    snap.pool = (fl_handle_t)pool;
    return 0;
}

long fl_fork(fl_child_t *child)
{
    if (!fl_pager())
        return FL_EPEER;
    fflush(stdout); /* or the child prints the parent's pending output again */
    if (setjmp(fork_jmp))
        return 0;

    fl_handle_t space;
    long r;
    if (!fork_ntf) {
        if ((r = fl_notification_create()) < 0)
            return r;
        fork_ntf = (fl_handle_t)r;
    }
    if ((r = make_space(&space)) < 0)
        return r;
    __asm__ volatile("mrs %0, tpidr_el0" : "=r"(snap.tp));
    child->bits = 1ULL << (fork_count++ % 62);

    fl_ipc_buffer_t *buf = fl_ipcbuf_acquire();
    if (!buf) {
        r = FL_ENOMEM;
        goto fail;
    }
    buf->handles[0] = space;
    buf->handle_rights[0] = FL_RIGHT_MAP | FL_RIGHT_READ;
    buf->handles[1] = fork_ntf;
    buf->handle_rights[1] = FL_RIGHT_WRITE;
    fl_msg_t m = {.tag = FL_TAG(PAGER_REQ_FORK, PAGER_HANDLE_MSG_WORDS, 2),
                  .w = {child->bits, 0x6b726f66 /* "fork" */, PAGER_REG_NOTIFY}};
    r = fl_call(fl_pager(), &m); /* the child's memory is this moment's */
    fl_handle_t cpager = buf->handles[0];
    fl_ipcbuf_release();
    if (r >= 0 && (FL_TAG_LABEL(m.tag) != PAGER_REPLY || (long)m.w[0] < 0))
        r = FL_TAG_LABEL(m.tag) == PAGER_REPLY ? (long)m.w[0] : FL_EPEER;
    if (r >= 0 && FL_TAG_HANDLES(m.tag) < 1)
        r = FL_EPEER;
    if (r < 0)
        goto fail;
    child->pager_id = m.w[0];

    long given = fl_handle_give(space, cpager, FL_RIGHT_WRITE);
    uint64_t sp = ((uint64_t)__builtin_frame_address(0) - CHILD_STACK_GAP) & ~15ULL;
    long t = given < 0 ? given
                       : fl_thread_create(space, (uint64_t)fl_fork_child, sp, (uint64_t)given,
                                          FL_PRIORITY_DEFAULT);
    if (t >= 0 && (r = fl_thread_set_handler((fl_handle_t)t, FL_HANDLER_PAGER, cpager)) >= 0)
        r = fl_thread_start((fl_handle_t)t);
    else
        r = t < 0 ? t : r;
    fl_handle_close(cpager);
    if (r < 0) {
        if (t >= 0)
            fl_handle_close((fl_handle_t)t);
        goto fail;
    }
    child->space = space;
    child->thread = (fl_handle_t)t;
    return 1;

fail:
    fl_space_destroy(space); /* the pager sees it end and frees the copy */
    fl_handle_close(space);
    return r;
}

long fl_child_wait(fl_child_t *child, long *status)
{
    fl_proc_t p = {.space = child->space, .thread = child->thread};
    long r = fl_proc_wait(&p, fork_ntf, child->bits, status);
    fl_space_destroy(child->space);
    fl_handle_close(child->space);
    fl_handle_close(child->thread);
    child->space = child->thread = FL_HANDLE_INVALID;
    return r;
}
