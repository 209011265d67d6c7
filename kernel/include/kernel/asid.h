/*
 * ASID allocation with generations (the scheme Linux's arch/arm64/mm/context.c uses): a space
 * keeps (generation << 16 | asid). When the ASIDs of a generation run out, the generation
 * advances, every ASID becomes free again except the one live on the CPU (kept reserved so
 * the running space need not change), and the whole TLB must be flushed once.
 * Pure logic, tested on the host. Single CPU: one active ASID.
 */
#ifndef KERNEL_ASID_H
#define KERNEL_ASID_H

#include <stdbool.h>
#include <stdint.h>

#define ASID_MAX_BITS 16

typedef struct {
    uint64_t generation; /* starts at 1 */
    uint32_t max;        /* highest usable ASID (255 or 65535); 0 is reserved for the kernel */
    uint32_t next;       /* next candidate */
    uint64_t active;     /* the value live on the CPU, 0 if none */
    uint64_t reserved;   /* the active value at the last rollover: keeps its number */
    uint64_t used[(1u << ASID_MAX_BITS) / 64];
} asid_alloc_t;

void asid_init(asid_alloc_t *a, unsigned bits);
/* Makes *ctx (a space's stored value, 0 for never assigned) valid for the current generation
 * and marks it active. Returns true when the caller must flush the whole TLB (rollover). */
bool asid_activate(asid_alloc_t *a, uint64_t *ctx);
static inline uint16_t asid_of(uint64_t ctx)
{
    return (uint16_t)(ctx & 0xffff);
}
/* A dying space gives its ASID back (only if it is of the current generation). */
void asid_release(asid_alloc_t *a, uint64_t ctx);

#endif
