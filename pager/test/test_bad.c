/* Every bad-area case ends in a BAD result with the right reason and changes nothing. */
#include "harness.h"

#define BASE 0x40000000ULL

static void expect_bad(client_t *c, uint64_t addr, pager_access_t acc, pager_bad_reason_t why)
{
    pager_fault_result_t r;
    cr_assert_eq(pager_fault(c->space, addr, acc, 0, &r), 0);
    cr_assert_eq(r.outcome, PAGER_FAULT_BAD, "at %#llx", (unsigned long long)addr);
    cr_assert_eq(r.reason, why, "at %#llx: %s, expected %s", (unsigned long long)addr,
                 pager_bad_reason_name(r.reason), pager_bad_reason_name(why));
    cr_assert_eq(r.page, addr & ~(PG - 1));
    cr_assert_eq(r.action, PAGER_ACT_NONE);
}

Test(bad, every_bad_area_case)
{
    env_t e;
    env_init(&e, true);
    client_t c = client_new(&e);
    map_at(&c, BASE, 2 * PG, PAGER_PROT_READ, PAGER_MAP_PRIVATE);
    map_at(&c, BASE + 4 * PG, 2 * PG, RW, PAGER_MAP_PRIVATE);
    map_at(&c, BASE + 8 * PG, PG, PAGER_PROT_READ | PAGER_PROT_EXEC, PAGER_MAP_PRIVATE);
    map_at(&c, BASE + 10 * PG, PG, PAGER_PROT_NONE, PAGER_MAP_PRIVATE);
    cr_assert_eq(pager_map_guard(c.space, BASE + 12 * PG, PG), 0);
    uint64_t f;
    cr_assert_eq(pager_map_file(c.space, BASE + 14 * PG, PG, PAGER_PROT_READ,
                                PAGER_MAP_SHARED | PAGER_MAP_FIXED, 1, 0, &f),
                 0);

    /* no region: null page, a hole between regions, just past the end, outside the VA range */
    expect_bad(&c, 0, PAGER_ACCESS_READ, PAGER_BAD_NO_REGION);
    expect_bad(&c, BASE + 2 * PG, PAGER_ACCESS_WRITE, PAGER_BAD_NO_REGION);
    expect_bad(&c, BASE + 3 * PG + 4095, PAGER_ACCESS_READ, PAGER_BAD_NO_REGION);
    expect_bad(&c, BASE + 15 * PG, PAGER_ACCESS_READ, PAGER_BAD_NO_REGION);
    expect_bad(&c, 1ULL << 60, PAGER_ACCESS_READ, PAGER_BAD_NO_REGION);
    expect_bad(&c, BASE - 1, PAGER_ACCESS_EXEC, PAGER_BAD_NO_REGION);
    /* write to read-only memory, before and after it was read */
    expect_bad(&c, BASE, PAGER_ACCESS_WRITE, PAGER_BAD_NO_PERMISSION);
    cr_assert_eq(rd(&c, BASE), 0);
    expect_bad(&c, BASE, PAGER_ACCESS_WRITE, PAGER_BAD_NO_PERMISSION);
    expect_bad(&c, BASE + 14 * PG, PAGER_ACCESS_WRITE, PAGER_BAD_NO_PERMISSION);
    /* exec on non-exec memory */
    expect_bad(&c, BASE + 4 * PG, PAGER_ACCESS_EXEC, PAGER_BAD_NO_PERMISSION);
    expect_bad(&c, BASE + PG, PAGER_ACCESS_EXEC, PAGER_BAD_NO_PERMISSION);
    /* anything on PROT_NONE */
    expect_bad(&c, BASE + 10 * PG, PAGER_ACCESS_READ, PAGER_BAD_NO_PERMISSION);
    expect_bad(&c, BASE + 10 * PG, PAGER_ACCESS_WRITE, PAGER_BAD_NO_PERMISSION);
    /* guard */
    expect_bad(&c, BASE + 12 * PG + 8, PAGER_ACCESS_READ, PAGER_BAD_GUARD);

    cr_assert_eq(stats(&c).bad, 14);
    cr_assert_eq(e.sim.in_use, 1, "only the zero frame from the one good read");
    cr_assert_eq(sim_mapped_count(c.mmu), 1);
    cr_assert_eq(page(&c, BASE + 4 * PG).state, PAGER_PAGE_NONE);

    /* the good cases next door still work */
    uint8_t b = 1;
    cr_assert_eq(sim_access(c.mmu, c.space, BASE + 8 * PG, PAGER_ACCESS_EXEC, 0, &b, NULL, NULL),
                 0);
    wr(&c, BASE + 5 * PG, 3);
    cr_assert_eq(rd(&c, BASE + 5 * PG), 3);
    client_free(&c);
    env_fini(&e);
}

Test(bad, invalid_fault_arguments)
{
    env_t e;
    env_init(&e, false);
    client_t c = client_new(&e);
    pager_fault_result_t r;
    cr_assert_eq(pager_fault(c.space, BASE, (pager_access_t)7, 0, &r), PAGER_EINVAL);
    cr_assert_eq(pager_fault(c.space, BASE, PAGER_ACCESS_READ, 0, NULL), PAGER_EINVAL);
    cr_assert_eq(pager_fault(NULL, BASE, PAGER_ACCESS_READ, 0, &r), PAGER_EINVAL);
    cr_assert_str_eq(pager_bad_reason_name(PAGER_BAD_GUARD), "guard");
    client_free(&c);
    env_fini(&e);
}

Test(bad, pager_destroy_with_live_space_is_busy)
{
    env_t e;
    env_init(&e, false);
    client_t c = client_new(&e);
    cr_assert_eq(pager_destroy(e.pager), PAGER_EBUSY);
    client_free(&c);
    env_fini(&e);
}
