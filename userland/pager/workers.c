/*
 * Worker threads (issue 14): `pager -w N` serves the one service endpoint from N threads
 * (default: one per CPU online), so a fault is received by whichever worker waits while another
 * one decides the previous fault.
 *
 * libpager, the client table, the frame stock, the deferral state of backend.c, the read-ahead
 * window and the asynchronous I/O tables are shared and not thread-safe, so a worker holds the
 * one pager lock from the moment it has a message until its answer is sent: the answer names a
 * frame of the pager (or the read-ahead window), and another worker must not free, reuse or
 * reline it before the kernel has mapped it. What runs outside the lock is the receive: the
 * kernel's fault delivery to one worker overlaps the decision of another. With one worker
 * nothing is locked and the answer and the next receive stay one FL_SYS_REPLY_RECV.
 *
 * Held faults (async.c, afile.c) may be answered by any worker: FL_SYS_FAULT_REPLY accepts a
 * token owed by any thread of the caller's space (kernel/fault_async.c), and no worker ends
 * while the pager runs.
 *
 * The lock is a test-and-test-and-set spinlock on C11-style atomics (LDAXR/STLXR): hold times
 * are one fault decision, short next to a kernel entry, so a waiter spins a while and then
 * yields its CPU (a worker may wait for one that was preempted on the same CPU).
 */
#include <fl/runtime.h>
#include <fl/syscall.h>
#include <fl/thread.h>
#include <fl/vm.h>
#include <stdio.h>

#include "server.h"

#define SPIN_BEFORE_YIELD 4096u

_Static_assert(sizeof(fl_ipc_buffer_t) <= FL_PAGE_SIZE, "one page of IPC buffer per worker");

static unsigned nworkers = 1;
static unsigned lock_word;
static unsigned inflight, most_inflight;
static uint64_t served[MAX_WORKERS];

unsigned workers_count(void)
{
    return nworkers;
}

void workers_lock(void)
{
    if (nworkers == 1)
        return;
    while (__atomic_exchange_n(&lock_word, 1u, __ATOMIC_ACQUIRE)) {
        unsigned spins = 0;
        while (__atomic_load_n(&lock_word, __ATOMIC_RELAXED)) {
            if (++spins < SPIN_BEFORE_YIELD) {
                __asm__ volatile("yield");
                continue;
            }
            fl_yield();
            spins = 0;
        }
    }
}

void workers_unlock(void)
{
    if (nworkers > 1)
        __atomic_store_n(&lock_word, 0u, __ATOMIC_RELEASE);
}

void workers_fault_begin(unsigned k)
{
    if (nworkers == 1) {
        served[0]++;
        return;
    }
    unsigned now = __atomic_add_fetch(&inflight, 1u, __ATOMIC_RELAXED);
    unsigned most = __atomic_load_n(&most_inflight, __ATOMIC_RELAXED);
    while (now > most && !__atomic_compare_exchange_n(&most_inflight, &most, now, true,
                                                      __ATOMIC_RELAXED, __ATOMIC_RELAXED))
        ;
    __atomic_add_fetch(&served[k], 1u, __ATOMIC_RELAXED);
}

void workers_fault_end(void)
{
    if (nworkers > 1)
        __atomic_sub_fetch(&inflight, 1u, __ATOMIC_RELAXED);
}

void workers_stats(uint64_t out[4])
{
    uint64_t busy = 0, total = 0;
    for (unsigned k = 0; k < nworkers; k++) {
        uint64_t n = __atomic_load_n(&served[k], __ATOMIC_RELAXED);
        busy += n != 0;
        total += n;
    }
    out[0] = nworkers;
    out[1] = busy;
    out[2] = nworkers == 1 ? (total != 0) : __atomic_load_n(&most_inflight, __ATOMIC_RELAXED);
    out[3] = total;
}

/* Workers 1..N-1: their own IPC buffer (REGISTER and FORK carry handles), then the loop. */
static void worker(void *arg)
{
    unsigned k = (unsigned)(uintptr_t)arg;
    uint64_t va = WORKER_IPC_VA + (uint64_t)k * FL_PAGE_SIZE;
    if (fl_vm_alloc(fl_self_space(), va, 1, FL_PROT_READ | FL_PROT_WRITE) < 0 ||
        fl_thread_set_ipc_buffer((void *)va) < 0) {
        workers_lock();
        printf("pager: worker %u: no IPC buffer; it does not serve\n", k);
        workers_unlock();
        return;
    }
    serve(k, (fl_ipc_buffer_t *)va);
}

unsigned workers_start(unsigned want, bool verbose)
{
    if (want == 0) {
        unsigned online = 1;
        if (fl_thread_affinity(0, 0, NULL, &online) < 0 || online == 0)
            online = 1;
        want = online;
    }
    if (want > MAX_WORKERS)
        want = MAX_WORKERS;
    if (verbose) /* stdio is not thread-safe: print before the workers run, then under the lock */
        printf("pager: %u worker thread%s on the endpoint\n", want, want == 1 ? "" : "s");
    nworkers = want; /* before any worker runs: every one of them locks */
    for (unsigned k = 1; k < want; k++) {
        fl_thread_t t;
        if (fl_thread_spawn(&t, worker, (void *)(uintptr_t)k, FL_PRIORITY_DEFAULT) < 0) {
            /* The ones started serve; the count stays (their served[] stays 0). */
            workers_lock();
            printf("pager: cannot start worker %u of %u\n", k, want);
            workers_unlock();
            break;
        }
    }
    return want;
}
