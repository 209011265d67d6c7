/*
 * QEMU tests of the reference pager with well-behaved programs: zero fill, copy-on-write fork
 * and stack growth (pgtest checks what it sees and exits 0). After each child the pager must
 * serve no client and hold at most its shared zero frame: it freed the child's memory when
 * the process ended. The runner then checks that the system's free frames are back where they
 * were (the pager itself is stopped with the test).
 */
#include <fl/layout.h>

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
