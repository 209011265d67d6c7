/* Copy-on-write fork: chains of forks, writes and exits in every order, last-reference writes. */
#include "harness.h"

#define BASE 0x40000000ULL
#define PAGES                                                                                      \
    4 /* page 0: written before forks, 1: only read (zero page), 2: untouched,                     \
         3: written before forks, never written after */

static const int perms[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};

/* Check every live client sees exactly what the model says, through the simulated MMU. */
static void check_views(client_t *cl, uint8_t expect[3][PAGES], const bool *alive)
{
    for (int k = 0; k < 3; k++) {
        if (!alive[k])
            continue;
        for (int p = 0; p < PAGES; p++)
            cr_assert_eq(rd(&cl[k], BASE + p * PG + 64), expect[k][p], "space %d page %d: %d != %d",
                         k, p, rd(&cl[k], BASE + p * PG + 64), expect[k][p]);
    }
}

static void run_chain(bool zero_page, const int *write_order, const int *exit_order)
{
    env_t e;
    env_init(&e, zero_page);
    client_t cl[3];
    bool alive[3] = {true, true, true};
    uint8_t expect[3][PAGES] = {{0}};

    cl[0] = client_new(&e);
    map_at(&cl[0], BASE, PAGES * PG, RW, PAGER_MAP_PRIVATE);
    wr(&cl[0], BASE + 64, 10);
    wr(&cl[0], BASE + 3 * PG + 64, 13);
    (void)rd(&cl[0], BASE + PG + 64);
    for (int k = 0; k < 3; k++) {
        expect[k][0] = 10;
        expect[k][3] = 13;
    }
    cl[1] = client_fork(&cl[0]); /* child */
    cl[2] = client_fork(&cl[1]); /* grandchild */
    check_views(cl, expect, alive);
    check_frames(&e);

    /* pages 0..2 get a write from each space in the given order */
    for (int i = 0; i < 3; i++) {
        int k = write_order[i];
        for (int p = 0; p < 3; p++) {
            uint8_t v = (uint8_t)(100 + 10 * k + p);
            wr(&cl[k], BASE + p * PG + 64, v);
            expect[k][p] = v;
            check_views(cl, expect, alive);
        }
        check_frames(&e);
    }
    /* page 3 is still one frame shared three ways */
    cr_assert_eq(page(&cl[0], BASE + 3 * PG).shares, 3);
    cr_assert_eq(page(&cl[0], BASE + 3 * PG).frame, page(&cl[2], BASE + 3 * PG).frame);

    for (int i = 0; i < 3; i++) {
        int k = exit_order[i];
        client_free(&cl[k]);
        alive[k] = false;
        check_views(cl, expect, alive);
        check_frames(&e);
    }
    env_fini(&e);
}

Test(cow, chains_of_forks_in_every_order)
{
    for (int zp = 0; zp < 2; zp++)
        for (int w = 0; w < 6; w++)
            for (int x = 0; x < 6; x++)
                run_chain(zp, perms[w], perms[x]);
}

Test(cow, fork_shares_until_written)
{
    env_t e;
    env_init(&e, false);
    client_t p = client_new(&e);
    map_at(&p, BASE, 8 * PG, RW, PAGER_MAP_PRIVATE);
    for (int i = 0; i < 8; i++)
        wr(&p, BASE + i * PG, (uint8_t)(i + 1));
    cr_assert_eq(e.sim.in_use, 8);
    client_t c = client_fork(&p);
    cr_assert_eq(e.sim.in_use, 8, "fork copies nothing");
    for (int i = 0; i < 8; i++) {
        cr_assert_eq(sim_lookup(p.mmu, BASE + i * PG)->prot, PAGER_PROT_READ);
        cr_assert_eq(sim_lookup(c.mmu, BASE + i * PG)->prot, PAGER_PROT_READ);
        cr_assert_eq(sim_lookup(c.mmu, BASE + i * PG)->frame,
                     sim_lookup(p.mmu, BASE + i * PG)->frame);
        cr_assert_eq(page(&c, BASE + i * PG).shares, 2);
    }
    cr_assert_eq(stats(&c).resident, 8);
    cr_assert_eq(pager_region_count(c.space), 1);

    pager_fault_result_t r;
    uint8_t b = 77;
    cr_assert_eq(sim_access(c.mmu, c.space, BASE, PAGER_ACCESS_WRITE, 0, &b, &r, NULL), 0);
    cr_assert_eq(r.action, PAGER_ACT_COW_COPY);
    cr_assert_eq(stats(&c).cow_copies, 1);
    cr_assert_eq(e.sim.in_use, 9);
    cr_assert_eq(rd(&p, BASE), 1);
    cr_assert_eq(rd(&c, BASE), 77);
    cr_assert_eq(rd(&c, BASE + 1), 0, "the copy carries the rest of the page");
    cr_assert_eq(page(&p, BASE).shares, 1);

    /* the parent now holds the last reference: no copy, no allocation */
    uint64_t allocs = e.sim.allocs, copies = e.sim.copies;
    b = 55;
    cr_assert_eq(sim_access(p.mmu, p.space, BASE, PAGER_ACCESS_WRITE, 0, &b, &r, NULL), 0);
    cr_assert_eq(r.action, PAGER_ACT_COW_UPGRADE);
    cr_assert_eq(stats(&p).cow_upgrades, 1);
    cr_assert_eq(stats(&p).cow_copies, 0);
    cr_assert_eq(e.sim.allocs, allocs);
    cr_assert_eq(e.sim.copies, copies);
    cr_assert_eq(rd(&p, BASE), 55);
    cr_assert_eq(rd(&c, BASE), 77);
    client_free(&c);
    client_free(&p);
    env_fini(&e);
}

Test(cow, last_reference_after_child_exit_does_not_copy)
{
    env_t e;
    env_init(&e, true);
    client_t p = client_new(&e);
    map_at(&p, BASE, 4 * PG, RW, PAGER_MAP_PRIVATE);
    for (int i = 0; i < 4; i++)
        wr(&p, BASE + i * PG, 1);
    client_t c = client_fork(&p);
    client_free(&c);
    uint64_t allocs = e.sim.allocs, copies = e.sim.copies;
    for (int i = 0; i < 4; i++)
        wr(&p, BASE + i * PG, 2);
    cr_assert_eq(e.sim.allocs, allocs);
    cr_assert_eq(e.sim.copies, copies);
    cr_assert_eq(stats(&p).cow_upgrades, 4);
    cr_assert_eq(e.sim.in_use, 4);
    client_free(&p);
    env_fini(&e);
}

Test(cow, shared_regions_stay_shared)
{
    env_t e;
    env_init(&e, true);
    client_t p = client_new(&e);
    map_at(&p, BASE, 2 * PG, RW, PAGER_MAP_SHARED);
    wr(&p, BASE, 1);
    (void)rd(&p, BASE + PG);
    client_t c = client_fork(&p);
    cr_assert_eq(sim_lookup(c.mmu, BASE)->prot, RW);
    wr(&c, BASE, 2);
    cr_assert_eq(rd(&p, BASE), 2);
    wr(&p, BASE + PG, 3);
    cr_assert_eq(rd(&c, BASE + PG), 3);
    cr_assert_eq(stats(&c).cow_copies + stats(&p).cow_copies, 0);
    cr_assert_eq(e.sim.in_use, 2);
    client_free(&p);
    wr(&c, BASE, 4);
    cr_assert_eq(rd(&c, BASE), 4);
    client_free(&c);
    env_fini(&e);
}

Test(cow, fork_keeps_protections_and_regions)
{
    env_t e;
    env_init(&e, false);
    client_t p = client_new(&e);
    map_at(&p, BASE, 4 * PG, RW, PAGER_MAP_PRIVATE);
    wr(&p, BASE + PG, 1);
    cr_assert_eq(pager_protect(p.space, BASE + 2 * PG, PG, PAGER_PROT_READ), 0);
    cr_assert_eq(pager_map_stack(p.space, 0x80000000ULL, PG, 8 * PG, PG), 0);
    wr(&p, 0x80000000ULL - 8, 5);
    client_t c = client_fork(&p);
    cr_assert_eq(pager_region_count(c.space), pager_region_count(p.space));
    uint8_t b;
    cr_assert_eq(sim_write(c.mmu, c.space, BASE + 2 * PG, 1), PAGER_BAD_NO_PERMISSION);
    cr_assert_eq(rd(&c, 0x80000000ULL - 8), 5);
    /* the child's stack grows on its own */
    cr_assert_eq(sim_access(c.mmu, c.space, 0x80000000ULL - 3 * PG, PAGER_ACCESS_WRITE,
                            0x80000000ULL - 3 * PG, &b, NULL, NULL),
                 0);
    pager_region_info_t pi, ci;
    cr_assert_eq(pager_region_find(p.space, 0x80000000ULL - PG, &pi), 0);
    cr_assert_eq(pager_region_find(c.space, 0x80000000ULL - PG, &ci), 0);
    cr_assert_eq(pi.stack_low, 0x80000000ULL - PG);
    cr_assert_eq(ci.stack_low, 0x80000000ULL - 3 * PG);
    client_free(&p);
    client_free(&c);
    env_fini(&e);
}
