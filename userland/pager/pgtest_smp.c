/*
 * pgtest's multi-CPU modes (issue 14): one thread per CPU (at least two), each pinned to its
 * CPU with FL_SYS_THREAD_AFFINITY, faulting on pages the reference pager serves.
 *   pgtest smp-disjoint N   each thread zero-fills and writes its own N pages
 *   pgtest smp-same N       every thread writes its own byte of the same N pages at once:
 *                           concurrent faults on one page must end in one frame (no write lost)
 *   pgtest smp-fork N       the workers write their pages in rounds while the main thread
 *                           forks children that check a snapshot, N times
 *   pgtest smp-forever N    the workers fault on fresh pages without end (a pager killed
 *                           meanwhile: the test kills it)
 * Each thread also checks that it ran on the CPU it was pinned to.
 */
#include <fl/fork.h>
#include <fl/syscall.h>
#include <fl/thread.h>
#include <fl/vm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgtest.h"

#define PAGE        FL_PAGE_SIZE
#define MAX_WORKERS 8

typedef struct {
    volatile uint8_t *base; /* the thread's own pages (disjoint) or everybody's (same) */
    unsigned pages, k, cpu, rounds;
    volatile unsigned ran_on, done_rounds;
    volatile int err;
    volatile int stop;
} worker_t;

static worker_t workers[MAX_WORKERS];
static unsigned nworkers;

static uint64_t now_us(void)
{
    uint64_t c, f;
    __asm__ volatile("mrs %0, cntvct_el0" : "=r"(c));
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
    return f ? c / (f / 1000000) : 0;
}

static void pin(worker_t *w)
{
    if (fl_thread_affinity(0, 1UL << w->cpu, 0, 0) < 0)
        w->err = 1;
}

static void check_cpu(worker_t *w)
{
    unsigned cpu = fl_cpu_id();
    w->ran_on = cpu;
    if (cpu != w->cpu)
        w->err = 2;
}

static void disjoint_worker(void *arg)
{
    worker_t *w = arg;
    pin(w);
    for (unsigned r = 0; r < w->rounds && !w->stop; r++) {
        for (unsigned i = 0; i < w->pages; i++) {
            volatile uint8_t *p = w->base + (size_t)i * PAGE;
            uint8_t want = r == 0 ? 0 : (uint8_t)(w->k * 16 + r);
            if (p[0] != want || p[PAGE - 1] != want)
                w->err = 3;
            p[0] = p[PAGE - 1] = (uint8_t)(w->k * 16 + r + 1);
        }
        w->done_rounds = r + 1;
        check_cpu(w);
    }
}

static void same_worker(void *arg)
{
    worker_t *w = arg;
    pin(w);
    for (unsigned i = 0; i < w->pages; i++) {
        volatile uint8_t *p = w->base + (size_t)i * PAGE + w->k * 64;
        if (*p != 0)
            w->err = 3;
        *p = (uint8_t)(w->k + 1);
    }
    check_cpu(w);
}

/* Each round ends by giving the pages back to the pager and mapping them again, so the next
 * round faults on every page again: the faults never stop, however fast the pager serves them
 * (once the pager is gone, the calls fail and the next fault stops the thread). */
static void forever_worker(void *arg)
{
    worker_t *w = arg;
    size_t len = (size_t)w->pages * PAGE;
    void *again;
    pin(w);
    for (unsigned i = 0;; i = (i + 1) % w->pages) {
        if (i == 0 && w->done_rounds > 0 && vm_unmap((void *)w->base, len) == 0)
            vm_map((void *)w->base, len, VM_READ | VM_WRITE, VM_FIXED, &again);
        w->base[(size_t)i * PAGE] += 1;
        if (i == 0)
            w->done_rounds++;
        if (i == 0 && w->done_rounds == 1)
            check_cpu(w);
    }
}

static int start(fl_thread_t *t, fl_thread_fn fn, unsigned online, volatile uint8_t *base,
                 unsigned pages, int shared, unsigned rounds)
{
    nworkers = online < 2 ? 2 : online;
    if (nworkers > MAX_WORKERS)
        nworkers = MAX_WORKERS;
    for (unsigned k = 0; k < nworkers; k++) {
        worker_t *w = &workers[k];
        *w = (worker_t){.base = shared ? base : base + (size_t)k * pages * PAGE,
                        .pages = pages,
                        .k = k,
                        .cpu = k % online,
                        .rounds = rounds};
        if (fl_thread_spawn(&t[k], fn, w, FL_PRIORITY_DEFAULT) < 0)
            return 60;
    }
    return 0;
}

static int join(fl_thread_t *t, const char *mode, unsigned online)
{
    uint32_t cpus_seen = 0;
    for (unsigned k = 0; k < nworkers; k++) {
        if (fl_thread_join(&t[k]) < 0) {
            printf("pgtest: %s: join of worker %u failed\n", mode, k);
            return 61;
        }
        if (workers[k].err) {
            printf("pgtest: %s: worker %u (pinned to cpu %u, ran on %u) failed (%d)\n", mode, k,
                   workers[k].cpu, workers[k].ran_on, workers[k].err);
            return 62;
        }
        cpus_seen |= 1u << workers[k].ran_on;
        printf("pgtest: %s: thread %u ran on cpu %u while the pager served its faults\n", mode, k,
               workers[k].ran_on);
    }
    if (__builtin_popcount(cpus_seen) != (int)(online < nworkers ? online : nworkers)) {
        printf("pgtest: %s: the workers ran on cpus %#x only\n", mode, cpus_seen);
        return 63;
    }
    printf("pgtest: %s: %u threads on cpus %#x, faults served, every write kept\n", mode, nworkers,
           cpus_seen);
    return 0;
}

static int map(unsigned pages, volatile uint8_t **p)
{
    if (vm_map(NULL, (size_t)pages * PAGE, VM_READ | VM_WRITE, 0, (void **)p) < 0) {
        printf("pgtest: vm_map of %u pages failed\n", pages);
        return 64;
    }
    return 0;
}

static int fork_while_faulting(fl_thread_t *t, unsigned online, unsigned n)
{
    volatile uint8_t *p, *snap;
    int rc;
    if ((rc = map(MAX_WORKERS * 8, &p)) || (rc = map(1, &snap)))
        return rc;
    if ((rc = start(t, disjoint_worker, online, p, 8, 0, ~0u)))
        return rc;
    for (unsigned i = 0; i < n; i++) {
        snap[0] = (uint8_t)(0x40 + i);
        fl_child_t child;
        long status = -1;
        long r = fl_fork(&child);
        if (r < 0) {
            printf("pgtest: smp-fork: fork %u failed: %s\n", i, fl_strerror(r));
            return 65;
        }
        if (r == 0)
            exit(snap[0] == (uint8_t)(0x40 + i) ? 0 : 66); /* only this thread is copied */
        if (fl_child_wait(&child, &status) < 0 || status != 0) {
            printf("pgtest: smp-fork: child %u ended with %ld\n", i, status);
            return 67;
        }
    }
    for (unsigned k = 0; k < nworkers; k++)
        workers[k].stop = 1;
    return join(t, "smp-fork", online);
}

int pgtest_smp(const char *mode, unsigned n)
{
    static fl_thread_t t[MAX_WORKERS];
    unsigned online = 1;
    volatile uint8_t *p;
    int rc;
    if (fl_thread_affinity(0, 0, 0, &online) < 0)
        return 68;
    if (strcmp(mode, "smp-disjoint") == 0) {
        if ((rc = map(MAX_WORKERS * n, &p)))
            return rc;
        uint64_t t0 = now_us();
        if ((rc = start(t, disjoint_worker, online, p, n, 0, 3)) || (rc = join(t, mode, online)))
            return rc;
        uint64_t us = now_us() - t0;
        /* Each page: a read fault (zero page), then a write fault (zero fill). */
        printf("pgtest: smp-disjoint: %u faults on %u cpus in %llu us: %llu faults/s\n",
               2 * n * nworkers, online, (unsigned long long)us,
               (unsigned long long)(us ? 2ULL * n * nworkers * 1000000 / us : 0));
        return 0;
    }
    if (strcmp(mode, "smp-same") == 0) {
        if ((rc = map(n, &p)) || (rc = start(t, same_worker, online, p, n, 1, 1)) ||
            (rc = join(t, mode, online)))
            return rc;
        for (unsigned i = 0; i < n; i++)
            for (unsigned k = 0; k < nworkers; k++)
                if (p[(size_t)i * PAGE + k * 64] != k + 1) {
                    printf("pgtest: smp-same: page %u lost worker %u's write\n", i, k);
                    return 69;
                }
        return 0;
    }
    if (strcmp(mode, "smp-fork") == 0)
        return fork_while_faulting(t, online, n);
    if (strcmp(mode, "smp-forever") == 0) {
        if ((rc = map(MAX_WORKERS * n, &p)) || (rc = start(t, forever_worker, online, p, n, 0, 0)))
            return rc;
        for (;;) {
            unsigned all = 1;
            for (unsigned k = 0; k < nworkers; k++)
                all &= workers[k].done_rounds > 1;
            if (all)
                break;
            fl_yield();
        }
        printf("pgtest: smp-forever: %u threads faulting\n", nworkers);
        for (;;)
            fl_yield(); /* until the test kills the pager */
    }
    printf("pgtest: unknown mode %s\n", mode);
    return 1;
}
