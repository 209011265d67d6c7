/* Region map: split and merge on partial unmap and protect, placement, file offsets. */
#include "harness.h"

#define BASE 0x40000000ULL

static pager_region_info_t region_at(client_t *c, uint64_t addr)
{
    pager_region_info_t i;
    cr_assert_eq(pager_region_find(c->space, addr, &i), 0, "no region at %#llx",
                 (unsigned long long)addr);
    return i;
}

static void assert_bounds(client_t *c, uint64_t addr, uint64_t start, uint64_t end)
{
    pager_region_info_t i = region_at(c, addr);
    cr_assert_eq(i.start, start, "start %#llx != %#llx", (unsigned long long)i.start,
                 (unsigned long long)start);
    cr_assert_eq(i.end, end, "end %#llx != %#llx", (unsigned long long)i.end,
                 (unsigned long long)end);
}

Test(region, protect_splits_then_merges)
{
    env_t e;
    env_init(&e, false);
    client_t c = client_new(&e);
    map_at(&c, BASE, 10 * PG, RW, PAGER_MAP_PRIVATE);
    for (int p = 0; p < 10; p++)
        wr(&c, BASE + p * PG, (uint8_t)(p + 1));

    cr_assert_eq(pager_protect(c.space, BASE + 3 * PG, 2 * PG, PAGER_PROT_READ), 0);
    cr_assert_eq(pager_region_count(c.space), 3);
    assert_bounds(&c, BASE, BASE, BASE + 3 * PG);
    assert_bounds(&c, BASE + 3 * PG, BASE + 3 * PG, BASE + 5 * PG);
    assert_bounds(&c, BASE + 9 * PG, BASE + 5 * PG, BASE + 10 * PG);
    cr_assert_eq(region_at(&c, BASE + 4 * PG).prot, PAGER_PROT_READ);
    cr_assert_eq(region_at(&c, BASE + 5 * PG).prot, RW);
    /* existing mappings were downgraded at once */
    cr_assert_eq(sim_lookup(c.mmu, BASE + 3 * PG)->prot, PAGER_PROT_READ);
    cr_assert_eq(sim_lookup(c.mmu, BASE + 5 * PG)->prot, RW);
    cr_assert_eq(sim_write(c.mmu, c.space, BASE + 4 * PG, 0), PAGER_BAD_NO_PERMISSION);
    cr_assert_eq(rd(&c, BASE + 4 * PG), 5);

    /* the same rights again: one region */
    cr_assert_eq(pager_protect(c.space, BASE + 3 * PG, 2 * PG, RW), 0);
    cr_assert_eq(pager_region_count(c.space), 1);
    assert_bounds(&c, BASE + 4 * PG, BASE, BASE + 10 * PG);
    wr(&c, BASE + 4 * PG, 42);
    cr_assert_eq(rd(&c, BASE + 4 * PG), 42);

    /* protect across three regions, at the start and at the end */
    cr_assert_eq(pager_protect(c.space, BASE, PG, PAGER_PROT_READ), 0);
    cr_assert_eq(pager_protect(c.space, BASE + 9 * PG, PG, PAGER_PROT_READ), 0);
    cr_assert_eq(pager_region_count(c.space), 3);
    cr_assert_eq(pager_protect(c.space, BASE, 10 * PG, PAGER_PROT_EXEC | PAGER_PROT_READ), 0);
    cr_assert_eq(pager_region_count(c.space), 1);
    assert_bounds(&c, BASE, BASE, BASE + 10 * PG);
    for (int p = 0; p < 10; p++)
        cr_assert_eq(sim_lookup(c.mmu, BASE + p * PG)->prot, PAGER_PROT_READ);
    check_frames(&e);
    client_free(&c);
    env_fini(&e);
}

Test(region, partial_unmap_splits_and_frees)
{
    env_t e;
    env_init(&e, false);
    client_t c = client_new(&e);
    map_at(&c, BASE, 10 * PG, RW, PAGER_MAP_PRIVATE);
    for (int p = 0; p < 10; p++)
        wr(&c, BASE + p * PG, (uint8_t)(p + 1));
    cr_assert_eq(e.sim.in_use, 10);

    cr_assert_eq(pager_unmap(c.space, BASE + 4 * PG, 2 * PG), 0);
    cr_assert_eq(pager_region_count(c.space), 2);
    assert_bounds(&c, BASE, BASE, BASE + 4 * PG);
    assert_bounds(&c, BASE + 6 * PG, BASE + 6 * PG, BASE + 10 * PG);
    cr_assert_eq(e.sim.in_use, 8);
    cr_assert_eq(stats(&c).resident, 8);
    cr_assert_null(sim_lookup(c.mmu, BASE + 4 * PG));
    cr_assert_null(sim_lookup(c.mmu, BASE + 5 * PG));
    uint8_t b;
    cr_assert_eq(sim_read(c.mmu, c.space, BASE + 5 * PG, &b), PAGER_BAD_NO_REGION);
    cr_assert_eq(rd(&c, BASE + 3 * PG), 4);
    cr_assert_eq(rd(&c, BASE + 6 * PG), 7);

    /* a hole inside the range is fine; both neighbours are cut */
    cr_assert_eq(pager_unmap(c.space, BASE + 3 * PG, 4 * PG), 0);
    cr_assert_eq(pager_region_count(c.space), 2);
    assert_bounds(&c, BASE, BASE, BASE + 3 * PG);
    assert_bounds(&c, BASE + 7 * PG, BASE + 7 * PG, BASE + 10 * PG);
    cr_assert_eq(e.sim.in_use, 6);

    /* mapping the hole again with the same rights merges all three */
    map_at(&c, BASE + 3 * PG, 4 * PG, RW, PAGER_MAP_PRIVATE);
    cr_assert_eq(pager_region_count(c.space), 1);
    assert_bounds(&c, BASE + 5 * PG, BASE, BASE + 10 * PG);
    cr_assert_eq(rd(&c, BASE + 5 * PG), 0, "new memory is zero");
    cr_assert_eq(rd(&c, BASE + 7 * PG), 8, "old memory kept");

    /* incompatible neighbours do not merge */
    map_at(&c, BASE + 10 * PG, PG, PAGER_PROT_READ, PAGER_MAP_PRIVATE);
    map_at(&c, BASE + 11 * PG, PG, RW, PAGER_MAP_SHARED);
    cr_assert_eq(pager_region_count(c.space), 3);

    /* the whole lot, and more */
    cr_assert_eq(pager_unmap(c.space, BASE - 8 * PG, 64 * PG), 0);
    cr_assert_eq(pager_region_count(c.space), 0);
    cr_assert_eq(e.sim.in_use, 0);
    cr_assert_eq(sim_mapped_count(c.mmu), 0);
    client_free(&c);
    env_fini(&e);
}

Test(region, protect_and_unmap_arguments)
{
    env_t e;
    env_init(&e, false);
    client_t c = client_new(&e);
    map_at(&c, BASE, 2 * PG, RW, PAGER_MAP_PRIVATE);
    map_at(&c, BASE + 3 * PG, 2 * PG, RW, PAGER_MAP_PRIVATE);
    cr_assert_eq(pager_map_guard(c.space, BASE + 5 * PG, PG), 0);
    cr_assert_eq(pager_protect(c.space, BASE, 5 * PG, PAGER_PROT_READ), PAGER_ENOENT, "hole");
    cr_assert_eq(pager_protect(c.space, BASE + 3 * PG, 3 * PG, PAGER_PROT_READ), PAGER_EPERM,
                 "guard");
    cr_assert_eq(pager_protect(c.space, BASE + 1, PG, PAGER_PROT_READ), PAGER_EINVAL);
    cr_assert_eq(pager_protect(c.space, BASE, 0, PAGER_PROT_READ), PAGER_EINVAL);
    cr_assert_eq(pager_protect(c.space, BASE, PG, 0x10), PAGER_EINVAL);
    cr_assert_eq(pager_unmap(c.space, BASE, PG + 1), PAGER_EINVAL);
    cr_assert_eq(pager_unmap(c.space, 0xfffffffffffff000ULL, 2 * PG), PAGER_EINVAL);
    cr_assert_eq(pager_unmap(c.space, 1ULL << 48, PG), PAGER_ERANGE);
    cr_assert_eq(pager_region_count(c.space), 3, "failed calls change nothing");
    assert_bounds(&c, BASE, BASE, BASE + 2 * PG);
    cr_assert_eq(region_at(&c, BASE).prot, RW);
    client_free(&c);
    env_fini(&e);
}

Test(region, anywhere_takes_the_lowest_hole)
{
    env_t e;
    env_init(&e, false);
    client_t c = client_new(&e);
    uint64_t a, b, d, x;
    cr_assert_eq(pager_map_anon(c.space, 0, 4 * PG, RW, PAGER_MAP_PRIVATE, &a), 0);
    cr_assert_eq(pager_map_anon(c.space, 0, 4 * PG, PAGER_PROT_READ, PAGER_MAP_PRIVATE, &b), 0);
    cr_assert_eq(pager_map_anon(c.space, 0, 4 * PG, RW, PAGER_MAP_PRIVATE, &d), 0);
    cr_assert_eq(b, a + 4 * PG);
    cr_assert_eq(d, b + 4 * PG);
    cr_assert_eq(pager_unmap(c.space, b, 4 * PG), 0);
    cr_assert_eq(pager_map_anon(c.space, 0, 8 * PG, RW, PAGER_MAP_PRIVATE, &x), 0);
    cr_assert_eq(x, d + 4 * PG, "too big for the hole");
    cr_assert_eq(pager_map_anon(c.space, 0, 3 * PG, PAGER_PROT_READ, PAGER_MAP_PRIVATE, &x), 0);
    cr_assert_eq(x, b, "first fit");
    client_free(&c);
    env_fini(&e);
}

Test(region, file_offsets_follow_splits)
{
    env_t e;
    env_init(&e, false);
    client_t c = client_new(&e);
    uint64_t a;
    cr_assert_eq(pager_map_file(c.space, BASE, 8 * PG, PAGER_PROT_READ,
                                PAGER_MAP_PRIVATE | PAGER_MAP_FIXED, 3, 16 * PG, &a),
                 0);
    cr_assert_eq(pager_unmap(c.space, BASE + 2 * PG, 3 * PG), 0);
    pager_region_info_t hi = region_at(&c, BASE + 6 * PG);
    cr_assert_eq(hi.start, BASE + 5 * PG);
    cr_assert_eq(hi.file_offset, 21 * PG);
    cr_assert_eq(rd(&c, BASE + 6 * PG + 10), sim_file_byte(3, 22 * PG + 10));
    cr_assert_eq(rd(&c, BASE + PG + 10), sim_file_byte(3, 17 * PG + 10));

    /* refilling the hole with the right offset merges; a wrong offset does not */
    cr_assert_eq(pager_map_file(c.space, BASE + 2 * PG, PG, PAGER_PROT_READ,
                                PAGER_MAP_PRIVATE | PAGER_MAP_FIXED, 3, 99 * PG, &a),
                 0);
    cr_assert_eq(pager_region_count(c.space), 3);
    cr_assert_eq(pager_map_file(c.space, BASE + 3 * PG, 2 * PG, PAGER_PROT_READ,
                                PAGER_MAP_PRIVATE | PAGER_MAP_FIXED, 3, 19 * PG, &a),
                 0);
    cr_assert_eq(pager_region_count(c.space), 3, "merged with the upper piece only");
    assert_bounds(&c, BASE + 3 * PG, BASE + 3 * PG, BASE + 8 * PG);
    client_free(&c);
    env_fini(&e);
}

Test(region, thousands_of_regions)
{
    env_t e;
    env_init(&e, false);
    client_t c = client_new(&e);
    enum { N = 5000 };
    /* alternate rights so that neighbours never merge */
    for (uint64_t i = 0; i < N; i++)
        map_at(&c, BASE + i * PG, PG, i % 2 ? RW : PAGER_PROT_READ, PAGER_MAP_PRIVATE);
    cr_assert_eq(pager_region_count(c.space), N);
    for (uint64_t i = 0; i < N; i++)
        assert_bounds(&c, BASE + i * PG + 123, BASE + i * PG, BASE + (i + 1) * PG);
    for (uint64_t i = 1; i < N; i += 2)
        wr(&c, BASE + i * PG, (uint8_t)i);
    for (uint64_t i = 0; i < N; i += 4)
        cr_assert_eq(pager_unmap(c.space, BASE + i * PG, PG), 0);
    cr_assert_eq(pager_region_count(c.space), N - N / 4);
    /* iterate in address order */
    uint64_t addr = 0, n = 0, last = 0;
    pager_region_info_t i;
    while (pager_region_next(c.space, addr, &i) == 0) {
        cr_assert_gt(i.start + 1, last);
        last = i.end;
        addr = i.end;
        n++;
    }
    cr_assert_eq(n, N - N / 4);
    /* the holes are found first-fit */
    uint64_t a;
    cr_assert_eq(pager_map_anon(c.space, 0, PG, PAGER_PROT_EXEC, PAGER_MAP_PRIVATE, &a), 0);
    cr_assert_eq(a, 0x10000, "below all regions");
    cr_assert_eq(pager_map_anon(c.space, 0, BASE - 0x11000, PAGER_PROT_EXEC, PAGER_MAP_PRIVATE, &a),
                 0);
    cr_assert_eq(pager_map_anon(c.space, 0, PG, PAGER_PROT_EXEC, PAGER_MAP_PRIVATE, &a), 0);
    cr_assert_eq(a, BASE, "the first hole between regions");
    for (uint64_t k = 1; k < N; k += 2)
        cr_assert_eq(rd(&c, BASE + k * PG), (uint8_t)k);
    client_free(&c);
    env_fini(&e);
}

Test(region, backing_of_each_region_and_of_none)
{
    env_t e;
    env_init(&e, false);
    client_t c = client_new(&e);
    uint64_t a;
    map_at(&c, BASE, 2 * PG, RW, PAGER_MAP_PRIVATE);
    cr_assert_eq(pager_map_file(c.space, BASE + 4 * PG, 2 * PG, PAGER_PROT_READ,
                                PAGER_MAP_PRIVATE | PAGER_MAP_FIXED, 3, 0, &a),
                 0);
    cr_assert_eq(pager_region_backing(c.space, BASE + PG + 7), PAGER_BACKING_ANON);
    cr_assert_eq(pager_region_backing(c.space, BASE + 5 * PG), PAGER_BACKING_FILE);
    cr_assert_eq(pager_region_backing(c.space, BASE + 3 * PG), PAGER_ENOENT, "the hole");
    cr_assert_eq(pager_region_backing(c.space, BASE + 6 * PG), PAGER_ENOENT, "past the end");
    cr_assert_eq(pager_region_backing(NULL, BASE), PAGER_EINVAL);
    client_free(&c);
    env_fini(&e);
}
