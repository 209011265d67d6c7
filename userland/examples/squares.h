/* The squares example pager and its client agree on the region it serves. */
#ifndef EXAMPLES_SQUARES_H
#define EXAMPLES_SQUARES_H

#include <stdint.h>

#define SQUARES_BASE  0x5000000000UL /* word i of the region holds i * i */
#define SQUARES_PAGES 64u
#define SQUARES_QUIT  0x5101u /* a call with this label ends the pager */

static inline uint64_t squares_value(uint64_t index)
{
    return index * index;
}

#endif
