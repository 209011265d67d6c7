/* The page cache (cfg.page_cache): sharing between spaces, copy on private write, read-ahead,
 * trimming, and trimming when frames run out. */
#include <string.h>

#include "harness.h"

#define BASE 0x40000000ULL

static void env_init_cache(env_t *e)
{
    sim_init(&e->sim);
    pager_config_t cfg;
    pager_config_default(&cfg);
    cfg.page_cache = true;
    cr_assert_eq(pager_create(&e->sim.ops, &e->sim, &cfg, &e->pager), 0);
}

static pager_cache_stats_t cstats(env_t *e)
{
    pager_cache_stats_t s;
    pager_cache_stats(e->pager, &s);
    return s;
}

Test(cache, two_spaces_share_frames)
{
    env_t e;
    env_init_cache(&e);
    client_t a = client_new(&e), b = client_new(&e);
    uint64_t va, vb;
    cr_assert_eq(
        pager_map_file(a.space, BASE, 4 * PG, PAGER_PROT_READ, PAGER_MAP_PRIVATE, 3, 0, &va), 0);
    cr_assert_eq(pager_map_file(b.space, BASE + 16 * PG, 4 * PG, PAGER_PROT_READ, PAGER_MAP_SHARED,
                                3, 0, &vb),
                 0);
    for (unsigned i = 0; i < 4; i++)
        cr_assert_eq(rd(&a, va + i * PG + 9), sim_file_byte(3, i * PG + 9));
    cr_assert_eq(e.sim.file_reads, 4);
    for (unsigned i = 0; i < 4; i++)
        cr_assert_eq(rd(&b, vb + i * PG + 9), sim_file_byte(3, i * PG + 9));
    cr_assert_eq(e.sim.file_reads, 4, "the second space reads nothing");
    cr_assert_eq(cstats(&e).hits, 4);
    cr_assert_eq(stats(&b).major, 0);
    cr_assert_eq(stats(&b).minor, 4);
    for (unsigned i = 0; i < 4; i++) {
        cr_assert_eq(page(&a, va + i * PG).frame, page(&b, vb + i * PG).frame);
        cr_assert_eq(page(&a, va + i * PG).shares, 3, "a, b and the cache");
    }
    client_free(&a);
    client_free(&b);
    cr_assert_eq(cstats(&e).pages, 4, "unmapped pages stay cached");
    cr_assert_eq(pager_cache_trim(e.pager), 4);
    cr_assert_eq(cstats(&e).pages, 0);
    env_fini(&e);
}

Test(cache, private_write_copies_and_leaves_the_cache)
{
    env_t e;
    env_init_cache(&e);
    client_t a = client_new(&e), b = client_new(&e);
    uint64_t va, vb;
    unsigned rw = PAGER_PROT_READ | PAGER_PROT_WRITE;
    cr_assert_eq(pager_map_file(a.space, BASE, 2 * PG, rw, PAGER_MAP_PRIVATE, 5, PG, &va), 0);
    cr_assert_eq(
        pager_map_file(b.space, BASE, 2 * PG, PAGER_PROT_READ, PAGER_MAP_PRIVATE, 5, PG, &vb), 0);
    /* read, then write: the cached page is copied */
    cr_assert_eq(rd(&a, va), sim_file_byte(5, PG));
    wr(&a, va, 0x5a);
    cr_assert_eq(stats(&a).cow_copies, 1);
    cr_assert_eq(page(&a, va).state, PAGER_PAGE_RESIDENT);
    /* write as first touch: read into the cache, then copied */
    wr(&a, va + PG + 1, 0x6b);
    cr_assert_eq(stats(&a).cow_copies, 2);
    cr_assert_eq(cstats(&e).pages, 2);
    cr_assert_eq(rd(&a, va), 0x5a);
    cr_assert_eq(rd(&a, va + PG + 1), 0x6b);
    cr_assert_eq(rd(&b, vb), sim_file_byte(5, PG), "the other mapping sees the file");
    cr_assert_eq(rd(&b, vb + PG + 1), sim_file_byte(5, 2 * PG + 1));
    cr_assert_eq(e.sim.file_reads, 2);
    client_free(&a);
    client_free(&b);
    env_fini(&e); /* pager_destroy frees the cached pages */
}

Test(cache, prefetch_maps_ahead_and_stops)
{
    env_t e;
    env_init_cache(&e);
    client_t a = client_new(&e);
    uint64_t va;
    cr_assert_eq(
        pager_map_file(a.space, BASE, 8 * PG, PAGER_PROT_READ, PAGER_MAP_PRIVATE, 9, 0, &va), 0);
    cr_assert_eq(rd(&a, va + 2 * PG), sim_file_byte(9, 2 * PG));
    unsigned done = 0;
    cr_assert_eq(pager_prefetch(a.space, va, 16, &done), 0);
    cr_assert_eq(done, 2, "stops at the present page");
    cr_assert_eq(pager_prefetch(a.space, va + 3 * PG, 16, &done), 0);
    cr_assert_eq(done, 5, "stops at the region's end");
    cr_assert_eq(cstats(&e).ahead, 7);
    for (unsigned i = 0; i < 8; i++) {
        cr_assert_eq(page(&a, va + i * PG).state, PAGER_PAGE_FILE);
        cr_assert_eq(sim_lookup(a.mmu, va + i * PG)->prot, PAGER_PROT_READ);
    }
    /* a read failure (past the end of a file) stops it quietly */
    client_t b = client_new(&e);
    uint64_t vb;
    cr_assert_eq(
        pager_map_file(b.space, BASE, 4 * PG, PAGER_PROT_READ, PAGER_MAP_PRIVATE, 10, 0, &vb), 0);
    e.sim.fail_io = true;
    cr_assert_eq(pager_prefetch(b.space, vb, 4, &done), 0);
    cr_assert_eq(done, 0);
    cr_assert_eq(stats(&b).bad, 0);
    e.sim.fail_io = false;
    client_free(&a);
    client_free(&b);
    env_fini(&e);
}

Test(cache, out_of_frames_trims_unmapped_pages)
{
    env_t e;
    env_init_cache(&e);
    e.sim.limit = 4;
    client_t a = client_new(&e);
    uint64_t va;
    cr_assert_eq(
        pager_map_file(a.space, BASE, 8 * PG, PAGER_PROT_READ, PAGER_MAP_PRIVATE, 1, 0, &va), 0);
    for (unsigned i = 0; i < 4; i++)
        rd(&a, va + i * PG);
    cr_assert_eq(pager_unmap(a.space, va, 4 * PG), 0);
    cr_assert_eq(pager_map_file(a.space, va, 4 * PG, PAGER_PROT_READ,
                                PAGER_MAP_PRIVATE | PAGER_MAP_FIXED, 1, 0, &va),
                 0);
    /* the pool is full of cached pages nobody maps: a new file page trims them */
    cr_assert_eq(rd(&a, va + 4 * PG + 3), sim_file_byte(1, 4 * PG + 3));
    cr_assert_eq(cstats(&e).trimmed, 4);
    client_free(&a);
    env_fini(&e);
}
