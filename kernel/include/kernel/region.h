/* Region objects: a physical range handed to user space as is (device MMIO, the initrd). */
#ifndef KERNEL_REGION_H
#define KERNEL_REGION_H

#include <kernel/kobj.h>
#include <kernel/pool.h>
#include <stdbool.h>

typedef struct region {
    kobj_t obj;
    uint64_t pa, size; /* page-aligned */
    bool device;       /* mapped as Device-nGnRnE, else Normal memory */
    bool writable;     /* may be mapped writable */
} region_t;

region_t *region_create(pool_t *pool, uint64_t pa, uint64_t size, bool device, bool writable);

#endif
