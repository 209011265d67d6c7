/*
 * libpager_sim (installed with the SDK: faultline::pager_sim, pkg-config faultline-pager-sim):
 * a host backend for libpager, for testing a pager's policy with Criterion or any harness: frames
 * are malloc'd 4 KiB buffers, each client space is a simulated MMU (a hash map vpn -> {frame,
 * rights, accessed, dirty}), and an access helper behaves like a CPU: it checks the simulated MMU,
 * takes a fault through pager_fault() when the mapping is missing or lacks the right, and retries.
 * The backend also checks that the library uses it correctly (no unmap of a missing mapping, no
 * free of a frame still mapped, ...) and counts every misuse in `errors`.
 */
#ifndef PAGER_SIM_H
#define PAGER_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pager/pager.h>

typedef struct sim {
    uint8_t **frame;    /* frame[id - 1]: the 4 KiB buffer, NULL if free */
    uint32_t *mapcount; /* mappings of frame id in any space */
    size_t cap;
    uint64_t *free_ids;
    size_t nfree;

    size_t in_use; /* frames allocated now */
    size_t limit;  /* 0: unlimited; else alloc fails at this many frames in use */
    uint64_t allocs, frees, zeroes, copies, maps, unmaps, protects, file_reads, swap_ins;
    uint64_t errors; /* misuse of the backend by the library: must stay 0 */
    int fail_map;    /* if > 0, the fail_map-th next map call fails (then resets to 0) */
    bool fail_io;    /* file_read and swap_in fail */
    bool fail_swap_out;
    uint64_t swap_outs;

    uint8_t **swap; /* swap slots written by tests */
    size_t nswap;

    pager_ops_t ops;
} sim_t;

typedef struct sim_pte {
    uint64_t vpn; /* key + 1; 0 = empty slot */
    uint64_t frame;
    uint8_t prot, accessed, dirty;
} sim_pte_t;

typedef struct sim_space {
    sim_t *sim;
    sim_pte_t *tab;
    size_t cap, count;
} sim_space_t;

void sim_init(sim_t *sim);
void sim_fini(sim_t *sim);

sim_space_t *sim_space_new(sim_t *sim);
void sim_space_free(sim_space_t *ss);
/* The simulated PTE for vaddr, or NULL. */
const sim_pte_t *sim_lookup(const sim_space_t *ss, uint64_t vaddr);
size_t sim_mapped_count(const sim_space_t *ss);

uint8_t *sim_frame_data(const sim_t *sim, uint64_t frame);

/* Byte `offset` of the fake file `file_id`, as file_read fills it. */
uint8_t sim_file_byte(uint64_t file_id, uint64_t offset);

/* Store 4 KiB into swap slot `slot` (grown as needed). */
void sim_swap_store(sim_t *sim, uint64_t slot, const uint8_t *data);

/*
 * Access one byte like a CPU: if the simulated MMU does not allow it, fault through
 * pager_fault(space, ...) and try again (a few times at most). Returns PAGER_BAD_NONE on
 * success, the bad-access reason if the pager said BAD, or -1 if the pager kept saying
 * MAPPED/RETRY without making the access possible (a pager bug). `last` (may be NULL)
 * receives the last fault result; `faults` (may be NULL) is incremented per fault taken.
 */
int sim_access(sim_space_t *ss, pager_space_t *space, uint64_t addr, pager_access_t access,
               uint64_t sp, uint8_t *byte, pager_fault_result_t *last, int *faults);

int sim_read(sim_space_t *ss, pager_space_t *space, uint64_t addr, uint8_t *byte);
int sim_write(sim_space_t *ss, pager_space_t *space, uint64_t addr, uint8_t byte);

/* Read the byte at addr without faulting: true if mapped readable. */
bool sim_peek(const sim_space_t *ss, uint64_t addr, uint8_t *byte);

/* Drop the mapping of vaddr behind the library's back, as a client unmapping its own
 * pager-backed page would (the library is not told; pager_fault_unmapped then maps it again).
 * False if nothing was mapped. */
bool sim_forget(sim_space_t *ss, uint64_t vaddr);

#endif
