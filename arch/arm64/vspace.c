/* User translation tables (TTBR0), 4 levels of 4 KiB; see vspace.h. */
#include <arch/arch.h>
#include <arch/memlayout.h>
#include <arch/pte.h>
#include <arch/sysreg.h>
#include <arch/sysreg_bits.h>
#include <arch/vspace.h>
#include <faultline/errors.h>
#include <faultline/types.h>

#define CACHE_LINE 64

/* Other CPUs' table walkers read entries without any lock: every entry is written with one
 * single-copy-atomic 64-bit store (Arm ARM B2.2.1), never torn or merged by the compiler. */
static inline void pte_write(pte_t *slot, pte_t v)
{
    __atomic_store_n(slot, v, __ATOMIC_RELAXED);
}

static pte_t *tbl(uint64_t pa)
{
    return arch_phys_to_virt(pa);
}

static unsigned to_pte_prot(unsigned prot)
{
    unsigned p = PTE_PROT_USER | PTE_PROT_R; /* AArch64 has no write-only or exec-only here */
    if (prot & FL_PROT_WRITE)
        p |= PTE_PROT_W;
    if (prot & FL_PROT_EXEC)
        p |= PTE_PROT_X;
    return p;
}

static void describe(pte_t pte, vs_mapping_t *m)
{
    if (!pte_is_valid(pte)) {
        *m = (vs_mapping_t){0};
        return;
    }
    unsigned p = pte_prot(pte);
    m->valid = true;
    m->pa = pte_addr(pte);
    m->prot = FL_PROT_READ | ((p & PTE_PROT_W) ? FL_PROT_WRITE : 0) |
              ((p & PTE_PROT_X) ? FL_PROT_EXEC : 0);
    m->counted = !(pte & PTE_SW_NOREF);
    m->accessed = (pte & PTE_AF) != 0;
    m->device = ((pte >> 2) & 7) == PTE_MEM_DEVICE;
    m->pager = (pte & PTE_SW_PAGER) != 0;
}

/* The level-3 slot for va if its tables exist, else NULL: walk() without allocation, unrolled
 * (every lookup, the IPC buffer's at each long message above all, runs it). */
static inline __attribute__((always_inline)) pte_t *walk_present(uint64_t root, uint64_t va)
{
    pte_t e = tbl(root)[pte_index(va, 0)];
    if (!pte_is_valid(e))
        return NULL;
    e = tbl(pte_addr(e))[pte_index(va, 1)];
    if (!pte_is_valid(e))
        return NULL;
    e = tbl(pte_addr(e))[pte_index(va, 2)];
    if (!pte_is_valid(e))
        return NULL;
    return &tbl(pte_addr(e))[pte_index(va, 3)];
}

/* The level-3 slot for va, allocating tables when alloc is given; NULL if absent. */
static pte_t *walk(uint64_t root, uint64_t va, vs_table_alloc_t alloc, void *ctx)
{
    if (!alloc)
        return walk_present(root, va);
    pte_t *t = tbl(root);
    for (unsigned level = 0; level < 3; level++) {
        pte_t *slot = &t[pte_index(va, level)];
        if (!pte_is_valid(*slot)) {
            if (!alloc)
                return NULL;
            uint64_t pa = alloc(ctx);
            if (!pa)
                return NULL;
            dsb(ishst); /* the zeroed table is visible before the walker can reach it */
            pte_write(slot, pte_make_table(pa));
        }
        t = tbl(pte_addr(*slot));
    }
    return &t[pte_index(va, 3)];
}

static void tlbi_page(uint16_t asid, uint64_t va)
{
    uint64_t arg = (va >> 12) | ((uint64_t)asid << 48);
    __asm__ volatile("dsb ishst\n tlbi vale1is, %0\n dsb ish\n isb" ::"r"(arg) : "memory");
}

void vspace_flush_page(uint16_t asid, uint64_t va)
{
    tlbi_page(asid, va);
}

void vspace_flush_asid(uint16_t asid)
{
    uint64_t arg = (uint64_t)asid << 48;
    __asm__ volatile("dsb ishst\n tlbi aside1is, %0\n dsb ish\n isb" ::"r"(arg) : "memory");
}

/* New code must be visible to instruction fetch: clean D to PoU, invalidate I (D7.5.9). */
static void sync_icache(uint64_t pa)
{
    uint64_t va = (uint64_t)arch_phys_to_virt(pa);
    for (uint64_t a = va; a < va + PAGE_SIZE; a += CACHE_LINE)
        __asm__ volatile("dc cvau, %0" ::"r"(a) : "memory");
    __asm__ volatile("dsb ish\n ic ialluis\n dsb ish\n isb" ::: "memory");
}

static inline __attribute__((always_inline)) pte_t leaf_for(uint64_t pa, unsigned flags)
{
    pte_t pte = pte_make_leaf(pa, 3, to_pte_prot(flags),
                              (flags & VS_DEVICE) ? PTE_MEM_DEVICE : PTE_MEM_NORMAL);
    if (flags & VS_NOREF)
        pte |= PTE_SW_NOREF;
    if (flags & VS_PAGER)
        pte |= PTE_SW_PAGER;
    return pte;
}

uint64_t vspace_leaf(uint64_t pa, unsigned flags)
{
    return leaf_for(pa, flags);
}

int vspace_map(uint64_t root, uint16_t asid, uint64_t va, uint64_t pa, unsigned flags,
               vs_table_alloc_t alloc, void *ctx, vs_mapping_t *old)
{
    pte_t *slot = walk_present(root, va); /* the tables usually exist */
    if (!slot)
        slot = walk(root, va, alloc, ctx);
    if (!slot)
        return FL_ENOMEM;
    pte_t new_pte = leaf_for(pa, flags);
    pte_t prev = *slot;
    describe(prev, old);
    if ((flags & FL_PROT_EXEC) && !(flags & VS_DEVICE))
        sync_icache(pa);
    bool broken = pte_needs_break_before_make(prev, new_pte, 3);
    if (broken) {
        pte_write(slot, 0);
        tlbi_page(asid, va); /* broadcast: no CPU keeps the old entry */
    }
    pte_write(slot, new_pte);
    if (!broken && pte_needs_tlb_flush(prev, new_pte)) /* after the break none is left */
        tlbi_page(asid, va);
    else
        dsb(ishst);
    isb();
    return FL_OK;
}

void vspace_unmap(uint64_t root, uint16_t asid, uint64_t va, vs_mapping_t *old)
{
    pte_t *slot = walk(root, va, NULL, NULL);
    if (!slot || !pte_is_valid(*slot)) {
        describe(0, old);
        return;
    }
    describe(*slot, old);
    pte_write(slot, 0);
    tlbi_page(asid, va);
}

bool vspace_protect(uint64_t root, uint16_t asid, uint64_t va, unsigned prot)
{
    pte_t *slot = walk(root, va, NULL, NULL);
    if (!slot || !pte_is_valid(*slot))
        return false;
    pte_t prev = *slot;
    bool device = ((prev >> 2) & 7) == PTE_MEM_DEVICE;
    pte_t new_pte = pte_make_leaf(pte_addr(prev), 3, to_pte_prot(prot),
                                  device ? PTE_MEM_DEVICE : PTE_MEM_NORMAL) |
                    (prev & (PTE_SW_NOREF | PTE_SW_PAGER));
    new_pte = (new_pte & ~PTE_AF) | (prev & PTE_AF); /* protect is not an access */
    if ((prot & FL_PROT_EXEC) && !(pte_prot(prev) & PTE_PROT_X) && !device)
        sync_icache(pte_addr(prev));
    pte_write(slot, new_pte);
    if (pte_needs_tlb_flush(prev, new_pte))
        tlbi_page(asid, va);
    else
        dsb(ishst);
    return true;
}

bool vspace_lookup_ram_rw(uint64_t root, uint64_t va, uint64_t *pa)
{
    pte_t *slot = walk_present(root, va);
    pte_t pte = slot ? *slot : 0;
    /* describe()'s valid, FL_PROT_WRITE and counted, without the rest */
    if (!pte_is_valid(pte) || (pte & (PTE_AP_RO | PTE_SW_NOREF)))
        return false;
    *pa = pte_addr(pte);
    return true;
}

void vspace_lookup(uint64_t root, uint64_t va, vs_mapping_t *out)
{
    pte_t *slot = walk(root, va, NULL, NULL);
    describe(slot ? *slot : 0, out);
}

bool vspace_harvest(uint64_t root, uint16_t asid, uint64_t va, vs_mapping_t *out)
{
    pte_t *slot = walk(root, va, NULL, NULL);
    describe(slot ? *slot : 0, out);
    if (!slot || !pte_is_valid(*slot))
        return false;
    if (*slot & PTE_AF) {
        pte_write(slot, *slot & ~PTE_AF);
        tlbi_page(asid, va); /* so the next access walks and faults on AF = 0 */
    }
    return true;
}

void vspace_set_accessed(uint64_t root, uint64_t va)
{
    pte_t *slot = walk(root, va, NULL, NULL);
    if (slot && pte_is_valid(*slot)) {
        pte_write(slot, *slot | PTE_AF); /* invalid -> valid for the walker: nothing to remove */
        dsb(ishst);
        isb();
    }
}

static void teardown_level(uint64_t table_pa, unsigned level, uint64_t va_base,
                           void (*leaf)(const vs_mapping_t *, void *),
                           void (*table_free)(uint64_t, void *), void *ctx)
{
    pte_t *t = tbl(table_pa);
    for (unsigned i = 0; i < 512; i++) {
        if (!pte_is_valid(t[i]))
            continue;
        uint64_t va = va_base + ((uint64_t)i << (12 + 9 * (3 - level)));
        if (level == 3) {
            vs_mapping_t m;
            describe(t[i], &m);
            leaf(&m, ctx);
        } else {
            teardown_level(pte_addr(t[i]), level + 1, va, leaf, table_free, ctx);
            table_free(pte_addr(t[i]), ctx);
        }
        pte_write(&t[i], 0);
    }
}

void vspace_teardown(uint64_t root, void (*leaf)(const vs_mapping_t *, void *),
                     void (*table_free)(uint64_t, void *), void *ctx)
{
    teardown_level(root, 0, 0, leaf, table_free, ctx);
}

unsigned vspace_asid_bits(void)
{
    return (sysreg_read(tcr_el1) & TCR_AS) ? 16 : 8;
}

/* TCR_EL1.EPD0 is per CPU: read back rather than mirrored in a global. A rollover flush is
 * local (every CPU flushes its own TLB once, asid.h) and comes before the new TTBR0. */
void vspace_activate(uint64_t root, uint16_t asid, bool flush_all)
{
    uint64_t tcr = sysreg_read(tcr_el1);
    if (flush_all)
        __asm__ volatile("dsb nshst\n tlbi vmalle1\n dsb nsh" ::: "memory");
    if (root) {
        sysreg_write(ttbr0_el1, root | ((uint64_t)asid << 48));
        if (tcr & TCR_EPD0)
            sysreg_write(tcr_el1, tcr & ~TCR_EPD0);
    } else if (!(tcr & TCR_EPD0)) {
        sysreg_write(tcr_el1, tcr | TCR_EPD0);
    }
    isb();
}
