/*
 * System call and IPC rows. The loops are in bench_asm.S so the user side of each operation is
 * a handful of fixed instructions; the echo server is benchsrv (another address space) or a
 * thread of bench itself (the same space).
 */
#include "bench_rows.h"
#include <fl/thread.h>
#include <stdio.h>
#include <stdlib.h>

#define SYS_UNKNOWN 999 /* >= FL_SYS_COUNT: the kernel answers FL_ENOSYS */

/* Runs fn(n) for a warm-up batch and B.batches measured ones; reports per-op medians. */
static void batches(const char *name, long (*fn)(uint64_t n))
{
    uint64_t s[BENCH_MAX_BATCHES];
    for (unsigned b = 0; b <= B.batches; b++) {
        uint64_t t0 = pmu_read();
        long r = fn(B.iters);
        uint64_t t1 = pmu_read();
        if (r < 0)
            return bench_fail(name, "operation", r);
        if (b > 0)
            s[b - 1] = bench_per_op(t1 - t0, B.iters);
    }
    bench_report(name, s, B.batches);
}

static long op_handle_info(uint64_t n)
{
    long r = 0;
    for (uint64_t i = 0; i < n && r >= 0; i++)
        r = fl_handle_info(B.space);
    return r;
}

static long op_enosys(uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        if (FL_SYSCALL0(SYS_UNKNOWN) != FL_ENOSYS)
            return FL_EINVAL;
    return 0;
}

void bench_rows_syscall(void)
{
    /* Like Linux's getppid: enter, look one thing up (a handle), return a value. */
    batches("null_syscall", op_handle_info);
    /* The floor: entry, dispatch of an unknown number, exit. */
    batches("syscall_enosys", op_enosys);
}

static fl_handle_t echo_ep;
static uint64_t echo_tag;

static long op_call(uint64_t n)
{
    return bench_call_loop(echo_ep, echo_tag, n);
}

/* The same-space echo server: a second thread of bench. */
static void echo_thread(void *arg)
{
    fl_msg_t m;
    if (bench_echo((fl_handle_t)(uintptr_t)arg, BENCH_PING, &m, NULL) >= 0)
        fl_reply(&(fl_msg_t){.tag = 0}); /* the call that ended the loop */
}

/* Call and reply legs, each call a sample: client before the call -> server after its
 * receive; server before its reply -> client after the call returns. */
static void legs(void)
{
    unsigned n = B.iters * B.batches;
    uint64_t *call = malloc(n * sizeof(uint64_t)), *reply = malloc(n * sizeof(uint64_t));
    uint64_t t[2];
    long r = bench_ctl(BENCH_ECHO, 1, 0, 0);
    if (!call || !reply || r < 0) {
        bench_fail("ipc_call_leg", "setup", r < 0 ? r : FL_ENOMEM);
        goto out;
    }
    for (unsigned i = 0; i < n; i++) {
        if ((r = bench_call_timed(B.ep, FL_TAG(BENCH_PING, 1, 0), t)) < 0)
            break;
        call[i] = B.shared->t_recv - t[0];
        reply[i] = t[1] - B.shared->t_reply;
    }
    if (r < 0 || (r = bench_ctl(BENCH_RESET, 0, 0, 0)) < 0) { /* leaves the echo loop */
        bench_fail("ipc_call_leg", "call", r);
        goto out;
    }
    bench_report("ipc_call_leg", call, n);
    bench_report("ipc_reply_leg", reply, n);
out:
    free(call);
    free(reply);
}

void bench_rows_ipc(void)
{
    long r;

    /* Registers only, across address spaces: client bench, server benchsrv. */
    echo_ep = B.ep;
    echo_tag = FL_TAG(BENCH_PING, 1, 0);
    if ((r = bench_ctl(BENCH_ECHO, 0, 0, 0)) < 0)
        return bench_fail("ipc_round_trip", "enter echo", r);
    batches("ipc_round_trip", op_call);
    /* 16 words: 4 in registers, 12 through both IPC buffers, each way (the general path). */
    echo_tag = FL_TAG(BENCH_PING, 16, 0);
    batches("ipc_round_trip_16w", op_call);
    if ((r = bench_ctl(BENCH_RESET, 0, 0, 0)) < 0)
        return bench_fail("ipc_round_trip", "leave echo", r);
    legs();

    /* The same space: no address-space switch. */
    fl_thread_t t;
    if ((r = fl_endpoint_create()) < 0)
        return bench_fail("ipc_round_trip_same_space", "endpoint", r);
    echo_ep = (fl_handle_t)r;
    echo_tag = FL_TAG(BENCH_PING, 1, 0);
    if ((r = fl_thread_spawn(&t, echo_thread, (void *)(uintptr_t)echo_ep, FL_PRIORITY_DEFAULT)) < 0)
        return bench_fail("ipc_round_trip_same_space", "thread", r);
    batches("ipc_round_trip_same_space", op_call);
    fl_msg_t quit = {.tag = FL_TAG(BENCH_QUIT, 0, 0)};
    if ((r = fl_call(echo_ep, &quit)) < 0 || (r = fl_thread_join(&t)) < 0)
        bench_fail("ipc_round_trip_same_space", "stop thread", r);
    fl_handle_close(echo_ep);
}
