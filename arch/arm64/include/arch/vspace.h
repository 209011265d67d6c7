/*
 * User address spaces as the generic kernel sees them: a root table per space, tagged with an
 * ASID. These functions do all TLB and cache maintenance themselves: break-before-make when a
 * valid entry changes address or attributes, TLBI by VA and ASID when rights are lost, and
 * I-cache maintenance when a page becomes executable.
 */
#ifndef ARCH_VSPACE_H
#define ARCH_VSPACE_H

#include <stdbool.h>
#include <stdint.h>

/* Mapping attributes beyond FL_PROT_*. */
#define VS_DEVICE 0x100u /* Device-nGnRnE memory */
#define VS_NOREF  0x200u /* frame not reference-counted (device or boot memory) */
#define VS_PAGER  0x400u /* mapped by a pager for this space: only a pager may change it */

typedef struct {
    bool valid;
    uint64_t pa;
    unsigned prot; /* FL_PROT_* */
    bool counted;  /* the frame holds a page_ref for this mapping */
    bool accessed; /* the access flag was set */
    bool device;   /* Device memory */
    bool pager;    /* VS_PAGER: installed by the space's pager */
} vs_mapping_t;

/* Returns a zeroed table frame's physical address, or 0. */
typedef uint64_t (*vs_table_alloc_t)(void *ctx);

/* The level-3 entry vspace_map() writes for pa with prot_flags (the fast fault reply,
 * fastpath.S, takes its bits from here). */
uint64_t vspace_leaf(uint64_t pa, unsigned prot_flags);

/* Installs va -> pa (va < USER_TOP, page-aligned). *old gets what was there. FL_ENOMEM when a
 * table cannot be allocated (nothing changed then). */
int vspace_map(uint64_t root, uint16_t asid, uint64_t va, uint64_t pa, unsigned prot_flags,
               vs_table_alloc_t alloc, void *ctx, vs_mapping_t *old);
/* Removes va's mapping; *old says what it was. */
void vspace_unmap(uint64_t root, uint16_t asid, uint64_t va, vs_mapping_t *old);
/* Changes the rights of a present mapping; returns false when nothing is mapped at va. */
bool vspace_protect(uint64_t root, uint16_t asid, uint64_t va, unsigned prot);
void vspace_lookup(uint64_t root, uint64_t va, vs_mapping_t *out);
/* Whether va maps an ordinary (reference-counted) frame writable, and which: what
 * vspace_lookup's valid, FL_PROT_WRITE and counted say, for the IPC buffer's checks. */
bool vspace_lookup_ram_rw(uint64_t root, uint64_t va, uint64_t *pa);
/* Reads and clears the access flag (a later access sets it again: software AF fault). */
bool vspace_harvest(uint64_t root, uint16_t asid, uint64_t va, vs_mapping_t *out);
/* Sets the access flag of a present mapping (software AF management). */
void vspace_set_accessed(uint64_t root, uint64_t va);
/* Calls leaf() for every mapping and table_free() for every table below root (not root). */
void vspace_teardown(uint64_t root, void (*leaf)(const vs_mapping_t *m, void *ctx),
                     void (*table_free)(uint64_t pa, void *ctx), void *ctx);
/* ASID width the MMU was set up with (start.S sets TCR_EL1.AS when the CPU has 16 bits). */
unsigned vspace_asid_bits(void);
/* Makes root/asid the current user address space (TTBR0_EL1). root 0: none. */
void vspace_activate(uint64_t root, uint16_t asid, bool flush_all);
/* Invalidates one user page's TLB entries (a spurious fault on a stale entry). */
void vspace_flush_page(uint16_t asid, uint64_t va);
/* Invalidates every TLB entry of asid (the space is going away). */
void vspace_flush_asid(uint16_t asid);

#endif
