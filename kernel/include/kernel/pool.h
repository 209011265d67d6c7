/*
 * Memory pools: quotas of physical frames. Everything a process makes the kernel allocate
 * (objects, page tables, its own pages) is charged to a pool, so no process can exhaust the
 * kernel. A child pool's quota is carved out of its parent at creation.
 */
#ifndef KERNEL_POOL_H
#define KERNEL_POOL_H

#include <kernel/kobj.h>
#include <stdbool.h>

/* Pool ids: 0 is the root pool; any other is the frame number of the pool's object. */
#define POOL_ID_ROOT  0u
#define POOL_ID_SHIFT 12 /* log2(FRAME_SIZE) */

typedef struct pool {
    kobj_t obj;
    uint64_t limit; /* frames this pool may hold */
    uint64_t used;  /* frames charged now */
    struct pool *parent;
    uint32_t id; /* frames record their owner pool by id (see POOL_ID_ROOT) */
} pool_t;

/* The pool every boot-time object is charged to: all free RAM at boot. */
pool_t *pool_root(void);
void pool_boot_init(void);
/* The live pool with that id (an id from page_owner or pool_t.id, never from user space). */
pool_t *pool_by_id(uint32_t id);
/* Whether parent can afford a child of frames (not 0): the quota plus the child's object. */
bool pool_can_create(const pool_t *parent, uint64_t frames);
/* A child pool with frames of quota taken from parent; NULL if the parent lacks it. */
pool_t *pool_create(pool_t *parent, uint64_t frames);

/* Charge/uncharge n frames without allocating (used by kobj and page tables). pool_charge
 * refuses (false) when used + n would pass the limit, wrap included. */
bool pool_charge(pool_t *p, uint64_t n);
void pool_uncharge(pool_t *p, uint64_t n);

/* A zeroed frame charged to p, returned as a physical address; 0 on failure. */
uint64_t pool_frame_alloc(pool_t *p);
void pool_frame_free(pool_t *p, uint64_t pa);

#endif
