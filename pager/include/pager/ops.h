/*
 * The effects table of libpager. The library only decides; every change to a client's MMU and
 * every frame it touches goes through these hooks, so the same decision code runs in the
 * reference pager on the target (hooks call the kernel) and under Criterion on the host (hooks
 * drive a simulated MMU).
 *
 * Conventions for every hook:
 *  - `ctx` is the pointer given to pager_create();
 *  - `space` is the per-space pointer given to pager_space_create() / pager_fork() (on the
 *    target: the client's address-space handle);
 *  - frames are opaque 64-bit ids chosen by alloc_frame (on the target: the page of the pager's
 *    own address space that holds the frame); the library never dereferences them;
 *  - `vaddr` is always page aligned and inside a region of that space;
 *  - a hook returns 0 on success or a negative error (a pager_err_t is a good choice).
 *
 * Which hooks may fail: alloc_frame (out of memory is a normal outcome and becomes a
 * PAGER_BAD_OUT_OF_MEMORY fault), file_read and swap_in (I/O errors become PAGER_BAD_IO), swap_out
 * (the page stays resident and eviction moves on), and map (e.g. the kernel is out of page-table
 * memory). A failure of any of these leaves the library's state as it was before the call that used
 * it. unmap, protect, free_frame, zero_frame, copy_frame and harvest are given only arguments the
 * library has checked and are expected to succeed on a correct backend; if one fails anyway the
 * library reports the first error but keeps its own state consistent with what it asked for.
 */
#ifndef PAGER_OPS_H
#define PAGER_OPS_H

#include <stdbool.h>
#include <stdint.h>

/* file_read's answer for a page that is a hole of a sparse file: zero-fill it, no data read. */
#define PAGER_FILE_HOLE 1

typedef struct pager_ops {
    /* Allocate one 4 KiB frame; its contents are undefined. */
    int (*alloc_frame)(void *ctx, uint64_t *frame_out);
    /* Give a frame back. The library has already unmapped it from every space it mapped it in. */
    void (*free_frame)(void *ctx, uint64_t frame);
    /* Fill a frame with zero bytes. */
    int (*zero_frame)(void *ctx, uint64_t frame);
    /* Copy the 4 KiB contents of frame `src` into frame `dst`. */
    int (*copy_frame)(void *ctx, uint64_t dst, uint64_t src);

    /*
     * Install `frame` at `vaddr` of `space` with rights `prot` (PAGER_PROT_* bits, never 0).
     * Replaces whatever was mapped there (e.g. the shared zero frame), including the TLB
     * maintenance that needs.
     */
    int (*map)(void *ctx, void *space, uint64_t vaddr, uint64_t frame, unsigned prot);
    /* Remove the mapping at `vaddr` (it exists). */
    int (*unmap)(void *ctx, void *space, uint64_t vaddr);
    /* Change the rights of the existing mapping at `vaddr`, which maps `frame`, to `prot`
     * (never 0). The frame lets a backend whose kernel only removes rights give some back with
     * a new map of the same frame, without a table of its own. */
    int (*protect)(void *ctx, void *space, uint64_t vaddr, uint64_t frame, unsigned prot);
    /* Read and clear the accessed and dirty bits of the mapping at `vaddr` (it exists). */
    int (*harvest)(void *ctx, void *space, uint64_t vaddr, bool *accessed, bool *dirty);

    /* Fill `frame` with the 4 KiB of file `file_id` at byte `offset` (page aligned). May be
     * NULL if no file-backed region is ever mapped. Returning PAGER_FILE_HOLE (positive) says
     * the page is a hole of a sparse file: the frame is left alone and the library zero-fills
     * it (action PAGER_ACT_FILE_HOLE, a minor fault). */
    int (*file_read)(void *ctx, uint64_t file_id, uint64_t offset, uint64_t frame);
    /* Fill `frame` with the contents of swap slot `slot`. May be NULL if nothing is ever
     * marked swapped. */
    int (*swap_in)(void *ctx, uint64_t slot, uint64_t frame);
    /* Write the 4 KiB of `frame` to swap slot `slot` (< cfg.swap_slots). Called only by
     * eviction, never while a fault's own frame is half set up. May be NULL (no swap-out: only
     * clean file pages are evicted). A failure leaves the page resident and the slot free. */
    int (*swap_out)(void *ctx, uint64_t slot, uint64_t frame);
    /* Write the 4 KiB of `frame` back to file `file_id` at byte `offset` (page aligned): the
     * write-back of a dirty page of a shared file mapping, by pager_sync and by eviction. May
     * be NULL: dirty shared file pages then stay resident and pager_sync is PAGER_EPERM. A
     * failure leaves the page dirty and resident. */
    int (*file_write)(void *ctx, uint64_t file_id, uint64_t offset, uint64_t frame);
} pager_ops_t;

#endif
