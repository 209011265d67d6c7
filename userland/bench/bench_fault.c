/*
 * Memory rows: FL_SYS_VM_MAP / FL_SYS_VM_UNMAP of one page, and every fault class, resolved by
 * benchsrv (another address space) on the raw fault protocol.
 *
 * A fault batch touches B.iters consecutive pages of BENCH_CLIENT_VA once each (one byte, read or
 * written, as Linux's touch loops do); then bench unmaps them and benchsrv takes its frames back
 * (BENCH_RESET), outside the count. The warm-up batch leaves the page tables in place, so later
 * batches measure faults, not page-table allocation.
 */
#include "bench_rows.h"
#include <faultline/fault.h>
#include <stdio.h>
#include <stdlib.h>

static long set_pager(fl_handle_t ep)
{
    return FL_SYSCALL3(FL_SYS_THREAD_SET_HANDLER, B.thread, FL_HANDLER_PAGER, ep);
}

/* --- map and unmap -------------------------------------------------------------------------- */

void bench_rows_vm(void)
{
    uint64_t smap[BENCH_MAX_BATCHES], sunmap[BENCH_MAX_BATCHES];
    const unsigned rw = FL_PROT_READ | FL_PROT_WRITE;
    long r = fl_vm_alloc(B.space, BENCH_SRCPAGE, 1, rw);
    if (r < 0)
        return bench_fail("vm_map_page", "source page", r);
    for (unsigned b = 0; b <= B.batches && r >= 0; b++) {
        uint64_t t0 = pmu_read();
        for (unsigned i = 0; i < B.iters && r >= 0; i++)
            r = fl_vm_map(B.space, BENCH_MAPTEST + i * FL_PAGE_SIZE, BENCH_SRCPAGE, 1, rw);
        uint64_t t1 = pmu_read();
        for (unsigned i = 0; i < B.iters && r >= 0; i++)
            r = fl_vm_unmap(B.space, BENCH_MAPTEST + i * FL_PAGE_SIZE, 1);
        uint64_t t2 = pmu_read();
        if (b > 0) {
            smap[b - 1] = bench_per_op(t1 - t0, B.iters);
            sunmap[b - 1] = bench_per_op(t2 - t1, B.iters);
        }
    }
    fl_vm_unmap(B.space, BENCH_SRCPAGE, 1);
    if (r < 0)
        return bench_fail("vm_map_page", "map/unmap", r);
    bench_report("vm_map_page", smap, B.batches);
    bench_report("vm_unmap_page", sunmap, B.batches);
}

/* --- faults --------------------------------------------------------------------------------- */

typedef struct fault_row {
    const char *name;
    enum bench_mode mode;
    int write;
    int legs; /* also measure one fault at a time, split into legs */
} fault_row_t;

static const fault_row_t rows[] = {
    {"fault_prepared", MODE_PREPARED, 1, 1},
    {"anon_read_fault_zeropage", MODE_ZEROPAGE, 0, 1},
    {"anon_write_fault", MODE_ANON_FRESH, 1, 1},
    {"anon_write_fault_cached", MODE_ANON_CACHED, 1, 1},
    {"cow_fault_child", MODE_COW_FRESH, 1, 1},
    {"cow_fault_cached", MODE_COW_CACHED, 1, 1},
    {"file_private_read_nofa", MODE_FILE, 0, 1},
    {"file_private_read", MODE_FILE_AHEAD, 0, 0},
};

static void touch(unsigned pages, int write)
{
    volatile uint8_t *p = (volatile uint8_t *)BENCH_CLIENT_VA;
    if (write) {
        for (unsigned i = 0; i < pages; i++)
            p[i * FL_PAGE_SIZE] = 1;
    } else {
        for (unsigned i = 0; i < pages; i++)
            (void)p[i * FL_PAGE_SIZE];
    }
}

/* One access with the counter read right before and right after it. */
static void touch_timed(uint64_t va, int write, uint64_t *before, uint64_t *after)
{
    uint64_t a, b, v = 1;
    if (write)
        __asm__ volatile("isb\n\tmrs %0, pmevcntr0_el0\n\tstrb %w2, [%3]\n\t"
                         "isb\n\tmrs %1, pmevcntr0_el0"
                         : "=&r"(b), "=&r"(a)
                         : "r"(v), "r"(va)
                         : "memory");
    else
        __asm__ volatile("isb\n\tmrs %0, pmevcntr0_el0\n\tldrb %w2, [%3]\n\t"
                         "isb\n\tmrs %1, pmevcntr0_el0"
                         : "=&r"(b), "=&r"(a), "+r"(v)
                         : "r"(va)
                         : "memory");
    *before = b;
    *after = a;
}

/* Before a batch: COW modes get their read-only shared pages mapped. After: unmap, reset. */
static long batch_begin(void)
{
    return bench_ctl(BENCH_ARM, 0, 0, 0);
}

static long batch_end(void)
{
    long r = fl_vm_unmap(B.space, BENCH_CLIENT_VA, B.iters);
    return r < 0 ? r : bench_ctl(BENCH_RESET, 0, 0, 0);
}

static void legs_pass(const fault_row_t *row)
{
    unsigned n = B.iters * B.batches;
    uint64_t *deliver = malloc(3 * n * sizeof(uint64_t)), *pager = deliver + n,
             *resume = deliver + 2 * n, t0, t3;
    char name[64];
    long r = deliver ? 0 : FL_ENOMEM;

    for (unsigned b = 0, k = 0; b < B.batches && r >= 0; b++) {
        if ((r = batch_begin()) < 0)
            break;
        for (unsigned i = 0; i < B.iters; i++, k++) {
            uint64_t faults = B.shared->faults;
            touch_timed(BENCH_CLIENT_VA + i * FL_PAGE_SIZE, row->write, &t0, &t3);
            if (B.shared->faults != faults + 1) {
                r = FL_EINVAL; /* not exactly one fault: the legs would be wrong */
                break;
            }
            deliver[k] = B.shared->t_recv - t0;
            pager[k] = B.shared->t_reply - B.shared->t_recv;
            resume[k] = t3 - B.shared->t_reply;
        }
        if (r >= 0)
            r = batch_end();
    }
    if (r < 0) {
        bench_fail(row->name, "legs", r);
    } else {
        snprintf(name, sizeof(name), "%s.deliver", row->name);
        bench_report(name, deliver, n);
        snprintf(name, sizeof(name), "%s.pager", row->name);
        bench_report(name, pager, n);
        snprintf(name, sizeof(name), "%s.resume", row->name);
        bench_report(name, resume, n);
    }
    free(deliver);
}

static void fault_row(const fault_row_t *row)
{
    uint64_t s[BENCH_MAX_BATCHES];
    long r = bench_ctl(BENCH_MODE, row->mode, BENCH_CLIENT_VA, B.iters);
    for (unsigned b = 0; b <= B.batches && r >= 0; b++) {
        if ((r = batch_begin()) < 0)
            break;
        uint64_t f0 = B.shared->faults, t0 = pmu_read();
        touch(B.iters, row->write);
        uint64_t t1 = pmu_read();
        uint64_t want = row->mode == MODE_FILE_AHEAD ? B.iters / BENCH_MAP_AHEAD : B.iters;
        if (B.shared->faults - f0 != want)
            r = FL_EINVAL; /* a page faulted twice, or not at all */
        else if (b > 0)
            s[b - 1] = bench_per_op(t1 - t0, B.iters);
        if (r >= 0)
            r = batch_end();
    }
    if (r < 0)
        return bench_fail(row->name, "batch", r);
    bench_report(row->name, s, B.batches);
    if (row->legs)
        legs_pass(row);
}

void bench_rows_fault(void)
{
    long r = set_pager(B.ep);
    if (r < 0)
        return bench_fail("fault", "set pager", r);
    for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        fault_row(&rows[i]);
    set_pager(FL_HANDLE_INVALID); /* from here on, a stray fault is the kernel's to report */
    bench_ctl(BENCH_MODE, MODE_NONE, BENCH_CLIENT_VA, 1);
}
