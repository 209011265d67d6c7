/*
 * The program the swap tests run on a pager with a small frame limit and a swap disk:
 *
 *   swaptest ws PAGES PASSES   writes a known pattern to PAGES fresh pages, then PASSES times
 *                              visits them in a random order, checking every word it wrote
 *                              and rewriting half of them with a new pattern; exits 0 with no
 *                              mismatch and at least one major fault (a swap-in), else 2-5
 *   swaptest hog               writes fresh pages until the pager runs out of memory and swap
 *                              (the pager stops it)
 *   swaptest touch PAGES       writes one byte to each of PAGES fresh pages and checks them
 */
#include <fl/vm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE  FL_PAGE_SIZE
#define WORDS (PAGE / sizeof(uint64_t))

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static uint64_t pattern(unsigned page, unsigned gen, unsigned word)
{
    return 0x5a50000000000000ULL ^ (uint64_t)page << 32 ^ (uint64_t)gen << 20 ^ word;
}

static void fill(volatile uint64_t *p, unsigned page, unsigned gen)
{
    for (unsigned w = 0; w < WORDS; w += 8)
        p[w] = pattern(page, gen, w);
}

static unsigned check(volatile uint64_t *p, unsigned page, unsigned gen)
{
    unsigned bad = 0;
    for (unsigned w = 0; w < WORDS; w += 8)
        bad += p[w] != pattern(page, gen, w);
    return bad;
}

static int ws(unsigned pages, unsigned passes)
{
    uint8_t *base;
    unsigned *gen = calloc(pages, sizeof(*gen)), *order = calloc(pages, sizeof(*order));
    if (!gen || !order ||
        vm_map(NULL, (size_t)pages * PAGE, VM_READ | VM_WRITE, 0, (void **)&base) < 0) {
        printf("swaptest: cannot map %u pages\n", pages);
        return 2;
    }
    vm_stats_t s0, s1;
    vm_stats(&s0);
    for (unsigned i = 0; i < pages; i++)
        fill((volatile uint64_t *)(base + (size_t)i * PAGE), i, 0);
    unsigned long mismatches = 0;
    for (unsigned pass = 0; pass < passes; pass++) {
        for (unsigned i = 0; i < pages; i++)
            order[i] = i;
        for (unsigned i = pages - 1; i > 0; i--) {
            unsigned j = (unsigned)(next() % (i + 1)), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        for (unsigned n = 0; n < pages; n++) {
            unsigned i = order[n];
            volatile uint64_t *p = (volatile uint64_t *)(base + (size_t)i * PAGE);
            mismatches += check(p, i, gen[i]);
            if (next() & 1)
                fill(p, i, ++gen[i]);
        }
    }
    vm_stats(&s1);
    unsigned long major = (unsigned long)(s1.major - s0.major);
    printf("swaptest: %u pages, %u passes in random order: %lu mismatches, %lu major faults, "
           "%llu resident\n",
           pages, passes, mismatches, major, (unsigned long long)s1.resident);
    if (mismatches)
        return 3;
    if (major < pages)
        return 4;
    if (vm_unmap(base, (size_t)pages * PAGE) < 0)
        return 5;
    return 0;
}

static int hog(void)
{
    const unsigned max = 65536; /* 256 MiB of address space, touched one page at a time */
    uint8_t *p;
    if (vm_map(NULL, (size_t)max * PAGE, VM_READ | VM_WRITE, 0, (void **)&p) < 0) {
        printf("swaptest: cannot map %u pages\n", max);
        return 2;
    }
    for (unsigned n = 0; n < max; n++)
        memset(p + (size_t)n * PAGE, (int)n + 1, PAGE);
    printf("swaptest: %u pages and still not out of memory\n", max);
    return 3;
}

/* Writes `pages` fresh pages once: anonymous zero fills, one fault each with `pager -a 0`. */
static int touch(unsigned pages)
{
    uint8_t *p;
    if (vm_map(NULL, (size_t)pages * PAGE, VM_READ | VM_WRITE, 0, (void **)&p) < 0)
        return 2;
    for (unsigned n = 0; n < pages; n++)
        p[(size_t)n * PAGE] = (uint8_t)(n + 1);
    for (unsigned n = 0; n < pages; n++)
        if (p[(size_t)n * PAGE] != (uint8_t)(n + 1))
            return 3;
    printf("swaptest: touched %u anonymous pages\n", pages);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && strcmp(argv[1], "ws") == 0)
        return ws((unsigned)strtoul(argv[2], NULL, 0), (unsigned)strtoul(argv[3], NULL, 0));
    if (argc >= 2 && strcmp(argv[1], "hog") == 0)
        return hog();
    if (argc >= 3 && strcmp(argv[1], "touch") == 0)
        return touch((unsigned)strtoul(argv[2], NULL, 0));
    printf("usage: swaptest ws PAGES PASSES | swaptest hog | swaptest touch PAGES\n");
    return 1;
}
