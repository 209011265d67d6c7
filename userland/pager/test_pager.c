/*
 * QEMU tests of the reference pager with well-behaved programs: zero fill, copy-on-write fork
 * and stack growth (pgtest checks what it sees and exits 0). After each child the pager must
 * serve no client and hold at most its shared zero frame: it freed the child's memory when
 * the process ended. The runner then checks that the system's free frames are back where they
 * were (the pager itself is stopped with the test).
 */
#include <fl/layout.h>
#include <fl/pager_proto.h>
#include <stdio.h>

#include "harness.h"
#include "tests.h"

/* Runs `args` on e's pager to its end; it must exit 0 and leave the pager empty. */
static const char *run_ok(pg_env_t *e, const char *args)
{
    static fl_proc_t slots[8]; /* the runner keeps the pointer until after the test */
    static unsigned next;
    fl_proc_t *p = &slots[next++ % 8];
    *p = (fl_proc_t){0};
    long status = -99;
    const char *why = pg_spawn(e, p, args, 1, 0, 1);
    if (!why)
        why = pg_wait(e, p, 1, &status);
    if (why)
        return why;
    CHECK(status == 0, "'%s' exited with %ld", args, status);
    vm_stats_t s;
    CHECK_EQ(fl_pager_stats(e->ep, 0, &s), 0);
    CHECK(s.pager_clients == 0, "the pager still serves %llu clients",
          (unsigned long long)s.pager_clients);
    CHECK(s.pager_frames <= 1, "the pager still holds %llu frames after '%s' ended",
          (unsigned long long)s.pager_frames, args);
    return NULL;
}

FL_TEST(pager_zero_fill)
{
    pg_env_t e;
    const char *why = pg_start(&e, 0, "pager", 1);
    return why ? why : run_ok(&e, "pgtest touch 64");
}

FL_TEST(pager_fork_cow)
{
    pg_env_t e;
    const char *why = pg_start(&e, 0, "pager", 1);
    return why ? why : run_ok(&e, "pgtest fork 8");
}

/* The pager reuses freed frames (stock.c): a frame that held one client's data is zeroed before
 * another client's first write sees it, on the one-page path and on the map-ahead path. */
FL_TEST(pager_reused_frames_are_zeroed)
{
    static pg_env_t envs[2]; /* the runner stops both pagers after the test */
    const char *args[] = {"pager -a 0", "pager"};
    for (unsigned k = 0; k < 2; k++) {
        const char *why = pg_start(&envs[k], 0, args[k], 1);
        for (unsigned run = 0; run < 3 && !why; run++) /* 6 children: fewer than the slots */
            why = run_ok(&envs[k], "pgtest dirty 300");
        if (why)
            return why;
    }
    return NULL;
}

FL_TEST(pager_stack_growth)
{
    pg_env_t e;
    const char *why = pg_start(&e, 0, "pager", 1);
    return why ? why : run_ok(&e, "pgtest recurse 400");
}

/* Issue 14: one thread per CPU (pinned with THREAD_AFFINITY) faulting at once on the reference
 * pager: on disjoint pages, on the same pages (one frame per page: no write lost), and while
 * the main thread forks. pgtest checks every byte and the CPU each thread ran on; run_ok and
 * the runner check that the pager and the system got every frame back. */
FL_TEST(pager_smp_disjoint)
{
    pg_env_t e;
    const char *why = pg_start(&e, 0, "pager", 1);
    return why ? why : run_ok(&e, "pgtest smp-disjoint 32");
}

FL_TEST(pager_smp_same_pages)
{
    pg_env_t e;
    const char *why = pg_start(&e, 0, "pager", 1);
    return why ? why : run_ok(&e, "pgtest smp-same 32");
}

FL_TEST(pager_smp_fork_while_faulting)
{
    pg_env_t e;
    const char *why = pg_start(&e, 0, "pager", 1);
    return why ? why : run_ok(&e, "pgtest smp-fork 6");
}

static void wait_ticks(uint64_t n)
{
    fl_sysinfo_t s0, s;
    fl_system_info(&s0);
    do {
        fl_yield();
        fl_system_info(&s);
    } while (s.ticks - s0.ticks < n);
}

/* The pager is killed while threads of its client fault on every CPU: the faulting ones are
 * stopped, the kernel stays up, and when the client is destroyed too (its running threads are
 * stalled on their CPUs first) every frame comes back (the runner checks). */
FL_TEST(pager_smp_killed_while_faulting)
{
    pg_env_t e;
    static fl_proc_t client; /* tracked by the runner past the end of the test */
    client = (fl_proc_t){0};
    /* -a 0: one page per fault, so the workers (one per CPU) are still serving the first round
     * of faults when the pager is killed (with map-ahead they could map all 1024 pages first). */
    const char *why = pg_start(&e, 0, "pager -a 0", 1);
    if (!why)
        why = pg_spawn(&e, &client, "pgtest smp-forever 256", 1, 0, 1);
    if (why)
        return why;
    wait_ticks(15);
    fl_proc_destroy(&e.pager);
    wait_ticks(5);
    long status = 0;
    CHECK(fl_space_status(client.space, &status) >= 0, "the client's space is gone");
    fl_proc_destroy(&client);
    return NULL;
}

/* Three workers whatever the CPU count (`-w 3`): several pager threads wait on the endpoint at
 * once, so a fault is handed to one of a queue of receivers (the fast paths take it off the
 * head of a longer list: on one CPU that is fastpath.S), and every write must still be kept. */
FL_TEST(pager_workers_queued)
{
    pg_env_t e;
    const char *why = pg_start(&e, 0, "pager -a 0 -w 3", 1);
    if (!why)
        why = run_ok(&e, "pgtest smp-disjoint 128");
    if (why)
        return why;
    fl_msg_t m = {.tag = FL_TAG(PAGER_REQ_STATS, 2, 0), .w = {PAGER_STATS_WORKERS, 0}};
    CHECK_EQ(fl_call(e.ep, &m), 0);
    CHECK(m.w[0] == 3, "%llu workers, expected 3", (unsigned long long)m.w[0]);
    CHECK(m.w[3] >= 256, "only %llu faults served", (unsigned long long)m.w[3]);
    return NULL;
}

/* The wall-clock throughput figure of tools/bench-smp: two threads (one per CPU when there are
 * two) fault 512 fresh pages each on the reference pager; pgtest prints faults per second. */
FL_TEST(pager_smp_throughput)
{
    pg_env_t e;
    const char *why = pg_start(&e, 0, "pager", 1);
    return why ? why : run_ok(&e, "pgtest smp-disjoint 512");
}

/* Issue 14, item 5: the reference pager serves faults from several worker threads. Two threads
 * of one client, one per CPU, fault one page at a time (-a 0: no map-ahead); with two CPUs or
 * more the pager runs one worker per CPU, at least two of them must have served faults, and at
 * some moment two faults must have been in the pager at once (received by two workers, neither
 * answered yet). On one CPU the pager runs one worker. */
FL_TEST(pager_smp_workers)
{
    pg_env_t e;
    unsigned online = 1;
    CHECK(fl_thread_affinity(0, 0, NULL, &online) >= 0, "THREAD_AFFINITY reads");
    const char *why = pg_start(&e, 0, "pager -a 0", 1);
    if (!why)
        why = run_ok(&e, "pgtest smp-disjoint 256");
    if (why)
        return why;
    fl_msg_t m = {.tag = FL_TAG(PAGER_REQ_STATS, 2, 0), .w = {PAGER_STATS_WORKERS, 0}};
    CHECK_EQ(fl_call(e.ep, &m), 0);
    unsigned long long workers = m.w[0], busy = m.w[1], most = m.w[2], faults = m.w[3];
    printf("pager: %llu workers on %u cpus, %llu of them served faults, %llu faults in the pager "
           "at once at most, %llu faults\n",
           workers, online, busy, most, faults);
    unsigned want = online > PAGER_MAX_WORKERS ? PAGER_MAX_WORKERS : online;
    CHECK(workers == want, "%llu workers for %u cpus", workers, online);
    CHECK(faults >= 512, "only %llu faults served", faults);
    if (online >= 2) {
        CHECK(busy >= 2, "only %llu worker(s) served faults", busy);
        CHECK(most >= 2, "faults were never served concurrently (at most %llu at once)", most);
    }
    return NULL;
}
