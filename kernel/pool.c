/* Frame quotas; see pool.h. */
#include <arch/arch.h>
#include <kernel/boot.h>
#include <kernel/page.h>
#include <kernel/panic.h>
#include <kernel/pool.h>
#include <string.h>

static pool_t *pools[POOL_MAX];
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
    root.id = 0;
    pools[0] = &root;
}

pool_t *pool_by_id(uint16_t id)
{
    return id < POOL_MAX ? pools[id] : NULL;
}

bool pool_charge(pool_t *p, uint64_t n)
{
    if (p->used + n > p->limit)
        return false;
    p->used += n;
    return true;
}

void pool_uncharge(pool_t *p, uint64_t n)
{
    BUG_ON(p->used < n);
    p->used -= n;
}

pool_t *pool_create(pool_t *parent, uint64_t frames)
{
    uint16_t id = 0;
    for (uint16_t i = 1; i < POOL_MAX; i++)
        if (!pools[i]) {
            id = i;
            break;
        }
    if (!id || !pool_charge(parent, frames))
        return NULL;
    pool_t *p = kobj_alloc(parent, FL_OBJ_POOL, sizeof(pool_t));
    if (!p) {
        pool_uncharge(parent, frames);
        return NULL;
    }
    p->limit = frames;
    p->parent = parent;
    p->id = id;
    pools[id] = p;
    return p;
}

void pool_destroy_obj(kobj_t *o)
{
    pool_t *p = (pool_t *)o;
    BUG_ON(p->used != 0); /* every charge holds a reference on the pool */
    pools[p->id] = NULL;
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
