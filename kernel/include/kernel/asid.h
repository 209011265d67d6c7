/*
 * ASID allocation with generations, for several CPUs (the scheme of Linux's
 * arch/arm64/mm/context.c): a space keeps (generation << 16 | asid). When the ASIDs of a
 * generation run out, the generation advances and every ASID becomes free again except the
 * one each CPU has live (its "active" value, or if it has activated none since the last
 * rollover, its previous "reserved" one): those become the reserved ASIDs, which their spaces
 * keep in the new generation, so no CPU's live translations are ever shared with another
 * space. Each CPU must flush its whole local TLB once before it next activates a space after
 * a rollover (the flush-pending mask). The caller serialises calls (the big kernel lock).
 * Pure logic, tested on the host.
 */
#ifndef KERNEL_ASID_H
#define KERNEL_ASID_H

#include <stdbool.h>
#include <stdint.h>

#define ASID_MAX_BITS 16
#define ASID_CPUS     8 /* MAX_CPUS */

typedef struct {
    uint64_t generation;    /* starts at 1 */
    uint32_t max;           /* highest usable ASID (255 or 65535); 0 is reserved for the kernel */
    uint32_t next;          /* next candidate */
    uint32_t flush_pending; /* bit c: CPU c must flush its TLB before its next switch */
    uint64_t active[ASID_CPUS];   /* the value live on each CPU, 0 if none */
    uint64_t reserved[ASID_CPUS]; /* each CPU's live value at the last rollover */
    uint64_t used[(1u << ASID_MAX_BITS) / 64];
    uint32_t online; /* bit c: CPU c schedules threads; only those flush after a rollover */
} asid_alloc_t;

/* bits: the hardware's ASID size; fewer (>= 2) shrink the space to test rollovers. CPU 0 is
 * online from the start. */
void asid_init(asid_alloc_t *a, unsigned bits);
/* cpu starts scheduling threads (may race with a rollover on another CPU: it has no user
 * translations yet, so it needs no flush either way). */
void asid_cpu_online(asid_alloc_t *a, unsigned cpu);
/* Makes *ctx (a space's stored value, 0 for never assigned) valid for the current generation
 * and live on cpu. Returns true when cpu must flush its whole local TLB first. */
bool asid_activate(asid_alloc_t *a, unsigned cpu, uint64_t *ctx);
static inline uint16_t asid_of(uint64_t ctx)
{
    return (uint16_t)(ctx & 0xffff);
}
static inline uint64_t asid_generation(uint64_t ctx)
{
    return ctx >> 16;
}
/* A dying space gives its ASID back (only if it is of the current generation); its TLB
 * entries must have been invalidated on every CPU first. */
void asid_release(asid_alloc_t *a, uint64_t ctx);

#endif
