/*
 * The program the pager tests and the demo run on the reference pager. Each mode checks what it
 * can see itself and exits 0, or a non-zero code naming the first failed check (printed too);
 * the modes that end in a bad access never exit: the pager stops them.
 *
 *   pgtest touch N      N fresh pages read as zeros, then hold their own writes
 *   pgtest fork N       N written pages shared with a forked child until either side writes;
 *                       the child's writes copy, the parent's later writes do not
 *   pgtest recurse KB   recursion using about KB KiB of stack: the stack grows on fault
 *   pgtest overflow     unbounded recursion: runs into the stack's guard gap
 *   pgtest wild         a write through a wild pointer (PGTEST_WILD_ADDR)
 *   pgtest hog          touches heap pages until the pager's memory runs out
 *   pgtest spin N       touches a page N times, yielding in between
 *   pgtest dirty N      N fresh pages, each written first (no zero page): the rest of each
 *                       page reads as zeros; then fills them all with 0xa5 and ends, so the
 *                       pager's next client gets frames that held data (the pager reuses them)
 *   pgtest smp-...      several CPUs at once (pgtest_smp.c)
 */
#include <fl/fork.h>
#include <fl/syscall.h>
#include <fl/vm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgtest.h"

#define PAGE FL_PAGE_SIZE

#define FAIL(code, ...)                                                                            \
    do {                                                                                           \
        printf("pgtest: " __VA_ARGS__);                                                            \
        printf("\n");                                                                              \
        return code;                                                                               \
    } while (0)

static int touch(unsigned n)
{
    volatile uint8_t *p;
    vm_stats_t s0, s1;
    if (vm_map(NULL, (size_t)n * PAGE, VM_READ | VM_WRITE, 0, (void **)&p) < 0)
        FAIL(2, "vm_map of %u pages failed", n);
    vm_stats(&s0);
    for (unsigned i = 0; i < n; i++)
        for (unsigned j = 0; j < PAGE; j += 512)
            if (p[i * PAGE + j] != 0)
                FAIL(3, "page %u byte %u is not zero", i, j);
    for (unsigned i = 0; i < n; i++)
        memset((void *)(p + i * PAGE), (int)(i + 1), PAGE);
    for (unsigned i = 0; i < n; i++)
        if (p[i * PAGE] != (uint8_t)(i + 1) || p[i * PAGE + PAGE - 1] != (uint8_t)(i + 1))
            FAIL(4, "page %u lost its write", i);
    vm_stats(&s1);
    if (s1.zero_pages - s0.zero_pages < n || s1.zero_fills - s0.zero_fills < n)
        FAIL(5, "expected %u zero-page reads and zero fills, saw %llu and %llu", n,
             (unsigned long long)(s1.zero_pages - s0.zero_pages),
             (unsigned long long)(s1.zero_fills - s0.zero_fills));
    if (vm_unmap((void *)p, (size_t)n * PAGE) < 0)
        FAIL(6, "vm_unmap failed");
    printf("pgtest: touch %u: zeros, then own writes; %llu zero-page reads, %llu zero fills\n", n,
           (unsigned long long)(s1.zero_pages - s0.zero_pages),
           (unsigned long long)(s1.zero_fills - s0.zero_fills));
    return 0;
}

static int fork_child(volatile uint8_t *p, unsigned n)
{
    vm_stats_t s0, s1, s2;
    vm_stats(&s0);
    for (unsigned i = 0; i < n; i++)
        if (p[i * PAGE] != 0xa0 + i)
            FAIL(20, "child: page %u does not hold the parent's data", i);
    vm_stats(&s1);
    for (unsigned i = 0; i < n / 2; i++)
        p[i * PAGE] = 0xc0 + i;
    vm_stats(&s2);
    for (unsigned i = 0; i < n; i++)
        if (p[i * PAGE] != (i < n / 2 ? 0xc0 + i : 0xa0 + i))
            FAIL(21, "child: page %u has the wrong data", i);
    if (s1.cow_copies != s0.cow_copies || s1.minor != s0.minor)
        FAIL(22, "child: reading shared pages faulted or copied");
    if (s2.cow_copies - s1.cow_copies != n / 2)
        FAIL(23, "child: %u writes to shared pages made %llu copies", n / 2,
             (unsigned long long)(s2.cow_copies - s1.cow_copies));
    printf("pgtest: child: read %u shared pages without faults, %u writes made %u copies\n", n,
           n / 2, n / 2);
    return 0;
}

static int do_fork(unsigned n)
{
    volatile uint8_t *p;
    vm_stats_t s0, s1;
    fl_child_t child;
    long status = -2;
    if (vm_map(NULL, (size_t)n * PAGE, VM_READ | VM_WRITE, 0, (void **)&p) < 0)
        FAIL(10, "vm_map failed");
    for (unsigned i = 0; i < n; i++)
        p[i * PAGE] = 0xa0 + i;
    long r = fl_fork(&child);
    if (r < 0)
        FAIL(11, "fork failed: %s", fl_strerror(r));
    if (r == 0)
        exit(fork_child(p, n));
    if (fl_child_wait(&child, &status) < 0 || status != 0)
        FAIL(12, "the child ended with status %ld", status);
    for (unsigned i = 0; i < n; i++)
        if (p[i * PAGE] != 0xa0 + i)
            FAIL(13, "parent: page %u sees the child's write", i);
    vm_stats(&s0);
    for (unsigned i = 0; i < n; i++)
        p[i * PAGE] = 0xe0 + i;
    vm_stats(&s1);
    if (s1.cow_copies != s0.cow_copies || s1.cow_upgrades - s0.cow_upgrades < n)
        FAIL(14, "parent: last-reference writes made %llu copies, %llu upgrades",
             (unsigned long long)(s1.cow_copies - s0.cow_copies),
             (unsigned long long)(s1.cow_upgrades - s0.cow_upgrades));
    printf("pgtest: parent: child exited 0; its %u writes stayed its own; my %u writes to "
           "pages I now hold alone copied nothing (%llu upgrades)\n",
           n / 2, n, (unsigned long long)(s1.cow_upgrades - s0.cow_upgrades));
    return 0;
}

static unsigned __attribute__((noinline)) recurse(unsigned kb)
{
    volatile uint8_t frame[1000];
    frame[0] = (uint8_t)kb;
    frame[sizeof(frame) - 1] = 1;
    if (kb == 0)
        return frame[0];
    return recurse(kb - 1) + frame[sizeof(frame) - 1];
}

static int do_recurse(unsigned kb)
{
    vm_stats_t s0, s1;
    vm_stats(&s0);
    unsigned r = recurse(kb);
    vm_stats(&s1);
    if (r != kb)
        FAIL(30, "recursion returned %u, expected %u", r, kb);
    if (s1.stack_grows - s0.stack_grows == 0)
        FAIL(31, "the stack never grew");
    printf("pgtest: recursion %u KiB deep: the stack grew %llu times\n", kb,
           (unsigned long long)(s1.stack_grows - s0.stack_grows));
    return 0;
}

static void wild(void)
{
    volatile uint32_t *p = (volatile uint32_t *)PGTEST_WILD_ADDR;
    *p = 0xbad;
}

static int spin(unsigned n)
{
    volatile uint64_t *p = malloc(PAGE);
    if (!p)
        FAIL(40, "malloc failed");
    for (unsigned i = 0; i < n; i++) {
        p[i % 512] += i;
        fl_yield();
    }
    free((void *)p);
    return 0;
}

/* Write first: a page the pager filled from a frame it reused must still read as zeros. */
static int dirty(unsigned n)
{
    volatile uint8_t *p;
    vm_stats_t s0, s1;
    if (vm_map(NULL, (size_t)n * PAGE, VM_READ | VM_WRITE, 0, (void **)&p) < 0)
        FAIL(60, "vm_map of %u pages failed", n);
    vm_stats(&s0);
    for (unsigned i = 0; i < n; i++) {
        p[i * PAGE] = 0x11; /* the first touch is a write */
        for (unsigned j = 8; j < PAGE; j += 8)
            if (*(volatile uint64_t *)(p + i * PAGE + j) != 0)
                FAIL(61, "page %u: byte %u holds %#llx, not zero", i, j,
                     (unsigned long long)*(volatile uint64_t *)(p + i * PAGE + j));
    }
    vm_stats(&s1);
    memset((void *)p, 0xa5, (size_t)n * PAGE);
    printf("pgtest: dirty %u: first writes saw zero pages (%llu zero fills), now all 0xa5\n", n,
           (unsigned long long)(s1.zero_fills - s0.zero_fills));
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        FAIL(1, "usage: pgtest touch|fork|recurse|overflow|wild|hog|spin|dirty [n]");
    unsigned n = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 0) : 8;
    const char *mode = argv[1];
    if (strcmp(mode, "touch") == 0)
        return touch(n);
    if (strcmp(mode, "fork") == 0)
        return do_fork(n);
    if (strcmp(mode, "recurse") == 0)
        return do_recurse(n);
    if (strcmp(mode, "overflow") == 0) {
        printf("pgtest: recursing without end\n");
        return (int)recurse(~0u);
    }
    if (strcmp(mode, "wild") == 0) {
        printf("pgtest: writing through a wild pointer (%#lx)\n", (unsigned long)PGTEST_WILD_ADDR);
        wild();
        return 50;
    }
    if (strcmp(mode, "hog") == 0) {
        for (volatile uint8_t *p = malloc(PAGE);; p += PAGE)
            *p = 1; /* the heap region is 1 GiB: the pager's pool runs out first */
    }
    if (strcmp(mode, "spin") == 0)
        return spin(n);
    if (strcmp(mode, "dirty") == 0)
        return dirty(n);
    if (strncmp(mode, "smp-", 4) == 0)
        return pgtest_smp(mode, n);
    FAIL(1, "unknown mode %s", mode);
}
