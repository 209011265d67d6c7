/*
 * What the runtime learned at program start (runtime.c), and the services built on it: the
 * heap behind malloc, stdio on the kernel debug console, exit.
 *
 * A program is either init (the kernel passed an fl_bootinfo_t) or a spawned program (its
 * spawner passed an fl_start_t, fl/start.h); exactly one of fl_bootinfo and fl_start_page is
 * set. main is called as main(argc, argv): init gets argc = 1 and argv = {"init", NULL}; a
 * spawned program gets the words of its start page's args.
 *
 * stdout and stderr share one line buffer that is written with FL_SYS_DEBUG_WRITE at each
 * newline, when full, and at exit. It is not locked: print from one thread per process, or
 * call fl_debug_write directly from the others. stdin always reads EOF.
 */
#ifndef FL_RUNTIME_H
#define FL_RUNTIME_H

#include <faultline/bootinfo.h>
#include <fl/start.h>
#include <stddef.h>

extern const void *fl_start_arg;         /* x0 at entry */
extern const fl_bootinfo_t *fl_bootinfo; /* init only, else NULL */
extern const fl_start_t *fl_start_page;  /* spawned programs only, else NULL */

/* The handles the runtime found in the boot information or start page (0 if none). */
fl_handle_t fl_self_space(void);
fl_handle_t fl_pool(void);
fl_handle_t fl_parent(void);
/* The runtime's copy of the handles above (and the pager's, fl/vm.h); fork's child sets its
 * own here before it returns to the program. */
typedef struct fl_runtime_handles {
    fl_handle_t self_space, pool, parent, pager;
} fl_runtime_handles_t;
fl_runtime_handles_t *fl_runtime_handles(void);

/* Extra handle i of the start page (0 if none). */
fl_handle_t fl_start_handle(unsigned i);

/* The initrd init was given (read-only, mapped by the kernel): 0 and its bounds, or
 * FL_ENOENT in a program without one. */
int fl_initrd(const void **base, size_t *size);

#endif
