/*
 * faultdemo: the client of init's fault demo (demo_faults.c). It uses a region nobody mapped,
 * DEMO_VA.., and relies on its pager (init) to map pages as it touches them: a read, a write,
 * a loop over four pages (the pager maps them in one reply), a system call whose buffer is on
 * a page not mapped yet, and at last a touch of a page outside the region, which the pager
 * refuses: the kernel stops the program there.
 */
#include "demo_faults.h"
#include <fl/syscall.h>
#include <stdint.h>
#include <stdio.h>

/* Page i of the region. */
static volatile uint64_t *page(unsigned i)
{
    return (volatile uint64_t *)(uintptr_t)(DEMO_VA + (uint64_t)i * 4096);
}

int main(void)
{
    uint64_t first = page(0)[0];
    printf("faultdemo: page 0 holds %#llx\n", (unsigned long long)first);
    page(1)[1] = first + 1;
    printf("faultdemo: wrote page 1, it holds %#llx\n", (unsigned long long)page(1)[1]);
    uint64_t sum = 0;
    for (unsigned i = DEMO_AHEAD_FIRST; i < DEMO_AHEAD_FIRST + DEMO_AHEAD; i++)
        sum += page(i)[0];
    printf("faultdemo: pages %u-%u sum to %#llx\n", DEMO_AHEAD_FIRST,
           DEMO_AHEAD_FIRST + DEMO_AHEAD - 1, (unsigned long long)sum);
    long n = fl_debug_write((const void *)page(DEMO_TEXT_PAGE), DEMO_TEXT_LEN);
    printf("faultdemo: the write call returned %ld\n", n);
    printf("faultdemo: now touching %#llx, past the region\n",
           (unsigned long long)(uintptr_t)page(DEMO_PAGES));
    return (int)page(DEMO_PAGES)[0];
}
