/*
 * The in-OS test suite (xv6 usertests style), run by init with fl.test=all or
 * fl.test=name,name. Each test is a function returning NULL on success or a reason; the
 * runner (runner.c) prints `TEST <name> PASS` or `TEST <name> FAIL <reason>`, checks that the
 * free-frame count after the test equals the count before (no leaks), and ends with the one
 * line `TESTS DONE: N passed, M failed`.
 *
 * Cleanup on failure: a test registers what it creates (test_handle, test_proc, test_thread)
 * and returns as soon as a check fails; the runner then destroys the processes, closes the
 * handles and joins the threads, in that order, so threads blocked on those objects wake up
 * with FL_EPEER. Thread functions must therefore return when an IPC call fails.
 *
 * Tests print only from init's main thread (stdio is not locked).
 */
#ifndef TESTS_TESTS_H
#define TESTS_TESTS_H

#include <fl/runtime.h>
#include <fl/spawn.h>
#include <fl/syscall.h>
#include <fl/thread.h>
#include <stdint.h>

typedef const char *(*test_fn)(void);

typedef struct test_case {
    const char *name;
    test_fn fn;
} test_case_t;

/* Defines and registers a test without touching runner.c: FL_TEST(name) { ... return NULL; }
 * The linker gathers the entries in section fl_tests; they run after the table in runner.c,
 * in link order. */
#define FL_TEST(name)                                                                              \
    static const char *test_##name(void);                                                          \
    static const test_case_t fl_test_entry_##name                                                  \
        __attribute__((used, section("fl_tests"), aligned(8))) = {#name, test_##name};             \
    static const char *test_##name(void)

/* Formats a failure reason (into a static buffer) and returns it. */
const char *test_failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond))                                                                               \
            return test_failf(__VA_ARGS__);                                                        \
    } while (0)

/* expr must return exactly want (a value or an fl_err_t). */
#define CHECK_EQ(expr, want)                                                                       \
    do {                                                                                           \
        long got_ = (long)(expr), want_ = (long)(want);                                            \
        if (got_ != want_)                                                                         \
            return test_failf("line %d: %s = %ld (%s), expected %ld (%s)", __LINE__, #expr, got_,  \
                              fl_strerror(got_), want_, fl_strerror(want_));                       \
    } while (0)

/* expr must succeed (>= 0); its value goes to var. */
#define CHECK_OK(var, expr)                                                                        \
    do {                                                                                           \
        long r_ = (long)(expr);                                                                    \
        if (r_ < 0)                                                                                \
            return test_failf("line %d: %s failed: %s", __LINE__, #expr, fl_strerror(r_));         \
        var = r_;                                                                                  \
    } while (0)

/* Registration for cleanup (see above). Each returns its argument. */
fl_handle_t test_handle(long h);
fl_proc_t *test_proc(fl_proc_t *p);
fl_thread_t *test_thread(fl_thread_t *t);
/* The free-frame count once it equals want, or after a bounded wait (a thread that just ended
 * on another CPU is freed there a little later). */
long test_frames_settled(long want);

/* Spawns the initrd program named by args's first word with start handle 0 = h0 (with rights
 * r0; none if h0 is 0) and parent endpoint `reports` with badge; registers it. */
long test_spawn(fl_proc_t *p, const char *args, fl_handle_t h0, uint32_t r0, fl_handle_t reports,
                uint64_t badge, const char **err);

/* Receives on ep until a child's exit message arrives; *badge and the status come back. */
long test_wait_exit(fl_handle_t ep, uint64_t *badge, long *status);

/* The timer tick count (100 Hz) from FL_SYS_SYSTEM_INFO. */
uint64_t test_ticks(void);

/* Tests, one group per file. */
const char *test_ipc_pingpong(void);
const char *test_ipc_pingpong_processes(void);
const char *test_ipc_call_order_threads(void);
const char *test_ipc_call_order_processes(void);
const char *test_ipc_peer_gone(void);
const char *test_notify_bits(void);
const char *test_notify_threads(void);
const char *test_preempt_thread(void);
const char *test_preempt_process(void);
const char *test_rights_endpoint(void);
const char *test_rights_objects(void);
const char *test_badargs_syscalls(void);
const char *test_badargs_unchanged(void);
const char *test_spawn_exit_leak(void);
const char *test_spawn_bad_images(void);
const char *test_spawn_pool_quota(void);
const char *test_tls_threads(void);
const char *test_tls_processes(void);

#endif
