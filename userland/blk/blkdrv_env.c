/* Starting and stopping blkdrv for in-OS tests; see blkdrv_env.h. */
#include <faultline/bootinfo.h>
#include <fl/runtime.h>

#include "blk_proto.h"
#include "blkdrv_env.h"
#include "tests.h"

static fl_handle_t park; /* where a dead driver's IRQ is rebound */
static fl_ipc_buffer_t ipc __attribute__((aligned(4096)));

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
            e->dev = (int)i;
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
        if (fl_call(e->ep, &m) == 0)
            test_wait_exit(e->reports, &badge, &status);
        fl_proc_destroy(drv);
    }
    if (e->dev >= 0 && park)
        fl_irq_bind(fl_bootinfo->devices[e->dev].irq, park, 1);
    e->dev = -1;
    fl_thread_set_ipc_buffer(NULL);
}
