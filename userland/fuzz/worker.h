/*
 * The fuzz worker's parts (worker.c: recorded system calls, the handle model, argument
 * generators and random calls; seq.c: valid-ish sequences). One thread makes every recorded
 * call; helper threads (the IPC server, watchers, short-lived pagers) only make their own.
 */
#ifndef FUZZ_WORKER_H
#define FUZZ_WORKER_H

#include "fuzz.h"
#include <fl/syscall.h>
#include <stdint.h>

/* What the run was asked to do. */
typedef struct fz_cfg {
    uint64_t seed, calls;
    unsigned avoid; /* FZ_AVOID bits */
    int verbose;    /* print every call before it is made */
} fz_cfg_t;

extern fz_cfg_t fz_cfg;
extern uint64_t fz_rng;
extern fz_shared_t *fz_sh;

static inline uint64_t fz_rand(void)
{
    return fz_next(&fz_rng);
}
/* 0..n-1 */
static inline uint64_t fz_below(uint64_t n)
{
    return n ? fz_rand() % n : 0;
}
/* 1 with probability num/den. */
static inline int fz_chance(unsigned num, unsigned den)
{
    return fz_below(den) < num;
}
static inline int fz_avoid(unsigned item)
{
    return (fz_cfg.avoid & FZ_AVOID(item)) != 0;
}

/* A system call, recorded in the shared ring (and printed when verbose) before it is made. */
long fz_sys(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
            uint64_t a5);
/* An IPC call (SEND, RECV, CALL, REPLY, REPLY_RECV) with *m in and out, recorded. */
long fz_ipc(uint64_t nr, fl_handle_t ep, fl_msg_t *m);

/* Records the first answer of the kernel that breaks its documented ABI (the driver reports
 * the seed as failing). */
void fz_oracle(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The handle model: what the main thread holds, with the object each names. */
#define FZ_OBJ_SELF    1u /* the worker's own space */
#define FZ_OBJ_UNKNOWN 0u /* arrived over IPC: could be anything of its type */
typedef struct fz_handle {
    fl_handle_t h;
    uint8_t type; /* fl_obj_type_t */
    uint8_t keep; /* never closed by random calls: the worker needs it */
    uint16_t obj; /* object identity (FZ_OBJ_*, or a number from fz_new_obj) */
} fz_handle_t;

void fz_track(long h, unsigned type, unsigned obj, int keep);
void fz_forget(fl_handle_t h);
/* HANDLE_CLOSE, recorded, and the model updated. */
long fz_close(fl_handle_t h);
/* SPACE_CREATE, recorded, unless FZ_AVOID(5) says the pool is too close to its limit. */
long fz_space_create(uint64_t pool);
unsigned fz_new_obj(void);
fz_handle_t *fz_lookup(fl_handle_t h);
/* A tracked handle of this type (any type if type is 0), or 0 if there is none. */
fz_handle_t *fz_pick_tracked(unsigned type);
/* A handle argument: usually a tracked one of the wanted type, sometimes of another type,
 * sometimes garbage (0, ~0, closed, stale generation, random). */
uint64_t fz_handle_arg(unsigned type);
/* The next free-to-use page of the playground mapped in the worker (allocating if needed). */
uint64_t fz_play_page(unsigned i);

/* Objects the sequences and random calls share. */
extern fl_handle_t fz_self, fz_pool, fz_srv_ep, fz_initrd;
extern unsigned fz_srv_obj;

/* Sequences (seq.c): each keeps its own objects consistent and never blocks forever. */
void fz_seq_run(void);
void fz_seq_init(void);

#endif
