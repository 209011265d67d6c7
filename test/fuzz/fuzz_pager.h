/*
 * fuzz_pager's simulated backend (fuzz_pager_backend.c): a frame pool and an MMU per client
 * space that abort on any misuse, a disk of NFILES files with holes, swap slots, and failures
 * injected on request. The model and the operations are in fuzz_pager.c.
 */
#ifndef FUZZ_PAGER_H
#define FUZZ_PAGER_H

#include <stdbool.h>
#include <stdint.h>

#include <pager/pager.h>

#define PG         4096u
#define SLOTS      8u /* bytes checked per page: offsets i * PG / SLOTS */
#define NREG       4u
#define RPAGES     6u
#define NPAGES     (NREG * RPAGES)
#define BASE       0x40000000ULL
#define NFILES     2u
#define FPAGES     12u
#define MAX_SPACES 6u
#define MAX_FRAMES 4096u
#define MAX_OBJS   4096u
#define MAX_SWAP   64u

typedef struct mmu_pte {
    uint64_t frame; /* 0: not mapped */
    uint8_t prot, accessed, dirty;
} mmu_pte_t;

typedef struct mmu {
    mmu_pte_t pte[NPAGES];
    bool stolen[NPAGES]; /* unmapped by the client behind libpager's back, not mapped since */
} mmu_t;

typedef struct backend {
    uint8_t *frame[MAX_FRAMES + 1]; /* by id; NULL if free */
    uint32_t mapcount[MAX_FRAMES + 1];
    uint64_t free_ids[MAX_FRAMES];
    unsigned nfree, next_id, in_use, limit;
    int fail_map; /* the fail_map-th next map call fails */
    int fail_io;  /* the same for file_read and swap_in */
    unsigned io_failures;
    int fail_write; /* the same for file_write and swap_out */
    unsigned write_failures;
    unsigned map_failures; /* map calls failed on purpose so far */
    uint8_t disk[NFILES][FPAGES][SLOTS];
    bool hole[NFILES][FPAGES]; /* not stored by the sparse file: file_read says PAGER_FILE_HOLE */
    uint8_t swap[MAX_SWAP][SLOTS];
    bool swap_written[MAX_SWAP];
    unsigned swap_slots;
} backend_t;

extern backend_t be;
extern const pager_ops_t fuzz_pager_ops;

/* The bytes of frame id (it must be allocated). */
uint8_t *fuzz_frame_data(uint64_t id);
/* The simulated entry for va in a client space. */
mmu_pte_t *fuzz_mmu_pte(void *space, uint64_t va);
/* The byte at slot of page p of file f as first written to the disk. */
uint8_t fuzz_file_seed(unsigned f, unsigned p, unsigned slot);

#endif
