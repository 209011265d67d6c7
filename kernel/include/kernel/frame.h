/*
 * Physical frame allocator: a bitmap per RAM range (1 = free), next-fit. Pure logic: the
 * caller provides the bitmap storage, so the same code runs in the kernel and under Criterion.
 * Not locked: callers hold the kernel lock.
 */
#ifndef KERNEL_FRAME_H
#define KERNEL_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_SIZE       4096UL
#define FRAME_MAX_RANGES 8

typedef struct {
    uint64_t base;  /* physical address of the range's first frame */
    uint64_t count; /* frames in the range */
    uint64_t *bits; /* bit i set: frame i is free */
    uint64_t hint;  /* word to start the next search at */
} frame_range_t;

typedef struct {
    frame_range_t range[FRAME_MAX_RANGES];
    unsigned nranges;
    uint64_t total; /* frames managed */
    uint64_t free;  /* frames free now */
} frame_alloc_t;

/* uint64_t words of bitmap needed for count frames. */
static inline size_t frame_bitmap_words(uint64_t count)
{
    return (size_t)((count + 63) / 64);
}

void frame_init(frame_alloc_t *fa);
/* Manage [base, base + count frames), all initially in use; bits has frame_bitmap_words(count)
 * words. Errors: FL_EINVAL (unaligned, empty, overlapping), FL_EFULL (too many ranges). */
int frame_add_range(frame_alloc_t *fa, uint64_t base, uint64_t count, uint64_t *bits);
/* Mark every managed frame inside [pa, pa + size) free (boot) or in use (reservations);
 * the parts of the range outside managed memory are ignored. Returns frames changed. */
uint64_t frame_mark_free(frame_alloc_t *fa, uint64_t pa, uint64_t size);
uint64_t frame_mark_used(frame_alloc_t *fa, uint64_t pa, uint64_t size);

/* One frame. Returns 0 and its address, or FL_ENOMEM. */
int frame_alloc(frame_alloc_t *fa, uint64_t *pa);
/* n physically contiguous frames whose first address is a multiple of align (a power of two,
 * at least FRAME_SIZE). Returns 0 or FL_ENOMEM / FL_EINVAL. */
int frame_alloc_contig(frame_alloc_t *fa, uint64_t n, uint64_t align, uint64_t *pa);
/* Returns 0, or FL_EINVAL for an address not managed or not aligned, FL_EBUSY for a frame that
 * is already free (double free): the allocator is unchanged on error. */
int frame_free(frame_alloc_t *fa, uint64_t pa);
bool frame_is_free(const frame_alloc_t *fa, uint64_t pa);

#endif
