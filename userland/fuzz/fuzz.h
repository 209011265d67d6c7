/*
 * The in-OS system-call fuzzer, shared by its two halves:
 *  - the driver (driver.c, linked into init, started by the boot argument
 *    fl.fuzz=START,COUNT,CALLS[,AVOID[,v]]): for each seed it creates a pool with a small
 *    quota, spawns the worker in it, waits for it with a deadline, tears it down and checks
 *    that the kernel is alive and that every frame charged to the seed came back;
 *  - the worker (worker.c, seq.c, the initrd program `fuzz`): from its seed alone it makes
 *    CALLS random system calls (random and edge-case arguments) and valid-ish sequences
 *    (objects, handle transfers, mapping, IPC with handles, being the pager of a faulting
 *    child with good and garbage replies).
 * The driver shares one page with the worker (at FZ_SHARED_VA in the worker): the worker
 * records there every call before it makes it, so a failing seed can be printed with its last
 * calls, and replayed from its seed alone.
 */
#ifndef FUZZ_FUZZ_H
#define FUZZ_FUZZ_H

#include <stdint.h>

/* Where the shared page sits in the worker, and the worker's playground: the pages its
 * random memory calls aim at (the rest of its space keeps its code, stack and runtime). */
#define FZ_SHARED_VA  0x4000000000UL
#define FZ_PLAY_VA    0x5000000000UL
#define FZ_PLAY_PAGES 64

/* The worker's priority: below init's, so the driver's deadline thread (priority 0) can only
 * be starved by a worker that is busy, never by one that is blocked. */
#define FZ_PRIO 8

#define FZ_MAGIC 0x7a7a75665a46ULL
#define FZ_RING  32 /* calls kept */

/* Known kernel defects (issue 11's items) the worker steers clear of when asked, so a smoke
 * run on a kernel that still has them stays meaningful. Bit n = item n; bit 0 (ORPHANS) is
 * not a defect but the documented rule that live threads keep an unreferenced space alive:
 * a child blocked for ever with no handle left to it stays until its pool is revoked
 * (FL_SYS_POOL_REVOKE). The driver revokes every seed's pool; with this bit set it also
 * requires the pool to be empty before that, by teardown alone. */
#define FZ_AVOID(item)   (1u << (item))
#define FZ_AVOID_ORPHANS FZ_AVOID(0)
#define FZ_AVOID_ALL_KNOWN                                                                         \
    (FZ_AVOID_ORPHANS | FZ_AVOID(1) | FZ_AVOID(2) | FZ_AVOID(3) | FZ_AVOID(4) | FZ_AVOID(5) |      \
     FZ_AVOID(6) | FZ_AVOID(7) | FZ_AVOID(9))

typedef struct fz_call {
    uint64_t nr;
    uint64_t a[6];
    int64_t ret;
} fz_call_t;

typedef struct fz_shared {
    uint64_t magic;
    uint64_t seed;
    uint64_t calls;       /* calls made so far (also the index of the next ring slot) */
    uint64_t done;        /* 1 once the worker finished all its calls */
    uint64_t where;       /* what the worker is doing: 0 random calls, 1.. a sequence (seq.c) */
    uint64_t oracle_call; /* the call after which the first oracle failure was seen */
    char oracle[128];     /* the first answer that breaks the documented ABI, or empty */
    fz_call_t ring[FZ_RING];
} fz_shared_t;

_Static_assert(sizeof(fz_shared_t) <= 4096, "shared page");

/* splitmix64: a tiny, fast generator whose whole state is one word, so a seed names a run. */
static inline uint64_t fz_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

#endif
