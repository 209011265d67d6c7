/* Starting and stopping blkdrv for in-OS tests; see blkdrv_env.h. */
#include <faultline/bootinfo.h>
#include <fl/runtime.h>

#include "blk_proto.h"
#include "blkdrv_env.h"
#include "tests.h"

/* Where a driver that no longer answers has its device reset: in the 2 MiB block of init's
 * stack, whose page table exists already (mapping there leaves nothing behind). */
#define RESET_MMIO_VA 0x7fffe00000UL + 0x100000UL
#define MMIO_STATUS   0x070

static fl_handle_t park; /* where a dead driver's IRQ is rebound */
static fl_ipc_buffer_t ipc __attribute__((aligned(4096)));

fl_ipc_buffer_t *blkdrv_env_ipc(void)
{
    return &ipc;
}

__attribute__((constructor)) static void blkdrv_env_park_init(void)
{
    long r = fl_bootinfo ? fl_notification_create() : -1;
    if (r > 0)
        park = (fl_handle_t)r;
}

static const char *attach_any(blkdrv_env_t *e)
{
    const fl_bootinfo_t *bi = fl_bootinfo;
    for (unsigned i = 0; i < bi->ndevices && i < FL_BOOTINFO_MAX_DEV; i++) {
        const fl_bootinfo_device_t *d = &bi->devices[i];
        if (d->kind != FL_DEV_VIRTIO_MMIO || !d->region || !d->irq)
            continue;
        ipc.handles[0] = d->region;
        ipc.handle_rights[0] = FL_RIGHT_MAP | FL_RIGHT_WRITE;
        ipc.handles[1] = d->irq;
        ipc.handle_rights[1] = FL_RIGHT_MANAGE;
        fl_msg_t m = {.tag = FL_TAG(BLK_MSG_ATTACH, 2, 2), .w = {d->base, d->size}};
        long r = fl_call(e->ep, &m);
        CHECK(r == 0, "ATTACH call: %s", fl_strerror(r));
        r = (long)m.w[0];
        if (r == FL_OK) {
            CHECK(m.w[1] == 2, "attached DeviceID %llu", (unsigned long long)m.w[1]);
            e->dev = (int)i;
            e->capacity = m.w[2];
            return NULL;
        }
        CHECK(r == FL_ENOENT, "ATTACH of %#llx: %s", (unsigned long long)d->base, fl_strerror(r));
    }
    return NULL;
}

const char *blkdrv_env_start(blkdrv_env_t *e, fl_proc_t *drv, uint64_t badge)
{
    e->dev = -1;
    /* ATTACH sends the region and IRQ handles through this thread's IPC buffer. */
    long rr = fl_thread_set_ipc_buffer(&ipc);
    CHECK(rr == 0, "cannot register an IPC buffer: %s", fl_strerror(rr));
    long r;
    const char *err = NULL;
    CHECK(fl_bootinfo, "init has no boot information");
    CHECK_OK(r, fl_pool_create(fl_pool(), 512));
    e->pool = test_handle(r);
    CHECK_OK(r, fl_endpoint_create());
    e->ep = test_handle(r);
    CHECK_OK(r, fl_endpoint_create());
    e->reports = test_handle(r);
    fl_spawn_args_t a = {
        .args = "blkdrv",
        .pool = e->pool,
        .priority = FL_PRIORITY_DEFAULT,
        .give_pool = e->pool,
        .give_pool_rights = FL_RIGHTS_ALL,
        .parent = e->reports,
        .parent_badge = badge,
        .nhandles = 1,
        .handles = {e->ep},
        .rights = {FL_RIGHT_READ | FL_RIGHT_WRITE | FL_RIGHT_GRANT},
    };
    *drv = (fl_proc_t){0};
    test_proc(drv);
    r = fl_spawn_initrd(&a, drv, &err);
    CHECK(r == 0, "cannot spawn blkdrv: %s (%s)", err, fl_strerror(r));
    return attach_any(e);
}

void blkdrv_env_stop(blkdrv_env_t *e, fl_proc_t *drv)
{
    uint64_t badge;
    long status;
    if (drv->space) {
        fl_msg_t m = {.tag = FL_TAG(BLK_MSG_SHUTDOWN, 0, 0)};
        long r = fl_call(e->ep, &m);
        if (r == 0)
            test_wait_exit(e->reports, &badge, &status);
        fl_proc_destroy(drv);
        if (e->dev >= 0 && r != 0) { /* no DMA into frames the dead driver gave back */
            const fl_bootinfo_device_t *d = &fl_bootinfo->devices[e->dev];
            if (fl_region_map(fl_self_space(), d->region, 0, RESET_MMIO_VA, FL_PAGE_SIZE,
                              FL_PROT_READ | FL_PROT_WRITE) == 0) {
                *(volatile uint32_t *)(RESET_MMIO_VA + (d->base & 0xfff) + MMIO_STATUS) = 0;
                fl_vm_unmap(fl_self_space(), RESET_MMIO_VA, 1);
            }
        }
    }
    if (e->dev >= 0 && park)
        fl_irq_bind(fl_bootinfo->devices[e->dev].irq, park, 1);
    e->dev = -1;
    fl_thread_set_ipc_buffer(NULL);
}
