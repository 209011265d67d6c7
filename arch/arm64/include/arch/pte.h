/*
 * Stage 1 translation table descriptors, VMSAv8-64 4 KiB granule (Arm ARM D8.3,
 * "Translation table descriptor formats"). Pure encoding: no system registers, so the
 * rules are tested on the host.
 */
#ifndef ARCH_PTE_H
#define ARCH_PTE_H

#include <stdbool.h>
#include <stdint.h>

typedef uint64_t pte_t;

/* Rights as the generic kernel and the ABI see them. */
#define PTE_PROT_R    1u
#define PTE_PROT_W    2u
#define PTE_PROT_X    4u
#define PTE_PROT_USER 8u

/* MAIR_EL1 attribute indices; mmu.c programs MAIR_EL1 to match (D17.2.97 MAIR_EL1). */
typedef enum {
    PTE_MEM_NORMAL = 0,    /* 0xff: Normal, Inner/Outer Write-Back Read/Write-Allocate */
    PTE_MEM_DEVICE = 1,    /* 0x00: Device-nGnRnE */
    PTE_MEM_DEVICE_GRE = 2 /* 0x04: Device-nGnRE */
} pte_mem_t;
#define PTE_MAIR_VALUE 0x0400ffUL

/* Descriptor bits (D8.3.1 "Table descriptor format", D8.3.2 "Block/page descriptor format"). */
#define PTE_VALID      (1UL << 0)
#define PTE_TYPE_TABLE (1UL << 1) /* level 0-2: next-level table; level 3: page */
#define PTE_ATTRIDX(i) ((uint64_t)(i) << 2)
#define PTE_AP_EL0     (1UL << 6) /* AP[1]: EL0 access */
#define PTE_AP_RO      (1UL << 7) /* AP[2]: read-only */
#define PTE_SH_INNER   (3UL << 8)
#define PTE_AF         (1UL << 10)
#define PTE_NG         (1UL << 11) /* not global: tagged with the ASID */
#define PTE_DBM        (1UL << 51)
#define PTE_PXN        (1UL << 53)
#define PTE_UXN        (1UL << 54)
#define PTE_ADDR_MASK  0x0000fffffffff000UL
#define PTE_SW_NOREF   (1UL << 55) /* software bit (vspace.c): frame not reference-counted */
#define PTE_SW_PAGER   (1UL << 56) /* software bit (vspace.c): VS_PAGER, a pager-managed page */

/* A level-3 page (level 3) or block (levels 1 and 2) mapping pa with prot. */
pte_t pte_make_leaf(uint64_t pa, unsigned level, unsigned prot, pte_mem_t mem);
pte_t pte_make_table(uint64_t table_pa);

static inline bool pte_is_valid(pte_t pte)
{
    return (pte & PTE_VALID) != 0;
}

/* At levels 0-2 a valid descriptor with bit 1 set points to a table; at level 3 it is a page. */
static inline bool pte_is_table(pte_t pte, unsigned level)
{
    return level < 3 && (pte & (PTE_VALID | PTE_TYPE_TABLE)) == (PTE_VALID | PTE_TYPE_TABLE);
}

static inline uint64_t pte_addr(pte_t pte)
{
    return pte & PTE_ADDR_MASK;
}

/* The rights a leaf grants, as PTE_PROT_* bits (inverse of pte_make_leaf). */
unsigned pte_prot(pte_t leaf);

/* Bytes mapped by one leaf at level (1: 1 GiB, 2: 2 MiB, 3: 4 KiB). */
static inline uint64_t pte_level_size(unsigned level)
{
    return 1UL << (12 + 9 * (3 - level));
}

/* Table index of va at level (0..3). */
static inline unsigned pte_index(uint64_t va, unsigned level)
{
    return (unsigned)((va >> (12 + 9 * (3 - level))) & 511);
}

/*
 * Break-before-make (D8.14.1 "Using break-before-make when updating translation table
 * entries"): replacing a valid entry with another valid one needs an invalid entry and a TLB
 * invalidation in between when the output address, the memory type, or the block size
 * changes. Permission and access-flag changes may be written directly.
 */
bool pte_needs_break_before_make(pte_t old, pte_t new_pte, unsigned level);

/* Whether changing old into new_pte may leave a stale, more permissive TLB entry behind,
 * i.e. whether a TLB invalidation is needed after writing it. */
bool pte_needs_tlb_flush(pte_t old, pte_t new_pte);

#endif
