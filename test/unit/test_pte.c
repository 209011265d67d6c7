/* Descriptor encoding and the break-before-make / TLB-flush rules (arch/arm64/pte.c). */
#include <arch/pte.h>
#include <criterion/criterion.h>

#define RW  (PTE_PROT_R | PTE_PROT_W)
#define RX  (PTE_PROT_R | PTE_PROT_X)
#define URW (RW | PTE_PROT_USER)
#define URX (RX | PTE_PROT_USER)

Test(pte, kernel_page_bits)
{
    pte_t p = pte_make_leaf(0x40123000, 3, RW, PTE_MEM_NORMAL);
    cr_assert_eq(p & 3, 3, "level 3 page descriptor is 0b11");
    cr_assert_eq(pte_addr(p), 0x40123000);
    cr_assert(p & PTE_AF);
    cr_assert(p & PTE_UXN, "kernel pages never executable at EL0");
    cr_assert(p & PTE_PXN, "RW kernel data is not executable");
    cr_assert_not(p & PTE_AP_EL0);
    cr_assert_not(p & PTE_AP_RO);
    cr_assert_not(p & PTE_NG, "kernel pages are global");
    cr_assert_eq(p & (3UL << 8), PTE_SH_INNER);
    cr_assert_eq(p & PTE_ATTRIDX(7), PTE_ATTRIDX(PTE_MEM_NORMAL));
}

Test(pte, kernel_text_is_ro_exec)
{
    pte_t p = pte_make_leaf(0x40200000, 3, RX, PTE_MEM_NORMAL);
    cr_assert(p & PTE_AP_RO);
    cr_assert_not(p & PTE_PXN);
    cr_assert(p & PTE_UXN);
    cr_assert_eq(pte_prot(p), RX);
}

Test(pte, user_page_bits)
{
    pte_t p = pte_make_leaf(0x41000000, 3, URW, PTE_MEM_NORMAL);
    cr_assert(p & PTE_AP_EL0);
    cr_assert(p & PTE_NG, "user pages are ASID-tagged");
    cr_assert(p & PTE_PXN, "the kernel never executes user pages");
    cr_assert(p & PTE_UXN);
    cr_assert_eq(pte_prot(p), URW);

    pte_t x = pte_make_leaf(0x41000000, 3, URX, PTE_MEM_NORMAL);
    cr_assert_not(x & PTE_UXN);
    cr_assert(x & PTE_AP_RO);
    cr_assert_eq(pte_prot(x), URX);
}

Test(pte, device_has_no_shareability_and_attr1)
{
    pte_t p = pte_make_leaf(0x09000000, 3, RW, PTE_MEM_DEVICE);
    cr_assert_eq(p & PTE_ATTRIDX(7), PTE_ATTRIDX(PTE_MEM_DEVICE));
    cr_assert_eq(p & (3UL << 8), 0);
    cr_assert_eq((PTE_MAIR_VALUE >> (8 * PTE_MEM_DEVICE)) & 0xff, 0x00, "nGnRnE");
    cr_assert_eq((PTE_MAIR_VALUE >> (8 * PTE_MEM_NORMAL)) & 0xff, 0xff, "Normal WB");
}

Test(pte, blocks_and_tables)
{
    pte_t b = pte_make_leaf(0x40000000, 1, RW, PTE_MEM_NORMAL);
    cr_assert_eq(b & 3, 1, "block descriptor is 0b01");
    cr_assert_not(pte_is_table(b, 1));
    pte_t t = pte_make_table(0x40005000);
    cr_assert(pte_is_table(t, 0));
    cr_assert(pte_is_table(t, 2));
    cr_assert_not(pte_is_table(t, 3), "at level 3 0b11 is a page");
    cr_assert_eq(pte_addr(t), 0x40005000);
    cr_assert_eq(pte_level_size(1), 1UL << 30);
    cr_assert_eq(pte_level_size(2), 2UL << 20);
    cr_assert_eq(pte_level_size(3), 4096);
}

Test(pte, indices)
{
    uint64_t va = 0xffffffff80201000UL;
    cr_assert_eq(pte_index(va, 0), 511);
    cr_assert_eq(pte_index(va, 1), 510);
    cr_assert_eq(pte_index(va, 2), 1);
    cr_assert_eq(pte_index(va, 3), 1);
    cr_assert_eq(pte_index(0x0000008000000000UL, 0), 1);
}

Test(pte, prot_roundtrip_all)
{
    for (unsigned prot = 0; prot < 16; prot++) {
        unsigned p = prot | PTE_PROT_R;
        pte_t e = pte_make_leaf(0x1000, 3, p, PTE_MEM_NORMAL);
        cr_assert_eq(pte_prot(e), p, "prot %#x", p);
    }
    cr_assert_eq(pte_prot(0), 0);
}

Test(pte, break_before_make_rules)
{
    pte_t a = pte_make_leaf(0x40001000, 3, URW, PTE_MEM_NORMAL);
    pte_t a_ro = pte_make_leaf(0x40001000, 3, PTE_PROT_R | PTE_PROT_USER, PTE_MEM_NORMAL);
    pte_t b = pte_make_leaf(0x40002000, 3, URW, PTE_MEM_NORMAL);
    pte_t a_dev = pte_make_leaf(0x40001000, 3, URW, PTE_MEM_DEVICE);
    pte_t a_glob = pte_make_leaf(0x40001000, 3, RW, PTE_MEM_NORMAL);

    cr_assert_not(pte_needs_break_before_make(0, a, 3), "invalid -> valid is a plain write");
    cr_assert_not(pte_needs_break_before_make(a, 0, 3), "valid -> invalid is a plain write");
    cr_assert_not(pte_needs_break_before_make(a, a_ro, 3), "permission change only");
    cr_assert_not(pte_needs_break_before_make(a_ro, a, 3), "permission upgrade only");
    cr_assert(pte_needs_break_before_make(a, b, 3), "new output address (COW copy)");
    cr_assert(pte_needs_break_before_make(a, a_dev, 3), "memory type change");
    cr_assert(pte_needs_break_before_make(a, a_glob, 3), "nG change");
    pte_t blk = pte_make_leaf(0x40000000, 2, RW, PTE_MEM_NORMAL);
    pte_t tbl = pte_make_table(0x40000000);
    cr_assert(pte_needs_break_before_make(blk, tbl, 2), "block split into a table");
}

Test(pte, tlb_flush_rules)
{
    pte_t rw = pte_make_leaf(0x40001000, 3, URW, PTE_MEM_NORMAL);
    pte_t ro = pte_make_leaf(0x40001000, 3, PTE_PROT_R | PTE_PROT_USER, PTE_MEM_NORMAL);
    pte_t other = pte_make_leaf(0x40002000, 3, URW, PTE_MEM_NORMAL);

    cr_assert_not(pte_needs_tlb_flush(0, rw), "nothing cached for an invalid entry");
    cr_assert(pte_needs_tlb_flush(rw, 0), "unmap");
    cr_assert(pte_needs_tlb_flush(rw, ro), "write right lost (COW share)");
    cr_assert_not(pte_needs_tlb_flush(ro, rw), "a gained right only causes a spurious fault");
    cr_assert(pte_needs_tlb_flush(rw, other), "new frame");
    cr_assert_not(pte_needs_tlb_flush(rw, rw), "no change");
}
