/*
 * Randomized test: thousands of random operations (map anywhere/at a hint/fixed, unmap and
 * protect of partial ranges, fork, destroy, reads, writes and execs at random addresses,
 * swap-outs) on libpager and on a trivially simple reference model: per space, a flat array of
 * page slots, each pointing at a reference-counted 4 KiB page object (private pages are copied
 * at fork, shared ones are not). After every step every page of every live space is compared:
 * region and rights, contents (from the frame, the swap slot, or what a first touch would
 * produce), the simulated MMU against the page state, and share counts against the references
 * actually found; and the frames the backend handed out against those the pager holds.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define BASE   0x40000000ULL
#define W      32 /* pages in the window every space uses */
#define SPACES 5
#define FILES  3

typedef struct mpage {
    int refs;
    uint8_t data[PAGER_PAGE_SIZE];
} mpage_t;

typedef struct mslot {
    bool mapped, shared, file;
    unsigned prot;
    mpage_t *pg;
} mslot_t;

typedef struct mspace {
    bool alive;
    client_t c;
    mslot_t slot[W];
} mspace_t;

typedef struct world {
    env_t e;
    mspace_t sp[SPACES];
    uint64_t rng;
    uint64_t next_swap_slot;
    bool zero_frame_seen;
    unsigned long steps, bad_seen, ok_seen, oom_seen;
} world_t;

static uint64_t rnd(world_t *w)
{
    uint64_t x = w->rng;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    w->rng = x;
    return x;
}

static unsigned below(world_t *w, unsigned n)
{
    return (unsigned)(rnd(w) % n);
}

static mpage_t *mpage_new(void)
{
    mpage_t *p = calloc(1, sizeof(*p));
    p->refs = 1;
    return p;
}

static void mpage_put(mpage_t *p)
{
    if (--p->refs == 0)
        free(p);
}

static void slot_clear(mslot_t *s)
{
    if (s->mapped)
        mpage_put(s->pg);
    memset(s, 0, sizeof(*s));
}

static int live_count(world_t *w)
{
    int n = 0;
    for (int i = 0; i < SPACES; i++)
        n += w->sp[i].alive;
    return n;
}

static mspace_t *pick_live(world_t *w)
{
    for (;;) {
        mspace_t *m = &w->sp[below(w, SPACES)];
        if (m->alive)
            return m;
    }
}

static bool range_free(const mspace_t *m, unsigned first, unsigned n)
{
    for (unsigned i = first; i < first + n; i++)
        if (m->slot[i].mapped)
            return false;
    return true;
}

static int first_fit(const mspace_t *m, unsigned n)
{
    for (unsigned i = 0; i + n <= W; i++)
        if (range_free(m, i, n))
            return (int)i;
    return -1;
}

static unsigned rand_prot(world_t *w)
{
    static const unsigned prots[] = {
        PAGER_PROT_READ, RW, RW, RW, PAGER_PROT_READ | PAGER_PROT_EXEC, PAGER_PROT_NONE,
        PAGER_PROT_ALL};
    return prots[below(w, sizeof(prots) / sizeof(prots[0]))];
}

static void op_map(world_t *w, mspace_t *m)
{
    unsigned n = 1 + below(w, 6);
    unsigned hint_page = below(w, W);
    unsigned mode = below(w, 3); /* 0 anywhere, 1 hint, 2 fixed */
    bool shared = below(w, 4) == 0;
    bool file = below(w, 3) == 0;
    unsigned prot = rand_prot(w);
    unsigned flags = shared ? PAGER_MAP_SHARED : PAGER_MAP_PRIVATE;
    uint64_t file_id = 1 + below(w, FILES), file_page = below(w, 16);
    uint64_t hint = mode ? BASE + hint_page * PG : 0;
    if (mode == 2)
        flags |= PAGER_MAP_FIXED;

    /* what the model expects */
    int at;
    int expect = 0;
    bool hint_ok = mode && hint_page + n <= W && range_free(m, hint_page, n);
    if (mode == 2) {
        at = (int)hint_page;
        if (hint_page + n > W)
            expect = PAGER_ERANGE;
        else if (!hint_ok)
            expect = PAGER_EEXIST;
    } else {
        at = hint_ok ? (int)hint_page : first_fit(m, n);
        if (at < 0)
            expect = PAGER_ENOMEM;
    }

    uint64_t addr = 0;
    int rc =
        file ? pager_map_file(m->c.space, hint, n * PG, prot, flags, file_id, file_page * PG, &addr)
             : pager_map_anon(m->c.space, hint, n * PG, prot, flags, &addr);
    cr_assert_eq(rc, expect, "map n=%u mode=%u hint=%u: %d != %d", n, mode, hint_page, rc, expect);
    if (rc)
        return;
    cr_assert_eq(addr, BASE + (uint64_t)at * PG, "placed at page %lld, model says %d",
                 (long long)((addr - BASE) / PG), at);
    for (unsigned i = 0; i < n; i++) {
        mslot_t *s = &m->slot[at + i];
        s->mapped = true;
        s->shared = shared;
        s->file = file;
        s->prot = prot;
        s->pg = mpage_new();
        if (file)
            for (unsigned j = 0; j < PG; j++)
                s->pg->data[j] = sim_file_byte(file_id, (file_page + i) * PG + j);
    }
}

static void op_unmap(world_t *w, mspace_t *m)
{
    unsigned first = below(w, W), n = 1 + below(w, 8);
    if (first + n > W)
        n = W - first;
    cr_assert_eq(pager_unmap(m->c.space, BASE + first * PG, n * PG), 0);
    for (unsigned i = first; i < first + n; i++)
        slot_clear(&m->slot[i]);
}

static void op_protect(world_t *w, mspace_t *m)
{
    unsigned first = below(w, W), n = 1 + below(w, 6);
    if (first + n > W)
        n = W - first;
    unsigned prot = rand_prot(w);
    bool all = true;
    for (unsigned i = first; i < first + n; i++)
        all = all && m->slot[i].mapped;
    int rc = pager_protect(m->c.space, BASE + first * PG, n * PG, prot);
    cr_assert_eq(rc, all ? 0 : PAGER_ENOENT);
    if (all)
        for (unsigned i = first; i < first + n; i++)
            m->slot[i].prot = prot;
}

static void op_fork(world_t *w, mspace_t *m)
{
    mspace_t *k = NULL;
    for (int i = 0; i < SPACES && !k; i++)
        if (!w->sp[i].alive)
            k = &w->sp[i];
    if (!k)
        return;
    /* untouched shared pages are filled at fork: that may run out of frames */
    k->c.mmu = sim_space_new(&w->e.sim);
    int rc = pager_fork(m->c.space, k->c.mmu, &k->c.space);
    if (rc == PAGER_ENOMEM && w->e.sim.limit) {
        sim_space_free(k->c.mmu);
        w->oom_seen++;
        return;
    }
    cr_assert_eq(rc, 0);
    k->alive = true;
    for (unsigned i = 0; i < W; i++) {
        k->slot[i] = m->slot[i];
        if (!m->slot[i].mapped)
            continue;
        if (m->slot[i].shared) {
            m->slot[i].pg->refs++;
        } else {
            k->slot[i].pg = mpage_new();
            memcpy(k->slot[i].pg->data, m->slot[i].pg->data, PG);
        }
    }
}

static void op_destroy(world_t *w, mspace_t *m)
{
    (void)w;
    client_free(&m->c);
    for (unsigned i = 0; i < W; i++)
        slot_clear(&m->slot[i]);
    m->alive = false;
}

static void op_access(world_t *w, mspace_t *m)
{
    unsigned pg = below(w, W + 2); /* sometimes just outside the window */
    unsigned off = below(w, PG);
    unsigned kind = below(w, 10);
    pager_access_t acc = kind < 5   ? PAGER_ACCESS_READ
                         : kind < 9 ? PAGER_ACCESS_WRITE
                                    : PAGER_ACCESS_EXEC;
    unsigned need = acc == PAGER_ACCESS_READ    ? PAGER_PROT_READ
                    : acc == PAGER_ACCESS_WRITE ? PAGER_PROT_WRITE
                                                : PAGER_PROT_EXEC;
    uint8_t b = (uint8_t)rnd(w);
    uint8_t val = b;
    int rc =
        sim_access(m->c.mmu, m->c.space, BASE + (uint64_t)pg * PG + off, acc, 0, &b, NULL, NULL);
    mslot_t *s = pg < W ? &m->slot[pg] : NULL;
    if (!s || !s->mapped) {
        cr_assert_eq(rc, PAGER_BAD_NO_REGION, "page %u: %d", pg, rc);
        w->bad_seen++;
        return;
    }
    if (!(s->prot & need)) {
        cr_assert_eq(rc, PAGER_BAD_NO_PERMISSION, "page %u prot %u acc %d: %d", pg, s->prot, acc,
                     rc);
        w->bad_seen++;
        return;
    }
    if (rc == PAGER_BAD_OUT_OF_MEMORY && w->e.sim.limit) {
        cr_assert_eq(w->e.sim.in_use, w->e.sim.limit, "OOM with frames to spare");
        w->oom_seen++;
        return;
    }
    cr_assert_eq(rc, 0, "page %u prot %u acc %d: %d", pg, s->prot, acc, rc);
    w->ok_seen++;
    if (acc == PAGER_ACCESS_WRITE)
        s->pg->data[off] = val;
    else
        cr_assert_eq(b, s->pg->data[off], "page %u off %u: %d != %d", pg, off, b, s->pg->data[off]);
}

static void op_swap_out(world_t *w, mspace_t *m)
{
    unsigned pg = below(w, W);
    pager_page_info_t pi = page(&m->c, BASE + pg * PG);
    if (pi.state != PAGER_PAGE_RESIDENT || pi.shares != 1 || m->slot[pg].shared)
        return;
    uint64_t slot = w->next_swap_slot++;
    sim_swap_store(&w->e.sim, slot, sim_frame_data(&w->e.sim, pi.frame));
    cr_assert_eq(pager_page_set_swapped(m->c.space, BASE + pg * PG, slot), 0);
}

typedef struct fref {
    uint64_t frame;
    uint32_t shares;
} fref_t;

static int fref_cmp(const void *a, const void *b)
{
    const fref_t *x = a, *y = b;
    return x->frame < y->frame ? -1 : x->frame > y->frame;
}

/* Compare everything the library and the backend say with the model. */
static void check_world(world_t *w)
{
    static fref_t refs[SPACES * W];
    size_t nrefs = 0;
    uint8_t fresh[PAGER_PAGE_SIZE];

    for (int k = 0; k < SPACES; k++) {
        mspace_t *m = &w->sp[k];
        if (!m->alive)
            continue;
        for (unsigned i = 0; i < W; i++) {
            uint64_t va = BASE + i * PG;
            const mslot_t *s = &m->slot[i];
            pager_region_info_t ri;
            int found = pager_region_find(m->c.space, va, &ri);
            pager_page_info_t pi = page(&m->c, va);
            const sim_pte_t *e = sim_lookup(m->c.mmu, va);
            if (!s->mapped) {
                cr_assert_eq(found, PAGER_ENOENT, "space %d page %u: region", k, i);
                cr_assert_eq(pi.state, PAGER_PAGE_NONE);
                cr_assert_null(e);
                continue;
            }
            cr_assert_eq(found, 0, "space %d page %u: no region", k, i);
            cr_assert_eq(ri.prot, s->prot);
            cr_assert_eq(ri.flags, s->shared ? PAGER_MAP_SHARED : PAGER_MAP_PRIVATE);
            /* the MMU holds exactly what the page state says, never more than the region */
            cr_assert_eq(e ? e->prot : 0u, pi.prot, "space %d page %u: mmu prot", k, i);
            cr_assert_eq(pi.prot & ~s->prot, 0);
            if (e)
                cr_assert_eq(e->frame, pi.frame);
            const uint8_t *data = NULL;
            switch (pi.state) {
            case PAGER_PAGE_NONE:
                if (ri.backing == PAGER_BACKING_FILE) {
                    for (unsigned j = 0; j < PG; j++)
                        fresh[j] = sim_file_byte(ri.file_id, ri.file_offset + (va - ri.start) + j);
                } else {
                    memset(fresh, 0, PG);
                }
                data = fresh;
                break;
            case PAGER_PAGE_ZERO:
                w->zero_frame_seen = true;
                cr_assert(!s->shared);
                cr_assert_eq(pi.prot & PAGER_PROT_WRITE, 0);
                data = sim_frame_data(&w->e.sim, pi.frame);
                break;
            case PAGER_PAGE_RESIDENT:
            case PAGER_PAGE_FILE:
                data = sim_frame_data(&w->e.sim, pi.frame);
                refs[nrefs++] = (fref_t){pi.frame, pi.shares};
                if (pi.shares > 1 && !s->shared)
                    cr_assert_eq(pi.prot & PAGER_PROT_WRITE, 0, "a shared frame is writable");
                break;
            case PAGER_PAGE_SWAPPED:
                cr_assert_lt(pi.slot, w->e.sim.nswap);
                data = w->e.sim.swap[pi.slot];
                break;
            }
            cr_assert_not_null(data);
            cr_assert(
                memcmp(data, s->pg->data, PG) == 0,
                "step %lu space %d page %u (state %d, backing %d, region %llx-%llx off "
                "%llx file %llu): contents differ from the model (%02x.. vs %02x..)",
                w->steps, k, i, pi.state, ri.backing, (unsigned long long)(ri.start - BASE) / PG,
                (unsigned long long)(ri.end - BASE) / PG, (unsigned long long)ri.file_offset / PG,
                (unsigned long long)ri.file_id, data[0], s->pg->data[0]);
        }
    }
    /* share counts are the references actually present; frames are the ones referenced */
    qsort(refs, nrefs, sizeof(refs[0]), fref_cmp);
    size_t distinct = 0;
    for (size_t i = 0; i < nrefs;) {
        size_t j = i;
        while (j < nrefs && refs[j].frame == refs[i].frame)
            j++;
        cr_assert_eq(refs[i].shares, j - i, "frame %llu: shares %u, referenced %zu times",
                     (unsigned long long)refs[i].frame, refs[i].shares, j - i);
        distinct++;
        i = j;
    }
    uint64_t held = pager_frames_in_use(w->e.pager);
    cr_assert_eq(held, w->e.sim.in_use);
    cr_assert(held == distinct + (w->zero_frame_seen ? 1 : 0) ||
                  (held == distinct + 1 && !w->zero_frame_seen),
              "pager holds %llu frames, %zu referenced", (unsigned long long)held, distinct);
    if (held == distinct + 1)
        w->zero_frame_seen = true;
    cr_assert_eq(w->e.sim.errors, 0);
}

static void run(uint64_t seed, int steps, bool zero_page, size_t frame_limit)
{
    world_t *w = calloc(1, sizeof(*w));
    w->rng = seed;
    sim_init(&w->e.sim);
    w->e.sim.limit = frame_limit;
    pager_config_t cfg;
    pager_config_default(&cfg);
    cfg.va_min = BASE;
    cfg.va_max = BASE + W * PG;
    cfg.zero_page = zero_page;
    cr_assert_eq(pager_create(&w->e.sim.ops, &w->e.sim, &cfg, &w->e.pager), 0);
    w->sp[0].c = client_new(&w->e);
    w->sp[0].alive = true;

    for (int step = 0; step < steps; step++) {
        mspace_t *m = pick_live(w);
        unsigned op = below(w, 100);
        if (op < 12)
            op_map(w, m);
        else if (op < 18)
            op_unmap(w, m);
        else if (op < 24)
            op_protect(w, m);
        else if (op < 28)
            op_fork(w, m);
        else if (op < 31 && live_count(w) > 1)
            op_destroy(w, m);
        else if (op < 34)
            op_swap_out(w, m);
        else
            op_access(w, m);
        check_world(w);
        w->steps++;
    }
    cr_assert_gt(w->ok_seen, (unsigned long)steps / 8, "few good accesses: %lu, bad %lu, oom %lu",
                 w->ok_seen, w->bad_seen, w->oom_seen);
    cr_assert_gt(w->bad_seen, 0);
    if (frame_limit)
        cr_assert_gt(w->oom_seen, 0, "the frame limit was never hit");
    cr_log_info("seed %llx: %lu good, %lu bad, %lu out of memory", (unsigned long long)seed,
                w->ok_seen, w->bad_seen, w->oom_seen);
    for (int k = 0; k < SPACES; k++)
        if (w->sp[k].alive)
            op_destroy(w, &w->sp[k]);
    env_fini(&w->e);
    free(w);
}

Test(random, zero_page_seed_1, .timeout = 120)
{
    run(0x1234567887654321ULL, 3000, true, 0);
}

Test(random, zero_page_seed_2, .timeout = 120)
{
    run(0xdeadbeefcafef00dULL, 3000, true, 0);
}

Test(random, no_zero_page, .timeout = 120)
{
    run(0x0123456789abcdefULL, 3000, false, 0);
}

Test(random, frame_limit, .timeout = 120)
{
    run(0x5555aaaa5555aaaaULL, 3000, true, 30);
}
