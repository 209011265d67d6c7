/*
 * benchswap: the client of the swap_in row (bench_swap.c, docs/benchmarks.md). Runs on the
 * reference pager with swap and a frame limit L (`pager -s -l L`):
 *
 *   benchswap PAGES PASSES
 *
 * writes one word to each of PAGES (= 4L) fresh pages, then reads them in PASSES sequential
 * passes. With the pager's clock and four times more pages than frames, every read is of a
 * page that was swapped out. Each read is timed alone with the instruction counter (isb; mrs
 * right before and right after the faulting load, all in registers), and the pager's major-fault
 * count is read (outside the count) before and after it: a sample is kept only when that read
 * was exactly one major fault. The first pass is a warm-up (it also writes the dirty pages of
 * the fill out); the others are measured. Prints
 *
 *   BENCH swap_in <median> <min> <max> <samples>
 *   BENCH_INFO swap_in pages P passes N reads R major M kept K
 *
 * and exits 0; 2 when it cannot map, 3 on a wrong value, 4 when no read was a major fault.
 */
#include <fl/vm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE FL_PAGE_SIZE

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static uint64_t pattern(unsigned page)
{
    return 0x5a5a000000000000ULL ^ (uint64_t)page * 0x9e3779b97f4a7c15ULL;
}

/* One load with the counter read right before and right after it (ISB: every earlier
 * instruction has retired). Nothing between the reads touches memory but the load. */
static inline uint64_t timed_load(const volatile uint64_t *p, uint64_t *val)
{
    uint64_t t0, t1, v;
    __asm__ volatile("isb\n\t"
                     "mrs %0, pmevcntr0_el0\n\t"
                     "ldr %2, [%3]\n\t"
                     "isb\n\t"
                     "mrs %1, pmevcntr0_el0"
                     : "=&r"(t0), "=&r"(t1), "=&r"(v)
                     : "r"(p)
                     : "memory");
    *val = v;
    return t1 - t0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        printf("usage: benchswap PAGES PASSES\n");
        return 1;
    }
    unsigned pages = (unsigned)strtoul(argv[1], NULL, 0);
    unsigned passes = (unsigned)strtoul(argv[2], NULL, 0);
    if (pages == 0 || passes < 2)
        return 1;
    uint8_t *base;
    uint64_t *samples = calloc((size_t)pages * (passes - 1), sizeof(*samples));
    if (!samples || vm_map(NULL, (size_t)pages * PAGE, VM_READ | VM_WRITE, 0, (void **)&base) < 0) {
        printf("benchswap: cannot map %u pages\n", pages);
        return 2;
    }
    for (unsigned i = 0; i < pages; i++)
        *(volatile uint64_t *)(base + (size_t)i * PAGE) = pattern(i);
    unsigned long reads = 0, kept = 0, bad = 0;
    uint64_t major = 0;
    for (unsigned pass = 0; pass < passes; pass++) {
        for (unsigned i = 0; i < pages; i++) {
            vm_stats_t s0, s1;
            uint64_t v;
            vm_stats(&s0);
            uint64_t d = timed_load((const volatile uint64_t *)(base + (size_t)i * PAGE), &v);
            vm_stats(&s1);
            bad += v != pattern(i);
            if (pass == 0)
                continue;
            reads++;
            major += s1.major - s0.major;
            if (s1.major - s0.major == 1)
                samples[kept++] = d;
        }
    }
    printf("BENCH_INFO swap_in pages %u passes %u reads %lu major %llu kept %lu\n", pages,
           passes - 1, reads, (unsigned long long)major, kept);
    if (bad) {
        printf("benchswap: %lu reads returned a wrong value\n", bad);
        return 3;
    }
    if (kept == 0)
        return 4;
    qsort(samples, kept, sizeof(*samples), cmp_u64);
    printf("BENCH swap_in %llu %llu %llu %lu\n", (unsigned long long)samples[(kept - 1) / 2],
           (unsigned long long)samples[0], (unsigned long long)samples[kept - 1], kept);
    vm_unmap(base, (size_t)pages * PAGE);
    free(samples);
    return 0;
}
