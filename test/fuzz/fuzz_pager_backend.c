/* fuzz_pager's simulated backend; see fuzz_pager.h. */
#include <string.h>

#include "fuzz.h"
#include "fuzz_pager.h"

backend_t be;
uint8_t *fuzz_frame_data(uint64_t id)
{
    CHECK(id >= 1 && id <= MAX_FRAMES && be.frame[id]);
    return be.frame[id];
}

/* Whether this call of a hook is the one told to fail. */
static bool inject(int *countdown, unsigned *failures)
{
    if (*countdown > 0 && --*countdown == 0) {
        ++*failures;
        return true;
    }
    return false;
}

static int b_alloc(void *ctx, uint64_t *out)
{
    (void)ctx;
    if ((be.limit && be.in_use >= be.limit) || be.in_use >= MAX_FRAMES)
        return PAGER_ENOMEM;
    /* Freed ids first, newest first: a frame freed too early comes straight back. */
    uint64_t id = be.nfree ? be.free_ids[--be.nfree] : ++be.next_id;
    be.frame[id] = malloc(PG);
    memset(be.frame[id], 0xa5, PG); /* garbage: the library must fill it */
    be.mapcount[id] = 0;
    be.in_use++;
    *out = id;
    return 0;
}

static void b_free(void *ctx, uint64_t id)
{
    (void)ctx;
    fuzz_frame_data(id);
    CHECK(be.mapcount[id] == 0); /* freed while still mapped */
    free(be.frame[id]);
    be.frame[id] = NULL;
    be.free_ids[be.nfree++] = id;
    be.in_use--;
}

static int b_zero(void *ctx, uint64_t id)
{
    (void)ctx;
    memset(fuzz_frame_data(id), 0, PG);
    return 0;
}

static int b_copy(void *ctx, uint64_t dst, uint64_t src)
{
    (void)ctx;
    CHECK(dst != src); /* a copy-on-write copy onto its own source */
    memcpy(fuzz_frame_data(dst), fuzz_frame_data(src), PG);
    return 0;
}

mmu_pte_t *fuzz_mmu_pte(void *space, uint64_t va)
{
    CHECK(va >= BASE && va < BASE + NPAGES * PG && va % PG == 0);
    return &((mmu_t *)space)->pte[(va - BASE) / PG];
}

static int b_map(void *ctx, void *space, uint64_t va, uint64_t frame, unsigned prot)
{
    (void)ctx;
    if (inject(&be.fail_map, &be.map_failures))
        return PAGER_ENOMEM;
    fuzz_frame_data(frame);
    CHECK(prot && !(prot & ~PAGER_PROT_ALL));
    mmu_pte_t *e = fuzz_mmu_pte(space, va);
    ((mmu_t *)space)->stolen[(va - BASE) / PG] = false;
    if (e->frame)
        be.mapcount[e->frame]--;
    *e = (mmu_pte_t){.frame = frame, .prot = (uint8_t)prot};
    be.mapcount[frame]++;
    return 0;
}

static int b_unmap(void *ctx, void *space, uint64_t va)
{
    (void)ctx;
    mmu_pte_t *e = fuzz_mmu_pte(space, va);
    bool *stolen = &((mmu_t *)space)->stolen[(va - BASE) / PG];
    if (!e->frame && *stolen) { /* the client unmapped it already */
        *stolen = false;
        return 0;
    }
    CHECK(e->frame); /* unmap of nothing */
    be.mapcount[e->frame]--;
    memset(e, 0, sizeof(*e));
    return 0;
}

static int b_protect(void *ctx, void *space, uint64_t va, uint64_t frame, unsigned prot)
{
    (void)ctx;
    mmu_pte_t *e = fuzz_mmu_pte(space, va);
    if (!e->frame && ((mmu_t *)space)->stolen[(va - BASE) / PG])
        return 0; /* like the kernel: changing the rights of nothing changes nothing */
    CHECK(e->frame && prot && !(prot & ~PAGER_PROT_ALL));
    CHECK(e->frame == frame); /* the hook is told the frame it maps */
    e->prot = (uint8_t)prot;
    return 0;
}

static int b_harvest(void *ctx, void *space, uint64_t va, bool *accessed, bool *dirty)
{
    (void)ctx;
    mmu_pte_t *e = fuzz_mmu_pte(space, va);
    if (!e->frame && ((mmu_t *)space)->stolen[(va - BASE) / PG]) {
        *accessed = *dirty = false;
        return 0;
    }
    CHECK(e->frame);
    *accessed = e->accessed;
    *dirty = e->dirty;
    e->accessed = e->dirty = 0;
    return 0;
}

/* The bytes of file page (f, p) that the model checks, as first made. */
uint8_t fuzz_file_seed(unsigned f, unsigned p, unsigned slot)
{
    return (uint8_t)(0x11 * (f + 1) + 7 * p + 3 * slot + 1);
}

static bool file_page(uint64_t file, uint64_t off, unsigned *f, unsigned *p)
{
    if (file < 1 || file > NFILES || off % PG || off / PG >= FPAGES)
        return false;
    *f = (unsigned)file - 1;
    *p = (unsigned)(off / PG);
    return true;
}

static int b_file_read(void *ctx, uint64_t file, uint64_t off, uint64_t frame)
{
    (void)ctx;
    if (inject(&be.fail_io, &be.io_failures))
        return PAGER_EIO;
    unsigned f, p;
    CHECK(file_page(file, off, &f, &p));
    uint8_t *d = fuzz_frame_data(frame);
    if (be.hole[f][p])
        return PAGER_FILE_HOLE; /* the frame keeps its garbage: the library must zero it */
    memset(d, 0, PG);
    for (unsigned i = 0; i < SLOTS; i++)
        d[i * (PG / SLOTS)] = be.disk[f][p][i];
    return 0;
}

static int b_file_write(void *ctx, uint64_t file, uint64_t off, uint64_t frame)
{
    (void)ctx;
    if (inject(&be.fail_write, &be.write_failures))
        return PAGER_EIO;
    unsigned f, p;
    CHECK(file_page(file, off, &f, &p));
    uint8_t *d = fuzz_frame_data(frame);
    for (unsigned i = 0; i < SLOTS; i++)
        be.disk[f][p][i] = d[i * (PG / SLOTS)];
    be.hole[f][p] = false; /* written: stored from now on */
    return 0;
}

static int b_swap_out(void *ctx, uint64_t slot, uint64_t frame)
{
    (void)ctx;
    if (inject(&be.fail_write, &be.write_failures))
        return PAGER_EIO;
    CHECK(slot < be.swap_slots);
    uint8_t *d = fuzz_frame_data(frame);
    for (unsigned i = 0; i < SLOTS; i++)
        be.swap[slot][i] = d[i * (PG / SLOTS)];
    be.swap_written[slot] = true;
    return 0;
}

static int b_swap_in(void *ctx, uint64_t slot, uint64_t frame)
{
    (void)ctx;
    if (inject(&be.fail_io, &be.io_failures))
        return PAGER_EIO;
    CHECK(slot < be.swap_slots && be.swap_written[slot]);
    uint8_t *d = fuzz_frame_data(frame);
    memset(d, 0, PG);
    for (unsigned i = 0; i < SLOTS; i++)
        d[i * (PG / SLOTS)] = be.swap[slot][i];
    return 0;
}

const pager_ops_t fuzz_pager_ops = {
    .alloc_frame = b_alloc,
    .free_frame = b_free,
    .zero_frame = b_zero,
    .copy_frame = b_copy,
    .map = b_map,
    .unmap = b_unmap,
    .protect = b_protect,
    .harvest = b_harvest,
    .file_read = b_file_read,
    .file_write = b_file_write,
    .swap_in = b_swap_in,
    .swap_out = b_swap_out,
};
