/*
 * The swap_in row (docs/benchmarks.md): bench starts blkdrv on the first virtio-blk disk of
 * the boot information (as userland/swap/test_swap.c does), the reference pager with swap and
 * a frame limit (`pager -s -l BENCH_SWAP_LIMIT`, start handle 1 = the driver's endpoint), and
 * benchswap on that pager, which measures and prints the row itself (benchswap.c). Without a
 * disk the row is skipped.
 */
#include "bench.h"
#include "bench_rows.h"
#include "blk_proto.h"
#include <faultline/bootinfo.h>
#include <fl/runtime.h>
#include <fl/spawn.h>
#include <fl/thread.h>
#include <stdio.h>

#define BENCH_SWAP_LIMIT 64 /* the pager's frame limit; the client touches 4x as many pages */

static fl_handle_t new_handle(long r)
{
    return r > 0 ? (fl_handle_t)r : 0;
}

/* Offers the driver every virtio-mmio transport until one holds a block device. */
static int attach_disk(fl_handle_t ep)
{
    const fl_bootinfo_t *bi = fl_bootinfo;
    fl_ipc_buffer_t *ipc = (fl_ipc_buffer_t *)BENCH_IPCBUF;
    for (unsigned i = 0; i < bi->ndevices && i < FL_BOOTINFO_MAX_DEV; i++) {
        const fl_bootinfo_device_t *d = &bi->devices[i];
        if (d->kind != FL_DEV_VIRTIO_MMIO || !d->region || !d->irq)
            continue;
        ipc->handles[0] = d->region;
        ipc->handle_rights[0] = FL_RIGHT_MAP | FL_RIGHT_WRITE;
        ipc->handles[1] = d->irq;
        ipc->handle_rights[1] = FL_RIGHT_MANAGE;
        fl_msg_t m = {.tag = FL_TAG(BLK_MSG_ATTACH, 2, 2), .w = {d->base, d->size}};
        if (fl_call(ep, &m) == 0 && (long)m.w[0] == FL_OK)
            return 1;
    }
    return 0;
}

void bench_rows_swap(void)
{
    const char *err = "?";
    long r, status = -99;
    fl_proc_t drv = {0}, pager = {0}, client = {0};
    fl_handle_t dpool = new_handle(fl_pool_create(B.pool, 512));
    fl_handle_t ppool = new_handle(fl_pool_create(B.pool, 512));
    fl_handle_t dep = new_handle(fl_endpoint_create());
    fl_handle_t pep = new_handle(fl_endpoint_create());
    fl_handle_t ntf = new_handle(fl_notification_create());
    if (!dpool || !ppool || !dep || !pep || !ntf) {
        bench_fail("swap_in", "setup", FL_ENOMEM);
        goto out;
    }
    fl_spawn_args_t da = {
        .args = "blkdrv",
        .pool = dpool,
        .priority = FL_PRIORITY_DEFAULT,
        .give_pool = dpool,
        .give_pool_rights = FL_RIGHTS_ALL,
        .nhandles = 1,
        .handles = {dep},
        .rights = {FL_RIGHT_READ | FL_RIGHT_WRITE | FL_RIGHT_GRANT},
    };
    if ((r = fl_spawn_initrd(&da, &drv, &err)) < 0) {
        printf("bench: cannot start blkdrv: %s\n", err);
        bench_fail("swap_in", "spawn blkdrv", r);
        goto out;
    }
    if (!attach_disk(dep)) {
        printf("BENCH_SKIP swap_in no virtio-blk disk attached (tools/bench passes --drive)\n");
        goto out;
    }
    char args[32];
    snprintf(args, sizeof(args), "pager -s -l %u", BENCH_SWAP_LIMIT);
    fl_spawn_args_t pa = {
        .args = args,
        .pool = ppool,
        .priority = FL_PRIORITY_DEFAULT,
        .give_pool = ppool,
        .give_pool_rights = FL_RIGHT_READ | FL_RIGHT_WRITE,
        .nhandles = 2,
        .handles = {pep, dep},
        .rights = {FL_RIGHT_READ | FL_RIGHT_WRITE | FL_RIGHT_GRANT,
                   FL_RIGHT_WRITE | FL_RIGHT_GRANT},
    };
    if ((r = fl_spawn_initrd(&pa, &pager, &err)) < 0) {
        printf("bench: cannot start the pager: %s\n", err);
        bench_fail("swap_in", "spawn pager", r);
        goto out;
    }
    /* One warm-up pass, then one measured pass per batch. */
    snprintf(args, sizeof(args), "benchswap %u %u", 4 * BENCH_SWAP_LIMIT, B.batches + 1);
    fl_spawn_args_t ca = {
        .args = args,
        .pool = B.pool,
        .priority = FL_PRIORITY_DEFAULT,
        .give_pool = B.pool,
        .give_pool_rights = FL_RIGHT_READ | FL_RIGHT_WRITE,
        .pager = pep,
        .pager_notify = ntf,
        .pager_notify_bits = 1,
    };
    if ((r = fl_spawn_initrd(&ca, &client, &err)) < 0) {
        printf("bench: cannot start benchswap: %s\n", err);
        bench_fail("swap_in", "spawn benchswap", r);
        goto out;
    }
    if ((r = fl_proc_wait(&client, ntf, 1, &status)) < 0)
        bench_fail("swap_in", "wait for benchswap", r);
    else if (status != 0)
        bench_fail("swap_in", "benchswap failed (see its output)", FL_EINVAL);
    else
        B.rows++; /* benchswap printed the row */
out:
    if (pager.space)
        fl_proc_destroy(&pager); /* closes its block session */
    if (drv.space) {
        fl_msg_t m = {.tag = FL_TAG(BLK_MSG_SHUTDOWN, 0, 0)};
        fl_call(dep, &m); /* resets the device */
        fl_proc_destroy(&drv);
    }
    fl_handle_t hs[] = {ntf, pep, dep, ppool, dpool};
    for (unsigned i = 0; i < sizeof(hs) / sizeof(hs[0]); i++)
        if (hs[i])
            fl_handle_close(hs[i]);
}
