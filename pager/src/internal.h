/*
 * libpager internals shared by its source files: the region tree, the page table, frame
 * records and the pager/space structs. Nothing here is part of the public API.
 */
#ifndef PAGER_INTERNAL_H
#define PAGER_INTERNAL_H

#include <pager/pager.h>

#define PAGE_MASK     (PAGER_PAGE_SIZE - 1)
#define VA_LIMIT      (1ULL << 48) /* 4 levels of 9 bits above the 12-bit page offset */
#define IS_ALIGNED(x) (((x)&PAGE_MASK) == 0)

/* ---- frames (frame.c) ------------------------------------------------------------------- */

/* A frame the pager holds, shared by `shares` page-table entries (one per space at most). */
typedef struct frame_rec {
    uint64_t id;
    uint32_t shares;
    /*
     * A page of a shared file mapping that holds writes its file has not seen yet. It belongs
     * to the page, not to the mapping that wrote it: it outlives that space, so the page is
     * written back before any later drop (eviction, cache trim, last unmap). A write-back
     * clears it.
     */
    bool dirty;
} frame_rec_t;

/* Allocate a frame and its record (shares = 1); NULL if the backend or malloc is out. */
frame_rec_t *frame_get(pager_t *pager);
/* Drop one reference; the last one frees the frame through the backend. */
void frame_put(pager_t *pager, frame_rec_t *f);
/* Frees the records frame_put kept for reuse (pager_destroy). */
void frame_recs_free(pager_t *pager);
/* The shared zero frame, allocated and zeroed on first use; false if out of memory. */
bool frame_zero(pager_t *pager, uint64_t *id_out);

/* ---- page cache (cache.c) --------------------------------------------------------------- */

#define CACHE_BUCKETS 256u

typedef struct cache_ent {
    struct cache_ent *next;
    uint64_t file, off;
    frame_rec_t *frame; /* the cache's own reference is one of its shares */
} cache_ent_t;

/*
 * The frame of file page (file, off) with a new reference for the caller: from the cache
 * (*hit), or a fresh frame filled by ops->file_read and cached. NULL with *reason set
 * (OUT_OF_MEMORY or IO) on failure; nothing changed then.
 */
frame_rec_t *cache_get(pager_t *pager, uint64_t file, uint64_t off, bool *hit,
                       pager_bad_reason_t *reason);
/* Drop every cached page (pager_destroy). */
void cache_free_all(pager_t *pager);

/* ---- regions (region.c) ----------------------------------------------------------------- */

typedef struct region {
    /* AVL tree keyed by start, augmented to find free gaps in O(log n). */
    struct region *left, *right;
    int height;
    uint64_t min_start, max_end, max_gap; /* over this subtree */

    uint64_t start, end;
    unsigned prot;
    unsigned flags; /* PAGER_MAP_PRIVATE or PAGER_MAP_SHARED */
    pager_backing_t backing;
    uint64_t file_id, file_off; /* FILE: offset of `start` in the file */
    uint64_t stack_limit;       /* STACK: [start, limit) is the guard gap */
    uint64_t stack_low;         /* STACK: [limit, low) growth area, [low, end) committed */
} region_t;

typedef struct region_tree {
    region_t *root;
    size_t count;
    region_t *hint; /* the region region_find found last: faults come in runs in one region */
} region_tree_t;

region_t *region_find(const region_tree_t *t, uint64_t addr);
region_t *region_first_after(const region_tree_t *t, uint64_t addr); /* first with end > addr */
region_t *region_next(const region_tree_t *t, const region_t *r);
region_t *region_prev(const region_tree_t *t, const region_t *r);
/* true if some region intersects [lo, hi) */
bool region_overlaps(const region_tree_t *t, uint64_t lo, uint64_t hi);
void region_insert(region_tree_t *t, region_t *r);
void region_remove(region_tree_t *t, region_t *r);
/* Lowest `len`-byte free range in [lo, hi); false if none. */
bool region_find_gap(const region_tree_t *t, uint64_t lo, uint64_t hi, uint64_t len,
                     uint64_t *addr_out);
/* Deep copy; false on out of memory (dst left empty). */
bool region_clone(region_tree_t *dst, const region_tree_t *src);
void region_free_all(region_tree_t *t);
/* Could a and b (a below b, touching) be one region? */
bool region_compatible(const region_t *a, const region_t *b);

/* ---- page table (pagetab.c) ------------------------------------------------------------- */

/* One entry per virtual page; 16 bytes. */
typedef struct pte {
    uint8_t state;   /* pager_page_state_t */
    uint8_t prot;    /* rights currently in the MMU, 0 = not mapped */
    uint8_t dirty;   /* shared FILE: this mapping may write (writable since its last write-back) */
    uint8_t ref;     /* software reference bit: set when mapped, cleared by the clock */
    uint32_t swslot; /* RESIDENT: slot + 1 still holding a clean copy (0: none) */
    union {
        frame_rec_t *frame; /* RESIDENT, FILE */
        uint64_t slot;      /* SWAPPED */
    } u;
} pte_t;

typedef struct pagetab {
    void *root;
} pagetab_t;

/* The entry for `vpn`, or NULL if its leaf does not exist (the page is NONE). */
pte_t *pagetab_lookup(const pagetab_t *pt, uint64_t vpn);
/* The entry for `vpn`, creating the path to it; NULL on out of memory. */
pte_t *pagetab_ensure(pagetab_t *pt, uint64_t vpn);
/* Call fn for every entry not NONE with vpn in [lo, hi), in order; stops when fn returns
 * non-zero and returns that value. */
typedef int (*pagetab_fn)(uint64_t vpn, pte_t *pte, void *arg);
int pagetab_walk(pagetab_t *pt, uint64_t lo, uint64_t hi, pagetab_fn fn, void *arg);
/* Free the leaves and nodes covering only [lo, hi) whose entries are all NONE. */
void pagetab_prune(pagetab_t *pt, uint64_t lo, uint64_t hi);
void pagetab_free(pagetab_t *pt);

/* ---- swap (swap.c) ---------------------------------------------------------------------- */

/* Slots below cfg.swap_slots are the library's: reference counted, freed on the last put. */
bool slot_managed(const pager_t *p, uint64_t slot);
int slot_init(pager_t *p);
void slot_fini(pager_t *p);
bool slot_alloc(pager_t *p, uint64_t *slot_out);
void slot_ref(pager_t *p, uint64_t slot);
void slot_put(pager_t *p, uint64_t slot);
/* Evict up to `want` frames (clock); returns how many frames the pager holds fewer. */
uint64_t evict(pager_t *p, uint64_t want);
/* Release the swap references an entry holds (a SWAPPED slot, a clean copy's slot). */
void pte_put_slots(pager_t *p, pte_t *pte);
void space_link(pager_space_t *s);
void space_unlink(pager_space_t *s);

/* ---- pager and spaces ------------------------------------------------------------------- */

struct pager {
    const pager_ops_t *ops;
    void *ctx;
    pager_config_t cfg;
    uint64_t frames; /* frame records plus the zero frame */
    bool have_zero;
    uint64_t zero_id;
    size_t nspaces;
    cache_ent_t **cache; /* CACHE_BUCKETS chains, allocated on first use */
    pager_cache_stats_t cstats;
    /* swap (swap.c) */
    uint64_t *slot_map;  /* bitmap of used slots */
    uint16_t *slot_refs; /* pages referencing each slot */
    uint64_t slot_next;  /* where the next slot search starts */
    pager_swap_stats_t sstats;
    pager_space_t *spaces; /* every space, a ring (clock order) */
    pager_space_t *hand;   /* the clock hand: space and page number */
    uint64_t hand_vpn;
    bool evicting;
    /* observe.c: the observer, and whether file_read reported a hole since fault_begin */
    pager_observer_fn observer;
    void *observer_arg;
    bool hole_seen;
    const pte_t *pinned; /* the page a fault is working on: eviction leaves it alone */
    /* frame.c: records of freed frames kept for the next frame_get (per pager: the library
     * holds no global state) */
    union spare_rec *spare;
    unsigned nspare;
};

struct pager_space {
    pager_t *pager;
    pager_space_t *next, *prev; /* the pager's ring of spaces */
    void *user;
    region_tree_t regions;
    pagetab_t pt;
    pager_stats_t stats;
    uint64_t ahead_next; /* map-ahead (mapahead.c): the page a sequential run faults next */
    unsigned ahead_run;  /* faults in the run so far, 0: none */
};

static inline uint64_t vpn_of(uint64_t addr)
{
    return addr >> PAGER_PAGE_SHIFT;
}

static inline uint64_t addr_of(uint64_t vpn)
{
    return vpn << PAGER_PAGE_SHIFT;
}

/*
 * The rights a present page may be mapped with in region r: the region's, minus write while
 * the page is the zero frame, a private frame shared copy-on-write or a private clean file
 * frame, or a shared file frame not yet known dirty (the first write marks it).
 */
unsigned page_allowed_prot(const region_t *r, const pte_t *pte);

/* Unmap (if mapped) and release whatever the page holds; leaves it NONE. A dirty shared file
 * page's last reference is written back first (ops->file_write); the page cache keeps its own. */
int page_release(pager_space_t *s, uint64_t vpn, pte_t *pte);

/* Whether a FILE page holds writes its file has not seen: the page's own mark, or a mapping
 * that may still write. */
bool page_dirty(const pte_t *pte);

/* Write a dirty page of shared file region r back through ops->file_write; on success the page
 * and this mapping are clean (the caller write-protects the mapping if it stays). */
int page_write_back(pager_space_t *s, const region_t *r, uint64_t vpn, pte_t *pte);

/* Release every page with vpn in [lo, hi) and prune the table; returns the first hook error. */
int space_release_range(pager_space_t *s, uint64_t lo, uint64_t hi);

/* Set a mapped page's rights to `prot` (unmap if 0); returns the hook error. */
int page_set_prot(pager_space_t *s, uint64_t vpn, pte_t *pte, unsigned prot);

/* The decision of pager_fault without the observer and hole accounting (fault.c). unmapped:
 * the kernel reported nothing mapped at addr (pager_fault_unmapped, remap.c), so a record
 * without the right the access needs is first made to say so (rights 0). */
int fault_decide(pager_space_t *s, uint64_t addr, pager_access_t access, uint64_t sp, bool unmapped,
                 pager_fault_result_t *out);
/* Around every fault decision (observe.c, remap.c): fault_begin before, fault_end after
 * (reports a hole, calls the observer) returning rc. Inline: every fault runs them. */
static inline void fault_begin(pager_space_t *s)
{
    s->pager->hole_seen = false;
}

static inline int fault_end(pager_space_t *s, uint64_t addr, pager_access_t access,
                            pager_fault_result_t *out, int rc)
{
    pager_t *p = s->pager;
    if (rc < 0)
        return rc;
    if (out->outcome == PAGER_FAULT_MAPPED) {
        /* The only file_read a fault makes is for its own page; a cache hit made none. */
        if (p->hole_seen && out->action == PAGER_ACT_FILE_READ) {
            out->action = PAGER_ACT_FILE_HOLE;
            out->major = false;
            s->stats.major--;
            s->stats.minor++;
            s->stats.holes++;
        }
        if (out->action == PAGER_ACT_FIRST_WRITE)
            s->stats.first_writes++;
    }
    p->hole_seen = false;
    if (p->observer)
        p->observer(p->observer_arg, s, addr, access, out);
    return rc;
}

/* ops->file_read into `frame`; a PAGER_FILE_HOLE answer zero-fills it (hole.c). 0 or < 0. */
int file_fill(pager_t *p, uint64_t file, uint64_t off, uint64_t frame);

/* Fill a page that is NONE (fault.c); PAGER_BAD_NONE on success, `out` says what was done. */
pager_bad_reason_t fault_absent(pager_space_t *s, const region_t *r, uint64_t vpn, pte_t *pte,
                                pager_access_t access, pager_fault_result_t *out);

#endif
