/* Region objects; see region.h. */
#include <kernel/pool.h>
#include <kernel/region.h>

region_t *region_create(pool_t *pool, uint64_t pa, uint64_t size, bool device, bool writable)
{
    region_t *r = kobj_alloc(pool, FL_OBJ_REGION, sizeof(region_t));
    if (!r)
        return NULL;
    r->pa = pa & ~0xfffUL;
    r->size = ((pa + size + 0xfff) & ~0xfffUL) - r->pa;
    r->device = device;
    r->writable = writable;
    return r;
}
