/* Address spaces, which are also processes: page tables + ASID + handle table + threads. */
#ifndef KERNEL_SPACE_H
#define KERNEL_SPACE_H

#include <faultline/syscall.h>
#include <kernel/handle.h>
#include <kernel/kobj.h>
#include <kernel/pool.h>
#include <stdbool.h>

struct thread;
struct endpoint;
struct notification;

#define SPACE_PAGERS 4 /* distinct pager endpoints the threads of one space may have */

/* A pager endpoint of the space's threads (kernel/space_pagers.c): it alone may change the
 * pages its replies mapped, and it gets FL_LABEL_SPACE_ENDED when the process ends (the entry
 * is then queued on the endpoint, holding a reference on the space, until received). */
typedef struct space_pager {
    struct endpoint *ep; /* holds a reference; NULL: free */
    uint64_t badge;      /* of the handle the thread's pager was set with */
    struct space *space;
    struct space_pager *next_event; /* in ep->events */
    int status;                     /* exit status, filled in when queued */
} space_pager_t;

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
    struct notification *watch[FL_SPACE_WATCHERS]; /* signalled with watch_bits[i] when the
                                                       process ends */
    uint64_t watch_bits[FL_SPACE_WATCHERS];
    uint32_t id;
    space_pager_t pagers[SPACE_PAGERS]; /* kernel/space_pagers.c */
    struct space *all_next, *all_prev;  /* every space, for pool revocation (pool_revoke.c) */
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
/* A CPU starts scheduling threads: from now on an ASID rollover makes it flush its TLB. */
void space_cpu_online(unsigned cpu);

/* Mapping. va page-aligned and below USER_TOP (checked by callers). */
int space_map_frame(space_t *s, uint64_t va, uint64_t pa, unsigned prot, unsigned vsflags);
void space_unmap(space_t *s, uint64_t va);
void space_protect(space_t *s, uint64_t va, unsigned prot);
bool space_lookup(space_t *s, uint64_t va, uint64_t *pa, unsigned *prot);

/* Pager authority and end events (kernel/space_pagers.c). */
typedef enum {
    SPACE_NO_PAGER,     /* no live pager endpoint: anyone with the space handle may change pages */
    SPACE_PAGER_CALLER, /* the caller receives on one of the space's pager endpoints */
    SPACE_PAGER_OTHER,  /* the space has a live pager and the caller is not it */
} space_pager_role_t;
space_pager_role_t space_pager_role(space_t *s);
/* Thread t of s gets pager ep (NULL: none) with badge: recomputes s's pager set from its live
 * threads. FL_EFULL (nothing changed) when that would exceed SPACE_PAGERS endpoints. */
int space_pagers_update(space_t *s, struct thread *t, struct endpoint *ep, uint64_t badge);
/* The process ended (from teardown): queue FL_LABEL_SPACE_ENDED on each pager endpoint. */
void space_pagers_ended(space_t *s, bool notify);

#endif
