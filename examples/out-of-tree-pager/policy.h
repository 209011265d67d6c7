/*
 * The pattern pager's policy on libpager: what a client's memory is, and how one fault is
 * answered. Pure C11 (libpager and the C library only), so the same file builds for EL0
 * (pager.c) and for the host, where test_policy.c runs it on libpager's simulated MMU.
 */
#ifndef PATTERN_POLICY_H
#define PATTERN_POLICY_H

#include <pager/pager.h>
#include <stdint.h>

/* libpager's settings: the defaults, but every page gets a frame of its own (no shared zero
 * page), so each fault is answered by mapping one frame at the faulting page. */
void policy_config(pager_config_t *cfg);

/* A new client's regions: the pattern (read-only, a "file" whose pages policy_fill computes)
 * and the scratch area (read-write anonymous memory). */
int policy_space_init(pager_space_t *space);

/* The pattern's ops->file_read: fill the 4 KiB at `page` with the pattern from byte `offset`. */
void policy_fill(void *page, uint64_t offset);

/* One fault's answer: map `frame` at `page` with `prot` (PAGER_PROT_*, equal to FL_PROT_*), or
 * refuse the access with `fail` (FL_FAULT_FAIL_*). */
typedef struct policy_answer {
    int map;
    uint64_t page, frame;
    unsigned prot, fail;
} policy_answer_t;

/* Decides a fault at `addr` with access FL_FAULT_READ/WRITE/EXEC. 0, or a pager_err_t. */
int policy_fault(pager_space_t *space, uint64_t addr, unsigned access, policy_answer_t *out);

#endif
