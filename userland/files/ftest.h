/* Shared by ftest and its tests (test_files.c). */
#ifndef FILES_FTEST_H
#define FILES_FTEST_H

#include <stddef.h>
#include <stdint.h>

#define FTEST_EOF_VA 0x5000000000UL
#define FTEST_AHEAD  16u /* pages one fault maps: FL_FAULT_MAP_MAX */

/* FNV-1a, 64 bits, over every byte. */
static inline uint64_t ftest_hash(const void *data, size_t n)
{
    const volatile uint8_t *p = data;
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ULL;
    return h;
}

#endif
