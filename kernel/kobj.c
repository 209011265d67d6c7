/* Object allocation and reference counting; see kobj.h. */
#include <arch/arch.h>
#include <kernel/boot.h>
#include <kernel/ipc.h>
#include <kernel/kobj.h>
#include <kernel/panic.h>
#include <kernel/pool.h>
#include <string.h>

void *kobj_alloc(pool_t *pool, fl_obj_type_t type, size_t size)
{
    unsigned order = 0;
    while ((FRAME_SIZE << order) < size)
        order++;
    uint64_t n = 1UL << order, pa;
    if (!pool_charge(pool, n))
        return NULL;
    int err = n == 1 ? frame_alloc(&kernel_frames, &pa)
                     : frame_alloc_contig(&kernel_frames, n, FRAME_SIZE << order, &pa);
    if (err != 0) {
        pool_uncharge(pool, n);
        return NULL;
    }
    kobj_t *o = arch_phys_to_virt(pa);
    memset(o, 0, FRAME_SIZE << order);
    o->refs = 1;
    o->type = (uint8_t)type;
    o->order = (uint8_t)order;
    o->pool = pool;
    if (pool && (kobj_t *)pool != o)
        kobj_get(&pool->obj);
    return o;
}

void kobj_get(kobj_t *o)
{
    BUG_ON(o->refs == 0);
    o->refs++;
}

void kobj_handle_opened(kobj_t *o, uint32_t rights)
{
    if (o->type == FL_OBJ_ENDPOINT && (rights & FL_RIGHT_READ))
        ((endpoint_t *)o)->receivers_possible++;
}

void kobj_handle_closed(kobj_t *o, uint32_t rights)
{
    if (o->type == FL_OBJ_ENDPOINT && (rights & FL_RIGHT_READ)) {
        endpoint_t *ep = (endpoint_t *)o;
        if (--ep->receivers_possible == 0)
            endpoint_close(ep);
    }
}

void kobj_put(kobj_t *o)
{
    BUG_ON(o->refs == 0);
    if (--o->refs)
        return;
    switch (o->type) {
    case FL_OBJ_SPACE: space_destroy_obj(o); break;
    case FL_OBJ_THREAD: thread_destroy_obj(o); break;
    case FL_OBJ_ENDPOINT: endpoint_destroy_obj(o); break;
    case FL_OBJ_NOTIFICATION: notification_destroy_obj(o); break;
    case FL_OBJ_POOL: pool_destroy_obj(o); break;
    case FL_OBJ_IRQ: irq_destroy_obj(o); break;
    default: break;
    }
    pool_t *pool = o->pool;
    uint64_t n = 1UL << o->order;
    uint64_t pa = arch_virt_to_phys(o);
    for (uint64_t i = 0; i < n; i++)
        BUG_ON(frame_free(&kernel_frames, pa + i * FRAME_SIZE) != 0);
    if (pool && (kobj_t *)pool != o) {
        pool_uncharge(pool, n);
        kobj_put(&pool->obj);
    }
}
