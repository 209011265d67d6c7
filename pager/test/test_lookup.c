/* The region lookup remembers the last region it found (region.c): every change to the region
 * map must forget it, so a lookup never answers from a region that is gone or changed. */
#include "harness.h"

#define BASE 0x40000000ULL

static pager_region_info_t find(client_t *c, uint64_t addr)
{
    pager_region_info_t ri;
    cr_assert_eq(pager_region_find(c->space, addr, &ri), 0, "no region at %#llx",
                 (unsigned long long)addr);
    return ri;
}

Test(lookup, unmapped_region_is_not_found_again)
{
    env_t e;
    env_init(&e, true);
    client_t c = client_new(&e);
    map_at(&c, BASE, 8 * PG, RW, PAGER_MAP_PRIVATE);
    wr(&c, BASE, 1); /* the fault looks the region up */
    cr_assert_eq(find(&c, BASE + PG).start, BASE);
    cr_assert_eq(pager_unmap(c.space, BASE, 8 * PG), 0);
    pager_region_info_t ri;
    cr_assert_eq(pager_region_find(c.space, BASE + PG, &ri), PAGER_ENOENT);
    pager_fault_result_t r;
    cr_assert_eq(pager_fault(c.space, BASE + 2 * PG, PAGER_ACCESS_WRITE, 0, &r), 0);
    cr_assert_eq(r.outcome, PAGER_FAULT_BAD);
    cr_assert_eq(r.reason, PAGER_BAD_NO_REGION);
    client_free(&c);
    env_fini(&e);
}

Test(lookup, split_and_merged_regions_have_their_new_bounds)
{
    env_t e;
    env_init(&e, true);
    client_t c = client_new(&e);
    map_at(&c, BASE, 8 * PG, RW, PAGER_MAP_PRIVATE);
    cr_assert_eq(find(&c, BASE + 5 * PG).end, BASE + 8 * PG);
    /* split: the middle becomes read-only */
    cr_assert_eq(pager_protect(c.space, BASE + 2 * PG, 2 * PG, PAGER_PROT_READ), 0);
    cr_assert_eq(find(&c, BASE + 5 * PG).start, BASE + 4 * PG);
    cr_assert_eq(find(&c, BASE + PG).end, BASE + 2 * PG);
    pager_region_info_t mid = find(&c, BASE + 3 * PG);
    cr_assert_eq(mid.start, BASE + 2 * PG);
    cr_assert_eq(mid.prot, PAGER_PROT_READ);
    pager_fault_result_t r;
    cr_assert_eq(pager_fault(c.space, BASE + 3 * PG, PAGER_ACCESS_WRITE, 0, &r), 0);
    cr_assert_eq(r.reason, PAGER_BAD_NO_PERMISSION);
    /* merge: writable again, one region */
    cr_assert_eq(pager_protect(c.space, BASE + 2 * PG, 2 * PG, RW), 0);
    pager_region_info_t all = find(&c, BASE + 3 * PG);
    cr_assert_eq(all.start, BASE);
    cr_assert_eq(all.end, BASE + 8 * PG);
    /* a neighbour mapped after the last lookup merges into it */
    map_at(&c, BASE + 8 * PG, 4 * PG, RW, PAGER_MAP_PRIVATE);
    cr_assert_eq(find(&c, BASE).end, BASE + 12 * PG);
    wr(&c, BASE + 11 * PG, 3);
    client_free(&c);
    env_fini(&e);
}

Test(lookup, a_forked_child_looks_up_its_own_regions)
{
    env_t e;
    env_init(&e, true);
    client_t p = client_new(&e);
    map_at(&p, BASE, 4 * PG, RW, PAGER_MAP_PRIVATE);
    wr(&p, BASE, 7);
    client_t c = client_fork(&p);
    cr_assert_eq(pager_unmap(p.space, BASE, 4 * PG), 0);
    cr_assert_eq(find(&c, BASE).end, BASE + 4 * PG, "the child keeps the region");
    cr_assert_eq(rd(&c, BASE), 7);
    pager_region_info_t ri;
    cr_assert_eq(pager_region_find(p.space, BASE, &ri), PAGER_ENOENT);
    client_free(&c);
    client_free(&p);
    env_fini(&e);
}
