/*
 * Pool revocation (FL_SYS_POOL_REVOKE): the pool is the unit of reclamation. Revoking a pool
 * ends every process charged to it or to any pool below it and cuts every reference the rest
 * of the system holds to their objects, so the frames come back even when the processes made
 * themselves unreachable (a child holding the only receive handle of the endpoint its own
 * thread faults to). See docs/security.md, "The pool is the unit of reclamation".
 *
 * Nothing here allocates: the walk is over a list of every space threaded through the space
 * objects themselves, and each space is pinned by a reference while it is looked at, so the
 * destruction that ending one process sets off (kobj.c's reaper) can never free the space the
 * walk stands on. All of it runs under the one kernel lock.
 */
#include <faultline/errors.h>
#include <kernel/panic.h>
#include <kernel/ipc.h>
#include <kernel/pool.h>
#include <kernel/pool_revoke.h>
#include <kernel/space.h>
#include <kernel/thread.h>

static space_t *all_spaces; /* every space not yet destroyed, newest first */

void pool_revoke_space_added(space_t *s)
{
    s->all_prev = NULL;
    s->all_next = all_spaces;
    if (all_spaces)
        all_spaces->all_prev = s;
    all_spaces = s;
}

void pool_revoke_space_removed(space_t *s)
{
    if (s->all_prev)
        s->all_prev->all_next = s->all_next;
    else if (all_spaces == s)
        all_spaces = s->all_next;
    if (s->all_next)
        s->all_next->all_prev = s->all_prev;
    s->all_next = s->all_prev = NULL;
}

/* Whether q is p or a pool below it. Depth is bounded by memory, not by the stack: a loop. */
bool pool_is_under(const pool_t *q, const pool_t *p)
{
    for (; q; q = q->parent)
        if (q == p)
            return true;
    return false;
}

/* Whether o is charged to p or a pool below it (p's own object is charged to p's parent). */
static bool charged_under(const void *o, const pool_t *p)
{
    const kobj_t *k = o;
    return k && k->pool && pool_is_under(k->pool, p);
}

/* Calls fn on every space, each held by a reference while fn runs and until the next one is
 * held, so fn may end processes (and so destroy any other space) freely. */
static void each_space(void (*fn)(space_t *, pool_t *), pool_t *p)
{
    space_t *s = all_spaces;
    if (s)
        kobj_get(&s->obj);
    while (s) {
        fn(s, p);
        space_t *next = s->all_next; /* still listed: the reference keeps s */
        if (next)
            kobj_get(&next->obj);
        kobj_put(&s->obj);
        s = next;
    }
}

/* Pass 1: every process charged under p ends (exit status -1, as FL_SYS_SPACE_DESTROY). Its
 * threads die, its mappings and handles go; what only it named is freed on the way. */
static void end_if_under(space_t *s, pool_t *p)
{
    if (!s->dead && pool_is_under(s->pool, p))
        space_kill(s, -1);
}

/* Pass 2: in every other process, handles to objects charged under p are closed (later use:
 * FL_EBADH), as if the process had closed them; the last receive handle of an endpoint going
 * closes it, which wakes its blocked senders and receivers with FL_EPEER. Kernel-held
 * references to such objects go too: a thread's pager or exception endpoint (cleared, as
 * FL_SYS_THREAD_SET_HANDLER with 0 would) and a space watch notification. */
static void cut_references(space_t *s, pool_t *p)
{
    if (s->dead)
        return;
    for (unsigned i = 0; i < HANDLE_TABLE_SIZE && !s->dead; i++) {
        handle_entry_t *e = &s->handles->e[i];
        if (!charged_under(e->obj, p))
            continue;
        handle_entry_t old;
        BUG_ON(handle_remove(s->handles, ((fl_handle_t)e->gen << 8) | (i + 1), &old) != FL_OK);
        space_handle_dropped(old.obj, old.rights); /* may end s (it named only itself) */
    }
    thread_t *t = s->threads;
    while (t && !s->dead) {
        endpoint_t *ep = NULL;
        if (charged_under(t->pager, p)) {
            BUG_ON(space_pagers_update(s, t, NULL, 0) != FL_OK); /* fewer pagers always fit */
            ep = t->pager;
            t->pager = NULL;
            t->pager_badge = 0;
        } else if (charged_under(t->exc_handler, p)) {
            ep = t->exc_handler;
            t->exc_handler = NULL;
            t->exc_badge = 0;
        }
        if (!ep) {
            t = t->space_next;
            continue;
        }
        kobj_put(&ep->obj); /* may destroy it, and who knows what that wakes: start over */
        t = s->threads;
    }
    if (s->dead)
        return;
    for (unsigned i = 0; i < FL_SPACE_WATCHERS; i++) {
        if (!charged_under(s->watch[i], p))
            continue;
        notification_t *n = s->watch[i];
        s->watch[i] = NULL;
        kobj_put(&n->obj);
    }
}

long pool_revoke(pool_t *p)
{
    if (pool_is_under(current->space->pool, p))
        return FL_EBUSY; /* the caller would end itself: revoke from outside the pool */
    each_space(end_if_under, p);
    each_space(cut_references, p);
    return (long)p->used;
}
