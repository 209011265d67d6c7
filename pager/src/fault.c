/*
 * The fault decision, in the order of Linux's do_page_fault and handle_pte_fault (see the
 * header of pager_fault in pager.h): find the region, handle stack growth and guards, check
 * rights, then fill a page that is not present or resolve a write to a read-only one.
 *
 * Every path that needs a new frame first gets it (and any table memory), fills it, and maps
 * it; only when all of that worked does it change the page's entry, so a failure leaves the
 * library exactly as it was and frees what it took.
 */
#include <string.h>

#include "internal.h"

static unsigned need_of(pager_access_t access)
{
    switch (access) {
    case PAGER_ACCESS_READ: return PAGER_PROT_READ;
    case PAGER_ACCESS_WRITE: return PAGER_PROT_WRITE;
    case PAGER_ACCESS_EXEC: return PAGER_PROT_EXEC;
    }
    return 0;
}

static int bad(pager_space_t *s, pager_fault_result_t *out, pager_bad_reason_t reason)
{
    out->outcome = PAGER_FAULT_BAD;
    out->reason = reason;
    s->stats.bad++;
    return PAGER_OK;
}

static bool has_frame(const pte_t *pte)
{
    return pte->state == PAGER_PAGE_RESIDENT || pte->state == PAGER_PAGE_FILE;
}

/*
 * Make `np` (a new entry for the page, not mapped yet) the page's entry: map it with the
 * rights it may have, then replace *pte, dropping the frame reference the old entry held.
 * On a map failure *pte is untouched and np's frame (if any) is released.
 */
static bool install(pager_space_t *s, const region_t *r, uint64_t vpn, pte_t *pte, pte_t np)
{
    np.prot = 0;
    np.ref = 1;
    if (page_set_prot(s, vpn, &np, page_allowed_prot(r, &np)) < 0) {
        if (has_frame(&np))
            frame_put(s->pager, np.u.frame);
        return false;
    }
    /* A swap-in hands the slot reference over to np; any other old reference goes. */
    if (!(pte->state == PAGER_PAGE_SWAPPED && np.swslot == pte->u.slot + 1))
        pte_put_slots(s->pager, pte);
    if (has_frame(pte)) {
        frame_put(s->pager, pte->u.frame);
        s->stats.resident--;
    }
    if (has_frame(&np))
        s->stats.resident++;
    *pte = np;
    return true;
}

/* A fresh frame filled by `how`; NULL with *reason set on failure. */
typedef enum fill { FILL_ZERO, FILL_COPY, FILL_FILE, FILL_SWAP } fill_t;

static frame_rec_t *new_frame(pager_space_t *s, fill_t how, uint64_t arg, uint64_t arg2,
                              pager_bad_reason_t *reason)
{
    pager_t *p = s->pager;
    frame_rec_t *f = frame_get(p);
    if (!f) {
        *reason = PAGER_BAD_OUT_OF_MEMORY;
        return NULL;
    }
    int rc;
    *reason = PAGER_BAD_IO;
    switch (how) {
    case FILL_ZERO:
        rc = p->ops->zero_frame(p->ctx, f->id);
        *reason = PAGER_BAD_OUT_OF_MEMORY;
        break;
    case FILL_COPY:
        rc = p->ops->copy_frame(p->ctx, f->id, arg);
        *reason = PAGER_BAD_OUT_OF_MEMORY;
        break;
    case FILL_FILE: rc = file_fill(p, arg, arg2, f->id); break;
    case FILL_SWAP: rc = p->ops->swap_in ? p->ops->swap_in(p->ctx, arg, f->id) : -1; break;
    default: rc = -1; break;
    }
    if (rc < 0) {
        frame_put(p, f);
        return NULL;
    }
    return f;
}

/* The page was never touched: zero page, zero fill or file read. */
pager_bad_reason_t fault_absent(pager_space_t *s, const region_t *r, uint64_t vpn, pte_t *pte,
                                pager_access_t access, pager_fault_result_t *out)
{
    pager_bad_reason_t reason;
    pte_t np = {0};
    bool priv = r->flags & PAGER_MAP_PRIVATE, copied = false;

    if (r->backing == PAGER_BACKING_FILE && s->pager->cfg.page_cache) {
        uint64_t off = r->file_off + (addr_of(vpn) - r->start);
        bool hit, write = access == PAGER_ACCESS_WRITE;
        frame_rec_t *cf = cache_get(s->pager, r->file_id, off, &hit, &reason);
        if (!cf)
            return reason;
        if (priv && write) {
            /* Copy on first write: the cached page itself never changes. */
            np.u.frame = new_frame(s, FILL_COPY, cf->id, 0, &reason);
            frame_put(s->pager, cf);
            if (!np.u.frame)
                return reason;
            np.state = PAGER_PAGE_RESIDENT;
            copied = true;
        } else {
            np.u.frame = cf;
            np.state = PAGER_PAGE_FILE;
            np.dirty = write;
        }
        out->action = hit ? PAGER_ACT_FILE_CACHED : PAGER_ACT_FILE_READ;
        out->major = !hit;
    } else if (r->backing == PAGER_BACKING_FILE) {
        uint64_t off = r->file_off + (addr_of(vpn) - r->start);
        np.u.frame = new_frame(s, FILL_FILE, r->file_id, off, &reason);
        if (!np.u.frame)
            return reason;
        bool write = access == PAGER_ACCESS_WRITE;
        np.state = priv && write ? PAGER_PAGE_RESIDENT : PAGER_PAGE_FILE;
        np.dirty = !priv && write;
        out->action = PAGER_ACT_FILE_READ;
        out->major = true;
    } else if (access != PAGER_ACCESS_WRITE && priv && s->pager->cfg.zero_page &&
               frame_zero(s->pager, &out->frame)) {
        /* Shared anonymous memory never uses the zero frame: after a fork both sides must
         * fill the same frame. */
        np.state = PAGER_PAGE_ZERO;
        out->action = PAGER_ACT_ZERO_PAGE;
    } else {
        np.u.frame = new_frame(s, FILL_ZERO, 0, 0, &reason);
        if (!np.u.frame)
            return reason;
        np.state = PAGER_PAGE_RESIDENT;
        out->action = PAGER_ACT_ZERO_FILL;
    }
    if (!install(s, r, vpn, pte, np))
        return PAGER_BAD_OUT_OF_MEMORY;
    if (pte->state == PAGER_PAGE_FILE && pte->dirty)
        pte->u.frame->dirty = true; /* a shared file page written: the page is dirty */
    if (out->action == PAGER_ACT_ZERO_PAGE)
        s->stats.zero_pages++;
    if (out->action == PAGER_ACT_ZERO_FILL)
        s->stats.zero_fills++;
    if (copied)
        s->stats.cow_copies++;
    return PAGER_BAD_NONE;
}

/* Write to a present page that must not become writable as it is. */
static pager_bad_reason_t fault_write_protected(pager_space_t *s, const region_t *r, uint64_t vpn,
                                                pte_t *pte, pager_fault_result_t *out)
{
    pager_bad_reason_t reason;
    bool priv = r->flags & PAGER_MAP_PRIVATE;
    pte_t np = {.state = PAGER_PAGE_RESIDENT};
    /* A private page still holding the file's contents: its first write (FIRST_WRITE). */
    bool pte_was_file = priv && pte->state == PAGER_PAGE_FILE;

    if (pte->state == PAGER_PAGE_ZERO) {
        np.u.frame = new_frame(s, FILL_ZERO, 0, 0, &reason);
        if (!np.u.frame)
            return reason;
        if (!install(s, r, vpn, pte, np))
            return PAGER_BAD_OUT_OF_MEMORY;
        out->action = PAGER_ACT_ZERO_FILL;
        s->stats.zero_fills++;
        return PAGER_BAD_NONE;
    }
    if (priv && pte->u.frame->shares > 1) {
        /* Finding the copy's frame may evict: not this page, whose frame is the source (were
         * it dropped, the source could be freed and come back as the destination). */
        s->pager->pinned = pte;
        np.u.frame = new_frame(s, FILL_COPY, pte->u.frame->id, 0, &reason);
        s->pager->pinned = NULL;
        if (!np.u.frame)
            return reason;
        if (!install(s, r, vpn, pte, np))
            return PAGER_BAD_OUT_OF_MEMORY;
        out->action = pte_was_file ? PAGER_ACT_FIRST_WRITE : PAGER_ACT_COW_COPY;
        s->stats.cow_copies++;
        return PAGER_BAD_NONE;
    }
    /* Ours alone: a private file page becomes an anonymous one, a shared one dirty; a clean
     * swapped-in page becomes dirty and gives its slot up. */
    pte_t old = *pte;
    if (priv) {
        pte->state = PAGER_PAGE_RESIDENT;
        pte->swslot = 0;
    } else {
        pte->dirty = 1;
    }
    if (page_set_prot(s, vpn, pte, page_allowed_prot(r, pte)) < 0) {
        *pte = old;
        return PAGER_BAD_OUT_OF_MEMORY;
    }
    if (pte->state == PAGER_PAGE_FILE && pte->dirty)
        pte->u.frame->dirty = true;
    if (old.state == PAGER_PAGE_RESIDENT && old.swslot)
        slot_put(s->pager, old.swslot - 1);
    out->action = pte_was_file ? PAGER_ACT_FIRST_WRITE
                  : priv       ? PAGER_ACT_COW_UPGRADE
                               : PAGER_ACT_REMAP;
    if (priv)
        s->stats.cow_upgrades++;
    return PAGER_BAD_NONE;
}

static pager_bad_reason_t fault_present(pager_space_t *s, const region_t *r, uint64_t vpn,
                                        pte_t *pte, unsigned need, pager_fault_result_t *out)
{
    pager_bad_reason_t reason;

    if (pte->state == PAGER_PAGE_SWAPPED) {
        pte_t np = {.state = PAGER_PAGE_RESIDENT};
        np.u.frame = new_frame(s, FILL_SWAP, pte->u.slot, 0, &reason);
        if (!np.u.frame)
            return reason;
        /* A library slot is kept while the page stays clean: it is mapped read-only, and
         * eviction need not write it again. A write frees the slot (fault_write_protected);
         * a write fault frees it at once and maps the page writable. */
        if (slot_managed(s->pager, pte->u.slot) && need != PAGER_PROT_WRITE)
            np.swslot = (uint32_t)(pte->u.slot + 1);
        if (!install(s, r, vpn, pte, np))
            return PAGER_BAD_OUT_OF_MEMORY;
        s->pager->sstats.swap_ins++;
        out->action = PAGER_ACT_SWAP_IN;
        out->major = true;
        return PAGER_BAD_NONE;
    }
    unsigned allowed = page_allowed_prot(r, pte);
    if (!(allowed & need))
        return fault_write_protected(s, r, vpn, pte, out);
    /* The region allows more than is mapped (protect upgraded it lazily, or the page was
     * only downgraded for sharing that has ended). */
    if (page_set_prot(s, vpn, pte, allowed) < 0)
        return PAGER_BAD_OUT_OF_MEMORY;
    if (need == PAGER_PROT_WRITE && r->flags & PAGER_MAP_PRIVATE) {
        out->action = PAGER_ACT_COW_UPGRADE;
        s->stats.cow_upgrades++;
    } else {
        out->action = PAGER_ACT_REMAP;
    }
    return PAGER_BAD_NONE;
}

int fault_decide(pager_space_t *s, uint64_t addr, pager_access_t access, uint64_t sp, bool unmapped,
                 pager_fault_result_t *out)
{
    unsigned need = need_of(access);
    if (!s || !out || !need)
        return PAGER_EINVAL;
    memset(out, 0, sizeof(*out));
    out->page = addr & ~PAGE_MASK;

    region_t *r = region_find(&s->regions, addr);
    if (!r)
        return bad(s, out, PAGER_BAD_NO_REGION);
    uint64_t vpn = vpn_of(addr);
    pte_t *pte = pagetab_lookup(&s->pt, vpn);
    /* pager_fault_unmapped (remap.c): nothing is mapped there, whatever the record says. */
    if (unmapped && pte && pte->state != PAGER_PAGE_NONE && pte->prot && !(pte->prot & need))
        pte->prot = 0; /* the decision maps, never protects */
    if (r->backing == PAGER_BACKING_GUARD)
        return bad(s, out, PAGER_BAD_GUARD);
    bool grow = false;
    if (r->backing == PAGER_BACKING_STACK) {
        uint64_t slack = s->pager->cfg.sp_slack;
        bool near_sp = sp == 0 || addr + slack >= sp;
        if (addr < r->stack_limit)
            return bad(s, out, sp && near_sp ? PAGER_BAD_STACK_LIMIT : PAGER_BAD_GUARD);
        if (addr < r->stack_low) {
            if (!near_sp)
                return bad(s, out, PAGER_BAD_BELOW_SP);
            grow = true;
        }
    }
    if (!(r->prot & need))
        return bad(s, out, PAGER_BAD_NO_PERMISSION);

    if (pte && pte->prot & need) {
        out->outcome = PAGER_FAULT_RETRY;
        s->stats.retries++;
        return PAGER_OK;
    }
    pager_bad_reason_t reason;
    if (!pte || pte->state == PAGER_PAGE_NONE) {
        if (!pte) /* else its leaf exists already: no second walk */
            pte = pagetab_ensure(&s->pt, vpn);
        reason = pte ? fault_absent(s, r, vpn, pte, access, out) : PAGER_BAD_OUT_OF_MEMORY;
    } else {
        reason = fault_present(s, r, vpn, pte, need, out);
    }
    if (reason != PAGER_BAD_NONE) {
        out->action = PAGER_ACT_NONE;
        out->major = false;
        out->frame = 0;
        return bad(s, out, reason);
    }

    if (grow) {
        r->stack_low = out->page;
        out->stack_grew = true;
        s->stats.stack_grows++;
    }
    out->outcome = PAGER_FAULT_MAPPED;
    out->prot = pte->prot;
    out->frame = pte->state == PAGER_PAGE_ZERO ? s->pager->zero_id : pte->u.frame->id;
    if (out->major)
        s->stats.major++;
    else
        s->stats.minor++;
    return PAGER_OK;
}

int pager_prefetch(pager_space_t *s, uint64_t addr, unsigned max, unsigned *done)
{
    if (!s || !done || !s->pager->cfg.page_cache)
        return PAGER_EINVAL;
    *done = 0;
    uint64_t vpn = vpn_of(addr);
    region_t *r = region_find(&s->regions, addr);
    if (!r || r->backing != PAGER_BACKING_FILE || !(r->prot & PAGER_PROT_READ))
        return PAGER_OK;
    for (unsigned i = 0; i < max && addr_of(vpn + i) < r->end; i++) {
        pte_t *pte = pagetab_lookup(&s->pt, vpn + i);
        if (pte && pte->state != PAGER_PAGE_NONE)
            break;
        if (!(pte = pagetab_ensure(&s->pt, vpn + i)))
            break;
        bool hit;
        pager_bad_reason_t reason;
        uint64_t off = r->file_off + (addr_of(vpn + i) - r->start);
        pte_t np = {.state = PAGER_PAGE_FILE};
        if (!(np.u.frame = cache_get(s->pager, r->file_id, off, &hit, &reason)))
            break;
        if (!install(s, r, vpn + i, pte, np))
            break;
        s->pager->cstats.ahead++;
        (*done)++;
    }
    pagetab_prune(&s->pt, vpn, vpn + max);
    return PAGER_OK;
}
