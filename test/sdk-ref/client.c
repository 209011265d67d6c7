/* Touches heap and stack that only the reference pager maps, and checks them. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned deep(unsigned n) /* about 4 KiB of stack a level: grows the stack region */
{
    volatile uint8_t frame[4000];
    memset((void *)frame, (int)n, sizeof(frame));
    return n ? deep(n - 1) + frame[n] - (uint8_t)n : 0;
}

int main(void)
{
    size_t len = 256 * 1024;
    uint8_t *heap = malloc(len);
    unsigned wrong = 0;
    if (!heap)
        return 2;
    for (size_t i = 0; i < len; i++)
        heap[i] = (uint8_t)(i * 7);
    for (size_t i = 0; i < len; i += 509)
        wrong += heap[i] != (uint8_t)(i * 7);
    wrong += deep(64);
    printf("refclient: 256 KiB of heap and 256 KiB of stack, %u wrong\n", wrong);
    return wrong ? 1 : 0;
}
