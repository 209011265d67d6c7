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

/*
 * A write translation fault on a page the library has mapped read-only: the decision gives
 * the write right back, which must be a map (nothing is there to protect). Before the fix the
 * library called ops->protect on the missing mapping, the backend refused and the client got
 * "out of memory" (found by fuzz_pager: a private file page taken back by the client, then
 * written). First the copy-on-write upgrade of a page whose fork child has gone.
 */
Test(remap, write_after_fork_child_gone_maps_writable)
{
    env_t e;
    env_init(&e, false);
    client_t c = client_new(&e);
    map_at(&c, BASE, PG, RW, PAGER_MAP_PRIVATE);
    wr(&c, BASE, 0x5a);
    client_t child = client_fork(&c);
    client_free(&child);
    cr_assert_eq(sim_lookup(c.mmu, BASE)->prot, PAGER_PROT_READ, "read-only since the fork");
    cr_assert(sim_forget(c.mmu, BASE));

    pager_fault_result_t r;
    cr_assert_eq(pager_fault_unmapped(c.space, BASE, PAGER_ACCESS_WRITE, 0, &r), 0);
    cr_assert_eq(r.outcome, PAGER_FAULT_MAPPED, "reason %d", r.reason);
    cr_assert_eq(r.action, PAGER_ACT_COW_UPGRADE);
    const sim_pte_t *pte = sim_lookup(c.mmu, BASE);
    cr_assert_not_null(pte, "mapped through ops->map");
    cr_assert_eq(pte->prot, RW);
    cr_assert_eq(pte->frame, r.frame);
    cr_assert_eq(page(&c, BASE).prot, RW);
    cr_assert_eq(rd(&c, BASE), 0x5a);
    check_frames(&e); /* no refused hook call */
    client_free(&c);
    env_fini(&e);
}

/* The same for a private file page's first write (it takes the frame over) and for rights a
 * protect gave back lazily. */
Test(remap, write_to_read_only_file_page_and_lazy_protect_upgrade)
{
    env_t e;
    env_init(&e, false);
    client_t c = client_new(&e);
    uint64_t got;
    cr_assert_eq(
        pager_map_file(c.space, BASE, PG, RW, PAGER_MAP_PRIVATE | PAGER_MAP_FIXED, 1, 0, &got), 0);
    uint8_t want = rd(&c, BASE);
    cr_assert_eq(sim_lookup(c.mmu, BASE)->prot, PAGER_PROT_READ);
    cr_assert(sim_forget(c.mmu, BASE));
    pager_fault_result_t r;
    cr_assert_eq(pager_fault_unmapped(c.space, BASE, PAGER_ACCESS_WRITE, 0, &r), 0);
    cr_assert_eq(r.outcome, PAGER_FAULT_MAPPED, "reason %d", r.reason);
    cr_assert_eq(r.action, PAGER_ACT_FIRST_WRITE);
    cr_assert_not_null(sim_lookup(c.mmu, BASE));
    cr_assert_eq(sim_lookup(c.mmu, BASE)->prot, RW);
    cr_assert_eq(rd(&c, BASE), want);

    map_at(&c, BASE + PG, PG, RW, PAGER_MAP_PRIVATE);
    wr(&c, BASE + PG, 7);
    cr_assert_eq(pager_protect(c.space, BASE + PG, PG, PAGER_PROT_READ), 0);
    cr_assert_eq(pager_protect(c.space, BASE + PG, PG, RW), 0); /* given back on the next fault */
    cr_assert_eq(sim_lookup(c.mmu, BASE + PG)->prot, PAGER_PROT_READ);
    cr_assert(sim_forget(c.mmu, BASE + PG));
    cr_assert_eq(pager_fault_unmapped(c.space, BASE + PG, PAGER_ACCESS_WRITE, 0, &r), 0);
    cr_assert_eq(r.outcome, PAGER_FAULT_MAPPED, "reason %d", r.reason);
    cr_assert_eq(sim_lookup(c.mmu, BASE + PG)->prot, RW);
    cr_assert_eq(rd(&c, BASE + PG), 7);
    check_frames(&e);
    client_free(&c);
    env_fini(&e);
}

Test(remap, null_arguments)
{
    pager_fault_result_t r;
    cr_assert_eq(pager_fault_unmapped(NULL, BASE, PAGER_ACCESS_READ, 0, &r), PAGER_EINVAL);
}
