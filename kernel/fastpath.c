/*
 * The IPC fast path: call and reply-receive with a registers-only message to a thread that is
 * already waiting, which is what every client call and every page fault round trip is. It
 * checks the conditions in a few loads, copies five registers and switches straight into the
 * other thread's user context, leaving this thread blocked at the user boundary (its kernel
 * stack holds nothing but its trap frame). Every blocked thread is blocked there (a system
 * call whose user copy faults is rewound to its svc: fault.c), so switching straight to any
 * of them through its trap frame is always right. Anything unusual takes the general path in ipc.c,
 * which gives the same result (seL4's fastpath follows the same idea).
 */
#include <arch/context.h>
#include <faultline/ipc.h>
#include <faultline/syscall.h>
#include <kernel/fastpath.h>
#include <kernel/fault.h>
#include <kernel/ipc.h>

/* Switch to next's user context; this thread resumes later through its trap frame. */
static __attribute__((noreturn)) void switch_user(thread_t *prev, thread_t *next)
{
    arch_context_init_user(&prev->ctx, prev->tf);
    sched_handover(prev, next);
    arch_return_to_user(next->tf);
}

static endpoint_t *endpoint_of(trap_frame_t *tf, uint32_t need, uint64_t *badge)
{
    handle_table_t *t = current->space->handles;
    fl_handle_t h = (fl_handle_t)tf->x[0];
    unsigned slot = h & 0xff;
    if (slot == 0 || slot > HANDLE_TABLE_SIZE)
        return NULL;
    handle_entry_t *e = &t->e[slot - 1];
    if (!e->obj || (h >> 8) != e->gen || e->type != FL_OBJ_ENDPOINT || (e->rights & need) != need)
        return NULL;
    *badge = e->badge;
    return e->obj;
}

static bool registers_only(uint64_t tag)
{
    return (tag & 0xffff) <= FL_MSG_REG_WORDS; /* no handles, at most 4 words, no junk bits */
}

/* Registers beyond the message's word count read as 0: nothing of the sender leaks. */
static void copy_message(const trap_frame_t *from, trap_frame_t *to, uint64_t badge)
{
    unsigned words = FL_TAG_WORDS(from->x[1]);
    to->x[0] = 0;
    to->x[1] = from->x[1];
    to->x[2] = words > 0 ? from->x[2] : 0;
    to->x[3] = words > 1 ? from->x[3] : 0;
    to->x[4] = words > 2 ? from->x[4] : 0;
    to->x[5] = words > 3 ? from->x[5] : 0;
    to->x[6] = badge;
    to->x[7] = 0;
    to->x[8] = 0;
}

/* Takes the first waiting receiver of ep if it may run now. */
static thread_t *take_receiver(endpoint_t *ep, thread_t *self)
{
    thread_t *r = ep->receivers;
    if (ep->closed || !r || r->reply_to || r->prio < self->prio ||
        r->prio < sched_highest_ready() || !thread_may_run_here(r))
        return NULL; /* owing a reply: the general path settles the old caller first */
    if (r->qnext == r) {
        ep->receivers = NULL;
    } else {
        r->qprev->qnext = r->qnext;
        r->qnext->qprev = r->qprev;
        ep->receivers = r->qnext;
    }
    r->qnext = r->qprev = NULL;
    r->ep = NULL;
    return r;
}

void fastpath_fault(endpoint_t *ep, uint64_t badge)
{
    thread_t *self = current, *r;
    if (this_cpu()->zombie || !(r = take_receiver(ep, self)))
        return;
    trap_frame_t *to = r->tf;
    to->x[0] = 0;
    to->x[1] = self->fault_msg[0];
    to->x[2] = self->fault_msg[1];
    to->x[3] = self->fault_msg[2];
    to->x[4] = self->fault_msg[3];
    to->x[5] = self->fault_msg[4];
    to->x[6] = badge;
    to->x[7] = self->fault_msg[5];
    to->x[8] = self->id;
    r->reply_to = self;
    self->replier = r;
    self->state = TS_REPLY;
    switch_user(self, r);
}

void fastpath_try(trap_frame_t *tf)
{
    thread_t *self = current;
    uint64_t badge;

    if (this_cpu()->zombie || !registers_only(tf->x[1]))
        return;
    if (tf->x[8] == FL_SYS_CALL) {
        endpoint_t *ep = endpoint_of(tf, FL_RIGHT_WRITE, &badge);
        thread_t *r;
        if (!ep || !(r = take_receiver(ep, self)))
            return;
        copy_message(tf, r->tf, badge);
        r->reply_to = self;
        self->replier = r;
        self->state = TS_REPLY;
        switch_user(self, r);
    }
    if (tf->x[8] == FL_SYS_REPLY_RECV) {
        endpoint_t *ep = endpoint_of(tf, FL_RIGHT_READ, &badge);
        thread_t *c = self->reply_to;
        if (!ep || ep->closed || ep->senders || ep->events || !c || c->state != TS_REPLY ||
            c->replier != self)
            return;
        if (c->prio < self->prio || c->prio < sched_highest_ready() || !thread_may_run_here(c))
            return;
        self->reply_to = NULL;
        c->replier = NULL;
        if (c->in_fault) {
            /* A pager answering a fault: map, then resume the client where it faulted. */
            bool resume;
            fault_apply(self, c, &resume);
            if (!resume)
                return; /* client stopped; the general path goes on to receive */
        } else {
            copy_message(tf, c->tf, 0);
        }
        self->state = TS_RECV;
        self->ep = ep;
        if (!ep->receivers) {
            self->qnext = self->qprev = self;
            ep->receivers = self;
        } else {
            thread_t *h = ep->receivers;
            self->qnext = h;
            self->qprev = h->qprev;
            h->qprev->qnext = self;
            h->qprev = self;
        }
        switch_user(self, c);
    }
}
