/* Scale: a million-page space and a sparse space spread over the 48-bit range (correctness at
 * size; the data structures must make this quick, but nothing here measures time). */
#include "harness.h"

#define BASE  0x100000000ULL
#define NPAGE (1024ULL * 1024)

Test(scale, million_page_space, .timeout = 300)
{
    env_t e;
    env_init(&e, true);
    client_t c = client_new(&e);
    map_at(&c, BASE, NPAGE * PG, RW, PAGER_MAP_PRIVATE);
    for (uint64_t p = 0; p < NPAGE; p++)
        cr_assert_eq(rd(&c, BASE + p * PG + (p & 0xfff)), 0);
    cr_assert_eq(stats(&c).zero_pages, NPAGE);
    cr_assert_eq(e.sim.in_use, 1, "a million reads, one zero frame");
    cr_assert_eq(sim_mapped_count(c.mmu), NPAGE);

    for (uint64_t p = 0; p < NPAGE; p += 4096)
        wr(&c, BASE + p * PG, (uint8_t)(p >> 12) | 1);
    cr_assert_eq(e.sim.in_use, 1 + NPAGE / 4096);
    for (uint64_t p = 0; p < NPAGE; p += 4096) {
        cr_assert_eq(rd(&c, BASE + p * PG), (uint8_t)(p >> 12) | 1);
        cr_assert_eq(rd(&c, BASE + (p + 1) * PG), 0);
        cr_assert_eq(page(&c, BASE + p * PG).state, PAGER_PAGE_RESIDENT);
        cr_assert_eq(page(&c, BASE + (p + 1) * PG).state, PAGER_PAGE_ZERO);
    }

    /* unmap the upper half, protect a quarter in the middle of the lower half */
    cr_assert_eq(pager_unmap(c.space, BASE + NPAGE / 2 * PG, NPAGE / 2 * PG), 0);
    cr_assert_eq(sim_mapped_count(c.mmu), NPAGE / 2);
    cr_assert_eq(e.sim.in_use, 1 + NPAGE / 2 / 4096);
    cr_assert_eq(stats(&c).resident, NPAGE / 2 / 4096);
    cr_assert_eq(pager_protect(c.space, BASE + NPAGE / 8 * PG, NPAGE / 4 * PG, PAGER_PROT_READ), 0);
    cr_assert_eq(pager_region_count(c.space), 3);
    cr_assert_eq(sim_lookup(c.mmu, BASE + NPAGE / 4 * PG)->prot, PAGER_PROT_READ);
    cr_assert_eq(sim_write(c.mmu, c.space, BASE + NPAGE / 4 * PG, 1), PAGER_BAD_NO_PERMISSION);
    wr(&c, BASE + (NPAGE / 8 - 1) * PG, 7);

    /* fork it: every page shared, nothing copied */
    client_t k = client_fork(&c);
    cr_assert_eq(sim_mapped_count(k.mmu), NPAGE / 2);
    cr_assert_eq(e.sim.in_use, 2 + NPAGE / 2 / 4096);
    wr(&k, BASE, 0x42);
    cr_assert_eq(rd(&c, BASE), 1);
    cr_assert_eq(rd(&k, BASE), 0x42);
    check_frames(&e);
    client_free(&c);
    client_free(&k);
    env_fini(&e);
}

Test(scale, sparse_pages_across_the_address_space)
{
    env_t e;
    env_init(&e, false);
    client_t c = client_new(&e);
    const uint64_t span = 1ULL << 46; /* 64 TiB of address space, one region */
    map_at(&c, BASE, span, RW, PAGER_MAP_PRIVATE);
    const uint64_t step = 1ULL << 34;
    for (uint64_t a = BASE; a < BASE + span; a += step)
        wr(&c, a + 5 * PG + 3, (uint8_t)(a >> 34));
    uint64_t n = span / step;
    cr_assert_eq(e.sim.in_use, n);
    for (uint64_t a = BASE; a < BASE + span; a += step) {
        cr_assert_eq(rd(&c, a + 5 * PG + 3), (uint8_t)(a >> 34));
        cr_assert_eq(page(&c, a).state, PAGER_PAGE_NONE);
    }
    /* unmapping a huge range only visits what exists */
    cr_assert_eq(pager_unmap(c.space, BASE, span / 2), 0);
    cr_assert_eq(e.sim.in_use, n / 2);
    cr_assert_eq(pager_region_count(c.space), 1);
    client_free(&c);
    env_fini(&e);
}
