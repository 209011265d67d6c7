/*
 * libpager: the policy of a faultline pager as a pure C11 library.
 *
 * A pager serves the page faults of client address spaces. For each client it keeps a
 * pager_space_t: a set of non-overlapping regions (anonymous, file-backed, stack, guard) and
 * the state of every page that was ever touched. When the kernel forwards a fault, the pager
 * calls pager_fault(), which decides what the page must become (zero-filled, read from a file,
 * swapped in, copied on write, a grown stack, or a bad access) and performs the effects through
 * the ops table of <pager/ops.h>. The library holds no global state, never blocks and never
 * calls anything outside the C standard library (malloc/free/memset/memcpy), so it runs at EL0
 * on the target with picolibc and on the host under Criterion with a simulated MMU.
 *
 * Model:
 *  - Pages are PAGER_PAGE_SIZE bytes; every address and length given to the region calls must
 *    be page aligned, lengths non-zero, ranges inside the pager's [va_min, va_max).
 *  - Page states: NONE (never touched), ZERO (mapped read-only to the shared zero frame),
 *    RESIDENT (own frame; writable, or read-only while the frame is shared copy-on-write),
 *    FILE (a frame holding file data: clean, or dirty in a shared mapping), SWAPPED (contents
 *    are in a swap slot).
 *  - Frames carry a share count. pager_fork() shares every frame of the parent with the child;
 *    in PRIVATE regions both sides lose write access and the first write copies (or, if the
 *    writer holds the last reference, just regains write access). In SHARED regions both keep
 *    writing the same frame.
 *  - A stack region reserves [top - max - guard, top): the committed part [low, top) starts at
 *    `initial` bytes and grows down on fault to at most `max` bytes; the `guard` bytes below the
 *    limit are never mapped.
 *
 * Not thread-safe: a pager serialises calls on the same pager_t (the reference pager is one
 * thread). Errors are negative pager_err_t values whose numbers match faultline's fl_err_t.
 */
#ifndef PAGER_PAGER_H
#define PAGER_PAGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pager/ops.h>

#define PAGER_PAGE_SHIFT 12
#define PAGER_PAGE_SIZE  (1UL << PAGER_PAGE_SHIFT)

/* Rights of a region or mapping. */
#define PAGER_PROT_NONE  0u
#define PAGER_PROT_READ  1u
#define PAGER_PROT_WRITE 2u
#define PAGER_PROT_EXEC  4u
#define PAGER_PROT_ALL   (PAGER_PROT_READ | PAGER_PROT_WRITE | PAGER_PROT_EXEC)

/* Region flags: exactly one of PRIVATE or SHARED; FIXED makes the hint mandatory. */
#define PAGER_MAP_PRIVATE 1u
#define PAGER_MAP_SHARED  2u
#define PAGER_MAP_FIXED   4u /* map exactly at the hint or fail with PAGER_EEXIST (no replace) */

/*
 * Default margin below the client's stack pointer within which a fault may grow a stack: the
 * largest single access below SP that a correct program makes (Linux x86 used 65536 + 32 *
 * sizeof(long) for `enter` and a full push; 2.6 used 32). An access further below SP is a wild
 * pointer, not stack use.
 */
#define PAGER_STACK_SP_SLACK (65536u + 256u)

/* Errors: the numbers are those of faultline's fl_err_t (kernel/include/uapi/faultline). */
typedef enum pager_err {
    PAGER_OK = 0,
    PAGER_EINVAL = -1, /* malformed argument: alignment, zero length, overflow, bad flags */
    PAGER_ENOMEM = -2, /* the library or the backend ran out of memory */
    PAGER_EPERM = -4,  /* the operation is not allowed on that region (e.g. a guard) */
    PAGER_ERANGE = -6, /* the range reaches outside [va_min, va_max) */
    PAGER_EBUSY = -7,  /* the object is still in use (pager_destroy with live spaces) */
    PAGER_ENOENT = -8, /* nothing mapped at that address or in part of the range */
    PAGER_EEXIST = -9, /* the range overlaps an existing region */
    PAGER_EIO = -16,   /* a backend read failed (not in fl_err_t yet: to be appended there) */
} pager_err_t;

typedef enum pager_backing {
    PAGER_BACKING_ANON = 0, /* zero-filled on first touch */
    PAGER_BACKING_FILE,     /* read through ops->file_read on first touch */
    PAGER_BACKING_STACK,    /* anonymous, grows down on fault */
    PAGER_BACKING_GUARD,    /* never accessible; a fault is PAGER_BAD_GUARD */
} pager_backing_t;

typedef enum pager_access {
    PAGER_ACCESS_READ = 0,
    PAGER_ACCESS_WRITE,
    PAGER_ACCESS_EXEC,
} pager_access_t;

typedef enum pager_page_state {
    PAGER_PAGE_NONE = 0,
    PAGER_PAGE_RESIDENT,
    PAGER_PAGE_ZERO,
    PAGER_PAGE_SWAPPED,
    PAGER_PAGE_FILE,
} pager_page_state_t;

typedef enum pager_outcome {
    PAGER_FAULT_MAPPED = 0, /* the page is now mapped with the needed right: resume */
    PAGER_FAULT_RETRY,      /* nothing to do (already mapped with the right): resume */
    PAGER_FAULT_BAD,        /* a bad access: stop the thread and report `reason` */
} pager_outcome_t;

typedef enum pager_bad_reason {
    PAGER_BAD_NONE = 0,
    PAGER_BAD_NO_REGION,     /* no region at the address */
    PAGER_BAD_NO_PERMISSION, /* the region lacks the right the access needs */
    PAGER_BAD_GUARD,         /* an access to a guard region or a stack's guard gap */
    PAGER_BAD_STACK_LIMIT,   /* the stack ran into its guard gap near SP: it needs more than max */
    PAGER_BAD_BELOW_SP,      /* in a stack's growth area but too far below SP */
    PAGER_BAD_OUT_OF_MEMORY, /* no frame (or no memory for bookkeeping); state unchanged */
    PAGER_BAD_IO,            /* file_read or swap_in failed; state unchanged */
} pager_bad_reason_t;

/* What a MAPPED fault did. */
typedef enum pager_action {
    PAGER_ACT_NONE = 0,
    PAGER_ACT_ZERO_FILL,   /* fresh zeroed frame */
    PAGER_ACT_ZERO_PAGE,   /* shared zero frame mapped read-only */
    PAGER_ACT_FILE_READ,   /* frame filled by ops->file_read (major) */
    PAGER_ACT_SWAP_IN,     /* frame filled by ops->swap_in (major) */
    PAGER_ACT_COW_COPY,    /* write to a shared frame: copied into a fresh frame */
    PAGER_ACT_COW_UPGRADE, /* write to a read-only private page whose frame is ours: no copy */
    PAGER_ACT_REMAP,       /* present page given back rights it had lost (protect, dirty) */
    PAGER_ACT_FILE_CACHED, /* file page found in the page cache: shared, no I/O (minor) */
    PAGER_ACT_FIRST_WRITE, /* first write to a private page still holding the file's contents:
                              copied out of the shared (cached or forked) frame, or taken over
                              if nothing else holds it; COW_COPY/UPGRADE are for anonymous
                              pages shared by fork */
    PAGER_ACT_FILE_HOLE,   /* file_read said PAGER_FILE_HOLE: frame zero-filled, no I/O (minor) */
} pager_action_t;

typedef struct pager_fault_result {
    pager_outcome_t outcome;
    pager_bad_reason_t reason; /* PAGER_BAD_NONE unless outcome is BAD */
    pager_action_t action;     /* PAGER_ACT_NONE unless outcome is MAPPED */
    bool major;                /* the fault needed I/O (file read, swap-in) */
    bool stack_grew;           /* the fault extended a stack region downwards */
    uint64_t page;             /* the faulting page's address */
    uint64_t frame;            /* MAPPED: the frame now mapped at `page` */
    unsigned prot;             /* MAPPED: the rights it is mapped with */
} pager_fault_result_t;

/* Per-space counters; pager_space_stats() returns a copy. */
typedef struct pager_stats {
    uint64_t minor;        /* faults resolved without I/O */
    uint64_t major;        /* faults resolved with file_read or swap_in */
    uint64_t zero_fills;   /* fresh zeroed frames */
    uint64_t zero_pages;   /* reads served by the shared zero frame */
    uint64_t cow_copies;   /* writes that copied a shared frame */
    uint64_t cow_upgrades; /* writes that regained write access without a copy */
    uint64_t retries;      /* spurious faults */
    uint64_t bad;          /* bad accesses */
    uint64_t stack_grows;  /* faults that grew a stack */
    uint64_t resident;     /* pages holding a frame of their own (RESIDENT or FILE) now */
    uint64_t mapped_ahead; /* zero fills done ahead of a sequential run (pager_map_ahead) */
    uint64_t first_writes; /* PAGER_ACT_FIRST_WRITE faults (a copy among them also counts in
                              cow_copies, an upgrade in cow_upgrades) */
    uint64_t holes;        /* PAGER_ACT_FILE_HOLE faults */
    uint64_t discarded;    /* pages emptied by pager_discard */
} pager_stats_t;

typedef struct pager_config {
    uint64_t va_min;      /* lowest client address a region may use (page aligned, > 0) */
    uint64_t va_max;      /* end of the client address range (page aligned, <= 2^48) */
    bool zero_page;       /* serve first reads of private anonymous pages with the zero frame */
    uint64_t sp_slack;    /* stack growth margin below SP, see PAGER_STACK_SP_SLACK */
    bool page_cache;      /* keep file pages in a cache shared by every space (default off) */
    uint64_t swap_slots;  /* swap slots the library allocates (0: no swap-out, default) */
    uint64_t frame_limit; /* evict before holding more frames than this (0: only when
                             alloc_frame fails) */
    unsigned map_ahead;   /* pages pager_map_ahead may map after a fault (0: off, default) */
} pager_config_t;

/* Swap and eviction counters (pager_swap_stats). */
typedef struct pager_swap_stats {
    uint64_t slots;        /* cfg.swap_slots */
    uint64_t used;         /* slots referenced now (by swapped pages or clean swapped-in copies) */
    uint64_t swap_outs;    /* pages written to a slot by eviction (ops->swap_out) */
    uint64_t swap_ins;     /* pages read back from a slot (ops->swap_in) */
    uint64_t reclaimed;    /* evictions without a write: clean file pages dropped, clean
                              swapped-in copies whose slot still holds them */
    uint64_t scanned;      /* pages the clock hand looked at */
    uint64_t full;         /* dirty pages that could not get a slot (swap full) */
    uint64_t failures;     /* evictions that found nothing evictable */
    uint64_t written_back; /* dirty shared file pages written by ops->file_write */
} pager_swap_stats_t;

/* The page cache's counters (pager_cache_stats). */
typedef struct pager_cache_stats {
    uint64_t pages;   /* file pages cached now (each holds one frame) */
    uint64_t reads;   /* file_read calls that filled a cache page (misses) */
    uint64_t hits;    /* file faults and read-aheads served from the cache */
    uint64_t ahead;   /* pages mapped by pager_prefetch */
    uint64_t trimmed; /* cached pages freed by pager_cache_trim (explicit or out of frames) */
} pager_cache_stats_t;

typedef struct pager_region_info {
    uint64_t start, end; /* [start, end); for a stack, the whole reservation incl. guard */
    unsigned prot;
    unsigned flags; /* PAGER_MAP_PRIVATE or PAGER_MAP_SHARED */
    pager_backing_t backing;
    uint64_t file_id, file_offset; /* FILE: file and offset of `start` */
    uint64_t stack_limit;          /* STACK: lowest address it may grow to; guard below */
    uint64_t stack_low;            /* STACK: lowest committed address */
} pager_region_info_t;

typedef struct pager_page_info {
    pager_page_state_t state;
    unsigned prot;   /* rights the page is mapped with in the MMU now (0: not mapped) */
    bool dirty;      /* FILE: written since read (shared mappings) */
    uint64_t frame;  /* RESIDENT, FILE, ZERO: the frame */
    uint32_t shares; /* RESIDENT, FILE: spaces (or pages) referencing the frame */
    uint64_t slot;   /* SWAPPED: the swap slot; RESIDENT with swap_copy: the slot holding it */
    bool swap_copy;  /* RESIDENT: swapped in and not written since: its slot still holds it */
} pager_page_info_t;

typedef struct pager pager_t;
typedef struct pager_space pager_space_t;

/* ---- pager ------------------------------------------------------------------------------ */

/* Defaults: va [0x10000, 2^48), zero page on, sp_slack PAGER_STACK_SP_SLACK. */
void pager_config_default(pager_config_t *cfg);

/*
 * Create a pager. `ops` must stay valid for the pager's life and provide every hook except
 * possibly file_read and swap_in; `cfg` may be NULL for the defaults.
 * Errors: PAGER_EINVAL (missing hook, bad config), PAGER_ENOMEM.
 */
int pager_create(const pager_ops_t *ops, void *ctx, const pager_config_t *cfg, pager_t **out);

/* Destroy a pager with no spaces left (else PAGER_EBUSY); releases the zero frame. */
int pager_destroy(pager_t *pager);

/* Frames the pager holds now, including the zero frame and cached file pages. */
uint64_t pager_frames_in_use(const pager_t *pager);

/*
 * The page cache (cfg.page_cache). Every file page a fault or a prefetch reads is kept under
 * (file_id, offset) with a reference of its own, and every later fault on that file page in any
 * space maps the same frame: read-only in private regions (the first write copies it, so the
 * cached page never changes), shared regions write the cached frame itself. A cached page no
 * space maps any more stays until pager_cache_trim, which frame allocation also calls when the
 * backend is out of frames; a dirty one is written back first (ops->file_write).
 */
void pager_cache_stats(const pager_t *pager, pager_cache_stats_t *out);
/* Whether the page cache holds file page (file_id, offset): a fault there needs no read. */
bool pager_cache_has(const pager_t *pager, uint64_t file_id, uint64_t offset);
/* Free every cached page that no space maps; returns how many. */
uint64_t pager_cache_trim(pager_t *pager);

/*
 * Swap and replacement (cfg.swap_slots, cfg.frame_limit, ops->swap_out). When the backend has
 * no frame left, or the pager holds cfg.frame_limit frames, frame allocation first trims the
 * page cache, then evicts with a clock (second chance) over every space's pages, in (space,
 * address) order from where the hand stopped last time: a page whose accessed bit (harvested
 * through ops->harvest, which clears it) or software reference bit (set when it is mapped) is
 * set gets a second chance; otherwise
 *  - a clean file page is dropped (unmapped, state NONE; the page cache or file re-reads it);
 *  - a private anonymous page (or private copy of a file page) whose frame no other page
 *    shares is written to a free slot through ops->swap_out, unmapped and freed (SWAPPED); a
 *    page swapped in and not written since keeps its slot (it is mapped read-only, so the
 *    first write faults, frees the slot and makes it writable) and is just dropped again;
 *  - a page of a shared file region whose frame no other space maps is dropped too when
 *    ops->file_write is set, a dirty one after it was written back (a failed write keeps it);
 *    without the hook only clean ones no other page shares go;
 *  - frames shared copy-on-write (after fork) stay resident until a write splits them, as do
 *    pages of shared anonymous regions and the zero frame.
 * A swapped page forked is shared by slot (a reference count per slot); each side swaps in
 * its own copy. A slot is freed when its last page is written after swap-in, unmapped, or
 * its space is destroyed. With swap full and nothing evictable the fault that needed a frame
 * is BAD OUT_OF_MEMORY; no other space loses data.
 */
void pager_swap_stats(const pager_t *pager, pager_swap_stats_t *out);
/* Evict up to `want` frames now (as frame allocation does); returns how many were freed. */
uint64_t pager_evict(pager_t *pager, uint64_t want);

/* ---- spaces ----------------------------------------------------------------------------- */

/* Create an empty space; `user` is passed to the map/unmap/protect/harvest hooks. */
int pager_space_create(pager_t *pager, void *user, pager_space_t **out);

/*
 * Destroy a space: every mapped page is unmapped, every frame reference dropped (a frame
 * shared with another space survives there), every region freed. Returns the first hook error,
 * but the space is gone either way.
 */
int pager_space_destroy(pager_space_t *space);

/*
 * Clone `parent` for fork(): the child gets a copy of every region and shares every page.
 * Private writable pages become read-only on both sides (copy on write); shared regions stay
 * writable on both sides. The child's pages are mapped at once with `child_user`.
 * Pages of SHARED regions that were never touched are filled in the parent first (zero fill
 * or file read), so that both sides share one frame from the start: there is no shared memory
 * object yet that could fill them lazily for both.
 * Errors: PAGER_ENOMEM, PAGER_EIO, or a hook error; on failure no child exists and the parent's
 * contents are unchanged (some of its pages may have lost write access, which faults give
 * back, and untouched shared pages may have been filled).
 */
int pager_fork(pager_space_t *parent, void *child_user, pager_space_t **child_out);

void pager_space_stats(const pager_space_t *space, pager_stats_t *out);
void *pager_space_user(const pager_space_t *space);
size_t pager_region_count(const pager_space_t *space);

/* ---- regions ---------------------------------------------------------------------------- */

/*
 * Map `length` bytes of anonymous memory with rights `prot`. With hint 0 the library picks the
 * lowest free range; with a hint it uses [hint, hint + length) if that is free, else picks one,
 * unless PAGER_MAP_FIXED is set, when an overlap is PAGER_EEXIST. The region merges with
 * compatible neighbours. Errors: PAGER_EINVAL, PAGER_ERANGE, PAGER_EEXIST, PAGER_ENOMEM.
 */
int pager_map_anon(pager_space_t *space, uint64_t hint, uint64_t length, unsigned prot,
                   unsigned flags, uint64_t *addr_out);

/* As pager_map_anon, but pages are read from `file_id` at `offset` (page aligned) + delta. */
int pager_map_file(pager_space_t *space, uint64_t hint, uint64_t length, unsigned prot,
                   unsigned flags, uint64_t file_id, uint64_t offset, uint64_t *addr_out);

/*
 * Reserve a stack below `top`: [top - initial, top) is mapped read-write at once (pages still
 * fill lazily), it may grow down to top - max, and [top - max - guard, top - max) is a guard
 * gap. 0 < initial <= max; guard may be 0.
 */
int pager_map_stack(pager_space_t *space, uint64_t top, uint64_t initial, uint64_t max,
                    uint64_t guard);

/* A region that faults with PAGER_BAD_GUARD on any access. */
int pager_map_guard(pager_space_t *space, uint64_t addr, uint64_t length);

/*
 * Remove [addr, addr + length): regions partly inside are split, pages inside are unmapped and
 * their frame references dropped. Holes are fine. A stack may not be cut inside its guard or
 * growth area (PAGER_EINVAL) except by removing the whole reservation.
 */
int pager_unmap(pager_space_t *space, uint64_t addr, uint64_t length);

/*
 * Set the rights of [addr, addr + length), which must be fully mapped (PAGER_ENOENT) and hold
 * no guard (PAGER_EPERM). Regions are split at the ends and merged with compatible
 * neighbours; mapped pages losing rights are downgraded now, rights gained come back lazily on
 * the next fault.
 */
int pager_protect(pager_space_t *space, uint64_t addr, uint64_t length, unsigned prot);

/* The region containing `addr` (PAGER_ENOENT if none). */
int pager_region_find(const pager_space_t *space, uint64_t addr, pager_region_info_t *out);

/* The backing (pager_backing_t) of the region containing `addr`, or PAGER_ENOENT if none: the
 * cheap question a server asks of every fault before it decides how to serve it. */
int pager_region_backing(const pager_space_t *space, uint64_t addr);

/* The first region ending above `addr` (the one containing it, or the next); for iteration. */
int pager_region_next(const pager_space_t *space, uint64_t addr, pager_region_info_t *out);

/* ---- faults and pages ------------------------------------------------------------------- */

/*
 * Resolve a fault of `space` at `addr` for `access`; `sp` is the client's stack pointer (0 if
 * unknown: skips the SP check). Decision order, as in Linux's do_page_fault/handle_pte_fault:
 *   1. no region -> BAD NO_REGION; guard region -> BAD GUARD;
 *   2. a stack's guard gap -> BAD STACK_LIMIT if within sp_slack of SP, else BAD GUARD;
 *      a stack's growth area -> BAD BELOW_SP if addr + sp_slack < SP, else grow;
 *   3. the region lacks the right -> BAD NO_PERMISSION;
 *   4. page not present -> zero page / zero fill / file read / swap in;
 *   5. write to a present read-only page -> zero fill (zero page), copy (shared frame),
 *      upgrade (last reference), or mark dirty (shared file page);
 *   6. already mapped with the right -> RETRY.
 * Out of frames is BAD OUT_OF_MEMORY with the state unchanged: the client may retry later.
 * Returns 0 with `out` filled, or PAGER_EINVAL for a bad `access` or NULL argument.
 */
int pager_fault(pager_space_t *space, uint64_t addr, pager_access_t access, uint64_t sp,
                pager_fault_result_t *out);

/*
 * pager_fault for a fault the kernel reported as a translation fault: nothing is mapped at
 * `addr` in the client. Where pager_fault would say RETRY (the library believes the page is
 * mapped with the right), the page was unmapped behind the library's back; a RETRY would send
 * the client straight back into the same fault forever. Instead the page's frame is mapped again
 * through ops->map with the rights the library recorded: MAPPED, action REMAP (counted as a
 * minor fault, not a retry). Every other case is exactly pager_fault. The kernel refuses a
 * client's own unmap of pager-mapped memory (FL_EPAGER), so this is a safety net, not a path
 * that a correct system takes.
 */
int pager_fault_unmapped(pager_space_t *space, uint64_t addr, pager_access_t access, uint64_t sp,
                         pager_fault_result_t *out);

/*
 * Read-ahead: make up to `max` pages from `addr` (rounded down) present, read-only, in the file
 * region that holds `addr`, through the page cache. Stops silently at the first page that is
 * already present, outside that region, or whose read fails (e.g. past the end of the file):
 * a later fault there decides. *done gets the number of pages mapped (through ops->map).
 * Errors: PAGER_EINVAL (NULL argument, or no page cache configured).
 */
int pager_prefetch(pager_space_t *space, uint64_t addr, unsigned max, unsigned *done);

/*
 * Map-ahead for sequential anonymous writes: call after every pager_fault of `space` with its
 * result. When the faults come in order (this one zero-filled the page right after the last
 * one the policy saw, or after what it last mapped ahead), it maps up to min(max,
 * cfg.map_ahead) pages after the faulting one, zero-filled and writable, through ops->map:
 * 4 on the second fault of a run, doubling with each later one. Any other fault ends the run,
 * so random or strided access maps nothing ahead. It maps only untouched (NONE) pages of the
 * faulting anonymous region, stops at the first other page or the region's end, and takes
 * frames only without eviction (never past cfg.frame_limit). *done gets the pages mapped;
 * each counts as a zero fill and in stats.mapped_ahead. Errors: PAGER_EINVAL (NULL argument).
 */
int pager_map_ahead(pager_space_t *space, const pager_fault_result_t *res, unsigned max,
                    unsigned *done);

/* The state of the page holding `addr` (a NONE page reports PAGER_PAGE_NONE). */
int pager_page_info(const pager_space_t *space, uint64_t addr, pager_page_info_t *out);

/*
 * Read and clear the accessed/dirty bits of the page at `addr` through ops->harvest (both
 * false if it is not mapped). A dirty shared file page is remembered as dirty.
 */
int pager_page_harvest(pager_space_t *space, uint64_t addr, bool *accessed, bool *dirty);

/*
 * Record that the page at `addr` now lives in swap slot `slot`. The caller has already written
 * its contents there. For pagers that manage swap themselves: `slot` must not be below
 * cfg.swap_slots (those are the library's own). The page must be
 * RESIDENT, in a private region, with its frame not shared (PAGER_EBUSY otherwise), or NONE in
 * a private anonymous region; a resident page is unmapped and its frame released.
 */
int pager_page_set_swapped(pager_space_t *space, uint64_t addr, uint64_t slot);

/*
 * Write back the dirty pages of shared file regions in [addr, addr + length) of `space`
 * through ops->file_write (msync): each written page becomes clean and loses write access, so
 * that its next write faults and marks it dirty again. Pages of other regions are skipped.
 * Returns the number of pages written, or PAGER_EINVAL (alignment, NULL), PAGER_EPERM (no
 * file_write hook), or the first hook error (that page stays dirty; the others are done).
 * Eviction also writes a dirty shared file page back (when file_write is set) before it drops
 * it, if no other space maps its frame. Dirtiness belongs to the page, not to the mapping that
 * wrote it: when that space unmaps or exits, the page stays dirty for every other mapping, and
 * it is written back before it is dropped: by eviction, by the page cache (pager_cache_trim
 * and pager_destroy; a failed write keeps it cached until pager_destroy), or, without the page
 * cache, when its last mapping goes.
 */
long pager_sync(pager_space_t *space, uint64_t addr, uint64_t length);

/*
 * Drop the contents of [addr, addr + length) but keep its regions (MADV_DONTNEED): every page
 * in the range is unmapped (ops->unmap), its frame reference and swap slot released, and it is
 * NONE again, so the next touch zero-fills (anonymous, stack) or reads the file again (file
 * regions; through the page cache if it is on). A frame another space shares (fork, page
 * cache) survives there. Dirty pages of shared file regions are written back first through
 * ops->file_write if it is set (their writes are the file's, not this space's); without the
 * hook they are discarded with the rest. Stacks keep their committed size.
 * Returns the number of pages emptied, or PAGER_EINVAL (alignment, zero length, NULL),
 * PAGER_ERANGE, PAGER_ENOENT (part of the range has no region), or a write-back error (the
 * pages before it were discarded, that one and the ones after kept).
 */
long pager_discard(pager_space_t *space, uint64_t addr, uint64_t length);

/*
 * An observer sees every fault decision, after it was carried out: pager_fault and
 * pager_fault_unmapped call it once each with the fault's arguments and result (MAPPED, RETRY
 * or BAD), before returning. It must not call back into the library for this pager (it may
 * read a copy of the result). For logs, traces and tests; NULL turns it off.
 */
typedef void (*pager_observer_fn)(void *arg, pager_space_t *space, uint64_t addr,
                                  pager_access_t access, const pager_fault_result_t *res);
void pager_set_observer(pager_t *pager, pager_observer_fn fn, void *arg);

/*
 * The answer a pager sends for a fault decision, independent of the kernel's message layout:
 * the faultline form is one FL_FAULT_REPLY_MAP of `pages` pages from `frame` at `page` with
 * `prot`, or one FL_FAULT_REPLY_FAIL with `fail` (see <pager/reply_fl.h>, which builds the
 * fl_msg_t). PAGER_REPLY_FAIL_* numbers equal faultline's FL_FAULT_FAIL_*.
 */
typedef enum pager_reply_kind {
    PAGER_REPLY_MAP = 0, /* map [page, page + pages * PAGE_SIZE) from frame..., then resume */
    PAGER_REPLY_FAIL,    /* stop the thread with reason `fail` */
} pager_reply_kind_t;

#define PAGER_REPLY_FAIL_NO_REGION  1u
#define PAGER_REPLY_FAIL_PERMISSION 2u
#define PAGER_REPLY_FAIL_GUARD      3u
#define PAGER_REPLY_FAIL_NO_MEMORY  4u
#define PAGER_REPLY_FAIL_BUS        5u
#define PAGER_REPLY_FAIL_OTHER      6u

typedef struct pager_reply {
    pager_reply_kind_t kind;
    uint64_t page;  /* MAP: the faulting page */
    uint64_t frame; /* MAP: the frame to map there */
    unsigned pages; /* MAP: 1 (a backend that maps runs of frames ahead raises it) */
    unsigned prot;  /* MAP: PAGER_PROT_* */
    unsigned fail;  /* FAIL: PAGER_REPLY_FAIL_* */
} pager_reply_t;

/*
 * Build the reply for the decision `res` of a fault of `space` at `res->page`:
 *   MAPPED -> MAP of res->frame with res->prot;
 *   RETRY  -> MAP of the frame and rights the library records for the page (the kernel asked,
 *             so the client does not see it mapped: answering from the record is always safe);
 *             FAIL OTHER if the library has it unmapped (cannot happen after a RETRY);
 *   BAD    -> FAIL with the reason mapped to PAGER_REPLY_FAIL_* (GUARD for every stack
 *             reason, NO_MEMORY for OUT_OF_MEMORY, BUS for IO).
 * Returns 0, or PAGER_EINVAL for a NULL argument.
 */
int pager_reply_build(const pager_space_t *space, const pager_fault_result_t *res,
                      pager_reply_t *out);

/* The PAGER_REPLY_FAIL_* code for a bad-access reason. */
unsigned pager_reply_fail_code(pager_bad_reason_t reason);

const char *pager_action_name(pager_action_t action);
const char *pager_bad_reason_name(pager_bad_reason_t reason);

#endif
