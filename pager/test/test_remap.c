/*
 * A page libpager believes mapped that the client's MMU no longer has (the client unmapped it
 * behind the pager's back): a translation fault there is served again, never answered with
 * RETRY forever (issue 12, item 1).
 */
#include "harness.h"

#define BASE 0x40000000ULL

/* The old livelock: pager_fault keeps saying RETRY and the access never succeeds. */
Test(remap, plain_fault_would_retry_forever)
{
    env_t e;
    env_init(&e, false);
    client_t c = client_new(&e);
    map_at(&c, BASE, PG, RW, PAGER_MAP_PRIVATE);
    wr(&c, BASE + 7, 0x5a);
    cr_assert(sim_forget(c.mmu, BASE));
    pager_fault_result_t r;
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(pager_fault(c.space, BASE + 7, PAGER_ACCESS_READ, 0, &r), 0);
        cr_assert_eq(r.outcome, PAGER_FAULT_RETRY);
    }
    cr_assert_null(sim_lookup(c.mmu, BASE), "RETRY mapped nothing");
    cr_assert_eq(pager_fault_unmapped(c.space, BASE, PAGER_ACCESS_READ, 0, &r), 0);
    client_free(&c);
    env_fini(&e);
}

Test(remap, translation_fault_on_resident_page_maps_it_again)
{
    env_t e;
    env_init(&e, false);
    client_t c = client_new(&e);
    map_at(&c, BASE, 2 * PG, RW, PAGER_MAP_PRIVATE);
    wr(&c, BASE + 7, 0x5a);
    uint64_t frame = sim_lookup(c.mmu, BASE)->frame, allocs = e.sim.allocs;
    pager_stats_t before = stats(&c);
    cr_assert(sim_forget(c.mmu, BASE));

    pager_fault_result_t r;
    cr_assert_eq(pager_fault_unmapped(c.space, BASE + 7, PAGER_ACCESS_READ, 0, &r), 0);
    cr_assert_eq(r.outcome, PAGER_FAULT_MAPPED, "a map decision, not RETRY");
    cr_assert_eq(r.action, PAGER_ACT_REMAP);
    cr_assert_eq(r.page, BASE);
    cr_assert_eq(r.frame, frame, "the resident frame, not a new one");
    cr_assert_eq(r.prot, RW);
    cr_assert_eq(e.sim.allocs, allocs);
    const sim_pte_t *pte = sim_lookup(c.mmu, BASE);
    cr_assert_not_null(pte, "mapped again through ops->map");
    cr_assert_eq(pte->frame, frame);
    cr_assert_eq(pte->prot, RW);
    cr_assert_eq(rd(&c, BASE + 7), 0x5a, "the contents survived");
    pager_stats_t after = stats(&c);
    cr_assert_eq(after.retries, before.retries, "not counted as a spurious fault");
    cr_assert_eq(after.minor, before.minor + 1);
    check_frames(&e);
    client_free(&c);
    env_fini(&e);
}

/* The zero page (read-only, shared) is mapped again read-only; a write still copies. */
Test(remap, zero_page_maps_again_read_only)
{
    env_t e;
    env_init(&e, true);
    client_t c = client_new(&e);
    map_at(&c, BASE, PG, RW, PAGER_MAP_PRIVATE);
    cr_assert_eq(rd(&c, BASE), 0);
    cr_assert_eq(page(&c, BASE).state, PAGER_PAGE_ZERO);
    cr_assert(sim_forget(c.mmu, BASE));
    pager_fault_result_t r;
    cr_assert_eq(pager_fault_unmapped(c.space, BASE, PAGER_ACCESS_READ, 0, &r), 0);
    cr_assert_eq(r.outcome, PAGER_FAULT_MAPPED);
    cr_assert_eq(r.action, PAGER_ACT_REMAP);
    cr_assert_eq(r.prot, PAGER_PROT_READ);
    wr(&c, BASE, 3);
    cr_assert_eq(rd(&c, BASE), 3);
    check_frames(&e);
    client_free(&c);
    env_fini(&e);
}

/* Where the page really is absent or needs a decision, pager_fault_unmapped is pager_fault. */
Test(remap, other_faults_unchanged)
{
    env_t e;
    env_init(&e, false);
    client_t c = client_new(&e);
    map_at(&c, BASE, PG, RW, PAGER_MAP_PRIVATE);
    pager_fault_result_t r;
    cr_assert_eq(pager_fault_unmapped(c.space, BASE, PAGER_ACCESS_WRITE, 0, &r), 0);
    cr_assert_eq(r.outcome, PAGER_FAULT_MAPPED);
    cr_assert_eq(r.action, PAGER_ACT_ZERO_FILL);
    cr_assert_eq(pager_fault_unmapped(c.space, BASE + 2 * PG, PAGER_ACCESS_READ, 0, &r), 0);
    cr_assert_eq(r.outcome, PAGER_FAULT_BAD);
    cr_assert_eq(r.reason, PAGER_BAD_NO_REGION);
    client_free(&c);
    env_fini(&e);
}
