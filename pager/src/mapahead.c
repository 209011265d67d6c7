/*
 * Map-ahead for sequential anonymous writes (pager_map_ahead in pager.h).
 *
 * A program that fills fresh memory front to back (a heap, a buffer, a memset) takes one fault
 * per page, each a full round trip through the kernel and the pager for 4 KiB. When the faults
 * of a space come in order, the next pages are almost certainly next: map them in the same
 * reply. The policy, per space (one stream, as Linux's per-file read-ahead state):
 *  - a zero-fill write fault at the page right after the last one this policy saw (the
 *    faulting page, or the end of what it mapped ahead) continues a run; any other fault
 *    ends it;
 *  - the first fault of a run maps nothing ahead; then the window doubles from 4 pages up to
 *    `max` and cfg.map_ahead, so a random or strided pattern never maps ahead and a run that
 *    ends soon wastes little;
 *  - it maps only pages that were never touched (NONE), inside the faulting region, stopping at
 *    the first page that is not: it never replaces a page or crosses into another region;
 *  - frames come straight from ops->alloc_frame, without eviction: with cfg.frame_limit
 *    reached, or the backend out of frames, it maps less (a later fault decides normally).
 * Pages mapped ahead start with the software reference bit clear, so if the program never
 * touches them the clock takes them first.
 */
#include <stdlib.h>

#include "internal.h"

#define AHEAD_FIRST 4u /* pages mapped ahead on the second fault of a run */

/* A zeroed frame without eviction, or NULL. */
static frame_rec_t *ahead_frame(pager_t *p)
{
    if (p->cfg.frame_limit && p->frames >= p->cfg.frame_limit)
        return NULL;
    frame_rec_t *f = malloc(sizeof(*f));
    if (!f)
        return NULL;
    if (p->ops->alloc_frame(p->ctx, &f->id) < 0) {
        free(f);
        return NULL;
    }
    f->shares = 1;
    p->frames++;
    if (p->ops->zero_frame(p->ctx, f->id) < 0) {
        frame_put(p, f);
        return NULL;
    }
    return f;
}

/* Map page vpn (NONE, in anonymous region r) to a fresh zeroed frame; false if it cannot. */
static bool map_one(pager_space_t *s, const region_t *r, uint64_t vpn)
{
    pte_t *pte = pagetab_lookup(&s->pt, vpn);
    if (pte && pte->state != PAGER_PAGE_NONE)
        return false;
    if (!pte && !(pte = pagetab_ensure(&s->pt, vpn)))
        return false;
    pte_t np = {.state = PAGER_PAGE_RESIDENT};
    if (!(np.u.frame = ahead_frame(s->pager)))
        return false;
    if (page_set_prot(s, vpn, &np, page_allowed_prot(r, &np)) < 0) {
        frame_put(s->pager, np.u.frame);
        return false;
    }
    *pte = np; /* ref stays 0: not touched yet */
    s->stats.resident++;
    s->stats.zero_fills++;
    s->stats.mapped_ahead++;
    return true;
}

int pager_map_ahead(pager_space_t *s, const pager_fault_result_t *res, unsigned max, unsigned *done)
{
    if (!s || !res || !done)
        return PAGER_EINVAL;
    *done = 0;
    uint64_t vpn = vpn_of(res->page);
    const region_t *r = NULL;
    bool sequential = vpn == s->ahead_next && s->ahead_run > 0;
    if (res->outcome == PAGER_FAULT_MAPPED && res->action == PAGER_ACT_ZERO_FILL)
        r = region_find(&s->regions, res->page);
    if (!r || r->backing != PAGER_BACKING_ANON) {
        s->ahead_run = 0;
        return PAGER_OK;
    }
    s->ahead_next = vpn + 1;
    if (!sequential) {
        s->ahead_run = 1;
        return PAGER_OK;
    }
    unsigned want = AHEAD_FIRST << (s->ahead_run - 1 < 8 ? s->ahead_run - 1 : 8);
    unsigned cap = s->pager->cfg.map_ahead < max ? s->pager->cfg.map_ahead : max;
    if (want > cap)
        want = cap;
    s->ahead_run++;
    while (*done < want && addr_of(vpn + 1 + *done) < r->end && map_one(s, r, vpn + 1 + *done))
        (*done)++;
    s->ahead_next = vpn + 1 + *done;
    return PAGER_OK;
}
