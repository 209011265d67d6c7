/*
 * Per-frame mapping counts for user-mapped frames: a frame returns to its pool only when its
 * last mapping is gone, so a buggy pager can never make a process read a reused frame.
 */
#ifndef KERNEL_PAGE_H
#define KERNEL_PAGE_H

#include <stdbool.h>
#include <stdint.h>

/* The counts, and the first RAM range, whose frames' counts are found without a search. */
typedef struct page_meta {
    uint64_t first_base, first_count;
    uint32_t *refs;
} page_meta_t;
extern page_meta_t page_meta;

void page_meta_init(void);
/* A fresh frame from pool id with one mapping reference. */
void page_set_owner(uint64_t pa, uint32_t pool_id);
/* Adds a mapping reference; false when the count is saturated (the mapping is refused). */
bool page_ref(uint64_t pa);
/* Drops a mapping reference; the last one frees the frame to its owner pool. */
void page_unref(uint64_t pa);
uint32_t page_refs(uint64_t pa);
/* The pool id that owns a counted frame. */
uint32_t page_owner(uint64_t pa);

#endif
