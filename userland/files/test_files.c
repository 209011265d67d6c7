/*
 * QEMU tests of file mappings: a file server over the initrd, a reference pager attached to it
 * (start handle 1), and ftest programs on that pager. Each test starts both servers itself and
 * registers them with the runner, so the page cache, the session buffers and everything else
 * they hold are free again when the test ends (the runner checks the free-frame count).
 */
#include <faultline/fault.h>
#include <fl/files_proto.h>
#include <fl/pager_proto.h>
#include <fl/runtime.h>
#include <lib/cpio.h>
#include <stdio.h>

#include "ftest.h"
#include "harness.h"
#include "tests.h"

#define FILE_NAME "pgtest" /* 8 pages, not a page multiple */
#define BIG_FILE  "init"   /* more than FTEST_AHEAD pages */

static fl_proc_t files_proc, children[3];

static const char *fail(const char *what, long err)
{
    return test_failf("%s: %s", what, fl_strerror(err));
}

/* The file server and a pager attached to it; e->ep is the pager's control endpoint. */
static const char *start_pager(pg_env_t *e, fl_handle_t *files_ep, const char *pager_args)
{
    long r;
    char args[48];
    if (!fl_bootinfo || !fl_bootinfo->initrd)
        return "no initrd region";
    if ((r = fl_endpoint_create()) < 0)
        return fail("endpoint", r);
    *files_ep = test_handle(r);
    snprintf(args, sizeof(args), "files %llu", (unsigned long long)fl_bootinfo->initrd_size);
    fl_spawn_args_t fa = {
        .args = args,
        .pool = fl_pool(),
        .priority = FL_PRIORITY_DEFAULT,
        .give_pool = fl_pool(),
        .give_pool_rights = FL_RIGHT_READ | FL_RIGHT_WRITE,
        .nhandles = 2,
        .handles = {*files_ep, fl_bootinfo->initrd},
        .rights = {FL_RIGHT_READ | FL_RIGHT_WRITE | FL_RIGHT_GRANT, FL_RIGHT_MAP},
    };
    const char *err = "?";
    files_proc = (fl_proc_t){0};
    test_proc(&files_proc);
    if ((r = fl_spawn_initrd(&fa, &files_proc, &err)) < 0)
        return fail(err, r);

    e->pager = (fl_proc_t){0};
    e->pool = 0;
    if ((r = fl_endpoint_create()) < 0)
        return fail("endpoint", r);
    e->ep = test_handle(r);
    if ((r = fl_notification_create()) < 0)
        return fail("notification", r);
    e->ntf = test_handle(r);
    fl_spawn_args_t pa = {
        .args = pager_args,
        .pool = fl_pool(),
        .priority = FL_PRIORITY_DEFAULT,
        .give_pool = fl_pool(),
        .give_pool_rights = FL_RIGHT_READ | FL_RIGHT_WRITE,
        .nhandles = 2,
        .handles = {e->ep, *files_ep},
        .rights = {FL_RIGHT_READ | FL_RIGHT_WRITE | FL_RIGHT_GRANT, FL_RIGHT_WRITE},
    };
    test_proc(&e->pager);
    if ((r = fl_spawn_initrd(&pa, &e->pager, &err)) < 0)
        return fail(err, r);
    return NULL;
}

static const char *start(pg_env_t *e, fl_handle_t *files_ep)
{
    return start_pager(e, files_ep, "pager");
}

static const char *initrd_hash(const char *name, uint64_t *hash, uint64_t *size)
{
    const void *base;
    size_t len;
    cpio_entry_t ent;
    if (fl_initrd(&base, &len) != 0 || cpio_find(base, len, name, &ent, NULL) < 0)
        return test_failf("%s is not in the initrd", name);
    *hash = ftest_hash(ent.data, ent.size);
    *size = ent.size;
    return NULL;
}

/* Runs args on the pager to its end; status must be `want` (-1: stopped by a fault). */
static const char *run(pg_env_t *e, unsigned slot, const char *args, long want)
{
    fl_proc_t *p = &children[slot];
    *p = (fl_proc_t){0};
    long status = -99;
    const char *why = pg_spawn(e, p, args, 1ULL << slot, 0, 1);
    if (!why)
        why = pg_wait(e, p, 1ULL << slot, &status);
    if (why)
        return why;
    CHECK(status == want, "'%s' exited with %ld, expected %ld", args, status, want);
    return NULL;
}

static const char *cache_stats(pg_env_t *e, vm_cache_stats_t *cs)
{
    long r = fl_pager_cache_stats(e->ep, cs);
    return r < 0 ? fail("cache stats", r) : NULL;
}

FL_TEST(files_map_equals_initrd)
{
    pg_env_t e;
    fl_handle_t fep;
    uint64_t hash, size;
    char args[64];
    const char *why = start(&e, &fep);
    if (!why)
        why = initrd_hash(FILE_NAME, &hash, &size);
    if (why)
        return why;
    snprintf(args, sizeof(args), "ftest map %s %llx", FILE_NAME, (unsigned long long)hash);
    if ((why = run(&e, 0, args, 0)))
        return why;
    /* a file whose size is not a page multiple: the tail reads as zeros */
    if ((why = initrd_hash("ping", &hash, &size)))
        return why;
    snprintf(args, sizeof(args), "ftest map ping %llx", (unsigned long long)hash);
    return run(&e, 1, args, 0);
}

FL_TEST(files_page_cache_shared)
{
    pg_env_t e;
    fl_handle_t fep;
    uint64_t hash, size;
    char args[64];
    vm_cache_stats_t c1, c2;
    const char *why = start(&e, &fep);
    if (!why)
        why = initrd_hash(FILE_NAME, &hash, &size);
    if (why)
        return why;
    uint64_t pages = (size + FL_PAGE_SIZE - 1) / FL_PAGE_SIZE;
    snprintf(args, sizeof(args), "ftest map %s %llx", FILE_NAME, (unsigned long long)hash);
    if ((why = run(&e, 0, args, 0)) || (why = cache_stats(&e, &c1)))
        return why;
    CHECK(c1.reads == pages && c1.pages == pages,
          "first mapping: %llu reads, %llu cached, %llu pages", (unsigned long long)c1.reads,
          (unsigned long long)c1.pages, (unsigned long long)pages);
    if ((why = run(&e, 1, args, 0)) || (why = cache_stats(&e, &c2)))
        return why;
    CHECK(c2.reads == c1.reads, "the second mapping read %llu pages again",
          (unsigned long long)(c2.reads - c1.reads));
    CHECK(c2.hits - c1.hits >= pages, "the second mapping hit the cache %llu times for %llu pages",
          (unsigned long long)(c2.hits - c1.hits), (unsigned long long)pages);
    /* the file server saw each page once */
    fl_msg_t m = {.tag = FL_TAG(FILES_REQ_INFO, 0, 0)};
    CHECK_EQ(fl_call(fep, &m), 0);
    CHECK(m.w[1] == pages, "the file server served %llu reads for %llu pages",
          (unsigned long long)m.w[1], (unsigned long long)pages);
    vm_stats_t s;
    CHECK_EQ(fl_pager_stats(e.ep, 0, &s), 0);
    CHECK(s.pager_frames <= pages + 1, "the pager holds %llu frames: cache %llu + zero page",
          (unsigned long long)s.pager_frames, (unsigned long long)pages);
    return NULL;
}

FL_TEST(files_private_write)
{
    pg_env_t e;
    fl_handle_t fep;
    uint64_t hash, size;
    char args[64];
    const char *why = start(&e, &fep);
    if (!why)
        why = initrd_hash(FILE_NAME, &hash, &size);
    if (why)
        return why;
    snprintf(args, sizeof(args), "ftest cow %s %llx", FILE_NAME, (unsigned long long)hash);
    if ((why = run(&e, 0, args, 0)))
        return why;
    /* a later process still maps the original */
    snprintf(args, sizeof(args), "ftest map %s %llx", FILE_NAME, (unsigned long long)hash);
    return run(&e, 1, args, 0);
}

FL_TEST(files_read_ahead)
{
    pg_env_t e;
    fl_handle_t fep;
    vm_cache_stats_t c;
    const char *why = start(&e, &fep);
    if (!why)
        why = run(&e, 0, "ftest ahead " BIG_FILE, 0);
    if (!why)
        why = cache_stats(&e, &c);
    if (why)
        return why;
    CHECK(c.ahead >= FTEST_AHEAD - 1, "read-ahead mapped %llu pages", (unsigned long long)c.ahead);
    return NULL;
}

FL_TEST(files_past_eof_bus_error)
{
    pg_env_t e;
    fl_handle_t fep;
    uint64_t hash, size;
    const char *why = start(&e, &fep);
    if (!why)
        why = initrd_hash(FILE_NAME, &hash, &size);
    if (!why)
        why = run(&e, 0, "ftest eof " FILE_NAME, -1);
    if (why)
        return why;
    fl_pager_report_t rep;
    CHECK_EQ(fl_pager_report(e.ep, children[0].pager_id, &rep), 0);
    uint64_t want = FTEST_EOF_VA + (size + FL_PAGE_SIZE - 1) / FL_PAGE_SIZE * FL_PAGE_SIZE;
    CHECK(rep.count == 1 && rep.reason == FL_FAULT_FAIL_BUS && rep.addr == want &&
              rep.access == FL_FAULT_READ && rep.pc >= 0x400000 && rep.pc < 0x1000000,
          "report: %llu bad, reason %u, addr %#llx (want %#llx), pc %#llx",
          (unsigned long long)rep.count, rep.reason, (unsigned long long)rep.addr,
          (unsigned long long)want, (unsigned long long)rep.pc);
    /* the system continues: the same pager maps the file for the next process */
    char args[64];
    snprintf(args, sizeof(args), "ftest map %s %llx", FILE_NAME, (unsigned long long)hash);
    return run(&e, 1, args, 0);
}

/* Issue 12, item 2: the pager reads uncached file pages on its reader thread while its main
 * loop goes on, and answers each waiting fault by its reply token; the client still reads the
 * file's exact bytes. */
FL_TEST(files_async_read)
{
    pg_env_t e;
    fl_handle_t fep;
    uint64_t hash, size;
    char args[64];
    const char *why = start(&e, &fep);
    if (!why)
        why = initrd_hash(FILE_NAME, &hash, &size);
    if (why)
        return why;
    snprintf(args, sizeof(args), "ftest map %s %llx", FILE_NAME, (unsigned long long)hash);
    if ((why = run(&e, 0, args, 0)))
        return why;
    fl_msg_t m = {.tag = FL_TAG(PAGER_REQ_STATS, 2, 0), .w = {PAGER_STATS_AFILE, 0}};
    CHECK_EQ(fl_call(e.ep, &m), 0);
    CHECK(m.w[0] >= 1 && m.w[1] == m.w[0], "reader thread: %llu reads started, %llu completed",
          (unsigned long long)m.w[0], (unsigned long long)m.w[1]);
    printf("files: %llu file pages read asynchronously\n", (unsigned long long)m.w[0]);
    return NULL;
}

/* Issue 14 (the lost wakeup of the SMP demo): the pager's file reader must find everything it
 * reads set when it starts. On several CPUs it runs at once, on another CPU, while the main
 * thread is still coming back from the spawn; the notification that starts its reads was set
 * after the spawn, so once in about a hundred runs the reader waited on handle 0, failed and
 * ended, and the first uncached file fault then waited forever. pager -Y lets each helper run
 * first (a yield on one CPU, two ticks of spinning on several), which made that every time. A
 * fault deadline turns a dead reader into a failed test, not a hang. */
FL_TEST(files_reader_starts_first)
{
    pg_env_t e;
    fl_handle_t fep;
    uint64_t hash, size;
    char args[64];
    const char *why = start_pager(&e, &fep, "pager -Y");
    if (!why)
        why = initrd_hash(FILE_NAME, &hash, &size);
    if (why)
        return why;
    CHECK_EQ(fl_endpoint_set_deadline(e.ep, 300), 0);
    snprintf(args, sizeof(args), "ftest map %s %llx", FILE_NAME, (unsigned long long)hash);
    if ((why = run(&e, 0, args, 0)))
        return why;
    fl_msg_t m = {.tag = FL_TAG(PAGER_REQ_STATS, 2, 0), .w = {PAGER_STATS_AFILE, 0}};
    CHECK_EQ(fl_call(e.ep, &m), 0);
    CHECK(m.w[0] >= 1 && m.w[1] == m.w[0], "reader thread: %llu reads started, %llu completed",
          (unsigned long long)m.w[0], (unsigned long long)m.w[1]);
    return NULL;
}
