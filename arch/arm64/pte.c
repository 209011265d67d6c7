/* Descriptor encoding; see pte.h. */
#include <arch/pte.h>

pte_t pte_make_leaf(uint64_t pa, unsigned level, unsigned prot, pte_mem_t mem)
{
    pte_t pte = (pa & PTE_ADDR_MASK) | PTE_VALID | PTE_ATTRIDX(mem) | PTE_AF;

    if (level == 3)
        pte |= PTE_TYPE_TABLE; /* bit 1 marks a page at level 3 */
    if (mem == PTE_MEM_NORMAL)
        pte |= PTE_SH_INNER;
    if (!(prot & PTE_PROT_W))
        pte |= PTE_AP_RO;
    if (prot & PTE_PROT_USER) {
        /* User pages are ASID-tagged and never executable by the kernel. */
        pte |= PTE_AP_EL0 | PTE_NG | PTE_PXN;
        if (!(prot & PTE_PROT_X))
            pte |= PTE_UXN;
    } else {
        pte |= PTE_UXN;
        if (!(prot & PTE_PROT_X))
            pte |= PTE_PXN;
    }
    return pte;
}

pte_t pte_make_table(uint64_t table_pa)
{
    /* PXNTable/UXNTable stay clear: leaves decide execute rights. */
    return (table_pa & PTE_ADDR_MASK) | PTE_VALID | PTE_TYPE_TABLE;
}

unsigned pte_prot(pte_t leaf)
{
    if (!pte_is_valid(leaf))
        return 0;
    unsigned prot = PTE_PROT_R;
    if (!(leaf & PTE_AP_RO))
        prot |= PTE_PROT_W;
    if (leaf & PTE_AP_EL0) {
        prot |= PTE_PROT_USER;
        if (!(leaf & PTE_UXN))
            prot |= PTE_PROT_X;
    } else if (!(leaf & PTE_PXN)) {
        prot |= PTE_PROT_X;
    }
    return prot;
}

bool pte_needs_break_before_make(pte_t old, pte_t new_pte, unsigned level)
{
    if (!pte_is_valid(old) || !pte_is_valid(new_pte))
        return false;
    if (pte_is_table(old, level) != pte_is_table(new_pte, level))
        return true; /* block <-> table: the size of the translation changes */
    if (pte_addr(old) != pte_addr(new_pte))
        return true;
    if ((old & PTE_ATTRIDX(7)) != (new_pte & PTE_ATTRIDX(7)))
        return true;
    if ((old & PTE_SH_INNER) != (new_pte & PTE_SH_INNER))
        return true;
    if ((old & PTE_NG) != (new_pte & PTE_NG))
        return true; /* global <-> ASID-tagged changes which TLB entries can hit */
    return false;
}

bool pte_needs_tlb_flush(pte_t old, pte_t new_pte)
{
    if (!pte_is_valid(old))
        return false; /* invalid entries are never cached (D8.14.1) */
    if (!pte_is_valid(new_pte))
        return true;
    if (pte_addr(old) != pte_addr(new_pte))
        return true;
    if (pte_prot(old) & ~pte_prot(new_pte))
        return true; /* a lost right must not stay usable through a cached entry */
    /* Gained rights need no flush: a stale entry only causes a spurious fault, which the
     * fault path resolves by invalidating that one VA and retrying. */
    uint64_t rights = PTE_AP_RO | PTE_AP_EL0 | PTE_PXN | PTE_UXN | PTE_AF | PTE_DBM;
    return (old & ~rights) != (new_pte & ~rights);
}
