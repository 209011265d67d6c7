/*
 * Address spaces: creation and destruction, the page helpers every operation shares (rights a
 * page may have, changing them, releasing a page), and the per-page queries.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int pager_space_create(pager_t *pager, void *user, pager_space_t **out)
{
    if (!pager || !out)
        return PAGER_EINVAL;
    pager_space_t *s = calloc(1, sizeof(*s));
    if (!s)
        return PAGER_ENOMEM;
    s->pager = pager;
    s->user = user;
    pager->nspaces++;
    space_link(s);
    *out = s;
    return PAGER_OK;
}

typedef struct release_ctx {
    pager_space_t *s;
    int err;
} release_ctx_t;

static int release_page_cb(uint64_t vpn, pte_t *pte, void *arg)
{
    release_ctx_t *c = arg;
    int rc = page_release(c->s, vpn, pte);
    if (rc < 0 && c->err == 0)
        c->err = rc;
    return 0;
}

/* Release every page in [lo, hi) (page numbers); returns the first hook error. */
int space_release_range(pager_space_t *s, uint64_t lo, uint64_t hi)
{
    release_ctx_t c = {s, 0};
    pagetab_walk(&s->pt, lo, hi, release_page_cb, &c);
    pagetab_prune(&s->pt, lo, hi);
    return c.err;
}

int pager_space_destroy(pager_space_t *s)
{
    int err = space_release_range(s, 0, vpn_of(VA_LIMIT));
    pagetab_free(&s->pt);
    region_free_all(&s->regions);
    space_unlink(s);
    s->pager->nspaces--;
    free(s);
    return err;
}

void pager_space_stats(const pager_space_t *s, pager_stats_t *out)
{
    *out = s->stats;
}

void *pager_space_user(const pager_space_t *s)
{
    return s->user;
}

size_t pager_region_count(const pager_space_t *s)
{
    return s->regions.count;
}

unsigned page_allowed_prot(const region_t *r, const pte_t *pte)
{
    unsigned prot = r->prot;
    bool priv = r->flags & PAGER_MAP_PRIVATE;
    switch ((pager_page_state_t)pte->state) {
    case PAGER_PAGE_ZERO: prot &= ~PAGER_PROT_WRITE; break;
    case PAGER_PAGE_RESIDENT:
        /* shared copy-on-write, or a clean copy of a swap slot (the first write frees it) */
        if (priv && (pte->u.frame->shares > 1 || pte->swslot))
            prot &= ~PAGER_PROT_WRITE;
        break;
    case PAGER_PAGE_FILE:
        /* private: the first write turns it into an anonymous copy; shared: marks it dirty */
        if (priv || !pte->dirty)
            prot &= ~PAGER_PROT_WRITE;
        break;
    case PAGER_PAGE_NONE:
    case PAGER_PAGE_SWAPPED: prot = 0; break;
    }
    return prot;
}

static uint64_t frame_of(const pager_space_t *s, const pte_t *pte)
{
    return pte->state == PAGER_PAGE_ZERO ? s->pager->zero_id : pte->u.frame->id;
}

int page_set_prot(pager_space_t *s, uint64_t vpn, pte_t *pte, unsigned prot)
{
    const pager_ops_t *ops = s->pager->ops;
    void *ctx = s->pager->ctx;
    uint64_t va = addr_of(vpn);
    int rc = 0;

    if (prot == pte->prot)
        return 0;
    if (prot == 0) {
        rc = ops->unmap(ctx, s->user, va);
    } else if (pte->prot == 0) {
        rc = ops->map(ctx, s->user, va, frame_of(s, pte), prot);
        if (rc < 0)
            return rc; /* nothing changed: the caller can back out */
    } else {
        rc = ops->protect(ctx, s->user, va, frame_of(s, pte), prot);
    }
    pte->prot = (uint8_t)prot;
    return rc < 0 ? rc : 0;
}

bool page_dirty(const pte_t *pte)
{
    return pte->state == PAGER_PAGE_FILE && (pte->dirty || pte->u.frame->dirty);
}

int page_write_back(pager_space_t *s, const region_t *r, uint64_t vpn, pte_t *pte)
{
    pager_t *p = s->pager;
    uint64_t off = r->file_off + (addr_of(vpn) - r->start);
    int rc = p->ops->file_write(p->ctx, r->file_id, off, pte->u.frame->id);
    if (rc < 0)
        return rc;
    pte->dirty = 0;
    pte->u.frame->dirty = false;
    p->sstats.written_back++;
    return 0;
}

int page_release(pager_space_t *s, uint64_t vpn, pte_t *pte)
{
    pager_t *p = s->pager;
    int rc = 0;
    if (pte->prot)
        rc = p->ops->unmap(p->ctx, s->user, addr_of(vpn));
    if (page_dirty(pte)) {
        /* The page stays dirty when this mapping goes: another space, or the page cache, may
         * hold it. If this was its last reference, its file gets the bytes now. */
        pte->u.frame->dirty = true;
        const region_t *r = region_find(&s->regions, addr_of(vpn));
        if (pte->u.frame->shares == 1 && p->ops->file_write && r &&
            r->backing == PAGER_BACKING_FILE && !(r->flags & PAGER_MAP_PRIVATE)) {
            int wrc = page_write_back(s, r, vpn, pte);
            if (wrc < 0 && rc == 0)
                rc = wrc;
        }
    }
    pte_put_slots(s->pager, pte);
    if (pte->state == PAGER_PAGE_RESIDENT || pte->state == PAGER_PAGE_FILE) {
        frame_put(s->pager, pte->u.frame);
        s->stats.resident--;
    }
    memset(pte, 0, sizeof(*pte));
    return rc < 0 ? rc : 0;
}

int pager_page_info(const pager_space_t *s, uint64_t addr, pager_page_info_t *out)
{
    if (!s || !out || addr >= VA_LIMIT)
        return PAGER_EINVAL;
    memset(out, 0, sizeof(*out));
    const pte_t *pte = pagetab_lookup(&s->pt, vpn_of(addr));
    if (!pte)
        return PAGER_OK;
    out->state = (pager_page_state_t)pte->state;
    out->prot = pte->prot;
    out->dirty = pte->state == PAGER_PAGE_FILE ? page_dirty(pte) : pte->dirty;
    switch (out->state) {
    case PAGER_PAGE_RESIDENT:
    case PAGER_PAGE_FILE:
        out->frame = pte->u.frame->id;
        out->shares = pte->u.frame->shares;
        if (pte->swslot) {
            out->swap_copy = true;
            out->slot = pte->swslot - 1;
        }
        break;
    case PAGER_PAGE_ZERO: out->frame = s->pager->zero_id; break;
    case PAGER_PAGE_SWAPPED: out->slot = pte->u.slot; break;
    case PAGER_PAGE_NONE: break;
    }
    return PAGER_OK;
}

int pager_page_harvest(pager_space_t *s, uint64_t addr, bool *accessed, bool *dirty)
{
    if (!s || !accessed || !dirty || addr >= VA_LIMIT)
        return PAGER_EINVAL;
    *accessed = *dirty = false;
    pte_t *pte = pagetab_lookup(&s->pt, vpn_of(addr));
    if (!pte || !pte->prot)
        return PAGER_OK;
    int rc = s->pager->ops->harvest(s->pager->ctx, s->user, addr_of(vpn_of(addr)), accessed, dirty);
    if (rc < 0)
        return rc;
    if (*dirty && pte->state == PAGER_PAGE_FILE)
        pte->dirty = pte->u.frame->dirty = 1;
    return PAGER_OK;
}

int pager_page_set_swapped(pager_space_t *s, uint64_t addr, uint64_t slot)
{
    if (!s || addr >= VA_LIMIT || slot_managed(s->pager, slot))
        return PAGER_EINVAL;
    region_t *r = region_find(&s->regions, addr);
    if (!r)
        return PAGER_ENOENT;
    if (!(r->flags & PAGER_MAP_PRIVATE) || r->backing == PAGER_BACKING_GUARD)
        return PAGER_EPERM;
    uint64_t vpn = vpn_of(addr);
    pte_t *pte = pagetab_lookup(&s->pt, vpn);
    if (!pte || pte->state == PAGER_PAGE_NONE) {
        if (r->backing == PAGER_BACKING_FILE)
            return PAGER_EPERM;
        pte = pagetab_ensure(&s->pt, vpn);
        if (!pte)
            return PAGER_ENOMEM;
    } else if (pte->state != PAGER_PAGE_RESIDENT || pte->u.frame->shares != 1) {
        return PAGER_EBUSY;
    }
    int rc = page_release(s, vpn, pte);
    pte->state = PAGER_PAGE_SWAPPED;
    pte->u.slot = slot;
    return rc;
}
