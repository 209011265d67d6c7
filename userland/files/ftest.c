/*
 * The program the file-mapping tests run on the reference pager (test_files.c). Each mode
 * checks what it sees and exits 0, or a non-zero code naming the first failed check (printed).
 *
 *   ftest map NAME HASH   maps NAME privately, read-only; its bytes must hash (FNV-1a 64) to
 *                         HASH (hex) and the tail of the last page must be zero
 *   ftest cow NAME HASH   two private mappings; writes to every page of the first copy it,
 *                         the second still hashes to HASH
 *   ftest ahead NAME      one read fault maps the first 16 pages (read-ahead): reading them
 *                         all takes no further fault
 *   ftest eof NAME        maps one page more than the file at FTEST_EOF_VA and reads that
 *                         page: a bus error, so it never exits
 *
 * Disk files (test_dfs.c): page i of a pattern SEED holds bytes (SEED + 13 i + j) & 0xff.
 *   ftest swrite NAME SEED PAGES  maps NAME shared and writable, writes the pattern into its
 *                                 first PAGES pages and syncs (all PAGES written back); then
 *                                 writes page 0 again: the page was write-protected by the
 *                                 sync, so the second sync writes exactly that page
 *   ftest pwrite NAME SEED PAGES  the same writes in a private mapping: sync writes nothing
 *   ftest check NAME SEED PAGES   maps NAME privately, read-only: the pattern must be there
 *   ftest evict NAME SEED PAGES   shared and writable, no sync until the end: writes every
 *                                 page, then checks them all twice; with a pager frame limit
 *                                 below PAGES / 2 the dirty pages are evicted (written back)
 *                                 and read back from the disk (major faults), and the final
 *                                 sync finds fewer than PAGES / 2 still dirty
 */
#include <fl/syscall.h>
#include <fl/vm.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftest.h"

#define PAGE FL_PAGE_SIZE

#define FAIL(code, ...)                                                                            \
    do {                                                                                           \
        printf("ftest: " __VA_ARGS__);                                                             \
        printf("\n");                                                                              \
        return code;                                                                               \
    } while (0)

static uint64_t pages_of(uint64_t size)
{
    return (size + PAGE - 1) / PAGE;
}

static int map_check(const char *name, uint64_t want)
{
    uint64_t size;
    long id = vm_file_open(name, &size);
    const volatile uint8_t *p;
    if (id < 0)
        FAIL(2, "cannot open %s: %s", name, fl_strerror(id));
    if (vm_map_file(NULL, 0, VM_READ, 0, (uint64_t)id, (void **)&p) < 0)
        FAIL(3, "cannot map %s", name);
    uint64_t h = ftest_hash((const void *)p, size);
    if (h != want)
        FAIL(4, "%s: mapping hashes to %#llx, the initrd copy to %#llx", name,
             (unsigned long long)h, (unsigned long long)want);
    for (uint64_t i = size; i < pages_of(size) * PAGE; i++)
        if (p[i] != 0)
            FAIL(5, "%s: byte %llu past the end is not zero", name, (unsigned long long)i);
    if (vm_unmap((void *)p, pages_of(size) * PAGE) < 0)
        FAIL(6, "vm_unmap failed");
    printf("ftest: map %s: %llu bytes equal the initrd's\n", name, (unsigned long long)size);
    return 0;
}

static int cow(const char *name, uint64_t want)
{
    uint64_t size;
    long id = vm_file_open(name, &size);
    volatile uint8_t *a;
    const volatile uint8_t *b;
    vm_stats_t s0, s1;
    if (id < 0)
        FAIL(2, "cannot open %s", name);
    if (vm_map_file(NULL, 0, VM_READ | VM_WRITE, 0, (uint64_t)id, (void **)&a) < 0 ||
        vm_map_file(NULL, 0, VM_READ, 0, (uint64_t)id, (void **)&b) < 0)
        FAIL(3, "cannot map %s twice", name);
    uint8_t first = b[0];
    vm_stats(&s0);
    uint64_t n = pages_of(size);
    for (uint64_t i = 0; i < n; i++)
        a[i * PAGE] ^= 0xff;
    vm_stats(&s1);
    for (uint64_t i = 0; i < n; i++)
        if (a[i * PAGE] == b[i * PAGE])
            FAIL(4, "page %llu: the write did not stick", (unsigned long long)i);
    if (b[0] != first || ftest_hash((const void *)b, size) != want)
        FAIL(5, "the private write changed the other mapping");
    if (s1.cow_copies - s0.cow_copies != n)
        FAIL(6, "expected %llu COW copies, saw %llu", (unsigned long long)n,
             (unsigned long long)(s1.cow_copies - s0.cow_copies));
    printf("ftest: cow %s: %llu pages copied on write, the file is unchanged\n", name,
           (unsigned long long)n);
    return 0;
}

static int ahead(const char *name)
{
    uint64_t size;
    long id = vm_file_open(name, &size);
    const volatile uint8_t *p;
    vm_stats_t s0, s1, s2;
    if (id < 0 || pages_of(size) < FTEST_AHEAD)
        FAIL(2, "%s: missing or smaller than %u pages", name, FTEST_AHEAD);
    if (vm_map_file(NULL, 0, VM_READ, 0, (uint64_t)id, (void **)&p) < 0)
        FAIL(3, "cannot map %s", name);
    vm_stats(&s0);
    (void)p[0];
    vm_stats(&s1);
    for (unsigned i = 0; i < FTEST_AHEAD; i++)
        (void)p[i * PAGE + 100];
    vm_stats(&s2);
    uint64_t f1 = s1.minor + s1.major - s0.minor - s0.major;
    uint64_t f2 = s2.minor + s2.major - s1.minor - s1.major;
    if (f1 != 1 || f2 != 0)
        FAIL(4, "expected 1 fault for %u pages, saw %llu then %llu more", FTEST_AHEAD,
             (unsigned long long)f1, (unsigned long long)f2);
    printf("ftest: ahead %s: one fault mapped %u pages\n", name, FTEST_AHEAD);
    return 0;
}

static int eof(const char *name)
{
    uint64_t size;
    long id = vm_file_open(name, &size);
    const volatile uint8_t *p;
    if (id < 0)
        FAIL(2, "cannot open %s", name);
    uint64_t len = (pages_of(size) + 1) * PAGE;
    if (vm_map_file((void *)FTEST_EOF_VA, len, VM_READ, VM_FIXED, (uint64_t)id, (void **)&p) < 0)
        FAIL(3, "cannot map %s at %#lx", name, FTEST_EOF_VA);
    (void)p[size - 1];
    (void)p[pages_of(size) * PAGE]; /* a bus error */
    FAIL(4, "read past the end of %s did not fault", name);
}

static uint8_t pat(uint64_t seed, uint64_t i, uint64_t j)
{
    return (uint8_t)(seed + 13 * i + j);
}

static void fill(volatile uint8_t *p, uint64_t seed, uint64_t pages)
{
    for (uint64_t i = 0; i < pages; i++)
        for (uint64_t j = 0; j < PAGE; j++)
            p[i * PAGE + j] = pat(seed, i, j);
}

/* The first page (from 0) whose bytes differ from the pattern, or pages. */
static uint64_t verify(const volatile uint8_t *p, uint64_t seed, uint64_t pages)
{
    for (uint64_t i = 0; i < pages; i++)
        for (uint64_t j = 0; j < PAGE; j++)
            if (p[i * PAGE + j] != pat(seed, i, j))
                return i;
    return pages;
}

static int disk(const char *mode, const char *name, uint64_t seed, uint64_t pages)
{
    uint64_t size;
    long id = vm_file_open(name, &size);
    volatile uint8_t *p;
    if (id < 0)
        FAIL(2, "cannot open %s: %s", name, fl_strerror(id));
    if (pages == 0 || pages * PAGE > size)
        FAIL(2, "%s: %llu bytes, fewer than %llu pages", name, (unsigned long long)size,
             (unsigned long long)pages);
    bool shared = strcmp(mode, "swrite") == 0 || strcmp(mode, "evict") == 0;
    bool write = shared || strcmp(mode, "pwrite") == 0;
    long r = vm_map_file(NULL, 0, VM_READ | (write ? VM_WRITE : 0), shared ? VM_SHARED : 0,
                         (uint64_t)id, (void **)&p);
    if (r < 0)
        FAIL(3, "cannot map %s (%s): %s", name, mode, fl_strerror(r));
    uint64_t bad;
    if (strcmp(mode, "check") == 0) {
        if ((bad = verify(p, seed, pages)) != pages)
            FAIL(4, "check %s: page %llu does not hold pattern %#llx (byte 0: %#x)", name,
                 (unsigned long long)bad, (unsigned long long)seed, p[bad * PAGE]);
        printf("ftest: check %s: %llu pages hold pattern %#llx\n", name, (unsigned long long)pages,
               (unsigned long long)seed);
        return 0;
    }
    fill(p, seed, pages);
    if (strcmp(mode, "pwrite") == 0) {
        if ((r = vm_sync((void *)p, pages * PAGE)) != 0)
            FAIL(5, "sync of a private mapping returned %ld", r);
        printf("ftest: pwrite %s: private, nothing written back\n", name);
        return 0;
    }
    if (strcmp(mode, "evict") == 0) {
        vm_stats_t s0, s1;
        vm_stats(&s0);
        for (int pass = 0; pass < 2; pass++)
            if ((bad = verify(p, seed, pages)) != pages)
                FAIL(6, "evict %s: pass %d: page %llu lost its data", name, pass,
                     (unsigned long long)bad);
        vm_stats(&s1);
        /* read-ahead maps up to FTEST_AHEAD pages per major fault */
        if (s1.major - s0.major < 2)
            FAIL(7, "evict %s: only %llu major faults for 2 passes over %llu pages", name,
                 (unsigned long long)(s1.major - s0.major), (unsigned long long)pages);
        /* most pages were written back by eviction already, not by this sync */
        r = vm_sync((void *)p, pages * PAGE);
        if (r < 0 || (uint64_t)r >= pages / 2)
            FAIL(8, "sync at the end wrote %ld of %llu pages", r, (unsigned long long)pages);
        printf("ftest: evict %s: %llu dirty pages survived eviction, %llu major faults, %ld "
               "left for sync\n",
               name, (unsigned long long)pages, (unsigned long long)(s1.major - s0.major), r);
        return 0;
    }
    if ((r = vm_sync((void *)p, pages * PAGE)) != (long)pages)
        FAIL(5, "sync wrote %ld pages, not %llu", r, (unsigned long long)pages);
    if ((r = vm_sync((void *)p, pages * PAGE)) != 0)
        FAIL(6, "a second sync wrote %ld pages, not 0", r);
    p[0] = pat(seed, 0, 0); /* the page is clean and read-only again: this write faults */
    if ((r = vm_sync((void *)p, pages * PAGE)) != 1)
        FAIL(7, "after one more write, sync wrote %ld pages, not 1", r);
    if ((bad = verify(p, seed, pages)) != pages)
        FAIL(8, "swrite %s: page %llu changed", name, (unsigned long long)bad);
    printf("ftest: swrite %s: %llu pages written back by sync\n", name, (unsigned long long)pages);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 5 && (strcmp(argv[1], "swrite") == 0 || strcmp(argv[1], "pwrite") == 0 ||
                      strcmp(argv[1], "check") == 0 || strcmp(argv[1], "evict") == 0))
        return disk(argv[1], argv[2], strtoull(argv[3], NULL, 16), strtoull(argv[4], NULL, 0));
    if (argc >= 4 && strcmp(argv[1], "map") == 0)
        return map_check(argv[2], strtoull(argv[3], NULL, 16));
    if (argc >= 4 && strcmp(argv[1], "cow") == 0)
        return cow(argv[2], strtoull(argv[3], NULL, 16));
    if (argc >= 3 && strcmp(argv[1], "ahead") == 0)
        return ahead(argv[2]);
    if (argc >= 3 && strcmp(argv[1], "eof") == 0)
        return eof(argv[2]);
    FAIL(1, "usage: ftest map|cow NAME HASH, ftest ahead|eof NAME");
}
