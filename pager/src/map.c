/*
 * Region operations: map (anonymous, file, stack, guard), unmap and protect of partial ranges
 * (splitting regions at the ends and merging compatible neighbours), and region queries.
 * Each call first checks everything and allocates what it may need, then performs changes
 * that cannot fail on the caller's input.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define FLAG_MASK (PAGER_MAP_PRIVATE | PAGER_MAP_SHARED | PAGER_MAP_FIXED)

static int check_range(const pager_space_t *s, uint64_t addr, uint64_t len)
{
    if (!IS_ALIGNED(addr) || !IS_ALIGNED(len) || len == 0 || addr + len < addr)
        return PAGER_EINVAL;
    if (addr < s->pager->cfg.va_min || addr + len > s->pager->cfg.va_max)
        return PAGER_ERANGE;
    return PAGER_OK;
}

static int check_prot_flags(unsigned prot, unsigned flags)
{
    if (prot & ~PAGER_PROT_ALL || flags & ~FLAG_MASK)
        return PAGER_EINVAL;
    unsigned kind = flags & (PAGER_MAP_PRIVATE | PAGER_MAP_SHARED);
    if (kind != PAGER_MAP_PRIVATE && kind != PAGER_MAP_SHARED)
        return PAGER_EINVAL;
    return PAGER_OK;
}

/* Choose where a new region of `len` bytes goes. */
static int place(const pager_space_t *s, uint64_t hint, uint64_t len, unsigned flags,
                 uint64_t *addr)
{
    if (!IS_ALIGNED(hint) || !IS_ALIGNED(len) || len == 0)
        return PAGER_EINVAL;
    if (flags & PAGER_MAP_FIXED) {
        if (hint == 0)
            return PAGER_EINVAL;
        int rc = check_range(s, hint, len);
        if (rc)
            return rc;
        if (region_overlaps(&s->regions, hint, hint + len))
            return PAGER_EEXIST;
        *addr = hint;
        return PAGER_OK;
    }
    if (hint && check_range(s, hint, len) == PAGER_OK &&
        !region_overlaps(&s->regions, hint, hint + len)) {
        *addr = hint;
        return PAGER_OK;
    }
    const pager_config_t *c = &s->pager->cfg;
    return region_find_gap(&s->regions, c->va_min, c->va_max, len, addr) ? PAGER_OK : PAGER_ENOMEM;
}

/* Replace r and its neighbour(s) by one region where they are compatible; returns the result. */
static region_t *merge_around(region_tree_t *t, region_t *r)
{
    region_t *prev = region_prev(t, r);
    if (prev && region_compatible(prev, r)) {
        region_remove(t, r);
        region_remove(t, prev);
        prev->end = r->end;
        free(r);
        region_insert(t, prev);
        r = prev;
    }
    region_t *next = region_next(t, r);
    if (next && region_compatible(r, next)) {
        region_remove(t, next);
        region_remove(t, r);
        r->end = next->end;
        free(next);
        region_insert(t, r);
    }
    return r;
}

static int add_region(pager_space_t *s, const region_t *tmpl, bool merge)
{
    region_t *r = malloc(sizeof(*r));
    if (!r)
        return PAGER_ENOMEM;
    *r = *tmpl;
    region_insert(&s->regions, r);
    if (merge)
        merge_around(&s->regions, r);
    return PAGER_OK;
}

static int map_common(pager_space_t *s, uint64_t hint, uint64_t len, unsigned prot, unsigned flags,
                      region_t *tmpl, uint64_t *addr_out)
{
    if (!s || !addr_out)
        return PAGER_EINVAL;
    int rc = check_prot_flags(prot, flags);
    if (rc)
        return rc;
    uint64_t addr;
    rc = place(s, hint, len, flags, &addr);
    if (rc)
        return rc;
    tmpl->start = addr;
    tmpl->end = addr + len;
    tmpl->prot = prot;
    tmpl->flags = flags & (PAGER_MAP_PRIVATE | PAGER_MAP_SHARED);
    rc = add_region(s, tmpl, true);
    if (rc == PAGER_OK)
        *addr_out = addr;
    return rc;
}

int pager_map_anon(pager_space_t *s, uint64_t hint, uint64_t length, unsigned prot, unsigned flags,
                   uint64_t *addr_out)
{
    region_t t = {.backing = PAGER_BACKING_ANON};
    return map_common(s, hint, length, prot, flags, &t, addr_out);
}

int pager_map_file(pager_space_t *s, uint64_t hint, uint64_t length, unsigned prot, unsigned flags,
                   uint64_t file_id, uint64_t offset, uint64_t *addr_out)
{
    if (!IS_ALIGNED(offset) || offset + length < offset)
        return PAGER_EINVAL;
    region_t t = {.backing = PAGER_BACKING_FILE, .file_id = file_id, .file_off = offset};
    return map_common(s, hint, length, prot, flags, &t, addr_out);
}

int pager_map_stack(pager_space_t *s, uint64_t top, uint64_t initial, uint64_t max, uint64_t guard)
{
    if (!s || !IS_ALIGNED(top) || !IS_ALIGNED(initial) || !IS_ALIGNED(max) || !IS_ALIGNED(guard) ||
        initial == 0 || initial > max || max + guard < max)
        return PAGER_EINVAL;
    if (max + guard > top)
        return PAGER_ERANGE;
    uint64_t base = top - max - guard;
    int rc = check_range(s, base, top - base);
    if (rc)
        return rc;
    if (region_overlaps(&s->regions, base, top))
        return PAGER_EEXIST;
    region_t t = {
        .start = base,
        .end = top,
        .prot = PAGER_PROT_READ | PAGER_PROT_WRITE,
        .flags = PAGER_MAP_PRIVATE,
        .backing = PAGER_BACKING_STACK,
        .stack_limit = top - max,
        .stack_low = top - initial,
    };
    return add_region(s, &t, false);
}

int pager_map_guard(pager_space_t *s, uint64_t addr, uint64_t length)
{
    if (!s)
        return PAGER_EINVAL;
    int rc = check_range(s, addr, length);
    if (rc)
        return rc;
    if (region_overlaps(&s->regions, addr, addr + length))
        return PAGER_EEXIST;
    region_t t = {.start = addr,
                  .end = addr + length,
                  .flags = PAGER_MAP_PRIVATE,
                  .backing = PAGER_BACKING_GUARD};
    return add_region(s, &t, true);
}

/* May a region be cut at `at`? Not inside a stack's guard gap or growth area. */
static bool split_ok(const pager_space_t *s, uint64_t at)
{
    const region_t *r = region_find(&s->regions, at);
    return !(r && r->start < at && r->backing == PAGER_BACKING_STACK && at < r->stack_low);
}

/* Cut the region containing `at` (if it does not start there) in two, using `spare`. */
static bool split_at(pager_space_t *s, uint64_t at, region_t *spare)
{
    region_t *r = region_find(&s->regions, at);
    if (!r || r->start == at)
        return false;
    *spare = *r;
    spare->start = at;
    if (r->backing == PAGER_BACKING_FILE)
        spare->file_off += at - r->start;
    if (r->backing == PAGER_BACKING_STACK) /* the upper part is plain memory */
        spare->backing = PAGER_BACKING_ANON;
    region_remove(&s->regions, r);
    r->end = at;
    region_insert(&s->regions, r);
    region_insert(&s->regions, spare);
    return true;
}

/* Split the regions at both ends of [a, b); ENOMEM before any change. */
static int split_ends(pager_space_t *s, uint64_t a, uint64_t b)
{
    if (!split_ok(s, a) || !split_ok(s, b))
        return PAGER_EINVAL;
    region_t *spare[2] = {malloc(sizeof(region_t)), malloc(sizeof(region_t))};
    if (!spare[0] || !spare[1]) {
        free(spare[0]);
        free(spare[1]);
        return PAGER_ENOMEM;
    }
    if (!split_at(s, a, spare[0]))
        free(spare[0]);
    if (!split_at(s, b, spare[1]))
        free(spare[1]);
    return PAGER_OK;
}

int pager_unmap(pager_space_t *s, uint64_t addr, uint64_t length)
{
    if (!s)
        return PAGER_EINVAL;
    int rc = check_range(s, addr, length);
    if (rc)
        return rc;
    uint64_t end = addr + length;
    rc = split_ends(s, addr, end);
    if (rc)
        return rc;
    rc = space_release_range(s, vpn_of(addr), vpn_of(end));
    region_t *r = region_first_after(&s->regions, addr);
    while (r && r->start < end) {
        region_t *next = region_next(&s->regions, r);
        region_remove(&s->regions, r);
        free(r);
        r = next;
    }
    return rc;
}

typedef struct downgrade_ctx {
    pager_space_t *s;
    const region_t *r;
    int err;
} downgrade_ctx_t;

static int downgrade_cb(uint64_t vpn, pte_t *pte, void *arg)
{
    downgrade_ctx_t *c = arg;
    unsigned prot = pte->prot & page_allowed_prot(c->r, pte);
    int rc = page_set_prot(c->s, vpn, pte, prot);
    if (rc < 0 && c->err == 0)
        c->err = rc;
    return 0;
}

int pager_protect(pager_space_t *s, uint64_t addr, uint64_t length, unsigned prot)
{
    if (!s || prot & ~PAGER_PROT_ALL)
        return PAGER_EINVAL;
    int rc = check_range(s, addr, length);
    if (rc)
        return rc;
    uint64_t end = addr + length;
    uint64_t covered = addr;
    for (const region_t *r = region_first_after(&s->regions, addr); covered < end;
         r = region_next(&s->regions, r)) {
        if (!r || r->start > covered)
            return PAGER_ENOENT;
        if (r->backing == PAGER_BACKING_GUARD)
            return PAGER_EPERM;
        covered = r->end;
    }
    rc = split_ends(s, addr, end);
    if (rc)
        return rc;

    downgrade_ctx_t c = {s, NULL, 0};
    for (region_t *r = region_find(&s->regions, addr); r && r->start < end;
         r = region_next(&s->regions, r)) {
        r->prot = prot;
        c.r = r;
        pagetab_walk(&s->pt, vpn_of(r->start), vpn_of(r->end), downgrade_cb, &c);
    }
    for (region_t *r = region_find(&s->regions, addr); r && r->start < end;) {
        r = merge_around(&s->regions, r);
        if (r->end >= end)
            break;
        r = region_next(&s->regions, r);
    }
    return c.err;
}

static void fill_info(const region_t *r, pager_region_info_t *out)
{
    memset(out, 0, sizeof(*out));
    out->start = r->start;
    out->end = r->end;
    out->prot = r->prot;
    out->flags = r->flags;
    out->backing = r->backing;
    out->file_id = r->file_id;
    out->file_offset = r->file_off;
    out->stack_limit = r->stack_limit;
    out->stack_low = r->stack_low;
}

int pager_region_backing(const pager_space_t *s, uint64_t addr)
{
    if (!s)
        return PAGER_EINVAL;
    const region_t *r = region_find(&s->regions, addr);
    return r ? (int)r->backing : PAGER_ENOENT;
}

int pager_region_find(const pager_space_t *s, uint64_t addr, pager_region_info_t *out)
{
    if (!s || !out)
        return PAGER_EINVAL;
    const region_t *r = region_find(&s->regions, addr);
    if (!r)
        return PAGER_ENOENT;
    fill_info(r, out);
    return PAGER_OK;
}

int pager_region_next(const pager_space_t *s, uint64_t addr, pager_region_info_t *out)
{
    if (!s || !out)
        return PAGER_EINVAL;
    const region_t *r = region_first_after(&s->regions, addr);
    if (!r)
        return PAGER_ENOENT;
    fill_info(r, out);
    return PAGER_OK;
}
