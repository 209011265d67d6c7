/* The one place a pager's answer to a fault is checked (pure logic, tested on the host). */
#ifndef KERNEL_FAULT_REPLY_H
#define KERNEL_FAULT_REPLY_H

#include <stdint.h>

typedef struct {
    unsigned action; /* FL_FAULT_REPLY_MAP / RESUME / FAIL */
    uint64_t client_va, pager_va, pages;
    unsigned prot;   /* FL_PROT_* */
    unsigned reason; /* FL_FAULT_FAIL_* */
} fault_reply_t;

/* Checks tag and words (w0..w3) of a reply against the protocol: known label, no handles,
 * enough words, page-aligned addresses below user_top with no wrap, 1..FL_FAULT_MAP_MAX pages,
 * rights that include read and nothing unknown, a known failure reason.
 * Returns 0 or FL_EINVAL / FL_ERANGE; *why names the problem. */
int fault_reply_check(uint64_t tag, const uint64_t w[4], uint64_t user_top, fault_reply_t *out,
                      const char **why);

#endif
