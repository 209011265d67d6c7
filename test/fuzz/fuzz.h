/* Shared by the libFuzzer targets: the entry point's prototype and a failed-check abort that
 * names the check, so a crash report says which invariant broke. */
#ifndef FL_FUZZ_H
#define FL_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* Reads fixed-size little-endian fields off the front of the input; zeros once it runs out. */
typedef struct {
    const uint8_t *p;
    size_t n;
} fuzz_in_t;

static inline uint64_t fuzz_take(fuzz_in_t *in, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; i++) {
        uint64_t b = in->n ? (in->n--, *in->p++) : 0;
        v |= b << (8 * i);
    }
    return v;
}

#endif
