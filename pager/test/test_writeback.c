/* Write-back of dirty shared file pages through ops->file_write: pager_sync (msync) and
 * eviction. A small fake disk holds the pages written; file_read serves them back. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define BASE  0x40000000ULL
#define FILE  5
#define PAGES 32

static uint8_t disk[PAGES][PG];
static bool on_disk[PAGES];
static uint64_t writes;

static int disk_write(void *ctx, uint64_t file_id, uint64_t offset, uint64_t frame)
{
    sim_t *sim = ctx;
    cr_assert_eq(file_id, FILE);
    cr_assert_lt(offset / PG, PAGES);
    memcpy(disk[offset / PG], sim_frame_data(sim, frame), PG);
    on_disk[offset / PG] = true;
    writes++;
    return 0;
}

static int disk_read(void *ctx, uint64_t file_id, uint64_t offset, uint64_t frame)
{
    sim_t *sim = ctx;
    uint8_t *d = sim_frame_data(sim, frame);
    sim->file_reads++;
    if (file_id == FILE && offset / PG < PAGES && on_disk[offset / PG])
        memcpy(d, disk[offset / PG], PG);
    else
        for (uint64_t i = 0; i < PG; i++)
            d[i] = sim_file_byte(file_id, offset + i);
    return 0;
}

static void env_init_wb(env_t *e, uint64_t limit, bool hook)
{
    memset(disk, 0, sizeof(disk));
    memset(on_disk, 0, sizeof(on_disk));
    writes = 0;
    sim_init(&e->sim);
    e->sim.ops.file_read = disk_read;
    if (hook)
        e->sim.ops.file_write = disk_write;
    pager_config_t cfg;
    pager_config_default(&cfg);
    cfg.page_cache = true;
    cfg.frame_limit = limit;
    cr_assert_eq(pager_create(&e->sim.ops, &e->sim, &cfg, &e->pager), 0);
}

Test(writeback, sync_writes_dirty_pages_and_write_protects_them)
{
    env_t e;
    env_init_wb(&e, 0, true);
    client_t a = client_new(&e);
    uint64_t va;
    cr_assert_eq(pager_map_file(a.space, BASE, 4 * PG, RW, PAGER_MAP_SHARED, FILE, 0, &va), 0);
    (void)rd(&a, va + PG);
    wr(&a, va + 7, 0xa1);
    wr(&a, va + 2 * PG + 9, 0xb2);
    cr_assert(page(&a, va).dirty);
    cr_assert_eq(pager_sync(a.space, va, 4 * PG), 2, "only the two written pages");
    cr_assert_eq(writes, 2);
    cr_assert_eq(disk[0][7], 0xa1);
    cr_assert_eq(disk[2][9], 0xb2);
    cr_assert_not(page(&a, va).dirty);
    cr_assert_eq(page(&a, va).prot & PAGER_PROT_WRITE, 0, "write-protected again");
    cr_assert_eq(pager_sync(a.space, va, 4 * PG), 0, "clean now");
    wr(&a, va + 8, 0xc3); /* faults: dirty again */
    cr_assert(page(&a, va).dirty);
    cr_assert_eq(pager_sync(a.space, va, PG), 1);
    cr_assert_eq(disk[0][8], 0xc3);
    cr_assert_eq(pager_sync(a.space, va + 1, PG), PAGER_EINVAL);
    client_free(&a);
    pager_cache_trim(e.pager);
    env_fini(&e);
}

Test(writeback, private_pages_are_not_written)
{
    env_t e;
    env_init_wb(&e, 0, true);
    client_t a = client_new(&e);
    uint64_t va;
    cr_assert_eq(pager_map_file(a.space, BASE, 4 * PG, RW, PAGER_MAP_PRIVATE, FILE, 0, &va), 0);
    wr(&a, va, 0x11);
    cr_assert_eq(pager_sync(a.space, va, 4 * PG), 0);
    cr_assert_eq(writes, 0);
    client_free(&a);
    pager_cache_trim(e.pager);
    env_fini(&e);
}

Test(writeback, no_hook_no_sync)
{
    env_t e;
    env_init_wb(&e, 0, false);
    client_t a = client_new(&e);
    uint64_t va;
    cr_assert_eq(pager_map_file(a.space, BASE, PG, RW, PAGER_MAP_SHARED, FILE, 0, &va), 0);
    wr(&a, va, 0x11);
    cr_assert_eq(pager_sync(a.space, va, PG), PAGER_EPERM);
    client_free(&a);
    pager_cache_trim(e.pager);
    env_fini(&e);
}

Test(writeback, eviction_writes_dirty_shared_pages_back)
{
    env_t e;
    env_init_wb(&e, 8, true);
    client_t a = client_new(&e);
    uint64_t va;
    cr_assert_eq(pager_map_file(a.space, BASE, PAGES * PG, RW, PAGER_MAP_SHARED, FILE, 0, &va), 0);
    for (unsigned i = 0; i < PAGES; i++)
        wr(&a, va + i * PG + i, (uint8_t)(0x40 + i));
    cr_assert_leq(pager_frames_in_use(e.pager), 8);
    cr_assert_geq(writes, PAGES - 8, "evicted dirty pages were written: %llu",
                  (unsigned long long)writes);
    pager_swap_stats_t ss;
    pager_swap_stats(e.pager, &ss);
    cr_assert_eq(ss.written_back, writes);
    for (unsigned pass = 0; pass < 2; pass++)
        for (unsigned i = 0; i < PAGES; i++)
            cr_assert_eq(rd(&a, va + i * PG + i), (uint8_t)(0x40 + i), "page %u", i);
    client_free(&a);
    pager_cache_trim(e.pager);
    env_fini(&e);
}

/*
 * Issue 11, item 13: dirtiness belongs to the page, not to the mapping that wrote it. A writes
 * a shared file page that B maps too (read only, so B's mapping never saw a write), then A
 * exits: B's page is still dirty, so eviction writes it back before dropping it, and B reads
 * A's bytes afterwards, from the disk.
 */
Test(writeback, dirty_page_outlives_the_space_that_wrote_it)
{
    env_t e;
    env_init_wb(&e, 0, true);
    client_t a = client_new(&e), b = client_new(&e);
    uint64_t va, vb;
    cr_assert_eq(pager_map_file(a.space, BASE, 2 * PG, RW, PAGER_MAP_SHARED, FILE, 0, &va), 0);
    cr_assert_eq(pager_map_file(b.space, BASE, 2 * PG, RW, PAGER_MAP_SHARED, FILE, 0, &vb), 0);
    cr_assert_eq(rd(&b, vb + 3), sim_file_byte(FILE, 3));
    wr(&a, va + 3, 0xd3);
    cr_assert_eq(rd(&b, vb + 3), 0xd3, "one frame for both");
    client_free(&a);
    cr_assert(page(&b, vb).dirty, "the page is still dirty after its writer left");
    cr_assert_eq(pager_evict(e.pager, 1), 1);
    cr_assert_eq(page(&b, vb).state, PAGER_PAGE_NONE, "evicted");
    cr_assert_eq(writes, 1, "written back before it was dropped");
    cr_assert_eq(disk[0][3], 0xd3);
    cr_assert_eq(rd(&b, vb + 3), 0xd3, "B's mapping reverted to the old file contents");
    client_free(&b);
    pager_cache_trim(e.pager);
    env_fini(&e);
}

/* The same without a reader: the page cache writes a dirty page back before it drops it (trim,
 * and pager_destroy), and a forked sharer (same frame) keeps it dirty after the parent exits. */
Test(writeback, cache_and_fork_keep_the_page_dirty)
{
    env_t e;
    env_init_wb(&e, 0, true);
    client_t a = client_new(&e);
    uint64_t va;
    cr_assert_eq(pager_map_file(a.space, BASE, 2 * PG, RW, PAGER_MAP_SHARED, FILE, 0, &va), 0);
    wr(&a, va + PG + 1, 0x61);
    client_t b = client_fork(&a);
    wr(&a, va + 9, 0x62);
    client_free(&a);
    cr_assert(page(&b, va).dirty);
    client_free(&b);
    cr_assert_eq(writes, 0, "the cache keeps dirty pages nobody maps");
    cr_assert_eq(pager_cache_trim(e.pager), 2);
    cr_assert_eq(writes, 2);
    cr_assert_eq(disk[0][9], 0x62);
    cr_assert_eq(disk[1][1], 0x61);
    client_t c = client_new(&e);
    cr_assert_eq(pager_map_file(c.space, BASE, 2 * PG, RW, PAGER_MAP_SHARED, FILE, 0, &va), 0);
    wr(&c, va + 10, 0x63);
    client_free(&c);
    cr_assert_eq(pager_destroy(e.pager), 0); /* writes the cached dirty page back */
    cr_assert_eq(disk[0][10], 0x63);
    cr_assert_eq(disk[0][9], 0x62);
    cr_assert_eq(e.sim.in_use, 0);
    cr_assert_eq(e.sim.errors, 0);
    sim_fini(&e.sim);
}
