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

/* Records of freed frames, kept per pager for the next frame_get: a fault then needs no malloc
 * (about 60 instructions each way). At most FREE_RECS_MAX are kept. Under AddressSanitizer
 * none are kept, so a record used after its frame was freed is reported. */
typedef union spare_rec {
    frame_rec_t rec;
    union spare_rec *next;
} spare_rec_t;

#if defined(__SANITIZE_ADDRESS__)
#define KEEP_SPARE_RECS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KEEP_SPARE_RECS 0
#endif
#endif
#ifndef KEEP_SPARE_RECS
#define KEEP_SPARE_RECS 1
#endif
#define FREE_RECS_MAX 1024u

static frame_rec_t *rec_alloc(pager_t *pager)
{
    spare_rec_t *r = pager->spare;
    if (!r)
        return malloc(sizeof(spare_rec_t));
    pager->spare = r->next;
    pager->nspare--;
    return &r->rec;
}

static void rec_free(pager_t *pager, frame_rec_t *f)
{
    spare_rec_t *r = (spare_rec_t *)f;
    if (!KEEP_SPARE_RECS || pager->nspare >= FREE_RECS_MAX) {
        free(r);
        return;
    }
    r->next = pager->spare;
    pager->spare = r;
    pager->nspare++;
}

void frame_recs_free(pager_t *pager)
{
    while (pager->spare) {
        spare_rec_t *r = pager->spare;
        pager->spare = r->next;
        free(r);
    }
    pager->nspare = 0;
}

frame_rec_t *frame_get(pager_t *pager)
{
    frame_rec_t *f = rec_alloc(pager);
    if (!f)
        return NULL;
    uint64_t limit = pager->cfg.frame_limit;
    while (limit && pager->frames >= limit) {
        if (!make_room(pager)) {
            rec_free(pager, f);
            return NULL;
        }
    }
    while (pager->ops->alloc_frame(pager->ctx, &f->id) < 0) {
        if (!make_room(pager)) {
            rec_free(pager, f);
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
    rec_free(pager, f);
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
