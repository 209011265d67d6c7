/* Frame quotas; see pool.h. */
#include <arch/arch.h>
#include <kernel/boot.h>
#include <kernel/checked.h>
#include <kernel/page.h>
#include <kernel/panic.h>
#include <kernel/pool.h>
#include <string.h>

_Static_assert(FRAME_SIZE == 1UL << POOL_ID_SHIFT, "a pool id is a frame number");

static pool_t root;

pool_t *pool_root(void)
{
    return &root;
}

void pool_boot_init(void)
{
    root.obj.refs = 1; /* never destroyed */
    root.obj.type = FL_OBJ_POOL;
    root.limit = kernel_frames.free;
    root.id = POOL_ID_ROOT;
}

/* A pool's id is the frame number of its own object: unique while it lives, and as plentiful
 * as the frames its creator's quota pays for, so ids are no shared scarce resource. A frame
 * that records the id holds a reference on the pool (pool_frame_alloc), so a live frame never
 * names a dead pool, and ids only ever come from the kernel's own records. */
pool_t *pool_by_id(uint32_t id)
{
    return id == POOL_ID_ROOT ? &root : arch_phys_to_virt((uint64_t)id << POOL_ID_SHIFT);
}

bool pool_charge(pool_t *p, uint64_t n)
{
    if (!checked_fits(p->used, n, p->limit))
        return false;
    p->used += n;
    return true;
}

void pool_uncharge(pool_t *p, uint64_t n)
{
    BUG_ON(p->used < n);
    p->used -= n;
}

bool pool_can_create(const pool_t *parent, uint64_t frames)
{
    uint64_t need; /* the quota and the pool object itself */
    return frames != 0 && checked_add(frames, 1, &need) &&
           checked_fits(parent->used, need, parent->limit);
}

pool_t *pool_create(pool_t *parent, uint64_t frames)
{
    if (!pool_can_create(parent, frames) || !pool_charge(parent, frames))
        return NULL;
    pool_t *p = kobj_alloc(parent, FL_OBJ_POOL, sizeof(pool_t));
    if (!p) {
        pool_uncharge(parent, frames);
        return NULL;
    }
    uint64_t frame = arch_virt_to_phys(p) >> POOL_ID_SHIFT;
    if (frame > UINT32_MAX) { /* RAM above 16 TiB: the id would need more bits */
        kobj_put(&p->obj);
        pool_uncharge(parent, frames);
        return NULL;
    }
    p->limit = frames;
    p->parent = parent;
    p->id = (uint32_t)frame;
    return p;
}

void pool_destroy_obj(kobj_t *o)
{
    pool_t *p = (pool_t *)o;
    BUG_ON(p->used != 0); /* every charge holds a reference on the pool */
    if (p->parent)
        pool_uncharge(p->parent, p->limit);
}

uint64_t pool_frame_alloc(pool_t *p)
{
    uint64_t pa;
    if (!pool_charge(p, 1))
        return 0;
    if (frame_alloc(&kernel_frames, &pa) != 0) {
        pool_uncharge(p, 1);
        return 0;
    }
    arch_zero_page(arch_phys_to_virt(pa));
    if (p != &root)
        kobj_get(&p->obj);
    return pa;
}

void pool_frame_free(pool_t *p, uint64_t pa)
{
    BUG_ON(frame_free(&kernel_frames, pa) != 0);
    pool_uncharge(p, 1);
    if (p != &root)
        kobj_put(&p->obj);
}
