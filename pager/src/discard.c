/*
 * pager_discard: drop a range's contents but keep its regions (MADV_DONTNEED). Each page goes
 * back to NONE through page_release, exactly as an unmap would leave it, but the regions stay,
 * so the next touch decides afresh: zero fill, or a file read (a hit if the page cache kept
 * the page). Dirty shared file pages are the file's data, so they are written back first.
 */
#include "internal.h"

typedef struct discard_ctx {
    pager_space_t *s;
    long pages;
    int err;
} discard_ctx_t;

static int discard_page(uint64_t vpn, pte_t *pte, void *arg)
{
    discard_ctx_t *c = arg;
    int rc = page_release(c->s, vpn, pte);
    if (rc < 0 && !c->err)
        c->err = rc;
    c->pages++;
    return 0;
}

long pager_discard(pager_space_t *s, uint64_t addr, uint64_t length)
{
    if (!s || (addr | length) & PAGE_MASK || length == 0 || addr + length < addr)
        return PAGER_EINVAL;
    uint64_t end = addr + length;
    if (addr < s->pager->cfg.va_min || end > s->pager->cfg.va_max)
        return PAGER_ERANGE;
    uint64_t covered = addr;
    for (const region_t *r = region_first_after(&s->regions, addr); covered < end;
         r = region_next(&s->regions, r)) {
        if (!r || r->start > covered)
            return PAGER_ENOENT;
        covered = r->end;
    }
    if (s->pager->ops->file_write) {
        long rc = pager_sync(s, addr, length);
        if (rc < 0)
            return rc; /* nothing discarded: the unwritten data is still there */
    }
    discard_ctx_t c = {s, 0, 0};
    pagetab_walk(&s->pt, vpn_of(addr), vpn_of(end), discard_page, &c);
    pagetab_prune(&s->pt, vpn_of(addr), vpn_of(end));
    s->stats.discarded += (uint64_t)c.pages;
    s->ahead_run = 0; /* a sequential run does not go on across emptied pages */
    return c.err ? c.err : c.pages;
}
