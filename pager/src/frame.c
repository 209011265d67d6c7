/*
 * Frame records: every frame the pager holds has one record with a share count, the number of
 * page-table entries (in any space) that reference it. Fork raises it, a copy-on-write copy or
 * an unmap lowers it, and the last reference frees the frame. The shared zero frame has no
 * record: it lives as long as the pager.
 */
#include <stdlib.h>

#include "internal.h"

/* Free at least one frame: cached file pages nobody maps go first, then the clock evicts. */
static bool make_room(pager_t *pager)
{
    return pager_cache_trim(pager) > 0 || evict(pager, 1) > 0;
}

/* Records of freed frames, kept for the next frame_get: a fault then needs no malloc (about 60
 * instructions each way). At most FREE_RECS_MAX are kept; they stay reachable from here. */
typedef union spare_rec {
    frame_rec_t rec;
    union spare_rec *next;
} spare_rec_t;

#define FREE_RECS_MAX 1024u
static spare_rec_t *spare;
static unsigned nspare;

static frame_rec_t *rec_alloc(void)
{
    spare_rec_t *r = spare;
    if (!r)
        return malloc(sizeof(spare_rec_t));
    spare = r->next;
    nspare--;
    return &r->rec;
}

static void rec_free(frame_rec_t *f)
{
    spare_rec_t *r = (spare_rec_t *)f;
    if (nspare >= FREE_RECS_MAX) {
        free(r);
        return;
    }
    r->next = spare;
    spare = r;
    nspare++;
}

frame_rec_t *frame_get(pager_t *pager)
{
    frame_rec_t *f = rec_alloc();
    if (!f)
        return NULL;
    uint64_t limit = pager->cfg.frame_limit;
    while (limit && pager->frames >= limit) {
        if (!make_room(pager)) {
            rec_free(f);
            return NULL;
        }
    }
    while (pager->ops->alloc_frame(pager->ctx, &f->id) < 0) {
        if (!make_room(pager)) {
            rec_free(f);
            return NULL;
        }
    }
    f->shares = 1;
    f->dirty = false;
    pager->frames++;
    return f;
}

void frame_put(pager_t *pager, frame_rec_t *f)
{
    if (--f->shares)
        return;
    pager->ops->free_frame(pager->ctx, f->id);
    pager->frames--;
    rec_free(f);
}

bool frame_zero(pager_t *pager, uint64_t *id_out)
{
    if (!pager->have_zero) {
        uint64_t id;
        if (pager->ops->alloc_frame(pager->ctx, &id) < 0)
            return false;
        if (pager->ops->zero_frame(pager->ctx, id) < 0) {
            pager->ops->free_frame(pager->ctx, id);
            return false;
        }
        pager->zero_id = id;
        pager->have_zero = true;
        pager->frames++;
    }
    *id_out = pager->zero_id;
    return true;
}
