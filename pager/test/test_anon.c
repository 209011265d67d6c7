/* Anonymous memory: zero fill, the shared zero page, lazy upgrades, spurious faults, map args. */
#include "harness.h"

#define BASE 0x40000000ULL

Test(anon, zero_fill_reads_zeros_then_own_writes)
{
    env_t e;
    env_init(&e, false);
    client_t c = client_new(&e);
    map_at(&c, BASE, 16 * PG, RW, PAGER_MAP_PRIVATE);

    for (uint64_t p = 0; p < 16; p++)
        for (uint64_t off = 0; off < PG; off += 511)
            cr_assert_eq(rd(&c, BASE + p * PG + off), 0);
    for (uint64_t p = 0; p < 16; p++)
        wr(&c, BASE + p * PG + p, (uint8_t)(p + 1));
    for (uint64_t p = 0; p < 16; p++) {
        cr_assert_eq(rd(&c, BASE + p * PG + p), p + 1);
        cr_assert_eq(rd(&c, BASE + p * PG + p + 1), 0);
    }
    pager_stats_t s = stats(&c);
    cr_assert_eq(s.zero_fills, 16);
    cr_assert_eq(s.minor, 16); /* reads mapped writable frames: writes need no second fault */
    cr_assert_eq(s.major, 0);
    cr_assert_eq(s.resident, 16);
    cr_assert_eq(e.sim.in_use, 16);
    cr_assert_eq(page(&c, BASE).state, PAGER_PAGE_RESIDENT);
    check_frames(&e);
    client_free(&c);
    env_fini(&e);
}

Test(anon, zero_page_read_then_write)
{
    env_t e;
    env_init(&e, true);
    client_t c = client_new(&e);
    map_at(&c, BASE, 4 * PG, RW, PAGER_MAP_PRIVATE);

    for (uint64_t p = 0; p < 4; p++)
        cr_assert_eq(rd(&c, BASE + p * PG + 100), 0);
    const sim_pte_t *z0 = sim_lookup(c.mmu, BASE), *z3 = sim_lookup(c.mmu, BASE + 3 * PG);
    cr_assert(z0 && z3);
    cr_assert_eq(z0->frame, z3->frame, "every read page maps the one zero frame");
    cr_assert_eq(z0->prot, PAGER_PROT_READ, "the zero frame is never writable");
    cr_assert_eq(e.sim.in_use, 1);
    cr_assert_eq(stats(&c).zero_pages, 4);
    cr_assert_eq(stats(&c).resident, 0);
    cr_assert_eq(page(&c, BASE).state, PAGER_PAGE_ZERO);

    uint64_t zero = z0->frame;
    pager_fault_result_t r;
    uint8_t b = 0x5a;
    cr_assert_eq(sim_access(c.mmu, c.space, BASE + PG + 7, PAGER_ACCESS_WRITE, 0, &b, &r, NULL), 0);
    cr_assert_eq(r.action, PAGER_ACT_ZERO_FILL);
    cr_assert_neq(sim_lookup(c.mmu, BASE + PG)->frame, zero);
    cr_assert_eq(sim_lookup(c.mmu, BASE + PG)->prot, RW);
    cr_assert_eq(rd(&c, BASE + PG + 7), 0x5a);
    cr_assert_eq(rd(&c, BASE + PG + 8), 0);
    cr_assert_eq(rd(&c, BASE + 2 * PG + 7), 0, "the zero frame was not written");
    cr_assert_eq(sim_frame_data(&e.sim, zero)[7], 0);
    cr_assert_eq(sim_lookup(c.mmu, BASE + 2 * PG)->frame, zero);
    cr_assert_eq(stats(&c).zero_fills, 1);
    cr_assert_eq(e.sim.in_use, 2);
    check_frames(&e);
    client_free(&c);
    cr_assert_eq(e.sim.in_use, 1, "the zero frame lives as long as the pager");
    env_fini(&e);
}

Test(anon, shared_memory_never_uses_the_zero_page)
{
    env_t e;
    env_init(&e, true);
    client_t c = client_new(&e);
    map_at(&c, BASE, PG, RW, PAGER_MAP_SHARED);
    cr_assert_eq(rd(&c, BASE), 0);
    cr_assert_eq(page(&c, BASE).state, PAGER_PAGE_RESIDENT);
    cr_assert_eq(stats(&c).zero_pages, 0);
    client_free(&c);
    env_fini(&e);
}

Test(anon, spurious_fault_is_retry)
{
    env_t e;
    env_init(&e, false);
    client_t c = client_new(&e);
    map_at(&c, BASE, PG, RW, PAGER_MAP_PRIVATE);
    wr(&c, BASE, 1);
    uint64_t allocs = e.sim.allocs;
    pager_fault_result_t r;
    cr_assert_eq(pager_fault(c.space, BASE + 5, PAGER_ACCESS_WRITE, 0, &r), 0);
    cr_assert_eq(r.outcome, PAGER_FAULT_RETRY);
    cr_assert_eq(stats(&c).retries, 1);
    cr_assert_eq(e.sim.allocs, allocs);
    cr_assert_eq(rd(&c, BASE), 1);
    client_free(&c);
    env_fini(&e);
}

Test(anon, protect_upgrade_is_lazy)
{
    env_t e;
    env_init(&e, false);
    client_t c = client_new(&e);
    map_at(&c, BASE, 2 * PG, PAGER_PROT_READ, PAGER_MAP_PRIVATE);
    cr_assert_eq(rd(&c, BASE), 0);
    cr_assert_eq(sim_lookup(c.mmu, BASE)->prot, PAGER_PROT_READ);
    cr_assert_eq(sim_write(c.mmu, c.space, BASE, 1), PAGER_BAD_NO_PERMISSION);
    cr_assert_eq(pager_protect(c.space, BASE, 2 * PG, RW), 0);
    cr_assert_eq(sim_lookup(c.mmu, BASE)->prot, PAGER_PROT_READ, "upgrades wait for a fault");
    pager_fault_result_t r;
    uint8_t b = 9;
    uint64_t allocs = e.sim.allocs;
    cr_assert_eq(sim_access(c.mmu, c.space, BASE, PAGER_ACCESS_WRITE, 0, &b, &r, NULL), 0);
    cr_assert_eq(r.action, PAGER_ACT_COW_UPGRADE);
    cr_assert_eq(e.sim.allocs, allocs);
    cr_assert_eq(rd(&c, BASE), 9);

    /* PROT_NONE unmaps; giving rights back remaps the same frame with its data */
    uint64_t frame = sim_lookup(c.mmu, BASE)->frame;
    cr_assert_eq(pager_protect(c.space, BASE, PG, PAGER_PROT_NONE), 0);
    cr_assert_null(sim_lookup(c.mmu, BASE));
    cr_assert_eq(sim_read(c.mmu, c.space, BASE, &b), PAGER_BAD_NO_PERMISSION);
    cr_assert_eq(pager_protect(c.space, BASE, PG, PAGER_PROT_READ), 0);
    cr_assert_eq(rd(&c, BASE), 9);
    cr_assert_eq(sim_lookup(c.mmu, BASE)->frame, frame);
    client_free(&c);
    env_fini(&e);
}

Test(anon, map_arguments_are_checked)
{
    env_t e;
    env_init(&e, false);
    client_t c = client_new(&e);
    uint64_t a;
    pager_space_t *s = c.space;
    cr_assert_eq(pager_map_anon(s, 0, 0, RW, PAGER_MAP_PRIVATE, &a), PAGER_EINVAL);
    cr_assert_eq(pager_map_anon(s, 0, 100, RW, PAGER_MAP_PRIVATE, &a), PAGER_EINVAL);
    cr_assert_eq(pager_map_anon(s, BASE + 1, PG, RW, PAGER_MAP_PRIVATE, &a), PAGER_EINVAL);
    cr_assert_eq(pager_map_anon(s, 0, PG, 8, PAGER_MAP_PRIVATE, &a), PAGER_EINVAL);
    cr_assert_eq(pager_map_anon(s, 0, PG, RW, 0, &a), PAGER_EINVAL);
    cr_assert_eq(pager_map_anon(s, 0, PG, RW, PAGER_MAP_PRIVATE | PAGER_MAP_SHARED, &a),
                 PAGER_EINVAL);
    cr_assert_eq(pager_map_anon(s, 0, PG, RW, PAGER_MAP_PRIVATE | 0x100, &a), PAGER_EINVAL);
    cr_assert_eq(pager_map_anon(s, 0xfffffffffffff000ULL, 2 * PG, RW,
                                PAGER_MAP_PRIVATE | PAGER_MAP_FIXED, &a),
                 PAGER_EINVAL, "overflow");
    cr_assert_eq(pager_map_anon(s, 1ULL << 48, PG, RW, PAGER_MAP_PRIVATE | PAGER_MAP_FIXED, &a),
                 PAGER_ERANGE);
    cr_assert_eq(pager_map_anon(s, PG, PG, RW, PAGER_MAP_PRIVATE | PAGER_MAP_FIXED, &a),
                 PAGER_ERANGE, "below va_min");
    cr_assert_eq(pager_map_anon(s, 0, PG, RW, PAGER_MAP_PRIVATE | PAGER_MAP_FIXED, &a),
                 PAGER_EINVAL, "FIXED needs a hint");
    cr_assert_eq(pager_map_anon(s, 0, 1ULL << 49, RW, PAGER_MAP_PRIVATE, &a), PAGER_ENOMEM,
                 "no gap that big");
    cr_assert_eq(pager_region_count(s), 0);

    map_at(&c, BASE, 4 * PG, RW, PAGER_MAP_PRIVATE);
    cr_assert_eq(pager_map_anon(s, BASE + PG, PG, RW, PAGER_MAP_PRIVATE | PAGER_MAP_FIXED, &a),
                 PAGER_EEXIST);
    cr_assert_eq(pager_map_anon(s, BASE - PG, 2 * PG, RW, PAGER_MAP_PRIVATE | PAGER_MAP_FIXED, &a),
                 PAGER_EEXIST);
    /* a taken hint is only a hint */
    cr_assert_eq(pager_map_anon(s, BASE + PG, PG, PAGER_PROT_READ, PAGER_MAP_PRIVATE, &a), 0);
    cr_assert(a + PG <= BASE || a >= BASE + 4 * PG);
    /* a free hint is used */
    cr_assert_eq(pager_map_anon(s, BASE + 64 * PG, PG, PAGER_PROT_READ, PAGER_MAP_PRIVATE, &a), 0);
    cr_assert_eq(a, BASE + 64 * PG);
    cr_assert_eq(pager_region_count(s), 3);
    client_free(&c);
    env_fini(&e);
}

Test(anon, harvest_reads_and_clears_bits)
{
    env_t e;
    env_init(&e, false);
    client_t c = client_new(&e);
    map_at(&c, BASE, 2 * PG, RW, PAGER_MAP_PRIVATE);
    bool acc, dirty;
    cr_assert_eq(pager_page_harvest(c.space, BASE, &acc, &dirty), 0);
    cr_assert(!acc && !dirty, "an unmapped page has no bits");
    wr(&c, BASE, 1);
    (void)rd(&c, BASE + PG);
    cr_assert_eq(pager_page_harvest(c.space, BASE, &acc, &dirty), 0);
    cr_assert(acc && dirty);
    cr_assert_eq(pager_page_harvest(c.space, BASE, &acc, &dirty), 0);
    cr_assert(!acc && !dirty, "harvest clears");
    cr_assert_eq(pager_page_harvest(c.space, BASE + PG, &acc, &dirty), 0);
    cr_assert(acc && !dirty);
    client_free(&c);
    env_fini(&e);
}
