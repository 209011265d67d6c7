/*
 * libpager (pager/src) driven by random operation sequences and checked against a flat model
 * of what every page must hold.
 *
 * The input picks a configuration (zero page, page cache, swap slots, frame limit, a backend
 * frame limit) and then operations on up to MAX_SPACES clients: map a region (anonymous or
 * file, private or shared, or a guard) at one of NREG fixed places, unmap or protect page
 * ranges, read and write bytes, fork, exit, evict, trim the cache, sync, harvest, prefetch, and
 * make one of the backend's next map, read (file or swap) or write (file or swap) calls fail. The
 * backend here is a simulated MMU and frame pool that aborts on any misuse (a free of a mapped
 * frame, a copy onto itself, an unmap of nothing, ...).
 *
 * The model knows, for every page of every client, where its bytes live: the client's own
 * copy (private memory), an object shared by fork (shared anonymous memory), or the file page
 * itself (shared file mappings, and private ones not yet written: with the page cache they map
 * the cached frame). After every operation each page the simulated MMU maps must hold the
 * model's bytes, and a frame mapped writable anywhere may be mapped elsewhere only by pages of
 * the same identity (copy-on-write isolation). Every read compares the byte with the model; a
 * fault may fail only as the model says (no region, guard, no permission), out of memory when
 * memory is limited or a map failed, or with an I/O error when a read failed. At the end every
 * client exits, the pager is destroyed, every frame must be back, and the disk must hold every byte
 * written to a shared file.
 */
#include <string.h>

#include <pager/pager.h>

#include "fuzz.h"

#define PG         4096u
#define SLOTS      8u /* bytes checked per page: offsets i * PG / SLOTS */
#define NREG       4u
#define RPAGES     6u
#define NPAGES     (NREG * RPAGES)
#define BASE       0x40000000ULL
#define NFILES     2u
#define FPAGES     12u
#define MAX_SPACES 6u
#define MAX_FRAMES 4096u
#define MAX_OBJS   4096u
#define MAX_SWAP   64u

/* ---- the backend ------------------------------------------------------------------------- */

typedef struct mmu_pte {
    uint64_t frame; /* 0: not mapped */
    uint8_t prot, accessed, dirty;
} mmu_pte_t;

typedef struct mmu {
    mmu_pte_t pte[NPAGES];
} mmu_t;

typedef struct backend {
    uint8_t *frame[MAX_FRAMES + 1]; /* by id; NULL if free */
    uint32_t mapcount[MAX_FRAMES + 1];
    uint64_t free_ids[MAX_FRAMES];
    unsigned nfree, next_id, in_use, limit;
    int fail_map; /* the fail_map-th next map call fails */
    int fail_io;  /* the same for file_read and swap_in */
    unsigned io_failures;
    int fail_write; /* the same for file_write and swap_out */
    unsigned write_failures;
    unsigned map_failures; /* map calls failed on purpose so far */
    uint8_t disk[NFILES][FPAGES][SLOTS];
    uint8_t swap[MAX_SWAP][SLOTS];
    bool swap_written[MAX_SWAP];
    unsigned swap_slots;
} backend_t;

static backend_t be;

static uint8_t *frame_data(uint64_t id)
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
    frame_data(id);
    CHECK(be.mapcount[id] == 0); /* freed while still mapped */
    free(be.frame[id]);
    be.frame[id] = NULL;
    be.free_ids[be.nfree++] = id;
    be.in_use--;
}

static int b_zero(void *ctx, uint64_t id)
{
    (void)ctx;
    memset(frame_data(id), 0, PG);
    return 0;
}

static int b_copy(void *ctx, uint64_t dst, uint64_t src)
{
    (void)ctx;
    CHECK(dst != src); /* a copy-on-write copy onto its own source */
    memcpy(frame_data(dst), frame_data(src), PG);
    return 0;
}

static mmu_pte_t *mmu_pte(void *space, uint64_t va)
{
    CHECK(va >= BASE && va < BASE + NPAGES * PG && va % PG == 0);
    return &((mmu_t *)space)->pte[(va - BASE) / PG];
}

static int b_map(void *ctx, void *space, uint64_t va, uint64_t frame, unsigned prot)
{
    (void)ctx;
    if (inject(&be.fail_map, &be.map_failures))
        return PAGER_ENOMEM;
    frame_data(frame);
    CHECK(prot && !(prot & ~PAGER_PROT_ALL));
    mmu_pte_t *e = mmu_pte(space, va);
    if (e->frame)
        be.mapcount[e->frame]--;
    *e = (mmu_pte_t){.frame = frame, .prot = (uint8_t)prot};
    be.mapcount[frame]++;
    return 0;
}

static int b_unmap(void *ctx, void *space, uint64_t va)
{
    (void)ctx;
    mmu_pte_t *e = mmu_pte(space, va);
    CHECK(e->frame); /* unmap of nothing */
    be.mapcount[e->frame]--;
    memset(e, 0, sizeof(*e));
    return 0;
}

static int b_protect(void *ctx, void *space, uint64_t va, uint64_t frame, unsigned prot)
{
    (void)ctx;
    mmu_pte_t *e = mmu_pte(space, va);
    CHECK(e->frame && prot && !(prot & ~PAGER_PROT_ALL));
    CHECK(e->frame == frame); /* the hook is told the frame it maps */
    e->prot = (uint8_t)prot;
    return 0;
}

static int b_harvest(void *ctx, void *space, uint64_t va, bool *accessed, bool *dirty)
{
    (void)ctx;
    mmu_pte_t *e = mmu_pte(space, va);
    CHECK(e->frame);
    *accessed = e->accessed;
    *dirty = e->dirty;
    e->accessed = e->dirty = 0;
    return 0;
}

/* The bytes of file page (f, p) that the model checks, as first made. */
static uint8_t file_seed(unsigned f, unsigned p, unsigned slot)
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
    uint8_t *d = frame_data(frame);
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
    uint8_t *d = frame_data(frame);
    for (unsigned i = 0; i < SLOTS; i++)
        be.disk[f][p][i] = d[i * (PG / SLOTS)];
    return 0;
}

static int b_swap_out(void *ctx, uint64_t slot, uint64_t frame)
{
    (void)ctx;
    if (inject(&be.fail_write, &be.write_failures))
        return PAGER_EIO;
    CHECK(slot < be.swap_slots);
    uint8_t *d = frame_data(frame);
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
    uint8_t *d = frame_data(frame);
    memset(d, 0, PG);
    for (unsigned i = 0; i < SLOTS; i++)
        d[i * (PG / SLOTS)] = be.swap[slot][i];
    return 0;
}

static const pager_ops_t ops = {
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

/* ---- the model --------------------------------------------------------------------------- */

typedef enum kind {
    K_NONE,
    K_ANON_PRIV,
    K_ANON_SHARED,
    K_FILE_PRIV,
    K_FILE_SHARED,
    K_GUARD,
} kind_t;

typedef struct mpage {
    uint8_t kind, prot;
    bool copied;         /* K_FILE_PRIV: written, so it holds its own bytes */
    uint8_t file, fpage; /* K_FILE_* */
    uint32_t obj;        /* K_ANON_SHARED */
    uint8_t own[SLOTS];  /* K_ANON_PRIV, copied K_FILE_PRIV */
} mpage_t;

typedef struct client {
    pager_space_t *space;
    mmu_t *mmu;
    uint32_t uid;
    mpage_t page[NPAGES];
} client_t;

static client_t clients[MAX_SPACES];
static unsigned nclients;
static uint8_t files[NFILES][FPAGES][SLOTS]; /* what the file holds, written back or not */
static uint8_t objs[MAX_OBJS][SLOTS];
static unsigned nobjs;
static uint32_t next_uid;
static pager_t *pager;
static pager_config_t cfg;

static uint8_t *model_bytes(client_t *c, unsigned i)
{
    mpage_t *m = &c->page[i];
    switch ((kind_t)m->kind) {
    case K_ANON_PRIV: return m->own;
    case K_ANON_SHARED: return objs[m->obj];
    case K_FILE_PRIV: return m->copied ? m->own : files[m->file][m->fpage];
    case K_FILE_SHARED: return files[m->file][m->fpage];
    case K_NONE:
    case K_GUARD: break;
    }
    return NULL;
}

/* Pages with equal identities are one page; anything private is its own. */
static uint64_t identity(const client_t *c, unsigned i)
{
    const mpage_t *m = &c->page[i];
    switch ((kind_t)m->kind) {
    case K_ANON_SHARED: return 2ULL << 56 | m->obj;
    case K_FILE_SHARED: return 3ULL << 56 | (uint64_t)m->file << 8 | m->fpage;
    case K_FILE_PRIV:
        if (!m->copied)
            return 3ULL << 56 | (uint64_t)m->file << 8 | m->fpage;
        break;
    default: break;
    }
    return 1ULL << 56 | (uint64_t)c->uid << 16 | i;
}

/* Per frame during check_all: the identity of its first mapping, whether any mapping of it is
 * writable and whether they are of different identities (stamped, so nothing is cleared). */
static struct {
    uint32_t stamp;
    bool writable, mixed;
    uint64_t id;
} fmap[MAX_FRAMES + 1];
static uint32_t stamp;

/* Every mapped page holds the model's bytes; writable frames are not shared across identities. */
static void check_all(void)
{
    CHECK(pager_frames_in_use(pager) == be.in_use);
    stamp++;
    uint64_t touched[MAX_SPACES * NPAGES];
    unsigned ntouched = 0;
    for (unsigned a = 0; a < nclients; a++) {
        client_t *c = &clients[a];
        for (unsigned i = 0; i < NPAGES; i++) {
            mmu_pte_t *e = &c->mmu->pte[i];
            if (!e->frame)
                continue;
            CHECK(c->page[i].kind != K_NONE && c->page[i].kind != K_GUARD);
            CHECK(!(e->prot & ~c->page[i].prot)); /* never more rights than the region */
            uint8_t *d = frame_data(e->frame), *want = model_bytes(c, i);
            for (unsigned s = 0; s < SLOTS; s++)
                CHECK(d[s * (PG / SLOTS)] == want[s]);
            uint64_t id = identity(c, i);
            if (fmap[e->frame].stamp != stamp) {
                fmap[e->frame].stamp = stamp;
                fmap[e->frame].id = id;
                fmap[e->frame].writable = fmap[e->frame].mixed = false;
                touched[ntouched++] = e->frame;
            }
            fmap[e->frame].mixed |= fmap[e->frame].id != id;
            fmap[e->frame].writable |= (e->prot & PAGER_PROT_WRITE) != 0;
        }
    }
    for (unsigned k = 0; k < ntouched; k++)
        CHECK(!(fmap[touched[k]].writable && fmap[touched[k]].mixed)); /* COW isolation */
}

/* ---- operations -------------------------------------------------------------------------- */

static unsigned need_of(pager_access_t acc)
{
    return acc == PAGER_ACCESS_WRITE  ? PAGER_PROT_WRITE
           : acc == PAGER_ACCESS_EXEC ? PAGER_PROT_EXEC
                                      : PAGER_PROT_READ;
}

static bool memory_limited(void)
{
    return cfg.frame_limit || be.limit;
}

/* One access like a CPU: fault until the MMU allows it. Returns a pointer to the byte. */
static uint8_t *access_page(client_t *c, unsigned i, unsigned slot, pager_access_t acc)
{
    unsigned need = need_of(acc);
    mpage_t *m = &c->page[i];
    uint64_t va = BASE + (uint64_t)i * PG + slot * (PG / SLOTS);
    unsigned failures = be.map_failures, io = be.io_failures;
    for (int tries = 0; tries < 3; tries++) {
        mmu_pte_t *e = &c->mmu->pte[i];
        if (e->frame && e->prot & need) {
            CHECK(m->kind != K_NONE && m->prot & need);
            e->accessed = 1;
            if (acc == PAGER_ACCESS_WRITE)
                e->dirty = 1;
            return &frame_data(e->frame)[slot * (PG / SLOTS)];
        }
        pager_fault_result_t r;
        CHECK(pager_fault(c->space, va, acc, 0, &r) == 0);
        if (r.outcome == PAGER_FAULT_BAD) {
            if (m->kind == K_NONE)
                CHECK(r.reason == PAGER_BAD_NO_REGION);
            else if (m->kind == K_GUARD)
                CHECK(r.reason == PAGER_BAD_GUARD);
            else if (!(m->prot & need))
                CHECK(r.reason == PAGER_BAD_NO_PERMISSION);
            else if (r.reason == PAGER_BAD_IO)
                CHECK(be.io_failures != io);
            else
                CHECK(r.reason == PAGER_BAD_OUT_OF_MEMORY &&
                      (memory_limited() || be.map_failures != failures));
            return NULL;
        }
        CHECK(m->kind != K_NONE && m->kind != K_GUARD && m->prot & need);
        if (r.outcome == PAGER_FAULT_MAPPED)
            CHECK(r.page == (va & ~(uint64_t)(PG - 1)) && r.prot & need);
    }
    CHECK(!"the pager keeps answering without making the access possible");
    return NULL;
}

static void op_read(client_t *c, unsigned i, unsigned slot)
{
    uint8_t *b = access_page(c, i, slot, PAGER_ACCESS_READ);
    if (b)
        CHECK(*b == model_bytes(c, i)[slot]);
}

static void op_write(client_t *c, unsigned i, unsigned slot, uint8_t v)
{
    uint8_t *b = access_page(c, i, slot, PAGER_ACCESS_WRITE);
    if (!b)
        return;
    CHECK(*b == model_bytes(c, i)[slot]);
    mpage_t *m = &c->page[i];
    if (m->kind == K_FILE_PRIV && !m->copied) {
        memcpy(m->own, files[m->file][m->fpage], SLOTS);
        m->copied = true;
    }
    *b = v;
    model_bytes(c, i)[slot] = v;
}

static void op_map(client_t *c, unsigned reg, unsigned how, unsigned prot, unsigned fsel)
{
    unsigned first = reg * RPAGES, len = 1 + (how >> 4) % RPAGES;
    kind_t kind = (kind_t)(1 + how % 5);
    if (!cfg.page_cache && kind == K_FILE_SHARED)
        kind = K_FILE_PRIV; /* shared file pages need the page cache to be one page */
    unsigned file = fsel % NFILES, fpage0 = (fsel / NFILES) % (FPAGES - len + 1);
    bool busy = false;
    for (unsigned i = first; i < first + len; i++)
        busy |= c->page[i].kind != K_NONE;
    uint64_t va = BASE + (uint64_t)first * PG, got = 0;
    unsigned flags =
        PAGER_MAP_FIXED |
        (kind == K_ANON_SHARED || kind == K_FILE_SHARED ? PAGER_MAP_SHARED : PAGER_MAP_PRIVATE);
    int rc;
    if (kind == K_GUARD)
        rc = pager_map_guard(c->space, va, (uint64_t)len * PG);
    else if (kind == K_ANON_PRIV || kind == K_ANON_SHARED)
        rc = pager_map_anon(c->space, va, (uint64_t)len * PG, prot, flags, &got);
    else
        rc = pager_map_file(c->space, va, (uint64_t)len * PG, prot, flags, file + 1,
                            (uint64_t)fpage0 * PG, &got);
    if (busy) {
        CHECK(rc == PAGER_EEXIST);
        return;
    }
    CHECK(rc == 0 && (kind == K_GUARD || got == va));
    for (unsigned i = first; i < first + len; i++) {
        mpage_t *m = &c->page[i];
        memset(m, 0, sizeof(*m));
        m->kind = (uint8_t)kind;
        m->prot = (uint8_t)prot;
        m->file = (uint8_t)file;
        m->fpage = (uint8_t)(fpage0 + i - first);
        if (kind == K_ANON_SHARED) {
            CHECK(nobjs < MAX_OBJS);
            m->obj = nobjs;
            memset(objs[nobjs++], 0, SLOTS);
        }
    }
}

static void op_unmap(client_t *c, unsigned i, unsigned n)
{
    if (i + n > NPAGES)
        n = NPAGES - i;
    CHECK(pager_unmap(c->space, BASE + (uint64_t)i * PG, (uint64_t)n * PG) == 0);
    for (unsigned k = i; k < i + n; k++)
        memset(&c->page[k], 0, sizeof(c->page[k]));
}

static void op_protect(client_t *c, unsigned i, unsigned n, unsigned prot)
{
    if (i + n > NPAGES)
        n = NPAGES - i;
    int want = 0; /* the first hole or guard in address order decides */
    for (unsigned k = i; k < i + n && !want; k++)
        want = c->page[k].kind == K_NONE    ? PAGER_ENOENT
               : c->page[k].kind == K_GUARD ? PAGER_EPERM
                                            : 0;
    int rc = pager_protect(c->space, BASE + (uint64_t)i * PG, (uint64_t)n * PG, prot);
    if (want) {
        CHECK(rc == want);
        return;
    }
    CHECK(rc == 0);
    for (unsigned k = i; k < i + n; k++)
        c->page[k].prot = (uint8_t)prot;
}

static client_t *new_client(void)
{
    client_t *c = &clients[nclients];
    memset(c, 0, sizeof(*c));
    c->mmu = calloc(1, sizeof(mmu_t));
    c->uid = next_uid++;
    return c;
}

static void op_fork(client_t *parent)
{
    if (nclients == MAX_SPACES)
        return;
    client_t *c = new_client();
    unsigned failures = be.map_failures, io = be.io_failures;
    int rc = pager_fork(parent->space, c->mmu, &c->space);
    if (rc != 0) {
        CHECK((rc == PAGER_ENOMEM && (memory_limited() || be.map_failures != failures)) ||
              (rc == PAGER_EIO && be.io_failures != io));
        for (unsigned i = 0; i < NPAGES; i++)
            CHECK(!c->mmu->pte[i].frame);
        free(c->mmu);
        return;
    }
    memcpy(c->page, parent->page, sizeof(c->page));
    nclients++;
}

static void op_exit(unsigned a)
{
    client_t *c = &clients[a];
    CHECK(pager_space_destroy(c->space) == 0);
    for (unsigned i = 0; i < NPAGES; i++)
        CHECK(!c->mmu->pte[i].frame);
    free(c->mmu);
    clients[a] = clients[--nclients];
}

static void op_sync(client_t *c, unsigned i, unsigned n)
{
    if (i + n > NPAGES)
        n = NPAGES - i;
    unsigned failures = be.write_failures;
    long rc = pager_sync(c->space, BASE + (uint64_t)i * PG, (uint64_t)n * PG);
    CHECK((rc >= 0 && rc <= (long)n) || (rc == PAGER_EIO && be.write_failures != failures));
}

static void op_prefetch(client_t *c, unsigned i, unsigned max)
{
    unsigned done = 0;
    int rc = pager_prefetch(c->space, BASE + (uint64_t)i * PG, max, &done);
    CHECK(cfg.page_cache ? rc == 0 && done <= max : rc == PAGER_EINVAL);
}

static void op_harvest(client_t *c, unsigned i)
{
    bool acc, dirty;
    CHECK(pager_page_harvest(c->space, BASE + (uint64_t)i * PG, &acc, &dirty) == 0);
}

/* ---- the run ----------------------------------------------------------------------------- */

/* FUZZ_PAGER_TRACE=1 prints the configuration and each operation (to turn a crash into a test). */
static bool trace;

static void setup(fuzz_in_t *in)
{
    trace = getenv("FUZZ_PAGER_TRACE") != NULL;
    memset(&be, 0, sizeof(be));
    nclients = nobjs = 0;
    unsigned conf = (unsigned)fuzz_take(in, 2);
    pager_config_default(&cfg);
    cfg.zero_page = conf & 1;
    cfg.page_cache = conf & 2;
    be.swap_slots = (conf & 4) ? (conf >> 3) % (MAX_SWAP + 1) : 0;
    cfg.swap_slots = be.swap_slots;
    unsigned lim = (unsigned)fuzz_take(in, 1);
    cfg.frame_limit = lim & 0x80 ? 2 + (lim & 0x3f) : 0;
    be.limit = lim & 0x40 && !(lim & 0x80) ? 2 + (lim & 0x3f) : 0;
    for (unsigned f = 0; f < NFILES; f++)
        for (unsigned p = 0; p < FPAGES; p++)
            for (unsigned s = 0; s < SLOTS; s++)
                files[f][p][s] = be.disk[f][p][s] = file_seed(f, p, s);
    if (trace)
        fprintf(stderr,
                "config: zero_page %d page_cache %d swap_slots %llu frame_limit %llu backend limit "
                "%u\n",
                cfg.zero_page, cfg.page_cache, (unsigned long long)cfg.swap_slots,
                (unsigned long long)cfg.frame_limit, be.limit);
    CHECK(pager_create(&ops, NULL, &cfg, &pager) == 0);
    client_t *c = new_client();
    CHECK(pager_space_create(pager, c->mmu, &c->space) == 0);
    nclients = 1;
}

static void teardown(void)
{
    while (nclients)
        op_exit(nclients - 1);
    pager_cache_trim(pager);
    CHECK(pager_destroy(pager) == 0);
    CHECK(be.in_use == 0); /* every frame came back */
    pager = NULL;
    /* Every byte written to a shared file mapping reached the disk. */
    if (cfg.page_cache)
        CHECK(memcmp(be.disk, files, sizeof(files)) == 0);
    for (unsigned id = 1; id <= MAX_FRAMES; id++)
        free(be.frame[id]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in_t in = {data, size};
    setup(&in);
    for (unsigned steps = 0; in.n && steps < 400; steps++) {
        unsigned op = (unsigned)fuzz_take(&in, 1);
        client_t *c = &clients[(op >> 4) % nclients];
        unsigned a = (unsigned)fuzz_take(&in, 1), b = (unsigned)fuzz_take(&in, 1);
        unsigned page = a % NPAGES, slot = (a / NPAGES) % SLOTS;
        if (trace)
            fprintf(stderr, "op %u client %u (uid %u) a %u b %u: page %u slot %u\n", op & 0xf,
                    (op >> 4) % nclients, c->uid, a, b, page, slot);
        switch (op & 0xf) {
        case 0:
        case 1: op_read(c, page, slot); break;
        case 2:
        case 3: op_write(c, page, slot, (uint8_t)b); break;
        case 4: op_map(c, a % NREG, b, (unsigned)fuzz_take(&in, 1) % 8, (a / NREG)); break;
        case 5: op_unmap(c, page, 1 + b % RPAGES); break;
        case 6: op_protect(c, page, 1 + b % RPAGES, (b / RPAGES) % 8); break;
        case 7: op_fork(c); break;
        case 8:
            if (nclients > 1)
                op_exit((op >> 4) % nclients);
            break;
        case 9: pager_evict(pager, 1 + a % 8); break;
        case 10: pager_cache_trim(pager); break;
        case 11: op_sync(c, page, 1 + b % NPAGES); break;
        case 12: op_harvest(c, page); break;
        case 13: op_prefetch(c, page, b % 8); break;
        case 14:
            if (b % 3 == 0)
                be.fail_map = 1 + a % 3;
            else if (b % 3 == 1)
                be.fail_io = 1 + a % 3;
            else
                be.fail_write = 1 + a % 3;
            break;
        default:
            for (unsigned i = 0; i < NPAGES; i++)
                op_read(c, i, slot);
            break;
        }
        check_all();
    }
    be.fail_map = be.fail_io = be.fail_write = 0;
    teardown();
    return 0;
}
