/* File-backed pages through a fake file_read, and swapped pages through a fake swap_in. */
#include <string.h>

#include "harness.h"

#define BASE 0x40000000ULL

Test(backing, private_file_reads_then_copies_on_write)
{
    env_t e;
    env_init(&e, true);
    client_t c = client_new(&e);
    uint64_t a;
    cr_assert_eq(pager_map_file(c.space, BASE, 4 * PG, RW, PAGER_MAP_PRIVATE | PAGER_MAP_FIXED, 7,
                                2 * PG, &a),
                 0);
    pager_fault_result_t r;
    uint8_t b;
    cr_assert_eq(sim_access(c.mmu, c.space, BASE + PG + 5, PAGER_ACCESS_READ, 0, &b, &r, NULL), 0);
    cr_assert_eq(b, sim_file_byte(7, 3 * PG + 5));
    cr_assert_eq(r.action, PAGER_ACT_FILE_READ);
    cr_assert(r.major);
    cr_assert_eq(stats(&c).major, 1);
    cr_assert_eq(stats(&c).minor, 0);
    cr_assert_eq(page(&c, BASE + PG).state, PAGER_PAGE_FILE);
    cr_assert_eq(sim_lookup(c.mmu, BASE + PG)->prot, PAGER_PROT_READ, "clean: read-only");
    for (unsigned off = 0; off < PG; off += 97)
        cr_assert_eq(rd(&c, BASE + PG + off), sim_file_byte(7, 3 * PG + off));

    /* first write: the frame is ours alone, it becomes anonymous memory without a copy */
    uint64_t allocs = e.sim.allocs;
    wr(&c, BASE + PG + 5, 0);
    cr_assert_eq(e.sim.allocs, allocs);
    cr_assert_eq(page(&c, BASE + PG).state, PAGER_PAGE_RESIDENT);
    cr_assert_eq(rd(&c, BASE + PG + 5), 0);
    cr_assert_eq(rd(&c, BASE + PG + 6), sim_file_byte(7, 3 * PG + 6));

    /* a write as first touch reads the file and keeps the page private */
    wr(&c, BASE + 3 * PG, 0x11);
    cr_assert_eq(rd(&c, BASE + 3 * PG), 0x11);
    cr_assert_eq(rd(&c, BASE + 3 * PG + 1), sim_file_byte(7, 5 * PG + 1));
    cr_assert_eq(stats(&c).major, 2);
    cr_assert_eq(e.sim.file_reads, 2);

    /* fork: the clean file page is shared, a write in the child copies it */
    cr_assert_eq(rd(&c, BASE), sim_file_byte(7, 2 * PG));
    client_t k = client_fork(&c);
    wr(&k, BASE, 0x22);
    cr_assert_eq(rd(&c, BASE), sim_file_byte(7, 2 * PG));
    cr_assert_eq(rd(&k, BASE), 0x22);
    cr_assert_eq(stats(&k).cow_copies, 1);
    client_free(&k);
    client_free(&c);
    env_fini(&e);
}

Test(backing, shared_file_tracks_dirty)
{
    env_t e;
    env_init(&e, true);
    client_t c = client_new(&e);
    uint64_t a;
    cr_assert_eq(pager_map_file(c.space, 0, 2 * PG, RW, PAGER_MAP_SHARED, 9, 0, &a), 0);
    cr_assert_eq(rd(&c, a + 3), sim_file_byte(9, 3));
    cr_assert(!page(&c, a).dirty);
    cr_assert_eq(sim_lookup(c.mmu, a)->prot, PAGER_PROT_READ);
    pager_fault_result_t r;
    uint8_t b = 0x33;
    cr_assert_eq(sim_access(c.mmu, c.space, a + 3, PAGER_ACCESS_WRITE, 0, &b, &r, NULL), 0);
    cr_assert_eq(r.action, PAGER_ACT_REMAP);
    cr_assert(page(&c, a).dirty);
    cr_assert_eq(page(&c, a).state, PAGER_PAGE_FILE);
    /* shared with a fork: both write one frame */
    client_t k = client_fork(&c);
    wr(&k, a + 4, 0x44);
    cr_assert_eq(rd(&c, a + 4), 0x44);
    cr_assert_eq(rd(&k, a + 3), 0x33);
    client_free(&c);
    client_free(&k);
    env_fini(&e);
}

Test(backing, swapped_page_reads_back_as_major_fault)
{
    env_t e;
    env_init(&e, false);
    client_t c = client_new(&e);
    map_at(&c, BASE, 4 * PG, RW, PAGER_MAP_PRIVATE);
    for (unsigned off = 0; off < PG; off += 128)
        wr(&c, BASE + PG + off, (uint8_t)(off / 128 + 1));
    /* swap it out: the (future) swap code writes the frame to a slot, then tells the library */
    pager_page_info_t pi = page(&c, BASE + PG);
    sim_swap_store(&e.sim, 7, sim_frame_data(&e.sim, pi.frame));
    cr_assert_eq(pager_page_set_swapped(c.space, BASE + PG, 7), 0);
    cr_assert_eq(page(&c, BASE + PG).state, PAGER_PAGE_SWAPPED);
    cr_assert_eq(page(&c, BASE + PG).slot, 7);
    cr_assert_null(sim_lookup(c.mmu, BASE + PG));
    cr_assert_eq(e.sim.in_use, 0);
    cr_assert_eq(stats(&c).resident, 0);

    pager_fault_result_t r;
    uint8_t b;
    pager_stats_t before = stats(&c);
    cr_assert_eq(sim_access(c.mmu, c.space, BASE + PG + 256, PAGER_ACCESS_READ, 0, &b, &r, NULL),
                 0);
    cr_assert_eq(b, 3);
    cr_assert_eq(r.action, PAGER_ACT_SWAP_IN);
    cr_assert(r.major);
    cr_assert_eq(stats(&c).major, before.major + 1);
    cr_assert_eq(stats(&c).minor, before.minor);
    cr_assert_eq(e.sim.swap_ins, 1);
    for (unsigned off = 0; off < PG; off += 128)
        cr_assert_eq(rd(&c, BASE + PG + off), off / 128 + 1);
    cr_assert_eq(page(&c, BASE + PG).state, PAGER_PAGE_RESIDENT);
    cr_assert_eq(stats(&c).resident, 1);

    /* a never-touched page may be marked swapped too; shared frames may not */
    uint8_t buf[PG];
    memset(buf, 0x5c, sizeof(buf));
    sim_swap_store(&e.sim, 8, buf);
    cr_assert_eq(pager_page_set_swapped(c.space, BASE + 2 * PG, 8), 0);
    cr_assert_eq(rd(&c, BASE + 2 * PG + 99), 0x5c);
    client_t k = client_fork(&c);
    cr_assert_eq(pager_page_set_swapped(c.space, BASE + PG, 9), PAGER_EBUSY);
    cr_assert_eq(pager_page_set_swapped(c.space, BASE + 64 * PG, 9), PAGER_ENOENT);
    client_free(&k);
    client_free(&c);
    env_fini(&e);
}
