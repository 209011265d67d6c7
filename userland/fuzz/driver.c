/*
 * The fuzz driver, run by init with fl.fuzz=START,COUNT,CALLS[,AVOID[,OPTS]] (see fuzz.h):
 * seeds START..START+COUNT-1, CALLS system calls each. AVOID is a hex mask of issue items to
 * steer clear of (FZ_AVOID), "known" for every known one, or absent for none. OPTS: "v" makes
 * the worker print each call before making it (to replay one seed); "tN" stops after N
 * seconds.
 *
 * Per seed: a pool with a small quota, the worker spawned in it with the shared page mapped
 * in, a watch on its process, a deadline. Then teardown and the checks: the worker's process
 * ended in time, nothing is charged to the seed's pool any more, the system's free-frame
 * count is back where it was, and the kernel still answers. A failure prints the seed and
 * the worker's last calls; the run goes on with the next seed (up to MAX_FAILURES).
 */
#include "fuzz.h"
#include "init.h"
#include <fl/runtime.h>
#include <fl/spawn.h>
#include <fl/syscall.h>
#include <fl/thread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEED_QUOTA   512 /* frames for one seed: the worker and everything it makes */
#define MAX_FAILURES 10
#define HZ           100 /* FL_SYS_SYSTEM_INFO ticks per second */

static fz_shared_t shared __attribute__((aligned(4096)));

static uint64_t ticks(void)
{
    fl_sysinfo_t info = {0};
    fl_system_info(&info);
    return info.ticks;
}

static long settle_frames(long want)
{
    long now = fl_frames_free();
    for (int i = 0; i < 400 && now != want; i++) {
        fl_yield();
        now = fl_frames_free();
    }
    return now;
}

static void print_calls(void)
{
    uint64_t n = shared.calls, first = n >= FZ_RING ? n - FZ_RING + 1 : 0;
    printf("fuzz: the worker's last calls (of %llu; where %llu):\n", (unsigned long long)n,
           (unsigned long long)shared.where);
    for (uint64_t i = first; i <= n && i < first + FZ_RING; i++) {
        const fz_call_t *c = &shared.ring[i % FZ_RING];
        if (i == n && c->ret != 0x7eadbeef)
            break; /* no call in flight */
        printf("fuzz:   #%llu nr %llu (%#llx, %#llx, %#llx, %#llx, %#llx, %#llx) = %lld%s\n",
               (unsigned long long)i, (unsigned long long)c->nr, (unsigned long long)c->a[0],
               (unsigned long long)c->a[1], (unsigned long long)c->a[2],
               (unsigned long long)c->a[3], (unsigned long long)c->a[4],
               (unsigned long long)c->a[5], (long long)c->ret,
               c->ret == 0x7eadbeef ? " (in flight)" : "");
    }
}

/* The kernel still creates, signals and destroys objects. */
static const char *alive(void)
{
    long n = fl_notification_create();
    if (n < 0)
        return "cannot create a notification";
    long r = fl_signal((fl_handle_t)n, 5);
    long bits = fl_poll((fl_handle_t)n);
    fl_handle_close((fl_handle_t)n);
    if (r != 0 || bits != 5)
        return "a notification lost its bits";
    return NULL;
}

/* The deadline watcher: one thread at priority 0 for the whole run (a thread per seed would
 * be freed only once it ran again, after the seed's frame count was taken). It runs only when
 * init and the worker are blocked or idle, which is exactly when a hang shows; init, at a
 * higher priority, changes the fields only while it does not wait, so no lock is needed. */
typedef struct deadline {
    fl_handle_t ntf, space;
    uint64_t at;
    volatile int armed;
} deadline_t;

static deadline_t deadline;
static fl_thread_t deadline_thread;
static int have_deadline_thread;

static void deadline_fn(void *arg)
{
    deadline_t *d = arg;
    for (;;) {
        if (d->armed) {
            /* The worker may replace the driver's watch with its own (SPACE_WATCH keeps one),
             * so the space's status is checked here too. */
            if (fl_space_status(d->space, NULL) == 1) {
                d->armed = 0;
                fl_signal(d->ntf, 1);
            } else if (ticks() >= d->at) {
                d->armed = 0;
                fl_signal(d->ntf, 2);
            }
        }
        fl_yield();
    }
}

typedef struct outcome {
    const char *fail; /* NULL: the seed passed */
    char why[160];
    uint64_t calls;
    int early;     /* the worker's process ended before it was done */
    long orphaned; /* frames the seed's pool held after teardown: orphans POOL_REVOKE ended */
} outcome_t;

static void run_seed(uint64_t seed, uint64_t calls, unsigned avoid, int verbose, outcome_t *o)
{
    char args[96];
    const char *err = NULL;
    fl_proc_t p = {0};
    long r;

    memset(o, 0, sizeof(*o));
    memset(&shared, 0, sizeof(shared));
    shared.magic = FZ_MAGIC;
    shared.seed = seed;
    long before = fl_frames_free();
    long pool = fl_pool_create(fl_pool(), SEED_QUOTA);
    if (pool < 0) {
        snprintf(o->why, sizeof(o->why), "cannot create the seed's pool: %s", fl_strerror(pool));
        o->fail = o->why;
        return;
    }
    snprintf(args, sizeof(args), "fuzz %llx %llx %x %d", (unsigned long long)seed,
             (unsigned long long)calls, avoid, verbose);
    fl_handle_t initrd = fl_bootinfo ? fl_bootinfo->initrd : 0;
    fl_spawn_args_t a = {
        .args = args,
        .pool = (fl_handle_t)pool,
        .priority = FZ_PRIO,
        .give_pool = (fl_handle_t)pool,
        .give_pool_rights = FL_RIGHTS_ALL,
        .nhandles = initrd ? 1 : 0,
        .handles = {initrd},
        .rights = {FL_RIGHT_READ | FL_RIGHT_MAP | FL_RIGHT_GRANT},
    };
    long watch = fl_notification_create();
    r = watch < 0 ? watch : fl_spawn_initrd(&a, &p, &err);
    if (r < 0) {
        snprintf(o->why, sizeof(o->why), "cannot spawn the worker: %s (%s)", fl_strerror(r),
                 err ? err : "");
        o->fail = o->why;
        goto out;
    }
    r = fl_vm_map(p.space, FZ_SHARED_VA, (uint64_t)(uintptr_t)&shared, 1,
                  FL_PROT_READ | FL_PROT_WRITE);
    if (r == 0)
        r = fl_space_watch(p.space, (fl_handle_t)watch, 1);
    if (r < 0) {
        snprintf(o->why, sizeof(o->why), "cannot set the worker up: %s", fl_strerror(r));
        o->fail = o->why;
        goto out;
    }

    /* Wait for the worker's process to end (bit 1), with a deadline (bit 2): the kernel has no
     * timeouts, so a thread at priority 0 watches the clock. It runs only when the worker is
     * blocked or idle, which is exactly when a hang shows. */
    deadline.ntf = (fl_handle_t)watch;
    deadline.space = p.space;
    deadline.at = ticks() + 3 * HZ + calls / 20;
    deadline.armed = 1;
    long bits = fl_wait((fl_handle_t)watch);
    deadline.armed = 0;
    int ended = bits > 0 && (bits & 1);
    o->calls = shared.calls;
    if (!ended) {
        snprintf(o->why, sizeof(o->why),
                 "hang: the worker's process did not end in %llu s "
                 "(done %llu, %llu calls)",
                 (unsigned long long)(3 + calls / 20 / HZ), (unsigned long long)shared.done,
                 (unsigned long long)shared.calls);
        o->fail = o->why;
    } else if (!shared.done) {
        o->early = 1;
    }

out:
    if (p.space)
        fl_proc_destroy(&p);
    if (watch > 0)
        fl_handle_close((fl_handle_t)watch);
    /* Without orphans (avoid bit 0) everything charged to the seed's pool must come back once
     * its process is gone, by teardown alone. With them, processes may live on unreachable;
     * either way revoking the pool must then get every frame back. */
    long orphaned = fl_pool_info((fl_handle_t)pool, NULL);
    for (int i = 0; i < 400 && orphaned != 0 && (avoid & FZ_AVOID_ORPHANS); i++) {
        fl_yield();
        orphaned = fl_pool_info((fl_handle_t)pool, NULL);
    }
    o->orphaned = orphaned > 0 ? orphaned : 0;
    long used = fl_pool_revoke((fl_handle_t)pool);
    long left = fl_pool_info((fl_handle_t)pool, NULL);
    for (int i = 0; i < 400 && used > 0 && left != 0; i++) { /* another CPU still leaving */
        fl_yield();                                          /* a revoked thread (smp) */
        left = fl_pool_info((fl_handle_t)pool, NULL);
    }
    fl_handle_close((fl_handle_t)pool);
    long after = settle_frames(before);
    if (!o->fail && orphaned != 0 && (avoid & FZ_AVOID_ORPHANS)) {
        snprintf(o->why, sizeof(o->why),
                 "leak: %ld frames still charged to the seed's pool "
                 "after teardown (free frames %ld before)",
                 orphaned, before);
        o->fail = o->why;
    } else if (!o->fail && (used < 0 || left != 0)) {
        snprintf(o->why, sizeof(o->why),
                 "leak: POOL_REVOKE of the seed's pool returned %ld, %ld frames still charged "
                 "(free frames %ld before, %ld after)",
                 used, left, before, after);
        o->fail = o->why;
    } else if (!o->fail && after != before) {
        snprintf(o->why, sizeof(o->why),
                 "leak: free frames %ld before the seed, %ld after "
                 "(%+ld)",
                 before, after, after - before);
        o->fail = o->why;
    }
    if (!o->fail && shared.oracle[0]) {
        snprintf(o->why, sizeof(o->why), "oracle after call %llu: %s",
                 (unsigned long long)shared.oracle_call, shared.oracle);
        o->fail = o->why;
    }
    const char *dead = alive();
    if (!o->fail && dead) {
        snprintf(o->why, sizeof(o->why), "kernel: %s", dead);
        o->fail = o->why;
    }
}

/* "START,COUNT,CALLS[,AVOID[,v]]" */
int fuzz_run(const char *spec)
{
    char copy[128], *f[5] = {0};
    unsigned nf = 0;
    strncpy(copy, spec, sizeof(copy) - 1);
    copy[sizeof(copy) - 1] = '\0';
    for (char *s = copy; s && nf < 5;) {
        f[nf++] = s;
        s = strchr(s, ',');
        if (s)
            *s++ = '\0';
    }
    uint64_t start = nf > 0 ? strtoull(f[0], NULL, 0) : 0;
    uint64_t count = nf > 1 ? strtoull(f[1], NULL, 0) : 100;
    uint64_t calls = nf > 2 ? strtoull(f[2], NULL, 0) : 200;
    unsigned avoid = 0;
    if (nf > 3)
        avoid = strcmp(f[3], "known") == 0 ? FZ_AVOID_ALL_KNOWN : (unsigned)strtoul(f[3], NULL, 16);
    int verbose = nf > 4 && strchr(f[4], 'v');
    const char *tl = nf > 4 ? strchr(f[4], 't') : NULL;
    uint64_t limit = tl ? strtoull(tl + 1, NULL, 10) * HZ : 0; /* 0: no time limit */

    printf("FUZZ START: seeds %llu..%llu, %llu calls each, avoid %#x\n", (unsigned long long)start,
           (unsigned long long)(start + count - 1), (unsigned long long)calls, avoid);
    if (!have_deadline_thread) {
        if (fl_thread_spawn(&deadline_thread, deadline_fn, &deadline, 0) < 0) {
            printf("FUZZ FAIL: cannot start the deadline thread\n");
            return 1;
        }
        have_deadline_thread = 1;
    }
    /* One seed of no calls first: the runtime keeps the page tables of its thread area and
     * spawn window after first use, which the leak check of the first seed would count. */
    outcome_t warm;
    run_seed(start, 0, avoid, 0, &warm);
    uint64_t t0 = ticks(), last = t0, total = 0, early = 0, failures = 0, done = 0, orphans = 0;
    for (uint64_t seed = start; seed < start + count && failures < MAX_FAILURES; seed++) {
        if (limit && ticks() - t0 >= limit)
            break;
        outcome_t o;
        /* One short line per seed, so a kernel panic names the seed that caused it. */
        printf("fz seed %llu\n", (unsigned long long)seed);
        run_seed(seed, calls, avoid, verbose, &o);
        total += o.calls;
        early += o.early;
        orphans += o.orphaned != 0;
        done++;
        if (o.early && early <= 3)
            printf("fuzz: seed %llu: the worker ended early, after %llu calls (where %llu)\n",
                   (unsigned long long)seed, (unsigned long long)o.calls,
                   (unsigned long long)shared.where);
        if (o.fail) {
            failures++;
            printf("FUZZ FAIL seed %llu: %s\n", (unsigned long long)seed, o.fail);
            print_calls();
            printf("fuzz: replay with fl.fuzz=%llu,1,%llu,%x,v\n", (unsigned long long)seed,
                   (unsigned long long)calls, avoid);
        }
        uint64_t now = ticks();
        if (now - last >= 2 * HZ) {
            uint64_t el = now - t0 ? now - t0 : 1;
            printf("fuzz: %llu seeds (last %llu), %llu calls, %llu calls/s, %llu early ends\n",
                   (unsigned long long)done, (unsigned long long)seed, (unsigned long long)total,
                   (unsigned long long)(total * HZ / el), (unsigned long long)early);
            last = now;
        }
    }
    uint64_t el = ticks() - t0 ? ticks() - t0 : 1;
    printf("FUZZ DONE: %llu seeds, %llu calls in %llu.%02llu s, %llu calls/s, %llu early ends, "
           "%llu failures\n",
           (unsigned long long)done, (unsigned long long)total, (unsigned long long)(el / HZ),
           (unsigned long long)(el % HZ), (unsigned long long)(total * HZ / el),
           (unsigned long long)early, (unsigned long long)failures);
    printf("fuzz: %llu seeds left orphans (processes alive but unreachable), reclaimed by "
           "POOL_REVOKE\n",
           (unsigned long long)orphans);
    return (int)failures;
}
