/*
 * Kernel objects: what handles name. Every object starts with a kobj_t, is charged to the
 * memory pool it was created from, and is destroyed when its last reference goes. All kernel
 * state is guarded by the one kernel lock (interrupts masked on a single CPU for now).
 */
#ifndef KERNEL_KOBJ_H
#define KERNEL_KOBJ_H

#include <faultline/types.h>
#include <stddef.h>
#include <stdint.h>

struct pool;

typedef struct kobj {
    uint32_t refs;
    uint8_t type;           /* fl_obj_type_t */
    uint8_t order;          /* the object occupies 1 << order frames */
    uint8_t reap;           /* KOBJ_REAP_*: what the reaper list holds it for */
    struct pool *pool;      /* charged to; holds a reference on it */
    struct kobj *reap_next; /* on the reaper list */
} kobj_t;

enum { KOBJ_REAP_NONE, KOBJ_REAP_DESTROY, KOBJ_REAP_KILL };

/* A zeroed object of at least size bytes charged to pool, with one reference.
 * NULL when the pool's quota or physical memory is exhausted. */
void *kobj_alloc(struct pool *pool, fl_obj_type_t type, size_t size);
void kobj_get(kobj_t *o);
/* Drops a reference. The last one destroys o, but never by recursion: destruction that
 * drops further last references (a space closing the only handle to the next space, and so
 * on) goes through one reaper list drained in a loop by the outermost kobj_put, so the kernel
 * stack depth does not depend on what user space built. Everything is done before the
 * outermost call returns. */
void kobj_put(kobj_t *o);
/* Queues the end of process o (a space), taking a reference until it is done: immediately
 * unless the reaper is already running, else once the work before it is done (in this same
 * kernel entry). */
void kobj_queue_kill(kobj_t *o);
/* A handle to o with rights was installed in / removed from some handle table (the caller
 * also takes / drops the reference). Endpoints close when no handle that can receive is left. */
void kobj_handle_opened(kobj_t *o, uint32_t rights);
void kobj_handle_closed(kobj_t *o, uint32_t rights);

/* Destructors, called by kobj_put on the last reference; they release what the object holds,
 * not the object's own memory. */
void space_destroy_obj(kobj_t *o);
void thread_destroy_obj(kobj_t *o);
void endpoint_destroy_obj(kobj_t *o);
void notification_destroy_obj(kobj_t *o);
void pool_destroy_obj(kobj_t *o);
void irq_destroy_obj(kobj_t *o);

#endif
