/*
 * The pagers of a space: which endpoints its threads send their page faults to. Two things
 * follow from that set (docs/fault-protocol.md, "Who may change pager-backed memory" and
 * "Pager events"):
 *  - authority: a page a pager mapped for the space (VS_PAGER) may be unmapped, re-protected
 *    or replaced only by a thread that receives on one of those endpoints; the process itself,
 *    holding its own space handle, gets FL_EPAGER and asks its pager instead. Otherwise the
 *    pager's state and the page tables drift apart behind its back.
 *  - end events: when the process ends each of those endpoints that asked for events
 *    (FL_EP_SPACE_EVENTS) gets one FL_LABEL_SPACE_ENDED message, so a pager learns of it without
 * holding the client's space handle. The set is recomputed from the live threads whenever one's
 * pager is set, so it never holds more endpoints than the threads use (at most SPACE_PAGERS).
 */
#include <faultline/errors.h>
#include <faultline/types.h>
#include <kernel/ipc.h>
#include <kernel/space.h>
#include <kernel/thread.h>

/* Whether the calling thread's process holds a receive (READ) handle on ep. */
static bool caller_receives_on(const endpoint_t *ep)
{
    const handle_table_t *t = current->space->handles;
    for (unsigned i = 0; i < HANDLE_TABLE_SIZE; i++)
        if (t->e[i].obj == ep && (t->e[i].rights & FL_RIGHT_READ))
            return true;
    return false;
}

space_pager_role_t space_pager_role(space_t *s)
{
    space_pager_role_t role = SPACE_NO_PAGER;
    for (unsigned i = 0; i < SPACE_PAGERS; i++) {
        endpoint_t *ep = s->pagers[i].ep;
        if (!ep || ep->closed) /* nobody can receive there: nobody to ask */
            continue;
        if (caller_receives_on(ep))
            return SPACE_PAGER_CALLER;
        role = SPACE_PAGER_OTHER;
    }
    return role;
}

static bool add(space_pager_t *set, unsigned *n, endpoint_t *ep, uint64_t badge)
{
    for (unsigned i = 0; i < *n; i++)
        if (set[i].ep == ep)
            return true;
    if (*n == SPACE_PAGERS)
        return false;
    set[(*n)++] = (space_pager_t){.ep = ep, .badge = badge};
    return true;
}

int space_pagers_update(space_t *s, thread_t *t, endpoint_t *ep, uint64_t badge)
{
    space_pager_t set[SPACE_PAGERS];
    unsigned n = 0;
    if (ep && !add(set, &n, ep, badge))
        return FL_EFULL;
    for (thread_t *u = s->threads; u; u = u->space_next)
        if (u != t && u->pager && !add(set, &n, u->pager, u->pager_badge))
            return FL_EFULL;
    for (unsigned i = 0; i < n; i++)
        kobj_get(&set[i].ep->obj);
    for (unsigned i = 0; i < SPACE_PAGERS; i++) {
        if (s->pagers[i].ep)
            kobj_put(&s->pagers[i].ep->obj);
        s->pagers[i] = i < n ? set[i] : (space_pager_t){0};
        s->pagers[i].space = s;
    }
    return FL_OK;
}

void space_pagers_ended(space_t *s, bool notify)
{
    for (unsigned i = 0; i < SPACE_PAGERS; i++) {
        space_pager_t *p = &s->pagers[i];
        endpoint_t *ep = p->ep;
        if (!ep)
            continue;
        if (notify && ep->want_events && !ep->closed) {
            p->status = s->exit_status;
            kobj_get(&s->obj); /* the queued event keeps the space (and p) alive */
            endpoint_post_event(ep, p);
        }
        p->ep = NULL;
        kobj_put(&ep->obj); /* if this was the last reference, the queue is dropped with it */
    }
}
