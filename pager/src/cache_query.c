/*
 * pager_cache_has: whether a file page is cached, for a backend that reads uncached pages
 * asynchronously. The bucket function must be cache.c's (pager_test_iface checks that every
 * page cache_get cached is found here).
 */
#include "internal.h"

bool pager_cache_has(const pager_t *p, uint64_t file, uint64_t off)
{
    if (!p || !p->cache)
        return false;
    uint64_t h = (file * 0x9e3779b97f4a7c15ULL) ^ (off >> PAGER_PAGE_SHIFT);
    h ^= h >> 29;
    for (const cache_ent_t *e = p->cache[h % CACHE_BUCKETS]; e; e = e->next)
        if (e->file == file && e->off == off)
            return true;
    return false;
}
