/*
 * Creating a process from an ELF image in memory (spawn.c), following the start convention
 * of fl/start.h:
 *  1. check the image with elf_parse (kernel/lib/elf.c);
 *  2. FL_SYS_SPACE_CREATE charged to args->pool;
 *  3. for each segment, fill pages in the caller's scratch window (FL_SCRATCH_VA: allocated,
 *     copied, mapped into the child with FL_SYS_VM_MAP, unmapped from the caller);
 *  4. a stack of FL_STACK_PAGES below FL_STACK_TOP;
 *  5. the child's handles (its own space, the pool, a badged send-only endpoint to the parent,
 *     the extras) with FL_SYS_HANDLE_GIVE, and the start page at FL_START_VA;
 *  6. its first thread: FL_SYS_THREAD_CREATE at the ELF entry, then FL_SYS_THREAD_START.
 * On any failure the half-built space is destroyed: nothing is left behind.
 *
 * With args->pager (the reference pager's control endpoint, fl/pager_proto.h) the child's
 * memory belongs to the pager instead: the space is registered with it, every segment, the
 * start page, the heap (all of FL_HEAP_MAX, filled on touch) and a growable stack are pager
 * regions; segment bytes are copied in through LOAD windows; the first thread's pager is the
 * child's badged endpoint, which the child also gets (fl_start_t.pager) for fl/vm.h and fork.
 * Such a child has no parent endpoint by default: it ends with FL_SYS_THREAD_EXIT, the pager
 * signals pager_notify when it has freed the child's memory, and fl_proc_wait reads the status.
 *
 * Not thread-safe (one scratch window per process): spawn from one thread.
 */
#ifndef FL_SPAWN_H
#define FL_SPAWN_H

#include <faultline/types.h>
#include <fl/start.h>
#include <stddef.h>
#include <stdint.h>

typedef struct fl_spawn_args {
    const void *image; /* the ELF file */
    size_t image_size;
    const char *args;      /* command line, argv[0] first; copied to the start page */
    fl_handle_t pool;      /* charged for the space, its page tables, frames, threads */
    unsigned priority;     /* of the first thread: at most the caller's */
    fl_handle_t give_pool; /* if not 0: given to the child as fl_start_t.pool */
    uint32_t give_pool_rights;
    fl_handle_t parent;    /* if not 0: an endpoint (with FL_RIGHT_GRANT) minted with */
    uint64_t parent_badge; /* parent_badge into a send-only fl_start_t.parent */
    unsigned nhandles;     /* extra handles, given with the matching rights */
    fl_handle_t handles[FL_START_MAX_HANDLES];
    uint32_t rights[FL_START_MAX_HANDLES];
    fl_handle_t pager;          /* if not 0: the pager's control endpoint (see above) */
    fl_handle_t pager_notify;   /* if not 0: a notification the pager signals at the end */
    uint64_t pager_notify_bits; /* with these bits */
    uint64_t stack_max;         /* bytes the stack may grow to (0: FL_STACK_MAX_DEFAULT) */
    fl_handle_t fault_handler;  /* without pager: if not 0, the first thread's pager endpoint */
} fl_spawn_args_t;

#define FL_STACK_MAX_DEFAULT   0x100000UL /* 1 MiB */
#define FL_STACK_GUARD_DEFAULT 0x10000UL  /* 64 KiB below the limit that never maps */

typedef struct fl_proc {
    fl_handle_t space;  /* all rights */
    fl_handle_t thread; /* its first thread, all rights */
    uint64_t pager_id;  /* its client id at the pager (STATS, REPORT), 0 without */
} fl_proc_t;

/* Builds and starts the process. 0, or an fl_err_t with *err (if not NULL) set to a static
 * English message saying which step failed. */
long fl_spawn(const fl_spawn_args_t *args, fl_proc_t *out, const char **err);

/* fl_spawn of the initrd file named by args->args's first word; image and image_size are
 * ignored. FL_ENOENT when there is no initrd or no such file. */
long fl_spawn_initrd(const fl_spawn_args_t *args, fl_proc_t *out, const char **err);

/* Waits until the pager signalled `bits` on notify for a process started with pager_notify
 * (so the pager has freed its memory), then *status = its exit status (-1 if a fault stopped
 * it). Give each child its own bits. */
long fl_proc_wait(const fl_proc_t *p, fl_handle_t notify, uint64_t bits, long *status);

/* Stops the process (FL_SYS_SPACE_DESTROY) and closes both handles. Every frame it held is
 * free again once this returns. */
void fl_proc_destroy(fl_proc_t *p);

#endif
