/* Helpers for the pager tests (test_pager*.c) and init's pager demo: a reference pager per
 * test, so every frame it held is free again when the test ends. */
#ifndef PAGER_HARNESS_H
#define PAGER_HARNESS_H

#include <fl/spawn.h>
#include <fl/vm.h>
#include <stdint.h>

typedef struct pg_env {
    fl_proc_t pager;
    fl_handle_t ep;   /* control: the unbadged service endpoint */
    fl_handle_t ntf;  /* children's end notifications */
    fl_handle_t pool; /* the pager's pool (0: the caller's) */
} pg_env_t;

/* Starts `args` ("pager" or "pager -v") with a pool of `frames` (0: the caller's pool).
 * NULL or a reason. Registers everything with the test runner if `tracked`. */
const char *pg_start(pg_env_t *e, uint64_t frames, const char *args, int tracked);
/* Spawns args on the pager; the child's end signals `bits` on e->ntf. */
const char *pg_spawn(pg_env_t *e, fl_proc_t *p, const char *args, uint64_t bits, uint64_t stack_max,
                     int tracked);
/* Waits for the child's end; NULL and *status, or a reason. */
const char *pg_wait(pg_env_t *e, fl_proc_t *p, uint64_t bits, long *status);
/* Stops the pager and frees what pg_start made (for untracked use, e.g. the demo). */
void pg_stop(pg_env_t *e);
const char *pg_reason_name(unsigned reason);

#endif
