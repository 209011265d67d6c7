/*
 * In-OS tests of disk-backed files (docs/storage.md, flfs): each test spawns blkdrv and offers
 * it every virtio-mmio transport until one holds a block device (as userland/swap/test_swap.c
 * does), starts a file server on the initrd and that disk (start handle 2 = the driver's
 * endpoint), and reference pagers attached to the file server, which run ftest. Without a
 * block device a test says it skipped and passes. The disk is an image made fresh by
 * tools/mkflfs (test/dfs.cmake) holding DFS_FILE, DFS_PAGES pages of zeros.
 *
 * To see what reached the disk and not just the pager's page cache, a check runs on a new
 * pager: the page cache of the old one is not shared with it, so every page is read from disk.
 */
#include <faultline/bootinfo.h>
#include <fl/files_proto.h>
#include <fl/runtime.h>
#include <stdio.h>
#include <string.h>

#include "blk_client.h"
#include "blkdrv_env.h"
#include "ftest.h"
#include "harness.h"
#include "tests.h"

#define DFS_FILE   "data"
#define DFS_PAGES  128 /* the file's size in pages */
#define DFS_LIMIT  32  /* the eviction test's pager frame limit */
#define DFS_PAGERS 3

typedef struct dfs_env {
    blkdrv_env_t blk;
    fl_handle_t files_ep;
    unsigned npagers;
} dfs_env_t;

/* The runner keeps pointers to tracked processes past the test: all static. */
static fl_proc_t drv, files_proc, kids[DFS_PAGERS];
static pg_env_t pagers[DFS_PAGERS];

/* The file server on the initrd and the disk. */
static const char *files_start(dfs_env_t *e)
{
    long r;
    char args[48];
    const char *err = "?";
    CHECK(fl_bootinfo->initrd, "no initrd region");
    CHECK_OK(r, fl_endpoint_create());
    e->files_ep = test_handle(r);
    snprintf(args, sizeof(args), "files %llu", (unsigned long long)fl_bootinfo->initrd_size);
    fl_spawn_args_t fa = {
        .args = args,
        .pool = fl_pool(),
        .priority = FL_PRIORITY_DEFAULT,
        .give_pool = fl_pool(),
        .give_pool_rights = FL_RIGHT_READ | FL_RIGHT_WRITE,
        .nhandles = 3,
        .handles = {e->files_ep, fl_bootinfo->initrd, e->blk.ep},
        .rights = {FL_RIGHT_READ | FL_RIGHT_WRITE | FL_RIGHT_GRANT, FL_RIGHT_MAP,
                   FL_RIGHT_WRITE | FL_RIGHT_GRANT},
    };
    files_proc = (fl_proc_t){0};
    test_proc(&files_proc);
    r = fl_spawn_initrd(&fa, &files_proc, &err);
    CHECK(r == 0, "cannot spawn the file server: %s (%s)", err, fl_strerror(r));
    /* the disk file is there and writable */
    fl_msg_t m = {.tag = FL_TAG(FILES_REQ_OPEN, 4, 0)};
    strncpy((char *)m.w, DFS_FILE, FILES_NAME_MAX - 1);
    CHECK_EQ(fl_call(e->files_ep, &m), 0);
    CHECK((long)m.w[0] > 0 && m.w[1] == DFS_PAGES * FL_PAGE_SIZE && (m.w[2] & FILES_F_DISK),
          "OPEN %s: %ld, size %llu, flags %llu", DFS_FILE, (long)m.w[0], (unsigned long long)m.w[1],
          (unsigned long long)m.w[2]);
    return NULL;
}

/* A new pager attached to the file server: pagers[e->npagers++]. */
static const char *pager_start(dfs_env_t *e, const char *args, pg_env_t **out)
{
    long r;
    const char *err = "?";
    CHECK(e->npagers < DFS_PAGERS, "too many pagers");
    pg_env_t *pg = &pagers[e->npagers++];
    memset(pg, 0, sizeof(*pg));
    CHECK_OK(r, fl_endpoint_create());
    pg->ep = test_handle(r);
    CHECK_OK(r, fl_notification_create());
    pg->ntf = test_handle(r);
    fl_spawn_args_t pa = {
        .args = args,
        .pool = fl_pool(),
        .priority = FL_PRIORITY_DEFAULT,
        .give_pool = fl_pool(),
        .give_pool_rights = FL_RIGHT_READ | FL_RIGHT_WRITE,
        .nhandles = 2,
        .handles = {pg->ep, e->files_ep},
        .rights = {FL_RIGHT_READ | FL_RIGHT_WRITE | FL_RIGHT_GRANT, FL_RIGHT_WRITE},
    };
    test_proc(&pg->pager);
    r = fl_spawn_initrd(&pa, &pg->pager, &err);
    CHECK(r == 0, "cannot spawn %s: %s (%s)", args, err, fl_strerror(r));
    *out = pg;
    return NULL;
}

/* Runs args on pager pg to its end; it must exit 0. */
static const char *run(pg_env_t *pg, unsigned k, const char *args)
{
    fl_proc_t *p = &kids[k];
    long status = -99;
    *p = (fl_proc_t){0};
    const char *why = pg_spawn(pg, p, args, 1ULL << k, 0, 1);
    if (!why)
        why = pg_wait(pg, p, 1ULL << k, &status);
    if (why)
        return why;
    CHECK(status == 0, "'%s' exited with %ld", args, status);
    return NULL;
}

static void env_stop(dfs_env_t *e)
{
    for (unsigned i = 0; i < e->npagers; i++)
        if (pagers[i].pager.space)
            fl_proc_destroy(&pagers[i].pager);
    if (files_proc.space)
        fl_proc_destroy(&files_proc); /* closes its block session */
    blkdrv_env_stop(&e->blk, &drv);
}

static const char *dfs_run(const char *name, const char *(*body)(dfs_env_t *))
{
    static dfs_env_t env;
    memset(&env, 0, sizeof(env));
    env.blk.dev = -1;
    const char *why = blkdrv_env_start(&env.blk, &drv, 0xdf5);
    if (!why && env.blk.dev < 0)
        printf("dfs: %s skipped: no virtio-blk device attached\n", name);
    else if (!why && !(why = files_start(&env)))
        why = body(&env);
    env_stop(&env);
    return why;
}

/* Shared write + sync on one pager; a new pager reads the pattern back from the disk. */
static const char *shared_sync_body(dfs_env_t *e)
{
    pg_env_t *a, *b;
    const char *why = pager_start(e, "pager", &a);
    if (!why)
        why = run(a, 0, "ftest swrite " DFS_FILE " 5a 8");
    if (!why)
        why = pager_start(e, "pager", &b);
    if (!why)
        why = run(b, 1, "ftest check " DFS_FILE " 5a 8");
    return why;
}

FL_TEST(dfs_shared_sync)
{
    return dfs_run("dfs_shared_sync", shared_sync_body);
}

/* A private mapping's writes stay in the process: the disk keeps what a shared sync wrote. */
static const char *private_body(dfs_env_t *e)
{
    pg_env_t *a, *b;
    const char *why = pager_start(e, "pager", &a);
    if (!why)
        why = run(a, 0, "ftest swrite " DFS_FILE " 33 4");
    if (!why)
        why = run(a, 1, "ftest pwrite " DFS_FILE " c4 4");
    if (!why)
        why = pager_start(e, "pager", &b);
    if (!why)
        why = run(b, 2, "ftest check " DFS_FILE " 33 4");
    return why;
}

FL_TEST(dfs_private_write)
{
    return dfs_run("dfs_private_write", private_body);
}

/* A pager holding at most DFS_LIMIT frames: every dirty shared page of a 4x larger mapping is
 * written back on eviction and read back intact; a new pager finds all of it on the disk. */
static const char *evict_body(dfs_env_t *e)
{
    pg_env_t *a, *b;
    char args[64];
    snprintf(args, sizeof(args), "pager -l %u", DFS_LIMIT);
    const char *why = pager_start(e, args, &a);
    if (!why)
        why = run(a, 0, "ftest evict " DFS_FILE " 71 128");
    if (!why)
        why = pager_start(e, "pager", &b);
    if (!why)
        why = run(b, 1, "ftest check " DFS_FILE " 71 128");
    return why;
}

FL_TEST(dfs_evict_write_back)
{
    return dfs_run("dfs_evict_write_back", evict_body);
}
