/*
 * In-OS tests of swap: each test spawns blkdrv in a pool of its own, offers it every
 * virtio-mmio transport of the boot information until one holds a block device (as
 * userland/blk/test_blk.c does), then starts a reference pager with a small frame limit that
 * swaps to that disk (`pager -s -l FRAMES`, start handle 1 = the driver's endpoint) and runs
 * swaptest on it. Without a block device a test says it skipped and passes. The disk's
 * contents do not matter: slots are written before they are read.
 *
 * Starting and stopping the driver: userland/blk/blkdrv_env.c.
 */
#include <faultline/bootinfo.h>
#include <faultline/fault.h>
#include <fl/runtime.h>
#include <stdio.h>
#include <string.h>

#include "blk_client.h"
#include "blkdrv_env.h"
#include "harness.h"
#include "tests.h"

#define SWAP_LIMIT 64 /* the pager's frame limit: the working set is 4x this */

typedef struct swap_env {
    blkdrv_env_t blk;
    pg_env_t pg;
} swap_env_t;

static fl_proc_t drv, pager_proc, kids[2]; /* the runner keeps pointers past the test */

/* The pager: its own pool, the driver's endpoint as start handle 1. */
static const char *pager_start(swap_env_t *e, const char *args)
{
    long r;
    pg_env_t *pg = &e->pg;
    CHECK_OK(r, fl_endpoint_create());
    pg->ep = test_handle(r);
    CHECK_OK(r, fl_notification_create());
    pg->ntf = test_handle(r);
    CHECK_OK(r, fl_pool_create(fl_pool(), 512));
    pg->pool = test_handle(r);
    fl_spawn_args_t a = {
        .args = args,
        .pool = pg->pool,
        .priority = FL_PRIORITY_DEFAULT,
        .give_pool = pg->pool,
        .give_pool_rights = FL_RIGHT_READ | FL_RIGHT_WRITE,
        .nhandles = 2,
        .handles = {pg->ep, e->blk.ep},
        .rights = {FL_RIGHT_READ | FL_RIGHT_WRITE | FL_RIGHT_GRANT,
                   FL_RIGHT_WRITE | FL_RIGHT_GRANT},
    };
    const char *err = "?";
    pager_proc = (fl_proc_t){0};
    test_proc(&pager_proc);
    r = fl_spawn_initrd(&a, &pager_proc, &err);
    CHECK(r == 0, "cannot spawn %s: %s (%s)", args, err, fl_strerror(r));
    pg->pager = pager_proc;
    return NULL;
}

static void env_stop(swap_env_t *e)
{
    if (pager_proc.space)
        fl_proc_destroy(&pager_proc); /* closes its block session with it */
    blkdrv_env_stop(&e->blk, &drv);
}

/* Runs args on the pager to its end: *status gets its exit status (-1: stopped by a fault). */
static const char *run(swap_env_t *e, unsigned k, const char *args, long *status)
{
    fl_proc_t *p = &kids[k];
    *p = (fl_proc_t){0};
    const char *why = pg_spawn(&e->pg, p, args, 1ULL << k, 0, 1);
    if (!why)
        why = pg_wait(&e->pg, p, 1ULL << k, status);
    return why;
}

/* The pager's clients are gone: it holds no frame but the zero frame. */
static const char *no_leak(swap_env_t *e)
{
    vm_stats_t s;
    CHECK_EQ(fl_pager_stats(e->pg.ep, 0, &s), 0);
    CHECK(s.pager_clients == 0, "the pager still serves %llu clients",
          (unsigned long long)s.pager_clients);
    CHECK(s.pager_frames <= 1, "the pager still holds %llu frames",
          (unsigned long long)s.pager_frames);
    return NULL;
}

static const char *swap_run(const char *name, const char *pager_args,
                            const char *(*body)(swap_env_t *))
{
    static swap_env_t env;
    memset(&env, 0, sizeof(env));
    env.blk.dev = -1;
    const char *why = blkdrv_env_start(&env.blk, &drv, 0xb10c);
    if (!why && env.blk.dev < 0)
        printf("swap: %s skipped: no virtio-blk device attached\n", name);
    else if (!why && !(why = pager_start(&env, pager_args)))
        why = body(&env);
    env_stop(&env);
    return why;
}

static const char *working_set_body(swap_env_t *e)
{
    char args[48];
    long status = -99;
    snprintf(args, sizeof(args), "swaptest ws %u 3", 4 * SWAP_LIMIT);
    const char *why = run(e, 0, args, &status);
    if (why)
        return why;
    CHECK(status == 0, "'%s' exited with %ld (3: mismatches, 4: too few major faults)", args,
          status);
    return no_leak(e);
}

FL_TEST(swap_working_set)
{
    return swap_run("swap_working_set", "pager -s -l 64", working_set_body);
}

static const char *exhaust_body(swap_env_t *e)
{
    long status = -99;
    const char *why = run(e, 0, "swaptest hog", &status);
    if (why)
        return why;
    CHECK(status == -1, "the hog ended with %ld, not stopped by a fault", status);
    fl_pager_report_t rep;
    CHECK_EQ(fl_pager_report(e->pg.ep, kids[0].pager_id, &rep), 0);
    CHECK(rep.count == 1 && rep.reason == FL_FAULT_FAIL_NO_MEMORY,
          "the hog's report: %llu bad accesses, reason %s", (unsigned long long)rep.count,
          pg_reason_name(rep.reason));
    if ((why = no_leak(e)))
        return why;
    /* The system goes on: the hog's slots are free again, a working set twice the frame
     * limit swaps through them. */
    status = -99;
    if ((why = run(e, 1, "swaptest ws 64 2", &status)))
        return why;
    CHECK(status == 0, "after the hog, 'swaptest ws 64 2' exited with %ld", status);
    return no_leak(e);
}

FL_TEST(swap_exhausted)
{
    return swap_run("swap_exhausted", "pager -s -l 32 -S 64", exhaust_body);
}
