/*
 * The interface a backend needs beyond the decision (issue 12, item 6): holes from file_read,
 * the reply built for a decision, the frame given to protect, the observer hook, FIRST_WRITE
 * apart from COW_COPY, and pager_discard (MADV_DONTNEED).
 */
#include <string.h>

#include "harness.h"

#define BASE 0x40000000ULL
#define FILE 9

/* ---- holes -------------------------------------------------------------------------------- */

static uint64_t reads;

/* A sparse file: odd pages are holes, even pages hold sim_file_byte data. */
static int sparse_read(void *ctx, uint64_t file_id, uint64_t offset, uint64_t frame)
{
    sim_t *sim = ctx;
    reads++;
    if ((offset / PG) % 2)
        return PAGER_FILE_HOLE;
    uint8_t *d = sim_frame_data(sim, frame);
    for (uint64_t i = 0; i < PG; i++)
        d[i] = sim_file_byte(file_id, offset + i);
    return 0;
}

static void env_sparse(env_t *e, bool cache)
{
    reads = 0;
    sim_init(&e->sim);
    e->sim.ops.file_read = sparse_read;
    pager_config_t cfg;
    pager_config_default(&cfg);
    cfg.page_cache = cache;
    cr_assert_eq(pager_create(&e->sim.ops, &e->sim, &cfg, &e->pager), 0);
}

static pager_fault_result_t fault(client_t *c, uint64_t addr, pager_access_t acc)
{
    pager_fault_result_t r;
    cr_assert_eq(pager_fault(c->space, addr, acc, 0, &r), 0);
    return r;
}

static void holes_in_one_region(bool cache)
{
    env_t e;
    env_sparse(&e, cache);
    client_t c = client_new(&e);
    uint64_t va;
    /* one region for the whole 8-page sparse image */
    cr_assert_eq(pager_map_file(c.space, BASE, 8 * PG, RW, PAGER_MAP_PRIVATE, FILE, 0, &va), 0);
    /* a hole is garbage in a fresh frame unless the library zero-fills it */
    e.sim.limit = 0;
    for (int p = 0; p < 8; p++) {
        pager_fault_result_t r = fault(&c, va + p * PG + 7, PAGER_ACCESS_READ);
        cr_assert_eq(r.outcome, PAGER_FAULT_MAPPED);
        if (p % 2) {
            cr_assert_eq(r.action, PAGER_ACT_FILE_HOLE, "page %d", p);
            cr_assert_not(r.major);
            for (uint64_t i = 0; i < PG; i += 511)
                cr_assert_eq(rd(&c, va + p * PG + i), 0, "page %d byte %llu", p,
                             (unsigned long long)i);
        } else {
            cr_assert_eq(r.action, PAGER_ACT_FILE_READ, "page %d", p);
            cr_assert(r.major);
            cr_assert_eq(rd(&c, va + p * PG + 7), sim_file_byte(FILE, p * PG + 7));
        }
    }
    pager_stats_t s = stats(&c);
    cr_assert_eq(s.holes, 4);
    cr_assert_eq(s.major, 4);
    cr_assert_eq(s.minor, 4);
    cr_assert_eq(pager_region_count(c.space), 1);
    /* a hole is private memory like any file page: writes stick */
    wr(&c, va + PG, 0x42);
    cr_assert_eq(rd(&c, va + PG), 0x42);
    check_frames(&e);
    client_free(&c);
    env_fini(&e);
}

Test(iface, file_read_reports_holes)
{
    holes_in_one_region(false);
}

Test(iface, file_read_reports_holes_through_the_cache)
{
    holes_in_one_region(true);
}

Test(iface, hole_frame_is_zeroed_even_if_reused)
{
    env_t e;
    env_sparse(&e, false);
    client_t c = client_new(&e);
    uint64_t va;
    cr_assert_eq(pager_map_anon(c.space, BASE, PG, RW, PAGER_MAP_PRIVATE | PAGER_MAP_FIXED, &va),
                 0);
    cr_assert_eq(pager_map_file(c.space, BASE + PG, 2 * PG, PAGER_PROT_READ, PAGER_MAP_PRIVATE,
                                FILE, 0, &va),
                 0);
    /* dirty a frame, free it, and let the hole get it back */
    wr(&c, BASE, 0xee);
    cr_assert_eq(pager_unmap(c.space, BASE, PG), 0);
    cr_assert_eq(rd(&c, BASE + 2 * PG + 100), 0); /* file page 1: a hole */
    client_free(&c);
    env_fini(&e);
}

/* ---- the reply for a decision --------------------------------------------------------------- */

Test(iface, reply_for_mapped_retry_and_bad)
{
    env_t e;
    env_init(&e, true);
    client_t c = client_new(&e);
    map_at(&c, BASE, 2 * PG, RW, PAGER_MAP_PRIVATE);
    pager_reply_t rep;

    pager_fault_result_t r = fault(&c, BASE + 5, PAGER_ACCESS_WRITE);
    cr_assert_eq(pager_reply_build(c.space, &r, &rep), 0);
    cr_assert_eq(rep.kind, PAGER_REPLY_MAP);
    cr_assert_eq(rep.page, BASE);
    cr_assert_eq(rep.frame, page(&c, BASE).frame);
    cr_assert_eq(rep.prot, RW);
    cr_assert_eq(rep.pages, 1);

    /* RETRY: the record's frame and rights */
    r = fault(&c, BASE + 9, PAGER_ACCESS_READ);
    cr_assert_eq(r.outcome, PAGER_FAULT_RETRY);
    cr_assert_eq(pager_reply_build(c.space, &r, &rep), 0);
    cr_assert_eq(rep.kind, PAGER_REPLY_MAP);
    cr_assert_eq(rep.page, BASE);
    cr_assert_eq(rep.frame, page(&c, BASE).frame);
    cr_assert_eq(rep.prot, RW);

    /* the zero page: read-only, the zero frame */
    r = fault(&c, BASE + PG, PAGER_ACCESS_READ);
    cr_assert_eq(pager_reply_build(c.space, &r, &rep), 0);
    cr_assert_eq(rep.frame, page(&c, BASE + PG).frame);
    cr_assert_eq(rep.prot, PAGER_PROT_READ);

    /* BAD: the reason becomes faultline's fail code */
    r = fault(&c, BASE + 8 * PG, PAGER_ACCESS_READ);
    cr_assert_eq(pager_reply_build(c.space, &r, &rep), 0);
    cr_assert_eq(rep.kind, PAGER_REPLY_FAIL);
    cr_assert_eq(rep.fail, PAGER_REPLY_FAIL_NO_REGION);
    r = fault(&c, BASE, PAGER_ACCESS_EXEC);
    cr_assert_eq(pager_reply_build(c.space, &r, &rep), 0);
    cr_assert_eq(rep.fail, PAGER_REPLY_FAIL_PERMISSION);
    cr_assert_eq(pager_reply_fail_code(PAGER_BAD_STACK_LIMIT), PAGER_REPLY_FAIL_GUARD);
    cr_assert_eq(pager_reply_fail_code(PAGER_BAD_OUT_OF_MEMORY), PAGER_REPLY_FAIL_NO_MEMORY);
    cr_assert_eq(pager_reply_fail_code(PAGER_BAD_IO), PAGER_REPLY_FAIL_BUS);
    cr_assert_eq(pager_reply_build(c.space, NULL, &rep), PAGER_EINVAL);
    client_free(&c);
    env_fini(&e);
}

/* ---- the frame given to protect ------------------------------------------------------------- */

static int (*sim_protect_hook)(void *, void *, uint64_t, uint64_t, unsigned);
static uint64_t protect_frames[8];
static unsigned nprotect;

static int recording_protect(void *ctx, void *space, uint64_t va, uint64_t frame, unsigned prot)
{
    if (nprotect < 8)
        protect_frames[nprotect] = frame;
    nprotect++;
    return sim_protect_hook(ctx, space, va, frame, prot);
}

Test(iface, protect_is_told_the_frame)
{
    env_t e;
    env_init(&e, false);
    sim_protect_hook = e.sim.ops.protect;
    e.sim.ops.protect = recording_protect;
    nprotect = 0;
    client_t c = client_new(&e);
    map_at(&c, BASE, 2 * PG, RW, PAGER_MAP_PRIVATE);
    wr(&c, BASE, 1);
    wr(&c, BASE + PG, 2);
    uint64_t f0 = page(&c, BASE).frame, f1 = page(&c, BASE + PG).frame;
    cr_assert_eq(pager_protect(c.space, BASE, 2 * PG, PAGER_PROT_READ), 0);
    cr_assert_eq(nprotect, 2);
    cr_assert_eq(protect_frames[0], f0);
    cr_assert_eq(protect_frames[1], f1);
    /* fork downgrades both sides: every call names the mapped frame (sim checks it too) */
    cr_assert_eq(pager_protect(c.space, BASE, 2 * PG, RW), 0);
    wr(&c, BASE, 3);
    client_t k = client_fork(&c);
    cr_assert_eq(e.sim.errors, 0);
    client_free(&k);
    client_free(&c);
    env_fini(&e);
}

/* ---- the observer --------------------------------------------------------------------------- */

typedef struct seen {
    unsigned n;
    pager_space_t *space[16];
    uint64_t addr[16];
    pager_access_t access[16];
    pager_fault_result_t res[16];
} seen_t;

static void observe(void *arg, pager_space_t *space, uint64_t addr, pager_access_t access,
                    const pager_fault_result_t *res)
{
    seen_t *s = arg;
    if (s->n < 16) {
        s->space[s->n] = space;
        s->addr[s->n] = addr;
        s->access[s->n] = access;
        s->res[s->n] = *res;
    }
    s->n++;
}

Test(iface, observer_sees_every_decision_once)
{
    env_t e;
    env_init(&e, true);
    seen_t seen = {0};
    pager_set_observer(e.pager, observe, &seen);
    client_t c = client_new(&e);
    map_at(&c, BASE, 2 * PG, RW, PAGER_MAP_PRIVATE);
    pager_fault_result_t r = fault(&c, BASE + 3, PAGER_ACCESS_READ); /* zero page */
    cr_assert_eq(seen.n, 1);
    cr_assert_eq(seen.space[0], c.space);
    cr_assert_eq(seen.addr[0], BASE + 3);
    cr_assert_eq(seen.access[0], PAGER_ACCESS_READ);
    cr_assert_eq(memcmp(&seen.res[0], &r, sizeof(r)), 0);
    fault(&c, BASE + 3, PAGER_ACCESS_READ);      /* retry */
    fault(&c, BASE + 3, PAGER_ACCESS_WRITE);     /* zero fill */
    fault(&c, BASE + 9 * PG, PAGER_ACCESS_READ); /* bad */
    cr_assert_eq(seen.n, 4);
    cr_assert_eq(seen.res[1].outcome, PAGER_FAULT_RETRY);
    cr_assert_eq(seen.res[2].action, PAGER_ACT_ZERO_FILL);
    cr_assert_eq(seen.res[3].outcome, PAGER_FAULT_BAD);
    cr_assert_eq(seen.res[3].reason, PAGER_BAD_NO_REGION);
    /* pager_fault_unmapped: one call with the final result (REMAP, not the inner RETRY) */
    cr_assert(sim_forget(c.mmu, BASE));
    cr_assert_eq(pager_fault_unmapped(c.space, BASE, PAGER_ACCESS_READ, 0, &r), 0);
    cr_assert_eq(seen.n, 5);
    cr_assert_eq(seen.res[4].action, PAGER_ACT_REMAP);
    /* off again */
    pager_set_observer(e.pager, NULL, NULL);
    fault(&c, BASE + PG, PAGER_ACCESS_READ);
    cr_assert_eq(seen.n, 5);
    cr_assert_str_eq(pager_action_name(PAGER_ACT_FIRST_WRITE), "first write");
    client_free(&c);
    env_fini(&e);
}

/* ---- FIRST_WRITE -------------------------------------------------------------------------- */

static void first_write(bool cache)
{
    env_t e;
    env_sparse(&e, cache);
    client_t c = client_new(&e);
    uint64_t va;
    cr_assert_eq(pager_map_file(c.space, BASE, 4 * PG, RW, PAGER_MAP_PRIVATE, FILE, 0, &va), 0);
    cr_assert_eq(rd(&c, va + 1), sim_file_byte(FILE, 1));
    pager_fault_result_t r = fault(&c, va + 1, PAGER_ACCESS_WRITE);
    cr_assert_eq(r.action, PAGER_ACT_FIRST_WRITE, "%s", pager_action_name(r.action));
    cr_assert_eq(stats(&c).first_writes, 1);
    cr_assert_eq(rd(&c, va + 1), sim_file_byte(FILE, 1), "the copy holds the file's data");
    /* anonymous memory shared by fork: the write is a COW copy, not a first write */
    map_at(&c, BASE + 16 * PG, PG, RW, PAGER_MAP_PRIVATE);
    wr(&c, BASE + 16 * PG, 7);
    client_t k = client_fork(&c);
    r = fault(&k, BASE + 16 * PG, PAGER_ACCESS_WRITE);
    cr_assert_eq(r.action, PAGER_ACT_COW_COPY);
    cr_assert_eq(stats(&k).first_writes, 0);
    /* the parent now holds its frame alone: an upgrade */
    r = fault(&c, BASE + 16 * PG, PAGER_ACCESS_WRITE);
    cr_assert_eq(r.action, PAGER_ACT_COW_UPGRADE);
    client_free(&k);
    client_free(&c);
    env_fini(&e);
}

Test(iface, first_write_is_not_a_cow_copy)
{
    first_write(false); /* the frame is the page's alone: taken over */
}

Test(iface, first_write_is_not_a_cow_copy_with_the_cache)
{
    first_write(true); /* copied out of the cache */
}

/* ---- pager_discard ------------------------------------------------------------------------ */

Test(iface, discard_keeps_the_region_and_empties_the_pages)
{
    env_t e;
    env_sparse(&e, false);
    client_t c = client_new(&e);
    uint64_t va;
    map_at(&c, BASE, 4 * PG, RW, PAGER_MAP_PRIVATE);
    cr_assert_eq(
        pager_map_file(c.space, BASE + 4 * PG, 2 * PG, RW, PAGER_MAP_PRIVATE, FILE, 0, &va), 0);
    for (int p = 0; p < 4; p++)
        wr(&c, BASE + p * PG, (uint8_t)(0x10 + p));
    wr(&c, va, 0x99); /* the private copy of file page 0 */
    uint64_t frames = e.sim.in_use;
    cr_assert_eq(pager_discard(c.space, BASE + PG, 2 * PG + 2 * PG), 4);
    cr_assert_eq(e.sim.in_use, frames - 4);
    cr_assert_eq(pager_region_count(c.space), 2, "regions kept");
    cr_assert_eq(page(&c, BASE + PG).state, PAGER_PAGE_NONE);
    cr_assert_null(sim_lookup(c.mmu, BASE + PG));
    cr_assert_eq(stats(&c).discarded, 4);
    /* next touch: zero fill, the file again; the rest untouched */
    cr_assert_eq(rd(&c, BASE + PG), 0);
    cr_assert_eq(rd(&c, BASE + 3 * PG), 0);
    cr_assert_eq(rd(&c, BASE), 0x10);
    cr_assert_eq(rd(&c, va), sim_file_byte(FILE, 0), "re-read from the file");
    /* a hole in the range or outside the pager: refused, nothing changed */
    cr_assert_eq(pager_discard(c.space, BASE, 8 * PG), PAGER_ENOENT);
    cr_assert_eq(rd(&c, BASE), 0x10);
    cr_assert_eq(pager_discard(c.space, BASE + 1, PG), PAGER_EINVAL);
    cr_assert_eq(pager_discard(c.space, BASE, 0), PAGER_EINVAL);
    cr_assert_eq(pager_discard(c.space, 0, PG), PAGER_ERANGE);
    check_frames(&e);
    client_free(&c);
    env_fini(&e);
}

Test(iface, discard_after_fork_keeps_the_other_side)
{
    env_t e;
    env_init(&e, true);
    client_t c = client_new(&e);
    map_at(&c, BASE, PG, RW, PAGER_MAP_PRIVATE);
    wr(&c, BASE, 0x31);
    client_t k = client_fork(&c);
    cr_assert_eq(pager_discard(c.space, BASE, PG), 1);
    cr_assert_eq(rd(&k, BASE), 0x31, "the child keeps the shared frame");
    cr_assert_eq(rd(&c, BASE), 0);
    check_frames(&e);
    client_free(&k);
    client_free(&c);
    env_fini(&e);
}

static uint64_t written_back;

static int count_write(void *ctx, uint64_t file_id, uint64_t offset, uint64_t frame)
{
    (void)ctx, (void)file_id, (void)offset, (void)frame;
    written_back++;
    return 0;
}

Test(iface, discard_writes_back_shared_file_pages_first)
{
    env_t e;
    env_sparse(&e, true);
    e.sim.ops.file_write = count_write;
    written_back = 0;
    client_t c = client_new(&e);
    uint64_t va;
    cr_assert_eq(pager_map_file(c.space, BASE, 2 * PG, RW, PAGER_MAP_SHARED, FILE, 0, &va), 0);
    wr(&c, va, 0x77);
    rd(&c, va + PG);
    cr_assert_eq(pager_discard(c.space, va, 2 * PG), 2);
    cr_assert_eq(written_back, 1, "only the dirty page");
    cr_assert_eq(rd(&c, va), 0x77, "the cache kept the written page");
    check_frames(&e);
    client_free(&c);
    env_fini(&e);
}

Test(iface, discard_frees_swap_slots)
{
    env_t e;
    sim_init(&e.sim);
    pager_config_t cfg;
    pager_config_default(&cfg);
    cfg.swap_slots = 4;
    cr_assert_eq(pager_create(&e.sim.ops, &e.sim, &cfg, &e.pager), 0);
    client_t c = client_new(&e);
    map_at(&c, BASE, 2 * PG, RW, PAGER_MAP_PRIVATE);
    wr(&c, BASE, 1);
    wr(&c, BASE + PG, 2);
    cr_assert_eq(pager_evict(e.pager, 2), 2);
    cr_assert_eq(page(&c, BASE).state, PAGER_PAGE_SWAPPED);
    pager_swap_stats_t ss;
    pager_swap_stats(e.pager, &ss);
    cr_assert_eq(ss.used, 2);
    cr_assert_eq(pager_discard(c.space, BASE, 2 * PG), 2);
    pager_swap_stats(e.pager, &ss);
    cr_assert_eq(ss.used, 0);
    cr_assert_eq(rd(&c, BASE), 0);
    client_free(&c);
    env_fini(&e);
}

/* ---- pager_cache_has -------------------------------------------------------------------- */

Test(iface, cache_has_every_cached_page)
{
    env_t e;
    env_sparse(&e, true);
    client_t c = client_new(&e);
    uint64_t va;
    cr_assert_eq(pager_map_file(c.space, BASE, 64 * PG, RW, PAGER_MAP_PRIVATE, FILE, 0, &va), 0);
    for (int p = 0; p < 64; p += 3) {
        cr_assert_not(pager_cache_has(e.pager, FILE, p * PG));
        rd(&c, va + p * PG);
        cr_assert(pager_cache_has(e.pager, FILE, p * PG), "page %d", p);
        cr_assert_not(pager_cache_has(e.pager, FILE + 1, p * PG));
    }
    cr_assert_not(pager_cache_has(e.pager, FILE, PG));
    client_free(&c);
    cr_assert_eq(pager_cache_trim(e.pager), 22);
    cr_assert_not(pager_cache_has(e.pager, FILE, 0));
    env_fini(&e);
}
