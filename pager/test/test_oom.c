/* Out of memory: a frame limit in the backend makes faults BAD/OUT_OF_MEMORY without leaks, and
 * the space works again once frames are freed. Failing map and I/O hooks change nothing. */
#include "harness.h"

#define BASE 0x40000000ULL

static void expect_oom(client_t *c, uint64_t addr, pager_access_t acc)
{
    pager_fault_result_t r;
    uint8_t b = 0xee;
    int rc = sim_access(c->mmu, c->space, addr, acc, 0, &b, &r, NULL);
    cr_assert_eq(rc, PAGER_BAD_OUT_OF_MEMORY, "got %d", rc);
    cr_assert_eq(r.outcome, PAGER_FAULT_BAD);
}

Test(oom, zero_fill_at_the_limit)
{
    env_t e;
    env_init(&e, false);
    e.sim.limit = 3;
    client_t c = client_new(&e);
    map_at(&c, BASE, 8 * PG, RW, PAGER_MAP_PRIVATE);
    for (int i = 0; i < 3; i++)
        wr(&c, BASE + i * PG, (uint8_t)(i + 1));
    expect_oom(&c, BASE + 3 * PG, PAGER_ACCESS_WRITE);
    expect_oom(&c, BASE + 4 * PG, PAGER_ACCESS_READ);
    cr_assert_eq(e.sim.in_use, 3);
    check_frames(&e);
    cr_assert_eq(page(&c, BASE + 3 * PG).state, PAGER_PAGE_NONE);
    cr_assert_null(sim_lookup(c.mmu, BASE + 3 * PG));
    pager_stats_t s = stats(&c);
    cr_assert_eq(s.resident, 3);
    cr_assert_eq(s.zero_fills, 3);
    cr_assert_eq(s.bad, 2);

    cr_assert_eq(pager_unmap(c.space, BASE + PG, PG), 0);
    wr(&c, BASE + 3 * PG, 4);
    cr_assert_eq(rd(&c, BASE + 3 * PG), 4);
    cr_assert_eq(rd(&c, BASE), 1);
    cr_assert_eq(rd(&c, BASE + 2 * PG), 3);
    check_frames(&e);
    client_free(&c);
    env_fini(&e);
}

Test(oom, zero_page_and_cow_at_the_limit)
{
    env_t e;
    env_init(&e, true);
    e.sim.limit = 2;
    client_t p = client_new(&e);
    map_at(&p, BASE, 4 * PG, RW, PAGER_MAP_PRIVATE);
    wr(&p, BASE, 7);
    (void)rd(&p, BASE + PG); /* the zero frame: limit reached */
    client_t c = client_fork(&p);
    check_frames(&e);
    expect_oom(&c, BASE, PAGER_ACCESS_WRITE);      /* COW copy */
    expect_oom(&c, BASE + PG, PAGER_ACCESS_WRITE); /* zero page -> frame */
    expect_oom(&p, BASE + 2 * PG, PAGER_ACCESS_WRITE);
    check_frames(&e);
    cr_assert_eq(e.sim.in_use, 2);
    cr_assert_eq(page(&c, BASE).shares, 2);
    cr_assert_eq(rd(&c, BASE), 7);
    cr_assert_eq(rd(&p, BASE), 7);
    cr_assert_eq(rd(&c, BASE + PG), 0);

    e.sim.limit = 0;
    wr(&c, BASE, 8);
    cr_assert_eq(rd(&c, BASE), 8);
    cr_assert_eq(rd(&p, BASE), 7);
    client_free(&c);
    client_free(&p);
    env_fini(&e);
}

Test(oom, failing_map_changes_nothing)
{
    env_t e;
    env_init(&e, true);
    client_t c = client_new(&e);
    map_at(&c, BASE, 4 * PG, RW, PAGER_MAP_PRIVATE);
    e.sim.fail_map = 1;
    expect_oom(&c, BASE, PAGER_ACCESS_WRITE);
    cr_assert_eq(e.sim.in_use, 0, "the fresh frame went back");
    e.sim.fail_map = 1;
    expect_oom(&c, BASE, PAGER_ACCESS_READ);
    cr_assert_eq(page(&c, BASE).state, PAGER_PAGE_NONE);
    wr(&c, BASE, 1);
    client_t k = client_fork(&c);
    e.sim.fail_map = 1;
    expect_oom(&k, BASE, PAGER_ACCESS_WRITE);
    cr_assert_eq(e.sim.in_use, 2, "zero frame + the shared frame");
    cr_assert_eq(page(&k, BASE).shares, 2);
    check_frames(&e);
    wr(&k, BASE, 2);
    cr_assert_eq(rd(&c, BASE), 1);
    cr_assert_eq(rd(&k, BASE), 2);
    client_free(&k);
    client_free(&c);
    env_fini(&e);
}

Test(oom, failing_fork_leaves_no_child)
{
    env_t e;
    env_init(&e, false);
    client_t p = client_new(&e);
    map_at(&p, BASE, 8 * PG, RW, PAGER_MAP_PRIVATE);
    for (int i = 0; i < 8; i++)
        wr(&p, BASE + i * PG, (uint8_t)(i + 1));
    sim_space_t *mmu = sim_space_new(&e.sim);
    pager_space_t *child = NULL;
    e.sim.fail_map = 5; /* the fifth map of the fork fails */
    cr_assert_eq(pager_fork(p.space, mmu, &child), PAGER_ENOMEM);
    cr_assert_null(child);
    cr_assert_eq(sim_mapped_count(mmu), 0);
    sim_space_free(mmu);
    cr_assert_eq(e.sim.in_use, 8);
    check_frames(&e);
    for (int i = 0; i < 8; i++) {
        cr_assert_eq(page(&p, BASE + i * PG).shares, 1);
        cr_assert_eq(rd(&p, BASE + i * PG), i + 1);
    }
    uint64_t allocs = e.sim.allocs;
    for (int i = 0; i < 8; i++)
        wr(&p, BASE + i * PG, 9);
    cr_assert_eq(e.sim.allocs, allocs, "no copies after a failed fork");
    client_free(&p);
    env_fini(&e);
}

Test(oom, failing_io_is_bad_io)
{
    env_t e;
    env_init(&e, false);
    client_t c = client_new(&e);
    uint64_t a;
    cr_assert_eq(pager_map_file(c.space, BASE, 2 * PG, PAGER_PROT_READ,
                                PAGER_MAP_PRIVATE | PAGER_MAP_FIXED, 5, 0, &a),
                 0);
    e.sim.fail_io = true;
    uint8_t b;
    cr_assert_eq(sim_read(c.mmu, c.space, BASE, &b), PAGER_BAD_IO);
    cr_assert_eq(e.sim.in_use, 0);
    cr_assert_eq(stats(&c).major, 0);
    e.sim.fail_io = false;
    cr_assert_eq(rd(&c, BASE + 1), sim_file_byte(5, 1));
    client_free(&c);
    env_fini(&e);
}
