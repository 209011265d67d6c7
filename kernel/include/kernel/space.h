/* Address spaces, which are also processes: page tables + ASID + handle table + threads. */
#ifndef KERNEL_SPACE_H
#define KERNEL_SPACE_H

#include <kernel/handle.h>
#include <kernel/kobj.h>
#include <kernel/pool.h>
#include <stdbool.h>

struct thread;

typedef struct space {
    kobj_t obj;
    uint64_t root;     /* level 0 table (physical), charged to pool */
    uint64_t asid_ctx; /* generation << 16 | ASID */
    pool_t *pool;      /* page tables and pages are charged here */
    handle_table_t *handles;
    struct thread *threads; /* live threads, linked by space_next */
    unsigned nthreads;
    bool dead;         /* torn down: no threads, no mappings, no handles */
    bool is_root_task; /* init: when it ends, the system ends */
    int exit_status;
    struct notification *watch; /* signalled with watch_bits when the process ends */
    uint64_t watch_bits;
    uint32_t id;
} space_t;

space_t *space_create(pool_t *pool);
/* Ends the process: kills its threads, unmaps everything, closes every handle. Done at once,
 * or, when called while objects are being destroyed, queued on the reaper list (kobj.h) and
 * done before the outermost destruction returns. */
void space_kill(space_t *s, int status);
/* The reaper's half of space_kill. */
void space_kill_now(space_t *s);
/* A handle to o with rights was taken out of a table (closed, or its table torn down): drops
 * the reference it held, kills a thread that was never started and is named nowhere else, and
 * ends a process that only its own handles still name (a cycle). */
void space_handle_dropped(kobj_t *o, uint32_t rights);
/* Ends s if nothing but s itself can reach it any more (extra: references the caller holds). */
void space_collect(space_t *s, uint32_t extra);
/* The space o is or belongs to (a thread's), or NULL. */
space_t *space_of(kobj_t *o);
/* Makes s the calling CPU's user address space (NULL: none). */
void space_activate(space_t *s);
/* Boot argument fl.asid_bits: use fewer ASIDs than the hardware has (tests force rollovers). */
void space_limit_asid_bits(unsigned bits);
unsigned space_asid_bits_limit(void);
/* The ASID allocator's generation (rollovers so far + 1), for SYSTEM_INFO. */
uint64_t space_asid_generation(void);

/* Mapping. va page-aligned and below USER_TOP (checked by callers). */
int space_map_frame(space_t *s, uint64_t va, uint64_t pa, unsigned prot, unsigned vsflags);
void space_unmap(space_t *s, uint64_t va);
void space_protect(space_t *s, uint64_t va, unsigned prot);
bool space_lookup(space_t *s, uint64_t va, uint64_t *pa, unsigned *prot);

#endif
