/*
 * The frame stock behind libpager's alloc_frame and free_frame (backend.c).
 *
 * A frame is a page of the pager's own space at [FRAME_BASE, ...); its id is that address.
 * Asking the kernel for one frame per fault (FL_SYS_VM_ALLOC of one page) costs a system call
 * each time, and giving each back (FL_SYS_VM_UNMAP) another. The stock avoids both on the
 * fault path:
 *  - fresh frames come in batches of STOCK_BATCH from one VM_ALLOC, at consecutive addresses
 *    (so the frames of a map-ahead or read-ahead reply are usually consecutive and the reply
 *    maps them straight, without lining them up in a window); the pager refills the batch
 *    after it replied (main.c: stock_low, stock_refill), off the fault path;
 *  - a freed frame is kept for reuse (up to STOCK_KEEP of them) instead of unmapped; only
 *    the surplus goes back to the kernel, so memory a client gave up returns to the pool.
 *    Kept frames are handed out lowest address first, so frames freed in any order (a
 *    strided program, the clock) come back out in runs, which map-ahead replies need;
 *  - the kernel zeroes fresh frames, so a frame not yet written since its VM_ALLOC is known to
 *    be zero and zero_frame skips it (stock_zero_known): no frame is zeroed twice, and a frame
 *    about to be overwritten by a copy is taken from the reused ones first, which nobody
 *    zeroes.
 * Reused frames never leave the pager: libpager unmaps a frame from every client before it
 * frees it, so reuse hands no client another's data.
 */
#include <stdlib.h>
#include <string.h>

#include "server.h"

#define STOCK_KEEP 1024u /* reused frames kept at most (4 MiB) */

/* A set of frame indexes ((va - FRAME_BASE) / page), one bit each, grown on demand. */
typedef struct bits {
    uint64_t *w;
    size_t words;
} bits_t;

static fl_handle_t self;
static uint64_t fresh_va = FRAME_BASE; /* [fresh_va, next_va): fresh frames not handed out */
static uint64_t next_va = FRAME_BASE;  /* never used above this */
static bits_t zero;                    /* frames still as the kernel zeroed them */
static bits_t kept;                    /* freed frames kept for reuse; lowest first, so frames
                                          freed in any order come back out in runs */
static size_t nkept, kept_low;         /* how many; no kept bit below word kept_low */

void stock_init(fl_handle_t self_space)
{
    self = self_space;
}

static uint64_t index_of(uint64_t va)
{
    return (va - FRAME_BASE) / FL_PAGE_SIZE;
}

/* false if out of memory for the set (a set bit would be lost) */
static bool bit_set(bits_t *b, uint64_t i, bool on)
{
    if (i / 64 >= b->words) {
        if (!on)
            return true;
        size_t words = b->words ? 2 * b->words : 64;
        while (words <= i / 64)
            words *= 2;
        uint64_t *bigger = realloc(b->w, words * sizeof(*bigger));
        if (!bigger)
            return false;
        memset(bigger + b->words, 0, (words - b->words) * sizeof(*bigger));
        b->w = bigger;
        b->words = words;
    }
    if (on)
        b->w[i / 64] |= 1ULL << (i % 64);
    else
        b->w[i / 64] &= ~(1ULL << (i % 64));
    return true;
}

static bool bit_get(const bits_t *b, uint64_t i)
{
    return i / 64 < b->words && (b->w[i / 64] >> (i % 64)) & 1;
}

bool stock_zero_known(uint64_t va)
{
    return va >= FRAME_BASE && bit_get(&zero, index_of(va));
}

void stock_written(uint64_t va)
{
    if (va >= FRAME_BASE && va < next_va)
        bit_set(&zero, index_of(va), false);
}

static unsigned batch = STOCK_BATCH; /* the next VM_ALLOC's size: halved when the pool is short */
static bool refill_failed;           /* no refills after a reply until a frame comes back */

/* More fresh frames in one VM_ALLOC, right after the ones left (so the fresh frames stay one
 * run): `batch` of them, fewer if the pool is short (then the next batches stay smaller, so
 * a pager near its quota does not try and fail a big VM_ALLOC for every frame). */
static bool get_fresh(void)
{
    for (unsigned n = batch; n >= 1; n /= 2) {
        if (fl_vm_alloc(self, next_va, n, FRAME_PROT) < 0) {
            batch = n / 2 ? n / 2 : 1;
            continue;
        }
        for (uint64_t i = 0; i < n; i++)
            bit_set(&zero, index_of(next_va) + i, true); /* on failure: zeroed again, slower */
        next_va += (uint64_t)n * FL_PAGE_SIZE;
        if (n == batch && batch < STOCK_BATCH)
            batch *= 2;
        return true;
    }
    return false;
}

int stock_take(uint64_t *out)
{
    if (nkept) {
        while (!kept.w[kept_low])
            kept_low++;
        uint64_t i = kept_low * 64 + (uint64_t)__builtin_ctzll(kept.w[kept_low]);
        kept.w[kept_low] &= kept.w[kept_low] - 1;
        nkept--;
        *out = FRAME_BASE + i * FL_PAGE_SIZE;
        return 0;
    }
    if (fresh_va == next_va && !get_fresh())
        return PAGER_ENOMEM;
    *out = fresh_va;
    fresh_va += FL_PAGE_SIZE;
    return 0;
}

bool stock_keep(uint64_t va)
{
    uint64_t i = index_of(va);
    bit_set(&zero, i, false);
    if (nkept == STOCK_KEEP || !bit_set(&kept, i, true))
        return false;
    if (nkept == 0 || i / 64 < kept_low)
        kept_low = i / 64;
    nkept++;
    refill_failed = false;
    return true;
}

bool stock_low(void)
{
    return !refill_failed && nkept + (next_va - fresh_va) / FL_PAGE_SIZE < STOCK_LOW;
}

void stock_refill(void)
{
    if (stock_low() && !get_fresh())
        refill_failed = true; /* the pool is out: the fault path allocates (and evicts) */
}
