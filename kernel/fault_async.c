/*
 * Asynchronous fault resolution: a pager thread may hold many unanswered faults and answer
 * them in any order, or wake every fault on a range at once.
 *
 * A fault is named by its reply token, FL_FAULT_TOKEN(thread id, seq): the faulting thread's id
 * (x8 of the fault message) and the fault's sequence number (bits 32..63 of its info word). A
 * new fault of the same thread has a new number, so a token is good for exactly one fault.
 *
 * Holding: a thread owes one reply at a time (its reply target, ipc.c). When a thread that owes
 * a fault reply receives another message, the fault is not dropped (as a call would be) but
 * moves to the receiving thread's held list: the faulting thread stays blocked, its replier
 * still that pager thread, its deadline (fault_deadline.c) still running.
 *
 * Authority: FL_SYS_FAULT_REPLY / FAULT_WAKE / FAULT_REGS_* with a token reach only faults owed
 * by a thread of the caller's own space (its reply target or its held list), so a token of
 * another pager, a stale one (answered, timed out, the thread dead) and a forged one are all
 * the same FL_ENOENT: nothing the caller owes has that name. A held fault lives as long as the
 * thread that received it: when that thread ends, its held faults fail like its reply target
 * ("its pager ended before replying").
 */
#include <arch/memlayout.h>
#include <faultline/errors.h>
#include <faultline/fault.h>
#include <faultline/ipc.h>
#include <kernel/fault.h>
#include <kernel/ipc.h>
#include <kernel/syscall_impl.h>

/* Whether client is blocked on a fault that pager owes (as reply target or held). */
static bool owed_by(const thread_t *client, const thread_t *pager)
{
    return client->state == TS_REPLY && client->in_fault && client->replier == pager;
}

bool fault_hold(thread_t *pager, thread_t *client)
{
    if (!owed_by(client, pager) || client->is_held)
        return false;
    client->is_held = true;
    client->held_next = pager->held_faults;
    pager->held_faults = client;
    return true;
}

void fault_unhold(thread_t *client)
{
    if (!client->is_held)
        return;
    thread_t *pager = client->replier;
    client->is_held = false;
    for (thread_t **p = pager ? &pager->held_faults : NULL; p && *p; p = &(*p)->held_next) {
        if (*p == client) {
            *p = client->held_next;
            break;
        }
    }
    client->held_next = NULL;
}

void fault_abandon_held(thread_t *pager)
{
    while (pager->held_faults) {
        thread_t *c = pager->held_faults;
        fault_unhold(c);
        c->replier = NULL;
        fault_abandon(c, "its pager ended before replying");
    }
}

/* Takes client off whatever made pager owe it (reply target or held list). */
static void release(thread_t *pager, thread_t *client)
{
    if (pager->reply_to == client)
        pager->reply_to = NULL;
    fault_unhold(client);
    client->replier = NULL;
}

static bool token_names(const thread_t *c, uint64_t token)
{
    return c->id == FL_FAULT_TOKEN_THREAD(token) && c->fault_seq == FL_FAULT_TOKEN_SEQ(token);
}

/* The fault named token that a thread of the caller's space owes; *owner gets that thread. */
static long find_token(uint64_t token, thread_t **client, thread_t **owner)
{
    if (token == 0)
        return FL_EINVAL;
    for (thread_t *p = current->space->threads; p; p = p->space_next) {
        thread_t *c = p->reply_to;
        if (c && owed_by(c, p) && token_names(c, token))
            goto found;
        for (c = p->held_faults; c; c = c->held_next)
            if (owed_by(c, p) && token_names(c, token))
                goto found;
        continue;
    found:
        *client = c;
        *owner = p;
        return FL_OK;
    }
    return FL_ENOENT;
}

long fault_token_client(uint64_t token, thread_t **client)
{
    thread_t *owner;
    return find_token(token, client, &owner);
}

long sys_fault_reply(trap_frame_t *tf)
{
    thread_t *c, *owner;
    long err = find_token(tf->x[0], &c, &owner);
    if (err)
        return err;
    release(owner, c);
    return fault_resolve(current, c); /* x1 = tag, x2..x5 = words: as FL_SYS_REPLY */
}

/* Whether c's fault is a page fault at an address in [va, end) through a handle with badge
 * (0: any). */
static bool in_range(const thread_t *c, uint64_t va, uint64_t end, uint64_t badge)
{
    uint64_t addr = c->fault_msg[1];
    return FL_TAG_LABEL(c->fault_msg[0]) == FL_LABEL_PAGE_FAULT && addr >= va && addr < end &&
           (!badge || c->pager_badge == badge);
}

/* The access is retried: whatever the pager mapped meanwhile is there, or it faults again. */
static void resume(thread_t *c)
{
    c->in_fault = false;
    c->fault_in_syscall = false; /* it runs its svc again */
    sched_ready(c);
}

long sys_fault_wake(trap_frame_t *tf)
{
    uint64_t va = tf->x[1], len = tf->x[2], badge = tf->x[3], end = va + len;
    endpoint_t *ep = NULL;
    long woken = 0;
    if (tf->x[0]) {
        long err = lookup((fl_handle_t)tf->x[0], FL_OBJ_ENDPOINT, FL_RIGHT_READ, (void **)&ep);
        if (err)
            return err;
    }
    if (len == 0 || end < va || end > USER_TOP)
        return FL_EINVAL;
    /* Faults the caller's space owes: reply targets and held faults. */
    for (thread_t *p = current->space->threads; p; p = p->space_next) {
        thread_t *c = p->reply_to;
        if (c && owed_by(c, p) && in_range(c, va, end, badge)) {
            release(p, c);
            resume(c);
            woken++;
        }
        for (thread_t *n, *h = p->held_faults; h; h = n) {
            n = h->held_next;
            if (owed_by(h, p) && in_range(h, va, end, badge)) {
                release(p, h);
                resume(h);
                woken++;
            }
        }
    }
    /* Faults still queued on ep, not received by anyone yet (the caller may receive there). */
    thread_t *t = ep ? ep->senders : NULL;
    unsigned n = 0;
    if (t)
        for (thread_t *q = t; n == 0 || q != t; q = q->qnext)
            n++;
    for (unsigned i = 0; i < n; i++) {
        thread_t *next = t->qnext;
        if (t->state == TS_SEND && t->in_fault && in_range(t, va, end, badge)) {
            ipc_withdraw_fault(t);
            resume(t);
            woken++;
        }
        t = next;
    }
    return woken;
}
