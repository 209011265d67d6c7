/* The pager object: configuration, the ops table, and the frames it holds across spaces. */
#include <stdlib.h>

#include "internal.h"

void pager_config_default(pager_config_t *cfg)
{
    cfg->va_min = 0x10000;
    cfg->va_max = VA_LIMIT;
    cfg->zero_page = true;
    cfg->sp_slack = PAGER_STACK_SP_SLACK;
    cfg->page_cache = false;
    cfg->swap_slots = 0;
    cfg->frame_limit = 0;
    cfg->map_ahead = 0;
}

int pager_create(const pager_ops_t *ops, void *ctx, const pager_config_t *cfg, pager_t **out)
{
    if (!ops || !out || !ops->alloc_frame || !ops->free_frame || !ops->zero_frame ||
        !ops->copy_frame || !ops->map || !ops->unmap || !ops->protect || !ops->harvest)
        return PAGER_EINVAL;
    pager_config_t c;
    if (cfg)
        c = *cfg;
    else
        pager_config_default(&c);
    if (c.va_min == 0 || !IS_ALIGNED(c.va_min) || !IS_ALIGNED(c.va_max) || c.va_max > VA_LIMIT ||
        c.va_min >= c.va_max || c.swap_slots >= UINT32_MAX)
        return PAGER_EINVAL;
    pager_t *p = calloc(1, sizeof(*p));
    if (!p)
        return PAGER_ENOMEM;
    p->ops = ops;
    p->ctx = ctx;
    p->cfg = c;
    if (slot_init(p) < 0) {
        free(p);
        return PAGER_ENOMEM;
    }
    *out = p;
    return PAGER_OK;
}

int pager_destroy(pager_t *pager)
{
    if (pager->nspaces)
        return PAGER_EBUSY;
    cache_free_all(pager);
    if (pager->have_zero)
        pager->ops->free_frame(pager->ctx, pager->zero_id);
    slot_fini(pager);
    frame_recs_free(pager);
    free(pager);
    return PAGER_OK;
}

uint64_t pager_frames_in_use(const pager_t *pager)
{
    return pager->frames;
}

const char *pager_bad_reason_name(pager_bad_reason_t reason)
{
    switch (reason) {
    case PAGER_BAD_NONE: return "none";
    case PAGER_BAD_NO_REGION: return "no region";
    case PAGER_BAD_NO_PERMISSION: return "no permission";
    case PAGER_BAD_GUARD: return "guard";
    case PAGER_BAD_STACK_LIMIT: return "stack limit";
    case PAGER_BAD_BELOW_SP: return "too far below stack pointer";
    case PAGER_BAD_OUT_OF_MEMORY: return "out of memory";
    case PAGER_BAD_IO: return "i/o error";
    }
    return "unknown";
}
