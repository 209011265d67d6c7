/*
 * SMP tests (issue 14): FL_SYS_THREAD_AFFINITY moves a thread between CPUs and rejects bad
 * masks; two threads pinned to different CPUs ping-pong over one endpoint (every message
 * crosses CPUs: the fast path declines, the general path wakes the peer on its CPU with an
 * SGI). On one CPU both still pass (the pinning is then trivial).
 */
#include "tests.h"
#include <fl/thread.h>

#define SMP_ROUNDS 2000

FL_TEST(smp_affinity)
{
    unsigned cpu = 99, online = 0;
    long all = fl_thread_affinity(0, 0, &cpu, &online);
    CHECK(all > 0 && online >= 1 && cpu < online, "read: mask %ld cpu %u online %u", all, cpu,
          online);
    CHECK(all == (long)((1UL << online) - 1), "a new thread may run everywhere: mask %#lx", all);
    for (unsigned round = 0; round < 3; round++) {
        for (unsigned c = 0; c < online; c++) {
            CHECK(fl_thread_affinity(0, 1UL << c, 0, 0) >= 0, "pin to cpu %u", c);
            CHECK(fl_cpu_id() == c, "pinned to cpu %u, runs on %u", c, fl_cpu_id());
        }
    }
    CHECK_EQ(fl_thread_affinity(0, 1UL << online, 0, 0), FL_EINVAL); /* no online CPU */
    CHECK_EQ(fl_thread_affinity(0x7f7f, 1, 0, 0), FL_EBADH);
    /* Bits of CPUs that are not online are ignored. */
    CHECK(fl_thread_affinity(0, ~0UL, 0, 0) == 1L << (online - 1), "the last pin stays");
    CHECK_EQ(fl_thread_affinity(0, 0, 0, 0), all);
    return NULL;
}

typedef struct {
    fl_handle_t ep;
    unsigned cpu;
    volatile unsigned ran_on;
    volatile long err;
} pp_arg_t;

static void pp_server(void *arg)
{
    pp_arg_t *a = arg;
    fl_msg_t m;
    if (fl_thread_affinity(0, 1UL << a->cpu, 0, 0) < 0) {
        a->err = -1;
        return;
    }
    a->ran_on = fl_cpu_id();
    long r = fl_recv(a->ep, &m);
    for (unsigned i = 0; r == FL_OK && i < SMP_ROUNDS; i++) {
        if (fl_cpu_id() != a->cpu)
            a->err = -2;
        m.w[0] += 1;
        m.w[1] = fl_cpu_id();
        r = i + 1 < SMP_ROUNDS ? fl_reply_recv(a->ep, &m) : fl_reply(&m);
    }
    if (r != FL_OK)
        a->err = r;
}

FL_TEST(smp_ipc_pingpong)
{
    unsigned online = 1;
    fl_thread_affinity(0, 0, 0, &online);
    unsigned here = 0, there = online > 1 ? 1 : 0;
    long r;
    CHECK_OK(r, fl_endpoint_create());
    static pp_arg_t a;
    a = (pp_arg_t){.ep = test_handle(r), .cpu = there};
    static fl_thread_t t;
    CHECK(fl_thread_affinity(0, 1UL << here, 0, 0) >= 0, "pin");
    CHECK_EQ(fl_thread_spawn(test_thread(&t), pp_server, &a, FL_PRIORITY_DEFAULT), FL_OK);
    for (uint64_t i = 0; i < SMP_ROUNDS; i++) {
        fl_msg_t m = {.tag = FL_TAG(1, 2, 0), .w = {i * 2, 0}};
        CHECK_EQ(fl_call(a.ep, &m), FL_OK);
        CHECK(m.w[0] == i * 2 + 1, "reply %llu carries %llu", (unsigned long long)i,
              (unsigned long long)m.w[0]);
        CHECK(m.w[1] == there && fl_cpu_id() == here, "server on cpu %llu, client on %u",
              (unsigned long long)m.w[1], fl_cpu_id());
    }
    CHECK_EQ(fl_thread_join(&t), FL_OK);
    CHECK(a.err == 0, "server error %ld", a.err);
    fl_thread_affinity(0, ~0UL, 0, 0);
    return NULL;
}

#define ASID_SPINNERS 12

/* Twelve processes spinning at once, more than there are ASIDs when booted with
 * fl.asid_bits=3 (7): with threads of different processes on every CPU, the allocator rolls
 * over again and again while translations are live everywhere; each spinner must keep
 * running (it signals once started) and all must be destroyable, every frame back (the
 * runner checks). Without the boot argument it is a plain many-process stress test. */
FL_TEST(smp_asid_rollover)
{
    static fl_proc_t p[ASID_SPINNERS];
    fl_handle_t started[ASID_SPINNERS];
    const char *err = NULL;
    long r;
    for (unsigned i = 0; i < ASID_SPINNERS; i++) {
        p[i] = (fl_proc_t){0};
        CHECK_OK(r, fl_notification_create());
        started[i] = test_handle(r);
        r = test_spawn(&p[i], "spinner", started[i], FL_RIGHT_WRITE, 0, 0, &err);
        CHECK(r == 0, "cannot spawn spinner %u: %s (%s)", i, err, fl_strerror(r));
    }
    for (unsigned i = 0; i < ASID_SPINNERS; i++)
        CHECK(fl_wait(started[i]) == 1, "spinner %u did not start", i);
    uint64_t t0 = test_ticks();
    while (test_ticks() - t0 < 20)
        fl_yield(); /* they run, and their ASIDs roll over, meanwhile */
    for (unsigned i = 0; i < ASID_SPINNERS; i++)
        fl_proc_destroy(&p[i]);
    return NULL;
}
