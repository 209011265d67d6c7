/* The in-OS test runner; see tests.h. */
#include "init.h"
#include "tests.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_TRACKED 64

static const test_case_t tests[] = {
    {"ipc_pingpong", test_ipc_pingpong},
    {"ipc_pingpong_processes", test_ipc_pingpong_processes},
    {"ipc_call_order_threads", test_ipc_call_order_threads},
    {"ipc_call_order_processes", test_ipc_call_order_processes},
    {"ipc_peer_gone", test_ipc_peer_gone},
    {"notify_bits", test_notify_bits},
    {"notify_threads", test_notify_threads},
    {"preempt_thread", test_preempt_thread},
    {"preempt_process", test_preempt_process},
    {"rights_endpoint", test_rights_endpoint},
    {"rights_objects", test_rights_objects},
    {"badargs_syscalls", test_badargs_syscalls},
    {"badargs_unchanged", test_badargs_unchanged},
    {"spawn_exit_leak", test_spawn_exit_leak},
    {"spawn_bad_images", test_spawn_bad_images},
    {"spawn_pool_quota", test_spawn_pool_quota},
    {"tls_threads", test_tls_threads},
    {"tls_processes", test_tls_processes},
};

static char reason[256];
static fl_handle_t handles[MAX_TRACKED];
static fl_proc_t *procs[MAX_TRACKED];
static fl_thread_t *threads[MAX_TRACKED];
static unsigned nhandles, nprocs, nthreads;

const char *test_failf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    return reason;
}

fl_handle_t test_handle(long h)
{
    if (h > 0 && nhandles < MAX_TRACKED)
        handles[nhandles++] = (fl_handle_t)h;
    return h > 0 ? (fl_handle_t)h : FL_HANDLE_INVALID;
}

fl_proc_t *test_proc(fl_proc_t *p)
{
    if (nprocs < MAX_TRACKED)
        procs[nprocs++] = p;
    return p;
}

fl_thread_t *test_thread(fl_thread_t *t)
{
    if (nthreads < MAX_TRACKED)
        threads[nthreads++] = t;
    return t;
}

long test_spawn(fl_proc_t *p, const char *args, fl_handle_t h0, uint32_t r0, fl_handle_t reports,
                uint64_t badge, const char **err)
{
    fl_spawn_args_t a = {
        .args = args,
        .pool = fl_pool(),
        .priority = FL_PRIORITY_DEFAULT,
        .parent = reports,
        .parent_badge = badge,
        .nhandles = h0 ? 1 : 0,
        .handles = {h0},
        .rights = {r0},
    };
    test_proc(p);
    return fl_spawn_initrd(&a, p, err);
}

long test_wait_exit(fl_handle_t ep, uint64_t *badge, long *status)
{
    fl_msg_t m;
    for (;;) {
        long r = fl_recv(ep, &m);
        if (r < 0)
            return r;
        if (FL_TAG_LABEL(m.tag) == FL_START_MSG_EXIT) {
            *badge = m.badge;
            *status = (long)(int)m.w[0];
            return FL_OK;
        }
    }
}

uint64_t test_ticks(void)
{
    fl_sysinfo_t info = {0};
    fl_system_info(&info);
    return info.ticks;
}

/* Frees whatever the test registered: processes, then handles, then threads (see tests.h). */
static void cleanup(void)
{
    for (unsigned i = 0; i < nprocs; i++)
        fl_proc_destroy(procs[i]);
    for (unsigned i = 0; i < nhandles; i++)
        fl_handle_close(handles[i]); /* FL_EBADH if the test closed it: harmless */
    for (unsigned i = 0; i < nthreads; i++)
        if (threads[i]->slot >= 0)
            fl_thread_join(threads[i]);
    nprocs = nhandles = nthreads = 0;
}

/* Frames come back when the last reference goes; a thread that just exited is freed after the
 * kernel switches away from it, on the CPU it ran on, which may be another one (and, under
 * QEMU on a loaded host, a vCPU that does not run for a while). Give that up to a second
 * (100 ticks) before calling it a leak. */
long test_frames_settled(long want)
{
    long now = fl_frames_free();
    uint64_t t0 = test_ticks();
    for (int i = 0; now != want && (i < 200 || test_ticks() - t0 < 100); i++) {
        fl_yield();
        now = fl_frames_free();
    }
    return now;
}

/* Touches, once, everything the runtime keeps after first use (page tables for the thread
 * area and the spawn scratch window), so the first test's leak check sees only the test. */
static void nop(void *arg)
{
    (void)arg;
}

static void warm_up(void)
{
    fl_thread_t t;
    fl_proc_t p = {0};
    long reports = fl_endpoint_create();
    if (fl_thread_spawn(&t, nop, NULL, FL_PRIORITY_DEFAULT) == 0)
        fl_thread_join(&t);
    if (reports > 0) {
        uint64_t badge;
        long status;
        fl_spawn_args_t a = {.args = "exit_now",
                             .pool = fl_pool(),
                             .priority = FL_PRIORITY_DEFAULT,
                             .parent = (fl_handle_t)reports};
        if (fl_spawn_initrd(&a, &p, NULL) == 0)
            test_wait_exit((fl_handle_t)reports, &badge, &status);
        fl_proc_destroy(&p);
        fl_handle_close((fl_handle_t)reports);
    }
}

static int selected(const char *which, const char *name)
{
    if (strcmp(which, "all") == 0)
        return 1;
    size_t n = strlen(name);
    for (const char *p = which; *p;) {
        size_t len = strcspn(p, ",");
        if (len == n && strncmp(p, name, n) == 0)
            return 1;
        p += len;
        if (*p == ',')
            p++;
    }
    return 0;
}

/* Tests registered with FL_TEST() anywhere in init, collected by the linker. */
extern const test_case_t __start_fl_tests[], __stop_fl_tests[];

/* The free-frame count once it has stopped moving: what ran before (a demo step, another
 * CPU's thread that just ended) may still be giving frames back. At most about 50 ticks. */
static long frames_quiet(void)
{
    long now = fl_frames_free(), last;
    uint64_t t0 = test_ticks();
    do {
        last = now;
        for (uint64_t until = test_ticks() + 2; test_ticks() < until;)
            fl_yield();
        now = fl_frames_free();
    } while (now != last && test_ticks() - t0 < 50);
    return now;
}

static void run_one(const test_case_t *t, unsigned *passed, unsigned *failed)
{
    long before = frames_quiet();
    const char *why = t->fn();
    cleanup();
    long after = test_frames_settled(before);
    if (!why && after != before)
        why = test_failf("frames free %ld before, %ld after (%+ld)", before, after, after - before);
    if (why) {
        printf("TEST %s FAIL %s\n", t->name, why);
        (*failed)++;
    } else {
        printf("TEST %s PASS\n", t->name);
        (*passed)++;
    }
}

int tests_run(const char *which)
{
    unsigned passed = 0, failed = 0;

    printf("TESTS START: %s\n", which);
    warm_up();
    for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
        if (selected(which, tests[i].name))
            run_one(&tests[i], &passed, &failed);
    for (const test_case_t *t = __start_fl_tests; t < __stop_fl_tests; t++)
        if (selected(which, t->name))
            run_one(t, &passed, &failed);
    if (passed + failed == 0) {
        printf("TEST fl.test FAIL no test is named '%s'\n", which);
        failed++;
    }
    printf("TESTS DONE: %u passed, %u failed\n", passed, failed);
    return (int)failed;
}
