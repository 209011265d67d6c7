/* Map-ahead (pager_map_ahead): sequential writes map ahead, other patterns do not, and it
 * never maps past a region's end, over a present page, or past the frame limit. */
#include "harness.h"

#define BASE  0x40000000ULL
#define AHEAD 15u /* the reference pager's window: FL_FAULT_MAP_MAX - 1 */

static void env_ahead(env_t *e, unsigned ahead, uint64_t frame_limit)
{
    sim_init(&e->sim);
    pager_config_t cfg;
    pager_config_default(&cfg);
    cfg.map_ahead = ahead;
    cfg.frame_limit = frame_limit;
    cr_assert_eq(pager_create(&e->sim.ops, &e->sim, &cfg, &e->pager), 0);
}

/* A write as the reference pager serves it: fault, then map-ahead with the fault's result.
 * Returns the pages mapped ahead, or -1 if the page was already writable (no fault). */
static int write_ahead(client_t *c, uint64_t addr, uint8_t b)
{
    const sim_pte_t *e = sim_lookup(c->mmu, addr);
    if (e && e->prot & PAGER_PROT_WRITE) {
        wr(c, addr, b);
        return -1;
    }
    pager_fault_result_t r;
    unsigned done = 99;
    cr_assert_eq(pager_fault(c->space, addr, PAGER_ACCESS_WRITE, 0, &r), 0);
    cr_assert_eq(r.outcome, PAGER_FAULT_MAPPED);
    cr_assert_eq(pager_map_ahead(c->space, &r, AHEAD, &done), 0);
    wr(c, addr, b);
    return (int)done;
}

Test(mapahead, sequential_writes_map_ahead_in_growing_windows)
{
    env_t e;
    env_ahead(&e, AHEAD, 0);
    client_t c = client_new(&e);
    map_at(&c, BASE, 64 * PG, RW, PAGER_MAP_PRIVATE);

    /* faults at 0 (starts the run), 1 (+4), 6 (+8), 15, 31, 47 (+15 each), 63 (region end) */
    const uint64_t fault_at[] = {0, 1, 6, 15, 31, 47, 63};
    const int ahead_of[] = {0, 4, 8, 15, 15, 15, 0};
    unsigned k = 0;
    for (uint64_t p = 0; p < 64; p++) {
        int done = write_ahead(&c, BASE + p * PG + 3, (uint8_t)(p + 1));
        if (done < 0)
            continue;
        cr_assert_lt(k, 7, "an unexpected fault at page %llu", (unsigned long long)p);
        cr_assert_eq(p, fault_at[k], "fault %u at page %llu", k, (unsigned long long)p);
        cr_assert_eq(done, ahead_of[k], "fault %u mapped %d ahead", k, done);
        k++;
    }
    cr_assert_eq(k, 7);
    for (uint64_t p = 0; p < 64; p++) {
        cr_assert_eq(rd(&c, BASE + p * PG + 3), p + 1);
        cr_assert_eq(rd(&c, BASE + p * PG + 4), 0, "a page mapped ahead is zero-filled");
    }
    pager_stats_t s = stats(&c);
    cr_assert_eq(s.mapped_ahead, 57);
    cr_assert_eq(s.zero_fills, 64);
    cr_assert_eq(s.minor, 7);
    cr_assert_eq(s.resident, 64);
    check_frames(&e);
    client_free(&c);
    env_fini(&e);
}

Test(mapahead, strided_and_backward_writes_map_nothing_ahead)
{
    env_t e;
    env_ahead(&e, AHEAD, 0);
    client_t c = client_new(&e);
    map_at(&c, BASE, 64 * PG, RW, PAGER_MAP_PRIVATE);

    uint64_t at = 0;
    for (unsigned i = 0; i < 64; i++, at = (at + 7) % 64) /* every page once, 7 apart */
        cr_assert_eq(write_ahead(&c, BASE + at * PG, 1), 0);
    /* downwards over fresh pages: in order, but not the order map-ahead serves */
    map_at(&c, BASE + 64 * PG, 64 * PG, RW, PAGER_MAP_PRIVATE);
    for (uint64_t p = 127; p >= 64; p--)
        cr_assert_eq(write_ahead(&c, BASE + p * PG, 2), 0);
    pager_stats_t s = stats(&c);
    cr_assert_eq(s.mapped_ahead, 0, "%llu pages mapped ahead", (unsigned long long)s.mapped_ahead);
    cr_assert_eq(s.minor, 128);
    check_frames(&e);
    client_free(&c);
    env_fini(&e);
}

Test(mapahead, never_past_the_region_end)
{
    env_t e;
    env_ahead(&e, AHEAD, 0);
    client_t c = client_new(&e);
    map_at(&c, BASE, 8 * PG, RW, PAGER_MAP_PRIVATE);
    map_at(&c, BASE + 8 * PG, 32 * PG, RW, PAGER_MAP_SHARED); /* its neighbour, not merged */
    cr_assert_eq(pager_region_count(c.space), 2);

    int total = 0;
    for (uint64_t p = 0; p < 8; p++) {
        int done = write_ahead(&c, BASE + p * PG, 1);
        total += done > 0 ? done : 0;
    }
    cr_assert_eq(total, 5, "pages 2..5 and 7 mapped ahead, then the region ended");
    for (uint64_t p = 8; p < 40; p++) {
        cr_assert_null(sim_lookup(c.mmu, BASE + p * PG), "page %llu of the next region mapped",
                       (unsigned long long)p);
        cr_assert_eq(page(&c, BASE + p * PG).state, PAGER_PAGE_NONE);
    }
    check_frames(&e);
    client_free(&c);
    env_fini(&e);
}

Test(mapahead, never_over_a_present_page)
{
    env_t e;
    env_ahead(&e, AHEAD, 0);
    client_t c = client_new(&e);
    map_at(&c, BASE, 32 * PG, RW, PAGER_MAP_PRIVATE);

    wr(&c, BASE + 4 * PG, 0x77);             /* resident, with data */
    cr_assert_eq(rd(&c, BASE + 12 * PG), 0); /* the zero page */
    uint64_t f4 = page(&c, BASE + 4 * PG).frame, z12 = page(&c, BASE + 12 * PG).frame;

    cr_assert_eq(write_ahead(&c, BASE, 1), 0);
    cr_assert_eq(write_ahead(&c, BASE + PG, 1), 2, "pages 2 and 3, stopping at page 4");
    cr_assert_eq(page(&c, BASE + 4 * PG).frame, f4);
    cr_assert_eq(rd(&c, BASE + 4 * PG), 0x77);
    /* page 4 was present: writing it faults no more; the run goes on after it */
    cr_assert_eq(write_ahead(&c, BASE + 4 * PG, 2), -1);
    cr_assert_eq(write_ahead(&c, BASE + 5 * PG, 1), 0, "a new run: page 5 is not next in line");
    cr_assert_eq(write_ahead(&c, BASE + 6 * PG, 1), 4, "pages 7..10");
    cr_assert_eq(write_ahead(&c, BASE + 11 * PG, 1), 0, "page 12 (zero page) stops it at once");
    cr_assert_eq(page(&c, BASE + 12 * PG).state, PAGER_PAGE_ZERO);
    cr_assert_eq(page(&c, BASE + 12 * PG).frame, z12);
    check_frames(&e);
    client_free(&c);
    env_fini(&e);
}

Test(mapahead, reads_and_stack_growth_map_nothing_ahead)
{
    env_t e;
    env_ahead(&e, AHEAD, 0);
    client_t c = client_new(&e);
    map_at(&c, BASE, 16 * PG, RW, PAGER_MAP_PRIVATE);
    for (uint64_t p = 0; p < 16; p++) {
        pager_fault_result_t r;
        unsigned done = 99;
        cr_assert_eq(pager_fault(c.space, BASE + p * PG, PAGER_ACCESS_READ, 0, &r), 0);
        cr_assert_eq(r.action, PAGER_ACT_ZERO_PAGE);
        cr_assert_eq(pager_map_ahead(c.space, &r, AHEAD, &done), 0);
        cr_assert_eq(done, 0);
    }
    cr_assert_eq(pager_map_stack(c.space, 0x80000000ULL, PG, 64 * PG, 0), 0);
    for (uint64_t p = 2; p < 10; p++) { /* downwards: each fault grows it by a page */
        uint64_t a = 0x80000000ULL - p * PG;
        pager_fault_result_t r;
        unsigned done = 99;
        cr_assert_eq(pager_fault(c.space, a, PAGER_ACCESS_WRITE, 0, &r), 0);
        cr_assert(r.stack_grew);
        cr_assert_eq(pager_map_ahead(c.space, &r, AHEAD, &done), 0);
        cr_assert_eq(done, 0);
    }
    cr_assert_eq(stats(&c).mapped_ahead, 0);
    check_frames(&e);
    client_free(&c);
    env_fini(&e);
}

Test(mapahead, off_unless_configured)
{
    env_t e;
    env_ahead(&e, 0, 0);
    client_t c = client_new(&e);
    map_at(&c, BASE, 16 * PG, RW, PAGER_MAP_PRIVATE);
    for (uint64_t p = 0; p < 16; p++)
        cr_assert_eq(write_ahead(&c, BASE + p * PG, 1), 0);
    cr_assert_eq(stats(&c).minor, 16);
    client_free(&c);
    env_fini(&e);
}

Test(mapahead, never_past_the_frame_limit_and_never_evicts)
{
    env_t e;
    env_ahead(&e, AHEAD, 8);
    client_t c = client_new(&e);
    map_at(&c, BASE, 64 * PG, RW, PAGER_MAP_PRIVATE);

    cr_assert_eq(write_ahead(&c, BASE, 1), 0);
    cr_assert_eq(write_ahead(&c, BASE + PG, 1), 4);
    cr_assert_eq(write_ahead(&c, BASE + 6 * PG, 1), 1, "8 wanted, 1 frame left to the limit");
    cr_assert_leq(pager_frames_in_use(e.pager), 8);
    pager_swap_stats_t ss;
    pager_swap_stats(e.pager, &ss);
    cr_assert_eq(ss.scanned, 0, "map-ahead made the clock run");
    cr_assert_eq(stats(&c).mapped_ahead, 5);
    check_frames(&e);
    client_free(&c);
    env_fini(&e);
}

Test(mapahead, out_of_frames_maps_less_and_the_fault_still_succeeds)
{
    env_t e;
    env_ahead(&e, AHEAD, 0);
    e.sim.limit = 4;
    client_t c = client_new(&e);
    map_at(&c, BASE, 64 * PG, RW, PAGER_MAP_PRIVATE);
    cr_assert_eq(write_ahead(&c, BASE, 1), 0);
    cr_assert_eq(write_ahead(&c, BASE + PG, 1), 2, "only 2 frames left in the backend");
    cr_assert_eq(rd(&c, BASE + 3 * PG), 0);
    check_frames(&e);
    client_free(&c);
    env_fini(&e);
}

Test(mapahead, null_arguments)
{
    env_t e;
    env_ahead(&e, AHEAD, 0);
    client_t c = client_new(&e);
    pager_fault_result_t r = {0};
    unsigned done;
    cr_assert_eq(pager_map_ahead(NULL, &r, 1, &done), PAGER_EINVAL);
    cr_assert_eq(pager_map_ahead(c.space, NULL, 1, &done), PAGER_EINVAL);
    cr_assert_eq(pager_map_ahead(c.space, &r, 1, NULL), PAGER_EINVAL);
    client_free(&c);
    env_fini(&e);
}
