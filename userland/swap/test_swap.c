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
#include <fl/pager_proto.h>
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

/* The pager's asynchronous swap-in statistics (PAGER_STATS_ASYNC): started, completed, in
 * flight, faults of other clients answered before the first (held) read's fault. */
static const char *async_stats(swap_env_t *e, uint64_t out[4])
{
    fl_msg_t m = {.tag = FL_TAG(PAGER_REQ_STATS, 2, 0), .w = {PAGER_STATS_ASYNC, 0}};
    CHECK_EQ(fl_call(e->pg.ep, &m), FL_OK);
    for (int i = 0; i < 4; i++)
        out[i] = m.w[i];
    return NULL;
}

/* Issue 12, item 2: A faults on a swapped-out page; the pager starts the read and serves B's
 * anonymous faults meanwhile (-H 8 holds the first read's answer until 8 faults of others were
 * answered, so the order does not depend on the disk's speed); A still reads the right bytes. */
static const char *async_body(swap_env_t *e)
{
    uint64_t st[4];
    long status = -99;
    const char *why;
    kids[0] = kids[1] = (fl_proc_t){0};
    if ((why = pg_spawn(&e->pg, &kids[0], "swaptest ws 128 3", 1, 0, 1)))
        return why;
    uint64_t until = test_ticks() + 3000;
    do {
        if ((why = async_stats(e, st)))
            return why;
        if (st[0] == 0)
            fl_yield();
    } while (st[0] == 0 && test_ticks() < until);
    CHECK(st[0] >= 1 && st[1] == 0, "A's swap-in: %llu started, %llu completed",
          (unsigned long long)st[0], (unsigned long long)st[1]);
    printf("swap: A waits for its swap-in; B runs\n");
    if ((why = pg_spawn(&e->pg, &kids[1], "swaptest touch 16", 2, 0, 1)) ||
        (why = pg_wait(&e->pg, &kids[1], 2, &status)))
        return why;
    CHECK(status == 0, "B exited with %ld", status);
    if ((why = async_stats(e, st)))
        return why;
    printf("swap: B done; swap-ins %llu started, %llu completed\n", (unsigned long long)st[0],
           (unsigned long long)st[1]);
    if ((why = pg_wait(&e->pg, &kids[0], 1, &status)))
        return why;
    CHECK(status == 0, "A ('swaptest ws 128 3') exited with %ld (3: wrong bytes)", status);
    if ((why = async_stats(e, st)))
        return why;
    CHECK(st[1] == st[0] && st[2] == 0 && st[3] >= 8,
          "swap-ins %llu started, %llu completed, %llu in flight; %llu faults of others "
          "answered before the first",
          (unsigned long long)st[0], (unsigned long long)st[1], (unsigned long long)st[2],
          (unsigned long long)st[3]);
    printf("swap: A's first swap-in answered after %llu faults of others; %llu asynchronous "
           "swap-ins\n",
           (unsigned long long)st[3], (unsigned long long)st[0]);
    return no_leak(e);
}

FL_TEST(swap_async_order)
{
    return swap_run("swap_async_order", "pager -s -l 64 -a 0 -H 8", async_body);
}
