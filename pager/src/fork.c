/*
 * fork(): clone a space as copy-on-write. The child gets a copy of the region tree and an entry
 * for every page the parent has, sharing the parent's frame (share count + 1). In private
 * regions a shared frame may not stay writable anywhere, so the parent's writable mappings are
 * downgraded to read-only and the child's are created read-only; the first write on either side
 * copies (fault.c). Shared regions keep writing the same frame on both sides. The child's pages
 * are mapped at once, as Linux's copy_page_range does, so reads in the child do not fault.
 *
 * Untouched pages of SHARED regions are filled before the copy: without a shared memory object
 * (Linux's shmem) a later first touch on one side could not reach the other side's entry.
 */
#include "internal.h"

typedef struct fork_ctx {
    pager_space_t *parent, *child;
    const region_t *r;
} fork_ctx_t;

static int fork_page(uint64_t vpn, pte_t *pte, void *arg)
{
    fork_ctx_t *c = arg;
    pte_t *cpte = pagetab_ensure(&c->child->pt, vpn);
    if (!cpte)
        return PAGER_ENOMEM;
    *cpte = *pte;
    cpte->prot = 0;
    if (pte->state == PAGER_PAGE_SWAPPED)
        slot_ref(c->parent->pager, pte->u.slot); /* stays shared, by slot */
    if (pte->state == PAGER_PAGE_RESIDENT && pte->swslot)
        slot_ref(c->parent->pager, pte->swslot - 1);
    if (pte->state == PAGER_PAGE_SWAPPED || pte->state == PAGER_PAGE_NONE)
        return 0;
    if (pte->state != PAGER_PAGE_ZERO) {
        pte->u.frame->shares++;
        c->child->stats.resident++;
    }
    unsigned prot = pte->prot & page_allowed_prot(c->r, pte);
    int rc = page_set_prot(c->parent, vpn, pte, prot);
    if (rc < 0)
        return rc;
    return page_set_prot(c->child, vpn, cpte, prot);
}

/* Fill every NONE page of shared region r of s, so that fork can share its frame. */
static int fill_shared(pager_space_t *s, const region_t *r)
{
    for (uint64_t vpn = vpn_of(r->start); vpn < vpn_of(r->end); vpn++) {
        pte_t *pte = pagetab_lookup(&s->pt, vpn);
        if (pte && pte->state != PAGER_PAGE_NONE)
            continue;
        pte = pagetab_ensure(&s->pt, vpn);
        if (!pte)
            return PAGER_ENOMEM;
        pager_fault_result_t res = {0};
        pager_bad_reason_t why = fault_absent(s, r, vpn, pte, PAGER_ACCESS_READ, &res);
        if (why != PAGER_BAD_NONE)
            return why == PAGER_BAD_IO ? PAGER_EIO : PAGER_ENOMEM;
    }
    return PAGER_OK;
}

int pager_fork(pager_space_t *parent, void *child_user, pager_space_t **child_out)
{
    if (!parent || !child_out)
        return PAGER_EINVAL;
    int rc;
    for (const region_t *r = region_first_after(&parent->regions, 0); r;
         r = region_next(&parent->regions, r)) {
        if (r->flags & PAGER_MAP_SHARED && (rc = fill_shared(parent, r)) < 0)
            return rc;
    }
    pager_space_t *child;
    rc = pager_space_create(parent->pager, child_user, &child);
    if (rc)
        return rc;
    if (!region_clone(&child->regions, &parent->regions)) {
        pager_space_destroy(child);
        return PAGER_ENOMEM;
    }
    fork_ctx_t c = {parent, child, NULL};
    for (const region_t *r = region_first_after(&parent->regions, 0); r;
         r = region_next(&parent->regions, r)) {
        c.r = r;
        rc = pagetab_walk(&parent->pt, vpn_of(r->start), vpn_of(r->end), fork_page, &c);
        if (rc < 0) {
            pager_space_destroy(child);
            return rc;
        }
    }
    *child_out = child;
    return PAGER_OK;
}
