/*
 * QEMU tests of bad accesses on the reference pager: each one must stop only the offending
 * process, leave a report (address, PC, access, reason) that its parent can fetch, free its
 * memory, and leave the pager serving others.
 */
#include <faultline/fault.h>
#include <fl/layout.h>

#include "harness.h"
#include "pgtest.h"
#include "tests.h"

#define STACK_MAX 0x40000UL /* 256 KiB */

/* Runs args to its end; it must be stopped by a fault with `reason`; *rep gets the report. */
static const char *run_bad(pg_env_t *e, const char *args, uint64_t stack_max, unsigned reason,
                           unsigned others, fl_pager_report_t *rep)
{
    static fl_proc_t slots[2]; /* the runner keeps pointers until after the test returns */
    static unsigned next;
    fl_proc_t *p = &slots[next++ % 2];
    *p = (fl_proc_t){0};
    long status = 0;
    const char *why = pg_spawn(e, p, args, 2, stack_max, 1);
    if (!why)
        why = pg_wait(e, p, 2, &status);
    if (why)
        return why;
    CHECK(status == -1, "'%s' ended with status %ld, not stopped by a fault", args, status);
    CHECK_EQ(fl_pager_report(e->ep, p->pager_id, rep), 0);
    CHECK(rep->count == 1, "'%s': %llu bad accesses reported", args,
          (unsigned long long)rep->count);
    CHECK(rep->reason == reason, "'%s': reason %s, expected %s", args, pg_reason_name(rep->reason),
          pg_reason_name(reason));
    CHECK(rep->pc >= FL_PROGRAM_BASE && rep->pc < FL_PROGRAM_BASE + 0x400000,
          "'%s': pc %#llx is not in the program", args, (unsigned long long)rep->pc);
    vm_stats_t s;
    CHECK_EQ(fl_pager_stats(e->ep, 0, &s), 0);
    CHECK(s.pager_clients == others, "the pager serves %llu clients, expected %u",
          (unsigned long long)s.pager_clients, others);
    CHECK(others || s.pager_frames <= 1, "the pager still holds %llu frames",
          (unsigned long long)s.pager_frames);
    return NULL;
}

FL_TEST(pager_stack_overflow)
{
    pg_env_t e;
    fl_pager_report_t rep;
    const char *why = pg_start(&e, 0, "pager", 1);
    if (!why)
        why = run_bad(&e, "pgtest overflow", STACK_MAX, FL_FAULT_FAIL_GUARD, 0, &rep);
    if (why)
        return why;
    uint64_t limit = FL_STACK_TOP - STACK_MAX;
    CHECK(rep.addr < limit && rep.addr >= limit - FL_STACK_GUARD_DEFAULT,
          "fault at %#llx is not in the guard gap below %#llx", (unsigned long long)rep.addr,
          (unsigned long long)limit);
    CHECK(rep.access == FL_FAULT_WRITE, "access %u", rep.access);
    return NULL;
}

FL_TEST(pager_wild_write)
{
    pg_env_t e;
    /* The spinner must still run while the wild write is handled: on several CPUs it runs in
     * parallel, so it spins long enough (100000 yields) to outlast the bad process. */
    static fl_proc_t spinner; /* tracked by the runner past the end of the test */
    spinner = (fl_proc_t){0};
    fl_pager_report_t rep;
    long status = -99;
    const char *why = pg_start(&e, 0, "pager", 1);
    if (!why)
        why = pg_spawn(&e, &spinner, "pgtest spin 100000", 4, 0, 1);
    if (!why)
        why = run_bad(&e, "pgtest wild", 0, FL_FAULT_FAIL_NO_REGION, 1, &rep);
    if (why)
        return why;
    CHECK(rep.addr == PGTEST_WILD_ADDR, "reported address %#llx", (unsigned long long)rep.addr);
    CHECK(rep.access == FL_FAULT_WRITE, "access %u", rep.access);
    /* The spinner ran on meanwhile and must end well. */
    if ((why = pg_wait(&e, &spinner, 4, &status)))
        return why;
    CHECK(status == 0, "the other process ended with %ld", status);
    return NULL;
}

FL_TEST(pager_out_of_memory)
{
    pg_env_t e;
    fl_pager_report_t rep;
    const char *why = pg_start(&e, 512, "pager", 1);
    if (!why)
        why = run_bad(&e, "pgtest hog", 0, FL_FAULT_FAIL_NO_MEMORY, 0, &rep);
    if (why)
        return why;
    /* Out of memory was this process's failure, not the pager's: it serves the next one. */
    static fl_proc_t p; /* tracked by the runner past the end of the test */
    p = (fl_proc_t){0};
    long status = -99;
    if ((why = pg_spawn(&e, &p, "pgtest touch 16", 1, 0, 1)) || (why = pg_wait(&e, &p, 1, &status)))
        return why;
    CHECK(status == 0, "after the out-of-memory process, 'pgtest touch 16' exited %ld", status);
    return NULL;
}
