/* Reads the squares pager's region (a sample of words on every page) and checks them;
 * exits 0 if every value was right. */
#include <stdint.h>
#include <stdio.h>

#include "squares.h"

int main(void)
{
    const volatile uint64_t *sq = (const volatile uint64_t *)SQUARES_BASE;
    uint64_t words = (uint64_t)SQUARES_PAGES * 4096 / sizeof(uint64_t);
    unsigned bad = 0;
    for (uint64_t i = 0; i < words; i += 97)
        if (sq[i] != squares_value(i))
            bad++;
    if (sq[words - 1] != squares_value(words - 1))
        bad++;
    printf("squares_client: read %u pages of squares, %u wrong (word 1000 = %llu)\n", SQUARES_PAGES,
           bad, (unsigned long long)sq[1000]);
    return bad ? 1 : 0;
}
