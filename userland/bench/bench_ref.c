/*
 * The reference pager's fault rows (docs/benchmarks.md): bench starts the file server on the
 * initrd (as userland/files/test_files.c does), two reference pagers attached to it, and
 * benchref on each: `pager -a 0` (map-ahead and read-ahead off: one fault per page, the rows
 * Linux's one-fault-per-page figures compare with) and `pager` as users run it (map-ahead for
 * sequential anonymous writes, read-ahead for files). benchref measures and prints the rows
 * itself (benchref.c); its file rows read BENCH_REF_FILE, a file of the benchmark initrd.
 * With bench.scale=E (default 5, 0: none) a third `pager -a 0` runs the scaling rows
 * (`benchref scale`, sizes up to 10^E: bench.h, scale_sizes).
 */
#include "bench.h"
#include "bench_rows.h"
#include <faultline/bootinfo.h>
#include <fl/runtime.h>
#include <fl/spawn.h>
#include <fl/thread.h>
#include <stdio.h>

#define BENCH_REF_FILE  "benchdata" /* BENCH_REF_FILE_PAGES pages of the benchmark initrd */
#define BENCH_REF_POOL  32768u      /* frames: a quota (128 MiB), not a reservation */
#define BENCH_REF_ROWS1 5u          /* rows `benchref one` prints */
#define BENCH_REF_ROWS2 3u          /* rows `benchref ahead` prints */

static fl_handle_t new_handle(long r)
{
    return r > 0 ? (fl_handle_t)r : 0;
}

/* Runs `benchref mode ...` on a reference pager started with pargs; its rows are counted. */
static void run_on_pager(fl_handle_t files_ep, const char *pargs, const char *mode,
                         const char *last, unsigned rows)
{
    const char *err = "?";
    char args[64];
    long r, status = -99;
    fl_proc_t pager = {0}, client = {0};
    fl_handle_t ppool = new_handle(fl_pool_create(B.pool, BENCH_REF_POOL));
    fl_handle_t pep = new_handle(fl_endpoint_create());
    fl_handle_t ntf = new_handle(fl_notification_create());
    if (!ppool || !pep || !ntf) {
        bench_fail(mode, "setup", FL_ENOMEM);
        goto out;
    }
    fl_spawn_args_t pa = {
        .args = pargs,
        .pool = ppool,
        .priority = FL_PRIORITY_DEFAULT,
        .give_pool = ppool,
        .give_pool_rights = FL_RIGHT_READ | FL_RIGHT_WRITE,
        .nhandles = 2,
        .handles = {pep, files_ep},
        .rights = {FL_RIGHT_READ | FL_RIGHT_WRITE | FL_RIGHT_GRANT, FL_RIGHT_WRITE},
    };
    if ((r = fl_spawn_initrd(&pa, &pager, &err)) < 0) {
        printf("bench: cannot start the pager: %s\n", err);
        bench_fail(mode, "spawn pager", r);
        goto out;
    }
    snprintf(args, sizeof(args), "benchref %s %u %u %s", mode, B.iters, B.batches, last);
    fl_spawn_args_t ca = {
        .args = args,
        .pool = B.pool,
        .priority = FL_PRIORITY_DEFAULT,
        .give_pool = B.pool,
        .give_pool_rights = FL_RIGHT_READ | FL_RIGHT_WRITE | FL_RIGHT_GRANT, /* fork gives it */
        .pager = pep,
        .pager_notify = ntf,
        .pager_notify_bits = 1,
    };
    if ((r = fl_spawn_initrd(&ca, &client, &err)) < 0) {
        printf("bench: cannot start benchref: %s\n", err);
        bench_fail(mode, "spawn benchref", r);
        goto out;
    }
    if ((r = fl_proc_wait(&client, ntf, 1, &status)) < 0)
        bench_fail(mode, "wait for benchref", r);
    else if (status != 0)
        bench_fail(mode, "benchref failed (see its output)", FL_EINVAL);
    else
        B.rows += rows; /* benchref printed them */
out:
    if (pager.space)
        fl_proc_destroy(&pager);
    fl_handle_t hs[] = {ntf, pep, ppool};
    for (unsigned i = 0; i < sizeof(hs) / sizeof(hs[0]); i++)
        if (hs[i])
            fl_handle_close(hs[i]);
}

void bench_rows_ref(void)
{
    const char *err = "?";
    char args[48];
    long r;
    fl_proc_t files = {0};
    const fl_bootinfo_t *bi = fl_bootinfo;
    fl_handle_t fep = new_handle(fl_endpoint_create());
    if (!fep || !bi->initrd) {
        bench_fail("ref", "setup", FL_ENOMEM);
        goto out;
    }
    snprintf(args, sizeof(args), "files %llu", (unsigned long long)bi->initrd_size);
    fl_spawn_args_t fa = {
        .args = args,
        .pool = B.pool,
        .priority = FL_PRIORITY_DEFAULT,
        .give_pool = B.pool,
        .give_pool_rights = FL_RIGHT_READ | FL_RIGHT_WRITE,
        .nhandles = 2,
        .handles = {fep, bi->initrd},
        .rights = {FL_RIGHT_READ | FL_RIGHT_WRITE | FL_RIGHT_GRANT, FL_RIGHT_MAP},
    };
    if ((r = fl_spawn_initrd(&fa, &files, &err)) < 0) {
        printf("bench: cannot start the file server: %s\n", err);
        bench_fail("ref", "spawn files", r);
        goto out;
    }
    run_on_pager(fep, "pager -a 0", "one", BENCH_REF_FILE, BENCH_REF_ROWS1);
    run_on_pager(fep, "pager", "ahead", BENCH_REF_FILE, BENCH_REF_ROWS2);
    if (B.scale) { /* issue 13 item 5: a pager of its own, so nothing else is in its tables */
        char exp[16];
        unsigned rows = 0;
        unsigned long sizes[SCALE_MAX_SIZES];
        for (unsigned k = 0; k < SCALE_KINDS; k++)
            rows += scale_sizes((enum scale_kind)k, B.scale, sizes);
        snprintf(exp, sizeof(exp), "%u", B.scale);
        run_on_pager(fep, "pager -a 0", "scale", exp, rows);
    }
out:
    /* Spawning on a pager borrows the thread's IPC buffer slot (fl_ipcbuf_acquire) and leaves
     * none: give bench its own back for the rows after these. */
    fl_thread_set_ipc_buffer((void *)BENCH_IPCBUF);
    if (files.space)
        fl_proc_destroy(&files);
    if (fep)
        fl_handle_close(fep);
}
