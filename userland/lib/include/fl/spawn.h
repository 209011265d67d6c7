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
} fl_spawn_args_t;

typedef struct fl_proc {
    fl_handle_t space;  /* all rights */
    fl_handle_t thread; /* its first thread, all rights */
} fl_proc_t;

/* Builds and starts the process. 0, or an fl_err_t with *err (if not NULL) set to a static
 * English message saying which step failed. */
long fl_spawn(const fl_spawn_args_t *args, fl_proc_t *out, const char **err);

/* fl_spawn of the initrd file named by args->args's first word; image and image_size are
 * ignored. FL_ENOENT when there is no initrd or no such file. */
long fl_spawn_initrd(const fl_spawn_args_t *args, fl_proc_t *out, const char **err);

/* Stops the process (FL_SYS_SPACE_DESTROY) and closes both handles. Every frame it held is
 * free again once this returns. */
void fl_proc_destroy(fl_proc_t *p);

#endif
