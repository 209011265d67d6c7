/* The pattern pager's client: reads the pattern, writes and reads back the scratch area, and
 * exits 0 if everything read what it should. Every page it touches there is a fault its pager
 * answers. */
#include <stdint.h>
#include <stdio.h>

#include "layout.h"

int main(void)
{
    const volatile uint64_t *pattern = (const volatile uint64_t *)PATTERN_BASE;
    volatile uint8_t *scratch = (volatile uint8_t *)SCRATCH_BASE;
    uint64_t words = PATTERN_PAGES * 4096 / sizeof(uint64_t), checked = 0;
    unsigned wrong = 0;

    for (uint64_t i = 0; i < words; i += 61, checked++) /* every page, at varying offsets */
        if (pattern[i] != pattern_word(i))
            wrong++;
    for (unsigned p = 0; p < SCRATCH_PAGES; p++) {
        if (scratch[p * 4096 + p] != 0) /* zero-filled */
            wrong++;
        scratch[p * 4096 + p] = (uint8_t)(p + 1);
    }
    for (unsigned p = 0; p < SCRATCH_PAGES; p++)
        if (scratch[p * 4096 + p] != p + 1)
            wrong++;
    printf("pattern_client: checked %llu pattern words and %u scratch pages, %u wrong\n",
           (unsigned long long)checked, SCRATCH_PAGES, wrong);
    return wrong ? 1 : 0;
}
