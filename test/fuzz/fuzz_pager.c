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
 *
 * The later features are in too: map-ahead after every fault (within its caps and the frame
 * limit), sparse files whose holes file_read reports as PAGER_FILE_HOLE (FILE_HOLE exactly for
 * them), pager_discard (a discarded page is NONE; its next touch reads zero or the file),
 * stack regions (guard gap, growth, the SP check), and the client unmapping a page behind
 * libpager's back: a translation fault then goes to pager_fault_unmapped, which must never
 * answer RETRY. Every fault is also checked against the observer (it saw that decision, once),
 * pager_reply_build (the frame and rights the MMU now has, or the failure code of the reason),
 * and its action (FIRST_WRITE only for a private file page's first write, COW_COPY only for a
 * private page shared by fork, pager_cache_has after a file fault with the cache on).
 */
#include <string.h>

#include <pager/pager.h>

#include "fuzz.h"

#include "fuzz_pager.h"

/* ---- the model --------------------------------------------------------------------------- */

typedef enum kind {
    K_NONE,
    K_ANON_PRIV,
    K_ANON_SHARED,
    K_FILE_PRIV,
    K_FILE_SHARED,
    K_GUARD,
    K_STACK, /* a page of a stack reservation (guard gap, growth area or committed) */
} kind_t;

typedef struct mpage {
    uint8_t kind, prot;
    bool copied;         /* K_FILE_PRIV: written, so it holds its own bytes */
    bool forked;         /* private: shared by a fork and not written since by this client */
    uint8_t stack;       /* K_STACK: which of the client's stacks */
    uint8_t file, fpage; /* K_FILE_* */
    uint32_t obj;        /* K_ANON_SHARED */
    uint8_t own[SLOTS];  /* K_ANON_PRIV, K_STACK, copied K_FILE_PRIV */
} mpage_t;

/* A stack reservation, in page indices: guard gap [gstart, limit), growth area [limit, low),
 * committed [low, top). */
typedef struct mstack {
    bool used;
    uint8_t gstart, limit, low, top;
} mstack_t;

typedef struct client {
    pager_space_t *space;
    mmu_t *mmu;
    uint32_t uid;
    mpage_t page[NPAGES];
    mstack_t stack[NREG];
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
    case K_ANON_PRIV:
    case K_STACK: return m->own;
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
            CHECK(c->page[i].kind != K_STACK || i >= c->stack[c->page[i].stack].limit);
            CHECK(!(e->prot & ~c->page[i].prot)); /* never more rights than the region */
            uint8_t *d = fuzz_frame_data(e->frame), *want = model_bytes(c, i);
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

/* What the observer saw since the last fault checked it. */
static struct {
    unsigned calls;
    pager_space_t *space;
    uint64_t addr;
    pager_access_t access;
    pager_fault_result_t res;
} obs;

static void observer(void *arg, pager_space_t *space, uint64_t addr, pager_access_t access,
                     const pager_fault_result_t *res)
{
    CHECK(arg == &obs);
    obs.calls++;
    obs.space = space;
    obs.addr = addr;
    obs.access = access;
    obs.res = *res;
}

/* FUZZ_PAGER_TRACE=1 prints the configuration, each operation and each fault's decision (to
 * turn a crash into a test). */
static bool trace;

static bool translation_faults; /* translation faults go to pager_fault_unmapped */
static unsigned sp_pages;       /* a stack fault's SP is this many pages above it (0: unknown) */
static unsigned ahead_max;      /* the max given to pager_map_ahead after each fault */

/* The fault `r` of c at va decided what the model allows for page i (a stack's guard gap, growth
 * area and SP check), the observer saw it exactly once, and the reply agrees with it. */
static void check_fault(client_t *c, unsigned i, uint64_t va, pager_access_t acc, uint64_t sp,
                        const pager_fault_result_t *r)
{
    if (trace)
        fprintf(stderr, "  fault page %u access %d sp %#llx: %s %s%s\n", i, acc,
                (unsigned long long)sp,
                r->outcome == PAGER_FAULT_MAPPED  ? "mapped"
                : r->outcome == PAGER_FAULT_RETRY ? "retry"
                                                  : "bad",
                r->outcome == PAGER_FAULT_BAD ? pager_bad_reason_name(r->reason)
                                              : pager_action_name(r->action),
                r->stack_grew ? " (stack grew)" : "");
    CHECK(obs.calls == 1 && obs.space == c->space && obs.addr == va && obs.access == acc);
    CHECK(obs.res.outcome == r->outcome && obs.res.reason == r->reason &&
          obs.res.action == r->action && obs.res.page == r->page && obs.res.frame == r->frame &&
          obs.res.prot == r->prot && obs.res.major == r->major &&
          obs.res.stack_grew == r->stack_grew);
    obs.calls = 0;
    mpage_t *m = &c->page[i];
    if (m->kind == K_STACK) {
        mstack_t *st = &c->stack[m->stack];
        bool near = sp == 0 || va + cfg.sp_slack >= sp;
        if (i < st->limit)
            CHECK(r->outcome == PAGER_FAULT_BAD &&
                  r->reason == (sp && near ? PAGER_BAD_STACK_LIMIT : PAGER_BAD_GUARD));
        else if (i < st->low && !near)
            CHECK(r->outcome == PAGER_FAULT_BAD && r->reason == PAGER_BAD_BELOW_SP);
        else if (i < st->low && r->outcome == PAGER_FAULT_MAPPED)
            CHECK(r->stack_grew);
        else
            CHECK(!r->stack_grew);
        if (r->stack_grew)
            st->low = (uint8_t)i;
    } else {
        CHECK(!r->stack_grew);
    }
    pager_reply_t rep;
    CHECK(pager_reply_build(c->space, r, &rep) == 0);
    mmu_pte_t *e = &c->mmu->pte[i];
    if (r->outcome == PAGER_FAULT_BAD) {
        static const unsigned code[] = {
            [PAGER_BAD_NO_REGION] = PAGER_REPLY_FAIL_NO_REGION,
            [PAGER_BAD_NO_PERMISSION] = PAGER_REPLY_FAIL_PERMISSION,
            [PAGER_BAD_GUARD] = PAGER_REPLY_FAIL_GUARD,
            [PAGER_BAD_STACK_LIMIT] = PAGER_REPLY_FAIL_GUARD,
            [PAGER_BAD_BELOW_SP] = PAGER_REPLY_FAIL_GUARD,
            [PAGER_BAD_OUT_OF_MEMORY] = PAGER_REPLY_FAIL_NO_MEMORY,
            [PAGER_BAD_IO] = PAGER_REPLY_FAIL_BUS,
        };
        CHECK(r->reason > PAGER_BAD_NONE && r->reason <= PAGER_BAD_IO);
        CHECK(rep.kind == PAGER_REPLY_FAIL && rep.fail == code[r->reason] &&
              rep.fail == pager_reply_fail_code(r->reason));
        return;
    }
    /* MAPPED or RETRY: the reply maps the frame the MMU now has there, with its rights. */
    CHECK(rep.kind == PAGER_REPLY_MAP && rep.pages == 1 && rep.page == r->page);
    CHECK(e->frame && rep.frame == e->frame && rep.prot == e->prot);
    if (r->outcome == PAGER_FAULT_MAPPED) {
        CHECK(rep.frame == r->frame && rep.prot == r->prot);
        if (r->action == PAGER_ACT_FIRST_WRITE) /* only a private file page's first write */
            CHECK(m->kind == K_FILE_PRIV && !m->copied && acc == PAGER_ACCESS_WRITE);
        if (r->action == PAGER_ACT_COW_COPY) /* only a private page shared by fork */
            CHECK(m->forked && acc == PAGER_ACCESS_WRITE &&
                  (m->kind == K_ANON_PRIV || m->kind == K_STACK ||
                   (m->kind == K_FILE_PRIV && m->copied)));
        if (r->action == PAGER_ACT_FILE_HOLE || r->action == PAGER_ACT_FILE_READ ||
            r->action == PAGER_ACT_FILE_CACHED) {
            CHECK(m->kind == K_FILE_PRIV || m->kind == K_FILE_SHARED);
            if (r->action != PAGER_ACT_FILE_CACHED) /* a hole is one only while unwritten */
                CHECK(be.hole[m->file][m->fpage] == (r->action == PAGER_ACT_FILE_HOLE));
            if (cfg.page_cache)
                CHECK(pager_cache_has(pager, m->file + 1, (uint64_t)m->fpage * PG));
        }
    }
}

/* One access like a CPU: fault until the MMU allows it. Returns a pointer to the byte. */
static uint8_t *access_page(client_t *c, unsigned i, unsigned slot, pager_access_t acc)
{
    unsigned need = need_of(acc);
    mpage_t *m = &c->page[i];
    uint64_t va = BASE + (uint64_t)i * PG + slot * (PG / SLOTS);
    uint64_t sp = sp_pages ? va + (uint64_t)sp_pages * PG : 0;
    unsigned failures = be.map_failures, io = be.io_failures;
    for (int tries = 0; tries < 3; tries++) {
        mmu_pte_t *e = &c->mmu->pte[i];
        if (e->frame && e->prot & need) {
            CHECK(m->kind != K_NONE && m->prot & need);
            e->accessed = 1;
            if (acc == PAGER_ACCESS_WRITE)
                e->dirty = 1;
            return &fuzz_frame_data(e->frame)[slot * (PG / SLOTS)];
        }
        /* A translation fault on a page taken behind libpager's back must go to
         * pager_fault_unmapped (pager_fault would answer RETRY forever). */
        bool unmapped = !e->frame && (c->mmu->stolen[i] || translation_faults);
        pager_fault_result_t r;
        CHECK(obs.calls == 0);
        if (unmapped)
            CHECK(pager_fault_unmapped(c->space, va, acc, sp, &r) == 0);
        else
            CHECK(pager_fault(c->space, va, acc, sp, &r) == 0);
        check_fault(c, i, va, acc, sp, &r);
        if (unmapped)
            CHECK(r.outcome != PAGER_FAULT_RETRY); /* progress: the page is mapped or refused */
        if (cfg.map_ahead) {
            unsigned done = 0;
            uint64_t before = pager_frames_in_use(pager);
            CHECK(pager_map_ahead(c->space, &r, ahead_max, &done) == 0);
            if (trace && done)
                fprintf(stderr, "  mapped %u ahead\n", done);
            CHECK(done <= ahead_max && done <= cfg.map_ahead);
            if (done && cfg.frame_limit) /* never past the limit, and no eviction for it */
                CHECK(pager_frames_in_use(pager) == before + done &&
                      pager_frames_in_use(pager) <= cfg.frame_limit);
        }
        if (r.outcome == PAGER_FAULT_BAD) {
            if (m->kind == K_NONE)
                CHECK(r.reason == PAGER_BAD_NO_REGION);
            else if (m->kind == K_GUARD)
                CHECK(r.reason == PAGER_BAD_GUARD);
            else if (r.reason == PAGER_BAD_GUARD || r.reason == PAGER_BAD_STACK_LIMIT ||
                     r.reason == PAGER_BAD_BELOW_SP)
                CHECK(m->kind == K_STACK); /* check_fault said which */
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
    m->forked = false;
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

/* Whether [i, i + n) holds part of a stack (whole: also all of it). */
static bool stack_cut(const client_t *c, unsigned i, unsigned n, bool whole_ok)
{
    for (unsigned k = 0; k < NREG; k++) {
        const mstack_t *st = &c->stack[k];
        if (!st->used || i >= st->top || i + n <= st->gstart)
            continue;
        if (!whole_ok || i > st->gstart || i + n < st->top)
            return true;
    }
    return false;
}

static void op_unmap(client_t *c, unsigned i, unsigned n)
{
    if (i + n > NPAGES)
        n = NPAGES - i;
    if (stack_cut(c, i, n, true))
        return; /* a cut inside a stack is refused or shrinks it: not modelled */
    for (unsigned k = 0; k < NREG; k++)
        if (c->stack[k].used && i <= c->stack[k].gstart && i + n >= c->stack[k].top)
            c->stack[k].used = false;
    CHECK(pager_unmap(c->space, BASE + (uint64_t)i * PG, (uint64_t)n * PG) == 0);
    for (unsigned k = i; k < i + n; k++)
        memset(&c->page[k], 0, sizeof(c->page[k]));
}

static void op_protect(client_t *c, unsigned i, unsigned n, unsigned prot)
{
    if (i + n > NPAGES)
        n = NPAGES - i;
    if (stack_cut(c, i, n, false))
        return;
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
    for (unsigned i = 0; i < NPAGES; i++) {
        mpage_t *m = &parent->page[i];
        m->forked = m->kind == K_ANON_PRIV || m->kind == K_STACK || m->kind == K_FILE_PRIV;
    }
    memcpy(c->page, parent->page, sizeof(c->page));
    memcpy(c->stack, parent->stack, sizeof(c->stack));
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

/* A stack in region slot reg: max pages of growth room (initial committed) over g guard pages. */
static void op_map_stack(client_t *c, unsigned reg, unsigned sel)
{
    unsigned g = sel % 3, max = 1 + (sel / 3) % (RPAGES - g), initial = 1 + (sel / 15) % max;
    unsigned top = (reg + 1) * RPAGES, first = top - max - g;
    bool busy = false;
    for (unsigned i = first; i < top; i++)
        busy |= c->page[i].kind != K_NONE;
    int rc = pager_map_stack(c->space, BASE + (uint64_t)top * PG, (uint64_t)initial * PG,
                             (uint64_t)max * PG, (uint64_t)g * PG);
    if (busy) {
        CHECK(rc == PAGER_EEXIST);
        return;
    }
    CHECK(rc == 0 && !c->stack[reg].used);
    c->stack[reg] = (mstack_t){true, (uint8_t)first, (uint8_t)(first + g), (uint8_t)(top - initial),
                               (uint8_t)top};
    for (unsigned i = first; i < top; i++) {
        memset(&c->page[i], 0, sizeof(c->page[i]));
        c->page[i].kind = K_STACK;
        c->page[i].prot = PAGER_PROT_READ | PAGER_PROT_WRITE;
        c->page[i].stack = (uint8_t)reg;
    }
}

/* MADV_DONTNEED: the next touch zero-fills (anonymous, stack) or reads the file again. */
static void op_discard(client_t *c, unsigned i, unsigned n)
{
    if (i + n > NPAGES)
        n = NPAGES - i;
    bool hole = false;
    for (unsigned k = i; k < i + n; k++)
        hole |= c->page[k].kind == K_NONE;
    unsigned failures = be.write_failures;
    long rc = pager_discard(c->space, BASE + (uint64_t)i * PG, (uint64_t)n * PG);
    if (hole) {
        CHECK(rc == PAGER_ENOENT);
        return;
    }
    if (rc == PAGER_EIO) { /* a write-back failed first: nothing was discarded */
        CHECK(be.write_failures != failures);
        return;
    }
    CHECK(rc >= 0 && rc <= (long)n);
    for (unsigned k = i; k < i + n; k++) {
        mpage_t *m = &c->page[k];
        pager_page_info_t info;
        CHECK(pager_page_info(c->space, BASE + (uint64_t)k * PG, &info) == 0);
        CHECK(info.state == PAGER_PAGE_NONE && !c->mmu->pte[k].frame);
        c->mmu->stolen[k] = false;
        m->forked = false;
        m->copied = false;
        memset(m->own, 0, SLOTS);
        if (m->kind == K_ANON_SHARED) { /* this space's next touch gets a page of its own */
            CHECK(nobjs < MAX_OBJS);
            m->obj = nobjs;
            memset(objs[nobjs++], 0, SLOTS);
        }
    }
}

/* The client unmaps a page itself, without telling libpager. */
static void op_steal(client_t *c, unsigned i)
{
    mmu_pte_t *e = &c->mmu->pte[i];
    if (!e->frame)
        return;
    be.mapcount[e->frame]--;
    memset(e, 0, sizeof(*e));
    c->mmu->stolen[i] = true;
}

/* ---- the run ----------------------------------------------------------------------------- */

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
    /* Derived from bits the other settings use too, so older inputs keep their meaning. */
    cfg.map_ahead = conf >> 12 & 7;
    ahead_max = 1 + (conf >> 9 & 7);
    translation_faults = conf >> 15 & 1;
    cfg.sp_slack = 2 * PG;
    sp_pages = 0;
    unsigned holes = conf >> 8 & 0xf;
    memset(&obs, 0, sizeof(obs));
    be.limit = lim & 0x40 && !(lim & 0x80) ? 2 + (lim & 0x3f) : 0;
    for (unsigned f = 0; f < NFILES; f++)
        for (unsigned p = 0; p < FPAGES; p++)
            for (unsigned s = 0; s < SLOTS; s++)
                files[f][p][s] = be.disk[f][p][s] = fuzz_file_seed(f, p, s);
    for (unsigned f = 0; f < NFILES; f++)
        for (unsigned p = 0; p < FPAGES; p++)
            if (holes & 8 && (f * FPAGES + p + holes) % 3 == 0) { /* a sparse file */
                be.hole[f][p] = true;
                memset(files[f][p], 0, SLOTS);
                memset(be.disk[f][p], 0, SLOTS);
            }
    if (trace)
        fprintf(stderr,
                "config: zero_page %d page_cache %d swap_slots %llu frame_limit %llu backend limit "
                "%u map_ahead %u (max %u) translation faults %d holes %x\n",
                cfg.zero_page, cfg.page_cache, (unsigned long long)cfg.swap_slots,
                (unsigned long long)cfg.frame_limit, be.limit, cfg.map_ahead, ahead_max,
                translation_faults, holes);
    CHECK(pager_create(&fuzz_pager_ops, NULL, &cfg, &pager) == 0);
    pager_set_observer(pager, observer, &obs);
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
        default: /* the newer operations; b % 8 == 0 keeps older inputs' meaning */
            switch (b % 8) {
            case 1: op_map_stack(c, a % NREG, b / 8); break;
            case 2: op_discard(c, page, 1 + (b / 8) % RPAGES); break;
            case 3: op_steal(c, page); break;
            case 4: sp_pages = (b / 8) % 4; break;
            case 5: /* a fault with a NULL result or a bad access changes nothing */
                CHECK(pager_fault(c->space, BASE + (uint64_t)page * PG, (pager_access_t)3, 0,
                                  &(pager_fault_result_t){0}) == PAGER_EINVAL);
                obs.calls = 0; /* an observer may or may not see a refused call */
                break;
            default:
                for (unsigned i = 0; i < NPAGES; i++)
                    op_read(c, i, slot);
                break;
            }
            break;
        }
        CHECK(obs.calls == 0); /* only faults reach the observer */
        check_all();
    }
    be.fail_map = be.fail_io = be.fail_write = 0;
    teardown();
    return 0;
}
