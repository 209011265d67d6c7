/*
 * The process start convention: how a spawned program (not init) learns what it was given.
 *
 * The spawner (fl_spawn, fl/spawn.h) maps one read-only page at FL_START_VA in the child and
 * starts its first thread with x0 = FL_START_VA and sp = FL_STACK_TOP. The page holds an
 * fl_start_t: handle values are valid in the child's own handle table (the spawner gave them
 * with FL_SYS_HANDLE_GIVE). Init instead gets the kernel's fl_bootinfo_t (faultline/bootinfo.h)
 * at the same place; the runtime tells them apart by the magic.
 *
 * Exit: when the program's main returns or it calls exit(), the runtime sends one message on
 * `parent` (if it has one): tag FL_TAG(FL_START_MSG_EXIT, 1, 0), word 0 = the exit status.
 * The spawner receives it (telling children apart by the badge it minted) and then destroys the
 * child's space. Until it does, the child's thread waits in that send.
 */
#ifndef FL_START_H
#define FL_START_H

#include <faultline/types.h>
#include <stdint.h>

#define FL_START_MAGIC       0x5452415453464cULL /* "FLSTART" */
#define FL_START_VERSION     1
#define FL_START_MAX_HANDLES 8
#define FL_START_ARGS_MAX    256

/* Label of the message a program sends its parent when it exits. */
#define FL_START_MSG_EXIT 0xe417

typedef struct fl_start {
    uint64_t magic;   /* FL_START_MAGIC */
    uint32_t version; /* FL_START_VERSION */
    uint32_t nhandles;
    fl_handle_t self_space; /* the child's own space: MAP (heap) and MANAGE (threads) */
    fl_handle_t pool;       /* a pool it may create objects from, or 0 */
    fl_handle_t parent;     /* endpoint to the spawner, badged, send (WRITE) only; or 0 */
    fl_handle_t pager;      /* its badged pager endpoint, WRITE only (fl/vm.h); or 0 */
    fl_handle_t handles[FL_START_MAX_HANDLES]; /* extra handles, meaning agreed per program */
    /* Command line: words separated by single spaces, NUL-terminated; argv[0] is the name. */
    char args[FL_START_ARGS_MAX];
} fl_start_t;

_Static_assert(sizeof(fl_start_t) == 32 + 4 * FL_START_MAX_HANDLES + FL_START_ARGS_MAX,
               "start page layout is the spawn ABI");
_Static_assert(sizeof(fl_start_t) <= FL_PAGE_SIZE, "start page fits a page");

#endif
