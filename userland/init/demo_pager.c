/* The reference pager demo; see demo_pager.h. Each step prints what the pager and the program
 * say, so the log reads as a walk through the fault kinds of the seeds. */
#include "demo_pager.h"
#include <faultline/fault.h>
#include <stdio.h>

#include "harness.h"

typedef struct step {
    const char *title, *args;
    long status;     /* expected exit status: 0, or -1 when a fault stops it */
    unsigned reason; /* the reported reason for status -1 */
} step_t;

static const step_t steps[] = {
    {"zero fill: fresh pages read as zeros, then hold their own writes", "pgtest touch 8", 0, 0},
    {"copy-on-write after fork: shared until written, last reference copies nothing",
     "pgtest fork 4", 0, 0},
    {"stack growth: recursion 200 KiB deep", "pgtest recurse 200", 0, 0},
    {"several CPUs: one thread of one process pinned to each CPU, all faulting at once",
     "pgtest smp-disjoint 8", 0, 0},
    {"stack overflow: unbounded recursion meets the guard gap", "pgtest overflow", -1,
     FL_FAULT_FAIL_GUARD},
    {"bad access: a wild pointer write", "pgtest wild", -1, FL_FAULT_FAIL_NO_REGION},
};

static int run_step(pg_env_t *e, const step_t *s)
{
    fl_proc_t p = {0};
    long status = -99;
    printf("init: pager demo: %s\n", s->title);
    const char *why = pg_spawn(e, &p, s->args, 1, 0x40000, 0);
    if (!why)
        why = pg_wait(e, &p, 1, &status);
    int bad = 0;
    if (why) {
        printf("init: pager demo: '%s': %s\n", s->args, why);
        bad = 1;
    } else if (status != s->status) {
        printf("init: pager demo: '%s' ended with %ld, expected %ld\n", s->args, status, s->status);
        bad = 1;
    } else if (status == -1) {
        fl_pager_report_t rep = {0};
        fl_pager_report(e->ep, p.pager_id, &rep);
        printf("init: pager demo: the pager reports '%s': bad %s at %#llx, pc %#llx: %s\n", s->args,
               rep.access == FL_FAULT_WRITE ? "write" : "read", (unsigned long long)rep.addr,
               (unsigned long long)rep.pc, pg_reason_name(rep.reason));
        bad = rep.reason != s->reason;
    }
    fl_proc_destroy(&p);
    return bad;
}

int demo_pager(void)
{
    pg_env_t e;
    const char *why = pg_start(&e, 0, "pager", 0);
    if (why) {
        printf("init: cannot start the pager: %s\n", why);
        pg_stop(&e);
        return 1;
    }
    int failed = 0;
    for (unsigned i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
        failed += run_step(&e, &steps[i]);
    vm_stats_t st = {0};
    fl_pager_stats(e.ep, 0, &st);
    printf("init: pager demo: %s; the pager serves %llu processes and holds %llu frames\n",
           failed ? "FAILED" : "every step as expected", (unsigned long long)st.pager_clients,
           (unsigned long long)st.pager_frames);
    pg_stop(&e);
    return failed;
}
