/* Object allocation and reference counting; see kobj.h. */
#include <arch/arch.h>
#include <kernel/boot.h>
#include <kernel/ipc.h>
#include <kernel/kobj.h>
#include <kernel/panic.h>
#include <kernel/pool.h>
#include <kernel/space.h>
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

/* The reaper list (see kobj_put): FIFO, so work is done in the order it was asked for. */
static kobj_t *reap_head, *reap_tail;
static bool reaping;

static void reap_push(kobj_t *o, uint8_t why)
{
    BUG_ON(o->reap != KOBJ_REAP_NONE);
    o->reap = why;
    o->reap_next = NULL;
    if (reap_tail)
        reap_tail->reap_next = o;
    else
        reap_head = o;
    reap_tail = o;
}

static kobj_t *reap_pop(void)
{
    kobj_t *o = reap_head;
    if (o) {
        reap_head = o->reap_next;
        if (!reap_head)
            reap_tail = NULL;
        o->reap_next = NULL;
    }
    return o;
}

/* Releases what o holds, then its memory and its charge. */
static void destroy(kobj_t *o)
{
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
        kobj_put(&pool->obj); /* queued if it was the last: we are reaping */
    }
}

static void reap(void)
{
    if (reaping)
        return; /* the loop below, further up this stack, will get to it */
    reaping = true;
    kobj_t *o;
    while ((o = reap_pop())) {
        uint8_t why = o->reap;
        o->reap = KOBJ_REAP_NONE;
        if (why == KOBJ_REAP_KILL) {
            space_kill_now((space_t *)o);
            kobj_put(o); /* the queue's reference */
        } else {
            destroy(o);
        }
    }
    reaping = false;
}

void kobj_put(kobj_t *o)
{
    BUG_ON(o->refs == 0);
    if (--o->refs)
        return;
    reap_push(o, KOBJ_REAP_DESTROY);
    reap();
}

void kobj_queue_kill(kobj_t *o)
{
    kobj_get(o);
    reap_push(o, KOBJ_REAP_KILL);
    reap();
}
