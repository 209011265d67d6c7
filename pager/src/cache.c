/*
 * The page cache: file pages kept by (file id, offset) in a hash of chains, each holding one
 * reference on its frame, so that every space mapping the same file page maps the same frame
 * (Linux's page cache, without its radix tree per file: a pager caches a few thousand pages).
 * A page that no space maps has only the cache's reference (shares == 1); pager_cache_trim
 * frees those, and frame_get calls it when the backend has no frame left.
 */
#include <stdlib.h>

#include "internal.h"

static unsigned bucket_of(uint64_t file, uint64_t off)
{
    uint64_t h = (file * 0x9e3779b97f4a7c15ULL) ^ (off >> PAGER_PAGE_SHIFT);
    h ^= h >> 29;
    return (unsigned)(h % CACHE_BUCKETS);
}

frame_rec_t *cache_get(pager_t *p, uint64_t file, uint64_t off, bool *hit,
                       pager_bad_reason_t *reason)
{
    *hit = false;
    if (!p->cache) {
        p->cache = calloc(CACHE_BUCKETS, sizeof(*p->cache));
        if (!p->cache) {
            *reason = PAGER_BAD_OUT_OF_MEMORY;
            return NULL;
        }
    }
    unsigned b = bucket_of(file, off);
    for (cache_ent_t *e = p->cache[b]; e; e = e->next) {
        if (e->file == file && e->off == off) {
            e->frame->shares++;
            p->cstats.hits++;
            *hit = true;
            return e->frame;
        }
    }
    cache_ent_t *e = malloc(sizeof(*e));
    frame_rec_t *f = e ? frame_get(p) : NULL;
    if (!f) {
        free(e);
        *reason = PAGER_BAD_OUT_OF_MEMORY;
        return NULL;
    }
    if (file_fill(p, file, off, f->id) < 0) {
        frame_put(p, f);
        free(e);
        *reason = PAGER_BAD_IO;
        return NULL;
    }
    e->file = file;
    e->off = off;
    e->frame = f;
    e->next = p->cache[b];
    p->cache[b] = e;
    f->shares++; /* the cache's and the caller's */
    p->cstats.pages++;
    p->cstats.reads++;
    return f;
}

/*
 * Drop the cached pages no space maps (all: every page, for pager_destroy). A dirty one (a
 * shared mapping wrote it, then went) is written back first when ops->file_write exists; if
 * that fails it stays cached, except when everything goes. Without the hook there is nowhere
 * to keep its bytes once no space maps it.
 */
static uint64_t drop(pager_t *p, bool all)
{
    uint64_t n = 0;
    if (!p->cache)
        return 0;
    for (unsigned b = 0; b < CACHE_BUCKETS; b++) {
        cache_ent_t **link = &p->cache[b];
        while (*link) {
            cache_ent_t *e = *link;
            if (!all && e->frame->shares > 1) {
                link = &e->next;
                continue;
            }
            if (e->frame->dirty && p->ops->file_write) {
                if (p->ops->file_write(p->ctx, e->file, e->off, e->frame->id) == 0) {
                    e->frame->dirty = false;
                    p->sstats.written_back++;
                } else if (!all) {
                    link = &e->next;
                    continue;
                }
            }
            *link = e->next;
            frame_put(p, e->frame);
            free(e);
            p->cstats.pages--;
            n++;
        }
    }
    return n;
}

uint64_t pager_cache_trim(pager_t *p)
{
    uint64_t n = drop(p, false);
    p->cstats.trimmed += n;
    return n;
}

void cache_free_all(pager_t *p)
{
    drop(p, true);
    free(p->cache);
    p->cache = NULL;
}

void pager_cache_stats(const pager_t *p, pager_cache_stats_t *out)
{
    *out = p->cstats;
}
