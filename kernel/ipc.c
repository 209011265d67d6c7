/*
 * Synchronous IPC. A message is the tag and four words in the sender's registers (x1..x5),
 * more words in its IPC buffer, and handles named there. Transfer is a register copy, so the
 * common call/reply-receive pair costs two kernel entries and two direct switches.
 */
#include <arch/arch.h>
#include <arch/vspace.h>
#include <faultline/errors.h>
#include <faultline/fault.h>
#include <faultline/ipc.h>
#include <faultline/types.h>
#include <kernel/fault.h>
#include <kernel/ipc.h>
#include <kernel/panic.h>
#include <string.h>

/* Wait queues: circular lists through qnext/qprev, as the run queues. */
static void q_push(thread_t **q, thread_t *t)
{
    if (!*q) {
        t->qnext = t->qprev = t;
        *q = t;
        return;
    }
    t->qnext = *q;
    t->qprev = (*q)->qprev;
    (*q)->qprev->qnext = t;
    (*q)->qprev = t;
}

static thread_t *q_pop(thread_t **q)
{
    thread_t *t = *q;
    if (t->qnext == t) {
        *q = NULL;
    } else {
        t->qprev->qnext = t->qnext;
        t->qnext->qprev = t->qprev;
        *q = t->qnext;
    }
    t->qnext = t->qprev = NULL;
    return t;
}

static void q_remove(thread_t **q, thread_t *t)
{
    if (*q == t) {
        q_pop(q);
        return;
    }
    t->qprev->qnext = t->qnext;
    t->qnext->qprev = t->qprev;
    t->qnext = t->qprev = NULL;
}

/*
 * The IPC buffer is found through the thread's own page tables at each use, never pinned by
 * frame: a frame pinned at registration stays the kernel's target after the page is unmapped,
 * and if that frame was lent (a pager's page) and is lent again to another process, one
 * process's message words land in the other's memory. Looking it up costs one table walk on
 * the general path only (the fast path carries registers alone). The frame cannot go away
 * between the lookup and the copy: both happen in one kernel entry under the kernel lock.
 */
fl_ipc_buffer_t *ipc_buffer(thread_t *t)
{
    uint64_t pa;
    if (!t->ipcbuf_va || !t->space->root)
        return NULL;
    if (!vspace_lookup_ram_rw(t->space->root, t->ipcbuf_va, &pa))
        return NULL; /* unmapped, read-only (copy-on-write) or not ordinary memory now */
    return arch_phys_to_virt(pa);
}

/* Moves handles named in the sender's IPC buffer into the receiver's table. Handles that are
 * no longer valid or lack FL_RIGHT_GRANT by now are dropped (the count tells the receiver). */
static unsigned transfer_handles(thread_t *from, thread_t *to, unsigned n)
{
    fl_ipc_buffer_t *src = ipc_buffer(from), *dst = ipc_buffer(to);
    unsigned moved = 0;
    if (!src || !dst)
        return 0;
    for (unsigned i = 0; i < n; i++) {
        handle_entry_t *e;
        if (handle_lookup(from->space->handles, src->handles[i], FL_OBJ_NONE, FL_RIGHT_GRANT, &e) !=
            FL_OK)
            continue;
        fl_handle_t h;
        if (handle_install(to->space->handles, e->obj, e->type, e->rights & src->handle_rights[i],
                           e->badge, &h) != FL_OK)
            break;
        kobj_get(e->obj);
        kobj_handle_opened(e->obj, e->rights & src->handle_rights[i]);
        dst->handles[moved++] = h;
    }
    return moved;
}

/* Copies the message from's registers (and buffer) into to's, with badge. */
static void transfer(thread_t *from, thread_t *to, uint64_t badge)
{
    if (from->in_fault) { /* a fault message: built by fault.c, registers only */
        to->tf->x[0] = 0;
        for (int i = 0; i < 5; i++)
            to->tf->x[1 + i] = from->fault_msg[i];
        to->tf->x[6] = badge;
        to->tf->x[7] = from->fault_msg[5];
        to->tf->x[8] = from->id; /* which thread faulted */
        return;
    }
    uint64_t tag = from->tf->x[1];
    unsigned words = FL_TAG_WORDS(tag), handles = FL_TAG_HANDLES(tag);

    to->tf->x[0] = 0;
    for (unsigned i = 0; i < FL_MSG_REG_WORDS; i++) /* nothing of the sender beyond the message */
        to->tf->x[2 + i] = i < words ? from->tf->x[2 + i] : 0;
    to->tf->x[6] = badge;
    to->tf->x[7] = 0;
    to->tf->x[8] = 0;
    if (words > FL_MSG_REG_WORDS) {
        fl_ipc_buffer_t *src = ipc_buffer(from), *dst = ipc_buffer(to);
        if (src && dst)
            memcpy(&dst->words[FL_MSG_REG_WORDS], &src->words[FL_MSG_REG_WORDS],
                   (words - FL_MSG_REG_WORDS) * sizeof(uint64_t));
        else
            words = FL_MSG_REG_WORDS; /* no buffer on one side: registers only */
    }
    if (handles)
        handles = transfer_handles(from, to, handles);
    to->tf->x[1] = FL_TAG(FL_TAG_LABEL(tag), words, handles);
}

static void wake_with_error(thread_t *t, const char *why);

/* server is about to take a new call: a caller it never answered learns it never will. */
static void drop_unanswered(thread_t *server)
{
    thread_t *c = server->reply_to;
    server->reply_to = NULL;
    if (c && fault_hold(server, c))
        return; /* a fault stays owed: answered later by its token (fault_async.c) */
    if (c && c->state == TS_REPLY && c->replier == server) {
        c->replier = NULL;
        wake_with_error(c, "its server took another call without replying");
    }
}

/* Block the current thread and run t (it was just made runnable by us) if it may run now. */
static void block_and_run(thread_t *t)
{
    sched_ready_here(t);
    sched_switch();
}

int ipc_send(endpoint_t *ep, uint64_t badge, bool is_call)
{
    thread_t *self = current;
    if (ep->closed) {
        if (self->in_fault) {
            fault_abandon(self, "its pager's endpoint is closed");
            if (self->state == TS_DEAD)
                sched_switch();
            return IPC_BLOCKED;
        }
        return FL_EPEER;
    }
    if (!ep->receivers) {
        self->state = TS_SEND;
        self->ep = ep;
        self->is_call = is_call;
        self->send_badge = badge;
        q_push(&ep->senders, self);
        sched_switch();
        return IPC_BLOCKED;
    }
    thread_t *r = q_pop(&ep->receivers);
    r->ep = NULL;
    transfer(self, r, badge);
    if (is_call) {
        drop_unanswered(r);
        r->reply_to = self;
        self->replier = r;
        self->state = TS_REPLY;
        block_and_run(r);
        return IPC_BLOCKED;
    }
    sched_ready(r);
    return FL_OK;
}

/* Writes pager event ev into t's registers as a received message and releases it. */
static void deliver_event(thread_t *t, space_pager_t *ev)
{
    trap_frame_t *tf = t->tf;
    tf->x[0] = 0;
    tf->x[1] = FL_TAG(FL_LABEL_SPACE_ENDED, 2, 0);
    tf->x[2] = ev->space->id;
    tf->x[3] = (uint64_t)(int64_t)ev->status;
    tf->x[4] = tf->x[5] = 0;
    tf->x[6] = ev->badge;
    tf->x[7] = tf->x[8] = 0;
    kobj_put(&ev->space->obj);
}

static space_pager_t *pop_event(endpoint_t *ep)
{
    space_pager_t *ev = ep->events;
    ep->events = ev->next_event;
    if (!ep->events)
        ep->events_tail = NULL;
    ev->next_event = NULL;
    return ev;
}

void endpoint_post_event(endpoint_t *ep, space_pager_t *ev)
{
    if (ep->receivers) {
        thread_t *r = q_pop(&ep->receivers);
        r->ep = NULL;
        deliver_event(r, ev);
        sched_ready(r);
        return;
    }
    ev->next_event = NULL;
    if (ep->events_tail)
        ep->events_tail->next_event = ev;
    else
        ep->events = ev;
    ep->events_tail = ev;
}

int ipc_recv(endpoint_t *ep)
{
    thread_t *self = current;
    if (!ep->senders && ep->events) { /* an event is a message nobody waits to be answered */
        deliver_event(self, pop_event(ep));
        return IPC_BLOCKED;
    }
    if (!ep->senders) {
        self->state = TS_RECV;
        self->ep = ep;
        q_push(&ep->receivers, self);
        sched_switch();
        return IPC_BLOCKED;
    }
    thread_t *s = q_pop(&ep->senders);
    s->ep = NULL;
    transfer(s, self, s->send_badge);
    if (s->is_call) {
        drop_unanswered(self);
        self->reply_to = s;
        s->replier = self;
        s->state = TS_REPLY;
    } else {
        s->tf->x[0] = FL_OK;
        sched_ready(s);
    }
    return IPC_BLOCKED; /* results are in our trap frame already */
}

int ipc_reply(void)
{
    thread_t *self = current, *c = self->reply_to;
    if (!c)
        return FL_EPEER;
    self->reply_to = NULL;
    if (c->state != TS_REPLY || c->replier != self)
        return FL_EPEER;
    c->replier = NULL;
    if (c->in_fault)
        return fault_resolve(self, c);
    transfer(self, c, 0);
    sched_ready(c);
    return FL_OK;
}

/* The IPC t waits in can never complete: a caller gets FL_EPEER, a faulting thread is
 * reported and stopped (or, if the fault was a system call's user copy, that call returns
 * FL_EFAULT). */
static void wake_with_error(thread_t *t, const char *why)
{
    if (t->in_fault) {
        fault_abandon(t, why);
        return;
    }
    t->tf->x[0] = (uint64_t)(int64_t)FL_EPEER;
    sched_ready(t);
}

void ipc_cancel_thread(thread_t *t)
{
    if ((t->state == TS_SEND || t->state == TS_RECV) && t->ep) {
        q_remove(t->state == TS_SEND ? &t->ep->senders : &t->ep->receivers, t);
        t->ep = NULL;
    }
    if (t->state == TS_NOTIFY_WAIT && t->ntf) {
        q_remove(&t->ntf->waiters, t);
        t->ntf = NULL;
    }
    if (t->state == TS_REPLY && t->replier) {
        fault_unhold(t);
        if (t->replier->reply_to == t)
            t->replier->reply_to = NULL;
        t->replier = NULL;
    }
    fault_abandon_held(t);
    if (t->reply_to) { /* it owed a reply: the caller learns its server is gone */
        thread_t *c = t->reply_to;
        t->reply_to = NULL;
        if (c->state == TS_REPLY && c->replier == t) {
            c->replier = NULL;
            wake_with_error(c, "its pager ended before replying");
        }
    }
}

void ipc_withdraw_fault(thread_t *t)
{
    if (t->state == TS_SEND && t->ep) {
        q_remove(&t->ep->senders, t);
        t->ep = NULL;
    }
    if (t->state == TS_REPLY && t->replier) {
        fault_unhold(t);
        if (t->replier->reply_to == t)
            t->replier->reply_to = NULL; /* its late reply gets FL_EPEER */
        t->replier = NULL;
    }
}

void ipc_send_fault_of(thread_t *t, endpoint_t *ep, uint64_t badge)
{
    if (!ep->receivers) {
        t->state = TS_SEND;
        t->ep = ep;
        t->is_call = true;
        t->send_badge = badge;
        q_push(&ep->senders, t);
        return;
    }
    thread_t *r = q_pop(&ep->receivers);
    r->ep = NULL;
    transfer(t, r, badge);
    drop_unanswered(r);
    r->reply_to = t;
    t->replier = r;
    t->state = TS_REPLY;
    sched_ready(r);
}

void endpoint_close(endpoint_t *ep)
{
    ep->closed = true;
    while (ep->events) /* nobody will receive them */
        kobj_put(&pop_event(ep)->space->obj);
    while (ep->senders) {
        thread_t *t = q_pop(&ep->senders);
        t->ep = NULL;
        wake_with_error(t, "its pager's endpoint was closed");
    }
    while (ep->receivers) {
        thread_t *t = q_pop(&ep->receivers);
        t->ep = NULL;
        wake_with_error(t, "endpoint closed");
    }
}

void endpoint_destroy_obj(kobj_t *o)
{
    endpoint_close((endpoint_t *)o);
}

void notification_signal(notification_t *n, uint64_t bits)
{
    n->bits |= bits;
    if (n->waiters && n->bits) {
        thread_t *w = q_pop(&n->waiters);
        w->ntf = NULL;
        w->tf->x[0] = n->bits;
        n->bits = 0;
        sched_ready(w);
    }
}

int notification_wait(notification_t *n, bool block)
{
    thread_t *self = current;
    if (n->bits || !block) {
        self->tf->x[0] = n->bits;
        n->bits = 0;
        return IPC_BLOCKED;
    }
    self->state = TS_NOTIFY_WAIT;
    self->ntf = n;
    q_push(&n->waiters, self);
    sched_switch();
    return IPC_BLOCKED;
}

void notification_destroy_obj(kobj_t *o)
{
    notification_t *n = (notification_t *)o;
    while (n->waiters) {
        thread_t *t = q_pop(&n->waiters);
        t->ntf = NULL;
        t->tf->x[0] = (uint64_t)(int64_t)FL_EPEER;
        sched_ready(t);
    }
}
