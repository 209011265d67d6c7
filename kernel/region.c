/* Region objects; see region.h. */
#include <kernel/checked.h>
#include <kernel/frame.h>
#include <kernel/pool.h>
#include <kernel/region.h>

region_t *region_create(pool_t *pool, uint64_t pa, uint64_t size, bool device, bool writable)
{
    uint64_t end; /* boot inputs (DTB, initrd bounds): a range that wraps is refused */
    if (!checked_add(pa, size, &end) || !checked_align_up(end, FRAME_SIZE, &end))
        return NULL;
    region_t *r = kobj_alloc(pool, FL_OBJ_REGION, sizeof(region_t));
    if (!r)
        return NULL;
    r->pa = pa & ~(FRAME_SIZE - 1);
    r->size = end - r->pa;
    r->device = device;
    r->writable = writable;
    return r;
}
