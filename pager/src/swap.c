/*
 * Swap and replacement: the slot allocator (a bitmap, plus a reference count per slot for
 * swapped pages shared by fork) and the clock (second chance) that evicts pages when frame
 * allocation runs short (see pager.h, "Swap and replacement").
 *
 * The clock needs no list of its own: the hand is a (space, page number) position, and it
 * advances through each space's page table in address order and through the ring of spaces,
 * like Linux 2.4's swap_out scanning one mm after another. A page is a candidate if it holds
 * a frame; its accessed bit, harvested (and cleared) through ops->harvest, or its software
 * reference bit (set when the page was installed) gives it a second chance.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ---- slots -------------------------------------------------------------------------------- */

bool slot_managed(const pager_t *p, uint64_t slot)
{
    return slot < p->cfg.swap_slots;
}

int slot_init(pager_t *p)
{
    uint64_t n = p->cfg.swap_slots;
    if (!n)
        return PAGER_OK;
    p->slot_map = calloc((n + 63) / 64, sizeof(uint64_t));
    p->slot_refs = calloc(n, sizeof(uint16_t));
    if (!p->slot_map || !p->slot_refs) {
        slot_fini(p);
        return PAGER_ENOMEM;
    }
    p->sstats.slots = n;
    return PAGER_OK;
}

void slot_fini(pager_t *p)
{
    free(p->slot_map);
    free(p->slot_refs);
    p->slot_map = NULL;
    p->slot_refs = NULL;
}

bool slot_alloc(pager_t *p, uint64_t *slot_out)
{
    uint64_t n = p->cfg.swap_slots, words = (n + 63) / 64;
    if (!n || p->sstats.used >= n)
        return false;
    uint64_t start = p->slot_next / 64;
    for (uint64_t i = 0; i < words; i++) {
        uint64_t w = (start + i) % words, free_bits = ~p->slot_map[w];
        if (w == words - 1 && n % 64)
            free_bits &= (1ULL << (n % 64)) - 1;
        if (!free_bits)
            continue;
        uint64_t slot = w * 64 + (uint64_t)__builtin_ctzll(free_bits);
        p->slot_map[w] |= 1ULL << (slot % 64);
        p->slot_refs[slot] = 1;
        p->sstats.used++;
        p->slot_next = slot + 1 < n ? slot + 1 : 0;
        *slot_out = slot;
        return true;
    }
    return false;
}

void slot_ref(pager_t *p, uint64_t slot)
{
    if (slot_managed(p, slot))
        p->slot_refs[slot]++;
}

void slot_put(pager_t *p, uint64_t slot)
{
    if (!slot_managed(p, slot) || --p->slot_refs[slot])
        return;
    p->slot_map[slot / 64] &= ~(1ULL << (slot % 64));
    p->sstats.used--;
}

void pte_put_slots(pager_t *p, pte_t *pte)
{
    if (pte->state == PAGER_PAGE_SWAPPED)
        slot_put(p, pte->u.slot);
    else if (pte->state == PAGER_PAGE_RESIDENT && pte->swslot)
        slot_put(p, pte->swslot - 1);
    pte->swslot = 0;
}

void pager_swap_stats(const pager_t *p, pager_swap_stats_t *out)
{
    *out = p->sstats;
}

/* ---- the ring of spaces ------------------------------------------------------------------- */

void space_link(pager_space_t *s)
{
    pager_t *p = s->pager;
    if (!p->spaces) {
        s->next = s->prev = s;
        p->spaces = s;
        return;
    }
    s->next = p->spaces;
    s->prev = p->spaces->prev;
    s->prev->next = s;
    s->next->prev = s;
}

void space_unlink(pager_space_t *s)
{
    pager_t *p = s->pager;
    bool alone = s->next == s;
    if (p->hand == s) {
        p->hand = alone ? NULL : s->next;
        p->hand_vpn = 0;
    }
    if (p->spaces == s)
        p->spaces = alone ? NULL : s->next;
    s->prev->next = s->next;
    s->next->prev = s->prev;
    s->next = s->prev = NULL;
}

/* ---- the clock ---------------------------------------------------------------------------- */

typedef struct clock_ctx {
    pager_space_t *s;
    uint64_t want, freed, visits, limit;
    uint64_t stop_vpn;
    bool stopped;
} clock_ctx_t;

/* Drop the page's frame and mapping; `swapped`: it now lives in `slot`, else it is NONE. */
static void drop_page(pager_space_t *s, uint64_t vpn, pte_t *pte, bool swapped, uint64_t slot)
{
    pager_t *p = s->pager;
    if (pte->prot)
        p->ops->unmap(p->ctx, s->user, addr_of(vpn));
    frame_put(p, pte->u.frame);
    s->stats.resident--;
    memset(pte, 0, sizeof(*pte));
    if (swapped) {
        pte->state = PAGER_PAGE_SWAPPED;
        pte->u.slot = slot;
    }
}

/* One page under the hand: second chance, or evict if it can be. */
static int clock_page(uint64_t vpn, pte_t *pte, void *arg)
{
    clock_ctx_t *c = arg;
    pager_space_t *s = c->s;
    pager_t *p = s->pager;

    if (c->visits >= c->limit || c->freed >= c->want) {
        c->stop_vpn = vpn;
        c->stopped = true;
        return 1;
    }
    if (pte->state != PAGER_PAGE_RESIDENT && pte->state != PAGER_PAGE_FILE)
        return 0;
    if (pte == p->pinned)
        return 0; /* a fault is copying from this page's frame */
    c->visits++;
    p->sstats.scanned++;
    const region_t *r = region_find(&s->regions, addr_of(vpn));
    if (!r)
        return 0;
    bool priv = r->flags & PAGER_MAP_PRIVATE;
    /* A page of a shared file region goes only if no other page holds its frame (another may
     * have written it; the page cache's own reference aside when ops->file_write writes dirty
     * pages back), and a dirty one only if it can be written back first. */
    if (pte->state == PAGER_PAGE_FILE && !priv) {
        uint32_t others = p->ops->file_write && p->cfg.page_cache ? 2 : 1;
        if ((page_dirty(pte) && !p->ops->file_write) || pte->u.frame->shares > others)
            return 0;
    }
    if (pte->state == PAGER_PAGE_RESIDENT && (!priv || pte->u.frame->shares > 1))
        return 0; /* shared anonymous memory, or a frame shared copy-on-write */
    if (pte->state == PAGER_PAGE_RESIDENT && !pte->swslot &&
        (!p->ops->swap_out || !p->cfg.swap_slots))
        return 0;

    bool accessed = false, dirty = false;
    if (pte->prot && p->ops->harvest(p->ctx, s->user, addr_of(vpn), &accessed, &dirty) < 0)
        return 0;
    if (pte->ref || accessed) {
        pte->ref = 0;
        return 0; /* second chance */
    }
    uint64_t before = p->frames;
    if (pte->state == PAGER_PAGE_FILE) {
        /* A private page of a dirty cached frame just lets go: the cache writes it back. */
        if (!priv && page_dirty(pte) && page_write_back(s, r, vpn, pte) < 0)
            return 0; /* stays dirty and resident */
        drop_page(s, vpn, pte, false, 0);
        p->sstats.reclaimed++;
    } else if (pte->swslot) {
        drop_page(s, vpn, pte, true, pte->swslot - 1);
        p->sstats.reclaimed++;
    } else {
        uint64_t slot;
        if (!slot_alloc(p, &slot)) {
            p->sstats.full++;
            return 0;
        }
        if (p->ops->swap_out(p->ctx, slot, pte->u.frame->id) < 0) {
            slot_put(p, slot);
            return 0;
        }
        drop_page(s, vpn, pte, true, slot);
        p->sstats.swap_outs++;
    }
    if (p->frames < before)
        c->freed += before - p->frames;
    else if (pte->state == PAGER_PAGE_NONE && p->cfg.page_cache)
        c->freed += pager_cache_trim(p); /* the cache held the last other reference */
    return 0;
}

uint64_t evict(pager_t *p, uint64_t want)
{
    if (p->evicting || !p->spaces || !want)
        return 0;
    p->evicting = true;
    uint64_t pages = 0;
    pager_space_t *s = p->spaces;
    do {
        pages += s->stats.resident;
        s = s->next;
    } while (s != p->spaces);

    /* Two full turns at most: the first may only clear reference bits. */
    clock_ctx_t c = {.want = want, .limit = 2 * pages + 2};
    if (!p->hand) {
        p->hand = p->spaces;
        p->hand_vpn = 0;
    }
    uint64_t spaces_seen = 0, nspaces = p->nspaces;
    while (c.freed < want && c.visits < c.limit && spaces_seen <= 2 * nspaces + 1) {
        c.s = p->hand;
        c.stopped = false;
        pagetab_walk(&c.s->pt, p->hand_vpn, vpn_of(VA_LIMIT), clock_page, &c);
        if (c.stopped) {
            p->hand_vpn = c.stop_vpn;
            break;
        }
        p->hand = p->hand->next;
        p->hand_vpn = 0;
        spaces_seen++;
    }
    if (c.freed == 0)
        p->sstats.failures++;
    p->evicting = false;
    return c.freed;
}

uint64_t pager_evict(pager_t *p, uint64_t want)
{
    return p ? evict(p, want) : 0;
}

typedef struct sync_ctx {
    pager_space_t *s;
    long written;
    int err;
} sync_ctx_t;

static int sync_page(uint64_t vpn, pte_t *pte, void *arg)
{
    sync_ctx_t *c = arg;
    if (!page_dirty(pte))
        return 0;
    const region_t *r = region_find(&c->s->regions, addr_of(vpn));
    if (!r || r->backing != PAGER_BACKING_FILE || (r->flags & PAGER_MAP_PRIVATE))
        return 0;
    int rc = page_write_back(c->s, r, vpn, pte);
    if (rc < 0) {
        if (!c->err)
            c->err = rc;
        return 0;
    }
    if (pte->prot) {
        rc = page_set_prot(c->s, vpn, pte, page_allowed_prot(r, pte));
        if (rc < 0 && !c->err)
            c->err = rc;
    }
    c->written++;
    return 0;
}

long pager_sync(pager_space_t *s, uint64_t addr, uint64_t length)
{
    if (!s || (addr | length) & (PAGER_PAGE_SIZE - 1) || addr >= VA_LIMIT ||
        length > VA_LIMIT - addr)
        return PAGER_EINVAL;
    if (!s->pager->ops->file_write)
        return PAGER_EPERM;
    sync_ctx_t c = {s, 0, 0};
    pagetab_walk(&s->pt, vpn_of(addr), vpn_of(addr + length), sync_page, &c);
    return c.err ? c.err : c.written;
}
