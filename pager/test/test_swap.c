/* Swap and replacement: the slot allocator, the clock's order, dirty tracking of swapped-in
 * pages, COW-shared pages, clean file pages, swap exhaustion, and a working set larger than
 * the frame limit verified by content. */
#include <stdlib.h>
#include <string.h>

#include "../src/internal.h"
#include "harness.h"

#define BASE 0x40000000ULL

static void env_swap(env_t *e, uint64_t slots, uint64_t limit, bool cache)
{
    sim_init(&e->sim);
    pager_config_t cfg;
    pager_config_default(&cfg);
    cfg.zero_page = false;
    cfg.swap_slots = slots;
    cfg.frame_limit = limit;
    cfg.page_cache = cache;
    cr_assert_eq(pager_create(&e->sim.ops, &e->sim, &cfg, &e->pager), 0);
}

static pager_swap_stats_t sstats(env_t *e)
{
    pager_swap_stats_t s;
    pager_swap_stats(e->pager, &s);
    return s;
}

/* Fill page i with a pattern of (i, tag). */
static void fill(client_t *c, unsigned i, uint8_t tag)
{
    for (unsigned off = 0; off < PG; off += 512)
        wr(c, BASE + i * PG + off, (uint8_t)(i * 7 + off / 512 + tag));
}

static bool check(client_t *c, unsigned i, uint8_t tag)
{
    for (unsigned off = 0; off < PG; off += 512)
        if (rd(c, BASE + i * PG + off) != (uint8_t)(i * 7 + off / 512 + tag))
            return false;
    return true;
}

Test(swap, slot_allocator)
{
    env_t e;
    env_swap(&e, 130, 0, false);
    pager_t *p = e.pager;
    uint64_t got[130], s;
    for (unsigned i = 0; i < 130; i++) {
        cr_assert(slot_alloc(p, &got[i]));
        cr_assert_lt(got[i], 130);
        for (unsigned j = 0; j < i; j++)
            cr_assert_neq(got[i], got[j]);
    }
    cr_assert_not(slot_alloc(p, &s), "a 131st slot out of 130");
    cr_assert_eq(sstats(&e).used, 130);
    slot_ref(p, got[5]);
    slot_put(p, got[5]);
    cr_assert_not(slot_alloc(p, &s), "a slot with a reference left was reused");
    slot_put(p, got[5]);
    slot_put(p, got[129]);
    cr_assert_eq(sstats(&e).used, 128);
    uint64_t a, b;
    cr_assert(slot_alloc(p, &a));
    cr_assert(slot_alloc(p, &b));
    cr_assert((a == got[5] && b == got[129]) || (a == got[129] && b == got[5]));
    cr_assert_not(slot_alloc(p, &s));
    for (unsigned i = 0; i < 130; i++)
        slot_put(p, got[i]);
    cr_assert_eq(sstats(&e).used, 0);
    slot_put(p, 1000); /* not the library's: ignored */
    env_fini(&e);
}

Test(swap, clock_order_second_chance)
{
    env_t e;
    env_swap(&e, 16, 0, false);
    client_t c = client_new(&e);
    map_at(&c, BASE, 4 * PG, RW, PAGER_MAP_PRIVATE);
    for (unsigned i = 0; i < 4; i++)
        fill(&c, i, 1);
    /* every page is fresh: the first turn only clears bits, the second evicts page 0 */
    cr_assert_eq(pager_evict(e.pager, 1), 1);
    cr_assert_eq(page(&c, BASE).state, PAGER_PAGE_SWAPPED);
    for (unsigned i = 1; i < 4; i++)
        cr_assert_eq(page(&c, BASE + i * PG).state, PAGER_PAGE_RESIDENT);
    /* page 1 is used again: it gets a second chance, page 2 goes */
    (void)rd(&c, BASE + PG);
    cr_assert_eq(pager_evict(e.pager, 1), 1);
    cr_assert_eq(page(&c, BASE + PG).state, PAGER_PAGE_RESIDENT);
    cr_assert_eq(page(&c, BASE + 2 * PG).state, PAGER_PAGE_SWAPPED);
    cr_assert_eq(page(&c, BASE + 3 * PG).state, PAGER_PAGE_RESIDENT);
    /* the hand goes on from there: page 3, then round to page 1 */
    cr_assert_eq(pager_evict(e.pager, 1), 1);
    cr_assert_eq(page(&c, BASE + 3 * PG).state, PAGER_PAGE_SWAPPED);
    cr_assert_eq(pager_evict(e.pager, 1), 1);
    cr_assert_eq(page(&c, BASE + PG).state, PAGER_PAGE_SWAPPED);
    cr_assert_eq(e.sim.in_use, 0);
    cr_assert_eq(e.sim.swap_outs, 4);
    cr_assert_eq(sstats(&e).used, 4);
    cr_assert_eq(pager_evict(e.pager, 1), 0, "nothing left to evict");
    for (unsigned i = 0; i < 4; i++)
        cr_assert(check(&c, i, 1));
    cr_assert_eq(stats(&c).major, 4);
    check_frames(&e);
    client_free(&c);
    cr_assert_eq(sstats(&e).used, 0, "slots of a destroyed space are freed");
    env_fini(&e);
}

Test(swap, dirty_tracking)
{
    env_t e;
    env_swap(&e, 8, 0, false);
    client_t c = client_new(&e);
    map_at(&c, BASE, 2 * PG, RW, PAGER_MAP_PRIVATE);
    fill(&c, 0, 3);
    fill(&c, 1, 3);
    cr_assert_eq(pager_evict(e.pager, 2), 2);
    cr_assert_eq(e.sim.swap_outs, 2);
    uint64_t slot0 = page(&c, BASE).slot;

    /* read back: clean, read-only, the slot still holds it */
    cr_assert(check(&c, 0, 3));
    pager_page_info_t pi = page(&c, BASE);
    cr_assert_eq(pi.state, PAGER_PAGE_RESIDENT);
    cr_assert(pi.swap_copy);
    cr_assert_eq(pi.slot, slot0);
    cr_assert_eq(pi.prot & PAGER_PROT_WRITE, 0);
    cr_assert_eq(sstats(&e).used, 2);
    cr_assert_eq(sstats(&e).swap_ins, 1);

    /* evicted again while clean: no write, same slot */
    cr_assert_eq(pager_evict(e.pager, 1), 1);
    cr_assert_eq(e.sim.swap_outs, 2);
    cr_assert_eq(sstats(&e).reclaimed, 1);
    cr_assert_eq(page(&c, BASE).state, PAGER_PAGE_SWAPPED);
    cr_assert_eq(page(&c, BASE).slot, slot0);

    /* read then write: the write frees the slot */
    cr_assert(check(&c, 0, 3));
    wr(&c, BASE + 1, 0xaa);
    pi = page(&c, BASE);
    cr_assert_not(pi.swap_copy);
    cr_assert_neq(pi.prot & PAGER_PROT_WRITE, 0);
    cr_assert_eq(sstats(&e).used, 1);

    /* a write fault on a swapped page frees the slot at once */
    wr(&c, BASE + PG + 1, 0xbb);
    pi = page(&c, BASE + PG);
    cr_assert_not(pi.swap_copy);
    cr_assert_neq(pi.prot & PAGER_PROT_WRITE, 0);
    cr_assert_eq(sstats(&e).used, 0);

    /* dirty now: the next eviction writes again */
    cr_assert_eq(pager_evict(e.pager, 2), 2);
    cr_assert_eq(e.sim.swap_outs, 4);
    cr_assert_eq(rd(&c, BASE + 1), 0xaa);
    cr_assert_eq(rd(&c, BASE + PG + 1), 0xbb);
    /* unmapping a swapped page frees its slot */
    cr_assert_eq(pager_unmap(c.space, BASE + PG, PG), 0);
    cr_assert_eq(sstats(&e).used, 1);
    check_frames(&e);
    client_free(&c);
    cr_assert_eq(sstats(&e).used, 0);
    env_fini(&e);
}

Test(swap, cow_shared_pages_stay_resident)
{
    env_t e;
    env_swap(&e, 8, 0, false);
    client_t p = client_new(&e);
    map_at(&p, BASE, 3 * PG, RW, PAGER_MAP_PRIVATE);
    for (unsigned i = 0; i < 3; i++)
        fill(&p, i, 5);
    /* page 2 is swapped before the fork (pages 0 and 1 are swapped in by a write, which
     * frees their slots): the child shares it by slot */
    cr_assert_eq(pager_evict(e.pager, 3), 3);
    wr(&p, BASE + 7, 5);
    wr(&p, BASE + PG + 7, (uint8_t)(7 + 5));
    cr_assert_eq(sstats(&e).used, 1);
    client_t c = client_fork(&p);
    cr_assert_eq(page(&c, BASE + 2 * PG).state, PAGER_PAGE_SWAPPED);
    cr_assert_eq(page(&c, BASE + 2 * PG).slot, page(&p, BASE + 2 * PG).slot);
    cr_assert_eq(sstats(&e).used, 1);

    /* frames shared copy-on-write are not evicted */
    cr_assert_eq(pager_evict(e.pager, 8), 0);
    cr_assert_eq(page(&p, BASE).shares, 2);
    cr_assert_eq(page(&c, BASE + PG).shares, 2);

    /* the child writes page 0: both copies are private now and may go */
    wr(&c, BASE, 0x11);
    cr_assert_eq(pager_evict(e.pager, 2), 2);
    cr_assert_eq(page(&p, BASE).state, PAGER_PAGE_SWAPPED);
    cr_assert_eq(page(&c, BASE).state, PAGER_PAGE_SWAPPED);
    cr_assert_eq(page(&p, BASE + PG).state, PAGER_PAGE_RESIDENT);

    /* the slot shared by fork: the child swaps in and writes, the parent keeps its copy */
    wr(&c, BASE + 2 * PG, 0x22);
    cr_assert_eq(rd(&c, BASE + 2 * PG), 0x22);
    cr_assert(check(&p, 2, 5));
    cr_assert(check(&p, 0, 5));
    cr_assert_eq(rd(&c, BASE), 0x11);
    cr_assert(check(&c, 1, 5));
    check_frames(&e);
    client_free(&c);
    client_free(&p);
    cr_assert_eq(sstats(&e).used, 0);
    env_fini(&e);
}

Test(swap, clean_file_pages_are_dropped)
{
    env_t e;
    env_swap(&e, 0, 4, true); /* no swap at all: only file pages can go */
    client_t c = client_new(&e);
    uint64_t got;
    cr_assert_eq(
        pager_map_file(c.space, BASE, 16 * PG, PAGER_PROT_READ, PAGER_MAP_PRIVATE, 3, 0, &got), 0);
    for (int pass = 0; pass < 3; pass++)
        for (unsigned i = 0; i < 16; i++)
            for (unsigned off = 0; off < PG; off += 1024)
                cr_assert_eq(rd(&c, BASE + i * PG + off), sim_file_byte(3, i * PG + off));
    cr_assert_leq(e.sim.in_use, 4);
    cr_assert_gt(sstats(&e).reclaimed, 0);
    cr_assert_eq(e.sim.swap_outs, 0);
    check_frames(&e);
    client_free(&c);
    env_fini(&e);
}

Test(swap, full_swap_is_out_of_memory_for_the_faulter_only)
{
    env_t e;
    env_swap(&e, 2, 4, false);
    client_t a = client_new(&e), b = client_new(&e);
    map_at(&a, BASE, 8 * PG, RW, PAGER_MAP_PRIVATE);
    map_at(&b, BASE, 8 * PG, RW, PAGER_MAP_PRIVATE);
    fill(&b, 0, 9);
    fill(&b, 1, 9);
    for (unsigned i = 0; i < 4; i++)
        fill(&a, i, 1); /* 6 pages: 4 frames + 2 slots */
    pager_fault_result_t r;
    uint8_t v = 1;
    int rc = sim_access(a.mmu, a.space, BASE + 4 * PG, PAGER_ACCESS_WRITE, 0, &v, &r, NULL);
    cr_assert_eq(rc, PAGER_BAD_OUT_OF_MEMORY, "got %d", rc);
    cr_assert_eq(page(&a, BASE + 4 * PG).state, PAGER_PAGE_NONE);
    cr_assert_eq(sstats(&e).used, 2);
    cr_assert_gt(sstats(&e).full, 0);
    check_frames(&e);
    /* with swap full, every fault that needs a frame fails until memory is freed, but nothing
     * was lost: a's last pages are still there, and a's end gives b its pages back */
    for (unsigned i = 2; i < 4; i++) {
        uint8_t byte;
        cr_assert(sim_peek(a.mmu, BASE + i * PG, &byte));
        cr_assert_eq(byte, (uint8_t)(i * 7 + 1));
    }
    client_free(&a);
    cr_assert(check(&b, 0, 9));
    cr_assert(check(&b, 1, 9));
    fill(&b, 2, 9);
    cr_assert(check(&b, 2, 9));
    check_frames(&e);
    client_free(&b);
    cr_assert_eq(sstats(&e).used, 0);
    env_fini(&e);
}

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* A working set of `pages` pages over `limit` frames (limit in the library, or in the
 * backend): written once, then verified and rewritten in random order, several passes. */
static void working_set(unsigned pages, unsigned limit, bool backend_limit, bool forked)
{
    env_t e;
    env_swap(&e, 4 * pages, backend_limit ? 0 : limit, false);
    if (backend_limit)
        e.sim.limit = limit;
    client_t c = client_new(&e);
    map_at(&c, BASE, pages * PG, RW, PAGER_MAP_PRIVATE);
    uint8_t *tag = calloc(pages, 1);
    for (unsigned i = 0; i < pages; i++) {
        tag[i] = (uint8_t)i;
        fill(&c, i, tag[i]);
    }
    client_t k = {0};
    if (forked) {
        /* frames shared copy-on-write stay resident: fork with few of them */
        (void)pager_evict(e.pager, limit - 4);
        k = client_fork(&c);
    }
    unsigned *order = malloc(pages * sizeof(*order));
    uint64_t rng = 0x9e3779b97f4a7c15ULL, mismatches = 0;
    for (int pass = 0; pass < 4; pass++) {
        for (unsigned i = 0; i < pages; i++)
            order[i] = i;
        for (unsigned i = pages - 1; i > 0; i--) {
            unsigned j = (unsigned)(rng_next(&rng) % (i + 1)), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        for (unsigned n = 0; n < pages; n++) {
            unsigned i = order[n];
            if (!check(&c, i, tag[i]))
                mismatches++;
            if (rng_next(&rng) % 2) {
                tag[i] = (uint8_t)(tag[i] + 17);
                fill(&c, i, tag[i]);
            }
        }
        cr_assert_leq(pager_frames_in_use(e.pager), limit);
        check_frames(&e);
    }
    cr_assert_eq(mismatches, 0);
    pager_stats_t st = stats(&c);
    cr_assert_gt(st.major, pages, "only %llu major faults", (unsigned long long)st.major);
    cr_assert_gt(e.sim.swap_outs, pages);
    if (forked) {
        for (unsigned i = 0; i < pages; i++)
            if (!check(&k, i, (uint8_t)i))
                mismatches++;
        cr_assert_eq(mismatches, 0, "the forked child saw its pages change");
        client_free(&k);
    }
    client_free(&c);
    cr_assert_eq(sstats(&e).used, 0);
    free(order);
    free(tag);
    env_fini(&e);
}

Test(swap, working_set_4x_frame_limit)
{
    working_set(64, 16, false, false);
}

Test(swap, working_set_8x_backend_limit)
{
    working_set(256, 32, true, false);
}

Test(swap, working_set_with_forked_child)
{
    working_set(64, 24, false, true);
}

/*
 * Issue 11, item 12: a copy-on-write fault that must evict to get its frame never evicts its
 * own page. Here the only candidates are the writer's file pages, shared with the page cache;
 * dropping the writer's page would free the copy's source, and the backend would hand that
 * frame back as the destination (the simulated backend refuses a copy onto itself).
 */
Test(swap, cow_copy_never_evicts_its_own_source)
{
    env_t e;
    env_swap(&e, 8, 2, true);
    client_t a = client_new(&e);
    uint64_t va;
    cr_assert_eq(pager_map_file(a.space, BASE, 4 * PG, RW, PAGER_MAP_PRIVATE, 3, 0, &va), 0);
    cr_assert_eq(rd(&a, va), sim_file_byte(3, 0));
    cr_assert_eq(rd(&a, va + PG), sim_file_byte(3, PG));
    wr(&a, va + 5, 0x5a); /* needs a third frame with the limit at two */
    cr_assert_eq(rd(&a, va + 5), 0x5a);
    cr_assert_eq(rd(&a, va + 6), sim_file_byte(3, 6));
    cr_assert_eq(e.sim.errors, 0, "copy onto its own source");
    check_frames(&e);

    client_free(&a);
    pager_cache_trim(e.pager);
    env_fini(&e);
}

/* Item 12 with sharers: the cache, a parent and its child share the source of the child's
 * copy; the child's own page is the one eviction must skip. Both keep their own bytes. */
Test(swap, cow_copy_keeps_sharers_apart_under_a_frame_limit)
{
    env_t e;
    env_swap(&e, 8, 2, true);
    client_t a = client_new(&e);
    uint64_t va;
    cr_assert_eq(pager_map_file(a.space, BASE, 4 * PG, RW, PAGER_MAP_PRIVATE, 3, 0, &va), 0);
    cr_assert_eq(rd(&a, va + 1), sim_file_byte(3, 1));
    client_t b = client_fork(&a);
    cr_assert_eq(rd(&b, va + PG), sim_file_byte(3, PG));
    wr(&b, va + 1, 0x77);
    cr_assert_eq(e.sim.errors, 0, "copy onto its own source");
    cr_assert_eq(rd(&b, va + 1), 0x77);
    cr_assert_eq(rd(&a, va + 1), sim_file_byte(3, 1), "the parent saw the child's write");
    cr_assert_eq(rd(&b, va + 1), 0x77);
    cr_assert_neq(page(&a, va).frame, page(&b, va).frame);
    check_frames(&e);
    client_free(&b);
    client_free(&a);
    pager_cache_trim(e.pager);
    env_fini(&e);
}
