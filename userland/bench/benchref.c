/*
 * benchref: the fault rows of the reference pager (bench_ref.c, docs/benchmarks.md). Runs as a
 * client of userland/pager, the server users run, so each figure includes everything that
 * pager does for a fault: the badge lookup, libpager's region and page lookups, its frame
 * records, the backend's frame stock and the one FL_FAULT_REPLY_MAP.
 *
 *   benchref one   ITERS BATCHES FILE   on `pager -a 0`: one fault per page
 *   benchref ahead ITERS BATCHES FILE   on `pager`: the default policy (map-ahead, read-ahead)
 *   benchref scale ITERS BATCHES MAXEXP on `pager -a 0`: the scaling rows (bench.h,
 *                                        scale_sizes): scale_regions_N, scale_resident_N,
 *                                        scale_clients_N (anonymous write faults) and
 *                                        scale_fork_N (instructions per fork)
 *
 * A row is a warm-up batch and BATCHES measured ones; a batch touches ITERS pages of a fresh
 * mapping once each (one byte), counted with the instruction counter around the whole loop,
 * as the minimal-pager rows (bench_fault.c); the mapping is made before and removed after,
 * outside the count. The pager's fault counters (vm_stats), read outside the count too, check
 * that every page faulted exactly once where the row says one fault per page. Prints
 *
 *   BENCH <row> <median> <min> <max> <samples>
 *   BENCH_INFO <row> faults F pages P        faults the pager saw in the last batch
 *
 * and exits 0, or 1 when a row failed (BENCH_FAIL printed).
 */
#include <fl/fork.h>
#include <fl/pager_proto.h>
#include <fl/syscall.h>
#include <fl/vm.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define PAGE              FL_PAGE_SIZE
#define MAX_BATCHES       33
#define REF_VA            0x5000000000UL /* the faulting mappings (FIXED) */
#define REF_STACK_TOP     0x9000000000UL /* above the real stack, so the SP check allows growth */
#define RANDOM_STRIDE     97u            /* pages between two touches of the random row */
#define SCALE_REGION_VA   0x6000000000UL /* the extra regions: one page each, a page apart */
#define SCALE_RESIDENT_VA 0xa000000000UL /* the resident pages; the fork rows' parent pages */
#define FORK_REPEATS      5u             /* forks timed per parent size */

static unsigned iters, batches, failures;

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *name, uint64_t *s, unsigned n)
{
    qsort(s, n, sizeof(*s), cmp_u64);
    printf("BENCH %s %llu %llu %llu %u\n", name, (unsigned long long)s[(n - 1) / 2],
           (unsigned long long)s[0], (unsigned long long)s[n - 1], n);
}

static void fail(const char *name, const char *what, long err)
{
    printf("BENCH_FAIL %s %s: %s\n", name, what, fl_strerror(err));
    failures++;
}

static uint64_t per_op(uint64_t delta, uint64_t ops)
{
    return (delta + ops / 2) / ops;
}

static uint64_t faults_of(const vm_stats_t *s)
{
    return s->minor + s->major;
}

/* --- the touch loops: only the loop runs between the counter reads ------------------------- */

static void touch_write(volatile uint8_t *p, unsigned pages)
{
    for (unsigned i = 0; i < pages; i++)
        p[(size_t)i * PAGE] = 1;
}

static void touch_read(volatile uint8_t *p, unsigned pages)
{
    for (unsigned i = 0; i < pages; i++)
        (void)p[(size_t)i * PAGE];
}

/* Every page once (RANDOM_STRIDE is prime, pages is not a multiple of it), RANDOM_STRIDE pages
 * apart mod pages: no two neighbours in a row, so no sequential run to detect. */
static void touch_strided(volatile uint8_t *p, unsigned pages)
{
    unsigned at = 0;
    for (unsigned i = 0; i < pages; i++) {
        p[(size_t)at * PAGE] = 1;
        at = (at + RANDOM_STRIDE) % pages;
    }
}

/* Downwards from the page below the committed one: each touch grows the stack by a page. */
static void touch_down(volatile uint8_t *top, unsigned pages)
{
    for (unsigned i = 2; i < pages + 2; i++)
        top[-(long)(i * PAGE)] = 1;
}

/* --- rows ---------------------------------------------------------------------------------- */

enum kind { ANON_WRITE, ANON_READ, ANON_STRIDED, FILE_READ, STACK_GROW };

typedef struct row {
    const char *name;
    enum kind kind;
    bool one_fault_per_page; /* checked with the pager's counters */
} row_t;

static uint64_t file_id;
static unsigned file_pages;

/* The mapping a batch faults in; its address, or 0 with the error printed. */
static long setup(const row_t *row, unsigned pages)
{
    void *at;
    long r;
    switch (row->kind) {
    case FILE_READ:
        r = vm_map_file((void *)REF_VA, (size_t)pages * PAGE, VM_READ, VM_FIXED, file_id, &at);
        break;
    case STACK_GROW:
        /* One committed page, room for the batch, no guard: the batch grows it page by page. */
        r = fl_pager_request(fl_pager(), PAGER_REQ_STACK, REF_STACK_TOP, PAGE,
                             (uint64_t)(pages + 1) * PAGE, 0);
        break;
    default:
        r = vm_map((void *)REF_VA, (size_t)pages * PAGE, VM_READ | VM_WRITE, VM_FIXED, &at);
        break;
    }
    return r;
}

static long teardown(const row_t *row, unsigned pages)
{
    if (row->kind == STACK_GROW)
        return vm_unmap((void *)(REF_STACK_TOP - (uint64_t)(pages + 1) * PAGE),
                        (size_t)(pages + 1) * PAGE);
    return vm_unmap((void *)REF_VA, (size_t)pages * PAGE);
}

static void run_row(const row_t *row)
{
    uint64_t s[MAX_BATCHES], faults = 0;
    unsigned pages = row->kind == FILE_READ && file_pages < iters ? file_pages : iters;
    long r = 0;
    if (row->kind == FILE_READ && pages == 0)
        return fail(row->name, "no benchmark file", FL_ENOENT);
    for (unsigned b = 0; b <= batches && r >= 0; b++) {
        vm_stats_t s0, s1;
        if ((r = setup(row, pages)) < 0)
            break;
        vm_stats(&s0);
        uint64_t t0 = pmu_read();
        switch (row->kind) {
        case ANON_WRITE: touch_write((volatile uint8_t *)REF_VA, pages); break;
        case ANON_READ:
        case FILE_READ: touch_read((volatile uint8_t *)REF_VA, pages); break;
        case ANON_STRIDED: touch_strided((volatile uint8_t *)REF_VA, pages); break;
        case STACK_GROW: touch_down((volatile uint8_t *)REF_STACK_TOP, pages); break;
        }
        uint64_t t1 = pmu_read();
        vm_stats(&s1);
        faults = faults_of(&s1) - faults_of(&s0);
        if (row->one_fault_per_page && faults != pages)
            r = FL_EINVAL; /* a page faulted twice, or not at all */
        else if (b > 0)
            s[b - 1] = per_op(t1 - t0, pages);
        long t = teardown(row, pages);
        if (r >= 0)
            r = t;
    }
    if (r < 0) {
        printf("BENCH_INFO %s faults %llu pages %u\n", row->name, (unsigned long long)faults,
               pages);
        return fail(row->name, "batch", r);
    }
    report(row->name, s, batches);
    printf("BENCH_INFO %s faults %llu pages %u\n", row->name, (unsigned long long)faults, pages);
}

/* Copy-on-write after fork: the parent writes every page, forks; the child writes every page
 * once (each a copy of a frame both hold) and exits with its count per fault. */
static void run_cow(const char *name)
{
    uint64_t s[MAX_BATCHES];
    long r = 0;
    for (unsigned b = 0; b <= batches && r >= 0; b++) {
        void *at;
        fl_child_t child;
        long status = -2;
        if ((r = vm_map((void *)REF_VA, (size_t)iters * PAGE, VM_READ | VM_WRITE, VM_FIXED, &at)) <
            0)
            break;
        touch_write((volatile uint8_t *)REF_VA, iters);
        r = fl_fork(&child);
        if (r == 0) {
            vm_stats_t s0, s1;
            vm_stats(&s0);
            uint64_t t0 = pmu_read();
            touch_write((volatile uint8_t *)REF_VA, iters);
            uint64_t t1 = pmu_read();
            vm_stats(&s1);
            exit(s1.cow_copies - s0.cow_copies == iters ? (int)per_op(t1 - t0, iters) : -3);
        }
        if (r > 0 && (r = fl_child_wait(&child, &status)) >= 0 && status <= 0)
            r = FL_EINVAL;
        if (r >= 0 && b > 0)
            s[b - 1] = (uint64_t)status;
        long t = vm_unmap((void *)REF_VA, (size_t)iters * PAGE);
        if (r >= 0)
            r = t;
    }
    if (r < 0)
        return fail(name, "batch", r);
    report(name, s, batches);
}

/* --- scaling (issue 13 item 5) ---------------------------------------------------------- */

static void row_named(const char *prefix, unsigned long n)
{
    char name[48];
    snprintf(name, sizeof(name), "%s_%lu", prefix, n);
    row_t row = {name, ANON_WRITE, true};
    run_row(&row);
}

/* N regions in the space besides the program's own: one page each, a page apart, so none
 * merges with its neighbour. */
static void scale_regions(unsigned max_exp)
{
    unsigned long sizes[SCALE_MAX_SIZES], have = 0;
    unsigned n = scale_sizes(SCALE_REGIONS, max_exp, sizes);
    for (unsigned i = 0; i < n; i++) {
        for (; have + 1 < sizes[i]; have++) {
            void *at;
            long r = vm_map((void *)(SCALE_REGION_VA + 2 * have * PAGE), PAGE, VM_READ | VM_WRITE,
                            VM_FIXED, &at);
            if (r < 0)
                return fail("scale_regions", "vm_map", r);
        }
        row_named("scale_regions", sizes[i]);
    }
    vm_unmap((void *)SCALE_REGION_VA, 2 * have * PAGE);
}

/* N pages mapped in the space (read once: the shared zero page, so the page tables of the
 * kernel and of libpager grow, not the RAM used). */
static void scale_resident(unsigned max_exp)
{
    unsigned long sizes[SCALE_MAX_SIZES], have = 0;
    unsigned n = scale_sizes(SCALE_RESIDENT, max_exp, sizes);
    if (n == 0)
        return;
    size_t len = (size_t)sizes[n - 1] * PAGE;
    void *at;
    long r = vm_map((void *)SCALE_RESIDENT_VA, len, VM_READ | VM_WRITE, VM_FIXED, &at);
    if (r < 0)
        return fail("scale_resident", "vm_map", r);
    for (unsigned i = 0; i < n; i++) {
        for (; have < sizes[i]; have++)
            (void)*(volatile uint8_t *)(SCALE_RESIDENT_VA + have * PAGE);
        row_named("scale_resident", sizes[i]);
    }
    vm_unmap((void *)SCALE_RESIDENT_VA, len);
}

/* N processes on the pager: this one and N - 1 forked children that wait for ever. */
static void scale_clients(unsigned max_exp)
{
    static fl_child_t kids[64];
    unsigned long sizes[SCALE_MAX_SIZES], have = 1;
    unsigned n = scale_sizes(SCALE_CLIENTS, max_exp, sizes);
    long r = 0;
    for (unsigned i = 0; i < n && r >= 0; i++) {
        for (; have < sizes[i] && r >= 0; have++) {
            r = fl_fork(&kids[have]);
            if (r == 0) {
                long ntf = fl_notification_create();
                for (;;)
                    fl_wait(ntf > 0 ? (fl_handle_t)ntf : FL_HANDLE_INVALID);
            }
        }
        if (r < 0)
            fail("scale_clients", "fork", r);
        else
            row_named("scale_clients", sizes[i]);
    }
    for (unsigned long k = 1; k < have; k++) {
        long status;
        if (!kids[k].space)
            continue;
        fl_space_destroy(kids[k].space);
        fl_child_wait(&kids[k], &status);
    }
}

/* Instructions of one fork (the call in the parent, until it returns) against the number of
 * pages the parent wrote, besides the program's own. */
static void scale_fork(unsigned max_exp)
{
    unsigned long sizes[SCALE_MAX_SIZES];
    unsigned n = scale_sizes(SCALE_FORK, max_exp, sizes);
    char name[48];
    for (unsigned i = 0; i < n; i++) {
        uint64_t s[FORK_REPEATS];
        void *at;
        size_t len = (size_t)sizes[i] * PAGE;
        long r = vm_map((void *)SCALE_RESIDENT_VA, len, VM_READ | VM_WRITE, VM_FIXED, &at);
        snprintf(name, sizeof(name), "scale_fork_%lu", sizes[i]);
        if (r < 0)
            return fail(name, "vm_map", r);
        for (unsigned k = 0; k < FORK_REPEATS && r >= 0; k++) {
            fl_child_t child;
            long status;
            /* writable again (the last fork left them read-only): each fork write-protects */
            touch_write((volatile uint8_t *)SCALE_RESIDENT_VA, (unsigned)sizes[i]);
            uint64_t t0 = pmu_read();
            r = fl_fork(&child);
            uint64_t t1 = pmu_read();
            if (r == 0)
                exit(0);
            if (r > 0 && (r = fl_child_wait(&child, &status)) >= 0)
                s[k] = t1 - t0;
        }
        vm_unmap((void *)SCALE_RESIDENT_VA, len);
        if (r < 0)
            return fail(name, "fork", r);
        report(name, s, FORK_REPEATS);
    }
}

static const row_t one_rows[] = {
    {"ref_anon_write_fault", ANON_WRITE, true},
    {"ref_anon_read_fault_zeropage", ANON_READ, true},
    {"ref_file_private_read_nofa", FILE_READ, true},
    {"ref_stack_grow_fault", STACK_GROW, true},
};

static const row_t ahead_rows[] = {
    {"ref_anon_write_fault_ahead", ANON_WRITE, false},
    {"ref_anon_write_fault_strided", ANON_STRIDED, false},
    {"ref_file_private_read", FILE_READ, false},
};

int main(int argc, char **argv)
{
    if (argc < 5) {
        printf("usage: benchref one|ahead ITERS BATCHES FILE | scale ITERS BATCHES MAXEXP\n");
        return 1;
    }
    bool one = strcmp(argv[1], "one") == 0;
    iters = (unsigned)strtoul(argv[2], NULL, 0);
    batches = (unsigned)strtoul(argv[3], NULL, 0);
    if (iters == 0 || iters > BENCH_MAX_PAGES || batches == 0 || batches > MAX_BATCHES)
        return 1;
    if (strcmp(argv[1], "scale") == 0) {
        unsigned max_exp = (unsigned)strtoul(argv[4], NULL, 0);
        scale_regions(max_exp);
        scale_resident(max_exp);
        scale_clients(max_exp);
        scale_fork(max_exp);
        return failures ? 1 : 0;
    }
    uint64_t size = 0;
    long id = vm_file_open(argv[4], &size);
    if (id >= 0) {
        file_id = (uint64_t)id;
        file_pages = (unsigned)(size / PAGE);
    }
    const row_t *rows = one ? one_rows : ahead_rows;
    unsigned n =
        one ? sizeof(one_rows) / sizeof(one_rows[0]) : sizeof(ahead_rows) / sizeof(ahead_rows[0]);
    for (unsigned i = 0; i < n; i++) {
        if (rows[i].kind == FILE_READ && id < 0) {
            fail(rows[i].name, "open the benchmark file", id);
            continue;
        }
        run_row(&rows[i]);
        if (one && i == 1)
            run_cow("ref_cow_fault_child");
    }
    return failures ? 1 : 0;
}
