/* What the pattern pager, its client and init agree on: the client's memory and the protocol. */
#ifndef PATTERN_LAYOUT_H
#define PATTERN_LAYOUT_H

#include <stdint.h>

#define PATTERN_BASE  0x5000000000UL /* read-only: 64-bit word i reads pattern_word(i) */
#define PATTERN_PAGES 32u
#define SCRATCH_BASE  0x5100000000UL /* read-write, zero-filled on first touch */
#define SCRATCH_PAGES 16u

#define PATTERN_BADGE 7u      /* the client's badge on the pager's endpoint */
#define PATTERN_QUIT  0x5201u /* a call with this label: the pager answers its counters, ends */

static inline uint64_t pattern_word(uint64_t index)
{
    return index * 0x9e3779b97f4a7c15ULL ^ 0xfa017;
}

#endif
