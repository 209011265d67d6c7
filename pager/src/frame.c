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

frame_rec_t *frame_get(pager_t *pager)
{
    frame_rec_t *f = malloc(sizeof(*f));
    if (!f)
        return NULL;
    uint64_t limit = pager->cfg.frame_limit;
    while (limit && pager->frames >= limit) {
        if (!make_room(pager)) {
            free(f);
            return NULL;
        }
    }
    while (pager->ops->alloc_frame(pager->ctx, &f->id) < 0) {
        if (!make_room(pager)) {
            free(f);
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
    free(f);
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
