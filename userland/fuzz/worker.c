/*
 * The fuzz worker (see fuzz.h): `fuzz SEED CALLS AVOID VERBOSE` (numbers in hex), spawned by
 * the driver in a fresh pool. Everything it does follows from its seed: random system calls
 * with random and edge-case arguments, interleaved with the valid-ish sequences of seq.c.
 *
 * It must neither block forever nor kill itself by accident, so it is careful in three ways:
 *  - calls that would block with nobody to answer (receive on an endpoint nobody sends to,
 *    wait on a notification with no bit set, send with no receiver) are only made when a peer
 *    is certain (the server thread, a pending bit); otherwise their arguments are made
 *    invalid, so the kernel's checks answer at once;
 *  - memory calls on its own space never touch its code, stack, runtime, shared page or the
 *    sequences' pages ("vital" ranges): such a range is moved into the playground;
 *  - it never destroys its own space or closes the handles it lives on until the end.
 * Everything else is fair game, including calls that are valid and change state.
 */
#include "worker.h"
#include <fl/layout.h>
#include <fl/runtime.h>
#include <fl/thread.h>
#include <fl/vm.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KADDR       0xffff000040000000ULL /* the kernel's linear map */
#define KIMAGE      0xffffffff80000000ULL /* the kernel image */
#define UTOP        FL_USER_TOP
#define MAX_TRACKED 96
#define CLOSED_KEPT 8

fz_cfg_t fz_cfg;
uint64_t fz_rng;
fz_shared_t *fz_sh;
fl_handle_t fz_self, fz_pool, fz_srv_ep, fz_initrd;
unsigned fz_srv_obj;

static fz_handle_t tracked[MAX_TRACKED];
static unsigned ntracked, next_obj = 2;
static fl_handle_t closed[CLOSED_KEPT];
static unsigned nclosed;
static uint64_t scratch[64] __attribute__((aligned(16))); /* a valid buffer for out-pointers */
static const char ro_page[4096] __attribute__((aligned(4096))) = {1};

/* --- recording ------------------------------------------------------------------------------ */

static fz_call_t *record(uint64_t nr, const uint64_t a[6])
{
    fz_call_t *c = &fz_sh->ring[fz_sh->calls % FZ_RING];
    c->nr = nr;
    memcpy(c->a, a, sizeof(c->a));
    c->ret = 0x7eadbeef; /* not returned yet */
    if (fz_cfg.verbose)
        printf("fz %llu: nr %llu (%#llx, %#llx, %#llx, %#llx, %#llx, %#llx)\n",
               (unsigned long long)fz_sh->calls, (unsigned long long)nr, (unsigned long long)a[0],
               (unsigned long long)a[1], (unsigned long long)a[2], (unsigned long long)a[3],
               (unsigned long long)a[4], (unsigned long long)a[5]);
    return c;
}

void fz_oracle(const char *fmt, ...)
{
    if (fz_sh->oracle[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(fz_sh->oracle, sizeof(fz_sh->oracle), fmt, ap);
    va_end(ap);
    fz_sh->oracle_call = fz_sh->calls;
    if (fz_cfg.verbose)
        printf("fz   ORACLE: %s\n", fz_sh->oracle);
}

/* Calls that return a new handle on success. */
static int returns_handle(uint64_t nr)
{
    switch (nr) {
    case FL_SYS_HANDLE_DUP:
    case FL_SYS_HANDLE_MINT:
    case FL_SYS_HANDLE_GIVE:
    case FL_SYS_POOL_CREATE:
    case FL_SYS_SPACE_CREATE:
    case FL_SYS_THREAD_CREATE:
    case FL_SYS_ENDPOINT_CREATE:
    case FL_SYS_NOTIFICATION_CREATE: return 1;
    default: return 0;
    }
}

static long finish(fz_call_t *c, long r)
{
    /* Answers the ABI rules out, whatever the arguments: an error code outside errors.h, a
     * handle value outside the handle format (syscalls.md, Handles). */
    if (r < 0 && r < FL_EIO)
        fz_oracle("nr %llu returned %ld, not an fl_err_t", (unsigned long long)c->nr, r);
    if (r > 0 && returns_handle(c->nr) && (r >> 24 || (r & 0xff) == 0 || (r & 0xff) > 128))
        fz_oracle("nr %llu returned %#lx, not a handle", (unsigned long long)c->nr, r);
    if (r == 0 && returns_handle(c->nr))
        fz_oracle("nr %llu returned 0, never a valid handle", (unsigned long long)c->nr);
    c->ret = r;
    fz_sh->calls++;
    if (fz_cfg.verbose)
        printf("fz   = %ld (%s)\n", r, fl_strerror(r));
    return r;
}

long fz_sys(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
            uint64_t a5)
{
    uint64_t a[6] = {a0, a1, a2, a3, a4, a5};
    fz_call_t *c = record(nr, a);
    return finish(c, fl_syscall6(nr, a0, a1, a2, a3, a4, a5));
}

long fz_ipc(uint64_t nr, fl_handle_t ep, fl_msg_t *m)
{
    uint64_t a[6] = {ep, m->tag, m->w[0], m->w[1], m->w[2], m->w[3]};
    fz_call_t *c = record(nr, a);
    int receive = nr == FL_SYS_RECV || nr == FL_SYS_CALL || nr == FL_SYS_REPLY_RECV;
    long r = finish(c, fl_ipc_trap(nr, ep, m, receive));
    if (fz_cfg.verbose && receive && r >= 0)
        printf("fz   <- tag %#llx (%#llx, %#llx, %#llx, %#llx) badge %#llx\n",
               (unsigned long long)m->tag, (unsigned long long)m->w[0], (unsigned long long)m->w[1],
               (unsigned long long)m->w[2], (unsigned long long)m->w[3],
               (unsigned long long)m->badge);
    return r;
}

/* --- the handle model ----------------------------------------------------------------------- */

unsigned fz_new_obj(void)
{
    if (next_obj > 0xffff) /* identities are 16 bits; 0 and 1 are FZ_OBJ_UNKNOWN and _SELF */
        next_obj = 2;
    return next_obj++;
}

fz_handle_t *fz_lookup(fl_handle_t h)
{
    for (unsigned i = 0; i < ntracked; i++)
        if (tracked[i].h == h)
            return &tracked[i];
    return NULL;
}

void fz_forget(fl_handle_t h)
{
    for (unsigned i = 0; i < ntracked; i++)
        if (tracked[i].h == h) {
            tracked[i] = tracked[--ntracked];
            closed[nclosed++ % CLOSED_KEPT] = h;
            return;
        }
}

static void close_some(void);

void fz_track(long h, unsigned type, unsigned obj, int keep)
{
    if (h <= 0)
        return;
    if (fz_lookup((fl_handle_t)h))
        return; /* a live value of ours: then the call answered for another table (a GIVE to
                   a space the model could not tell from its own) */
    if (ntracked == MAX_TRACKED)
        close_some();
    if (ntracked == MAX_TRACKED) {
        fz_sys(FL_SYS_HANDLE_CLOSE, (uint64_t)h, 0, 0, 0, 0, 0);
        return;
    }
    tracked[ntracked++] = (fz_handle_t){
        .h = (fl_handle_t)h, .type = (uint8_t)type, .keep = (uint8_t)keep, .obj = (uint16_t)obj};
}

fz_handle_t *fz_pick_tracked(unsigned type)
{
    unsigned n = 0, idx[MAX_TRACKED];
    for (unsigned i = 0; i < ntracked; i++)
        if (!type || tracked[i].type == type)
            idx[n++] = i;
    return n ? &tracked[idx[fz_below(n)]] : NULL;
}

/* A space the worker made, named by no other handle it holds that could destroy it (with
 * MANAGE: a copy with fewer rights cannot). */
static int last_known_space(const fz_handle_t *t)
{
    if (t->type != FL_OBJ_SPACE || t->obj == FZ_OBJ_SELF || t->obj == FZ_OBJ_UNKNOWN)
        return 0;
    for (unsigned i = 0; i < ntracked; i++)
        if (&tracked[i] != t && tracked[i].obj == t->obj) {
            long info = fl_handle_info(tracked[i].h);
            if (info >= 0 && ((info >> 8) & FL_RIGHT_MANAGE))
                return 0;
        }
    return 1;
}

long fz_close(fl_handle_t h)
{
    fz_handle_t *t = fz_lookup(h);
    /* A process nobody holds a handle to lives on while it has a thread, even one blocked
     * for ever: its pool can never be emptied. The worker plays a tidy parent, and destroys
     * such a process before it lets go of it (FZ_AVOID_ORPHANS). */
    if (t && fz_avoid(0) && last_known_space(t))
        fz_sys(FL_SYS_SPACE_DESTROY, h, 0, 0, 0, 0, 0);
    long r = fz_sys(FL_SYS_HANDLE_CLOSE, h, 0, 0, 0, 0, 0);
    if (r == 0 || r == FL_EBADH)
        fz_forget(h);
    return r;
}

long fz_space_create(uint64_t pool)
{
    if (fz_avoid(5)) {
        /* Item 5: SPACE_CREATE with exactly one frame left panics. A pool this process cannot
         * read (no READ right, not a pool) is left alone too. */
        uint64_t limit = 0;
        long used = fl_pool_info((fl_handle_t)pool, &limit);
        if (used < 0 || limit - (uint64_t)used < 3)
            return FL_ENOMEM;
    }
    return fz_sys(FL_SYS_SPACE_CREATE, pool, 0, 0, 0, 0, 0);
}

/* Closes a quarter of the handles random calls may close. */
static void close_some(void)
{
    for (unsigned i = 0; i < ntracked;) {
        if (!tracked[i].keep && fz_chance(1, 4)) {
            fz_close(tracked[i].h);
            continue;
        }
        i++;
    }
}

uint64_t fz_handle_arg(unsigned type)
{
    fz_handle_t *t;
    switch (fz_below(16)) {
    case 0: return 0;
    case 1: return 0xffffffffULL;
    case 2: return nclosed ? closed[fz_below(nclosed < CLOSED_KEPT ? nclosed : CLOSED_KEPT)] : 1;
    case 3: return (uint64_t)(uint32_t)fz_rand();
    case 4: /* a live slot with the wrong generation */
        t = fz_pick_tracked(0);
        return t ? t->h ^ 0x100u : 0x81;
    case 5: /* upper bits set: only the low 32 bits name the handle */
        t = fz_pick_tracked(type);
        return t ? (fz_rand() << 32 | t->h) : fz_rand();
    case 6:
    case 7: /* any tracked handle: often the wrong type */
        t = fz_pick_tracked(0);
        return t ? t->h : 0;
    default:
        t = fz_pick_tracked(type);
        if (!t)
            t = fz_pick_tracked(0);
        return t ? t->h : 0;
    }
}

/* --- address and size arguments --------------------------------------------------------------- */

/* Ranges of the worker's own space that keep it alive (see the top of this file). */
static int overlaps_vital(uint64_t va, uint64_t pages)
{
    static const uint64_t vital[][2] = {
        {FL_START_VA, FL_START_VA + 0x10000},
        {FL_PROGRAM_BASE, FL_PROGRAM_BASE + 0x4000000},
        {FZ_SHARED_VA, FZ_SHARED_VA + 0x200000},
        {FL_HEAP_BASE, FL_HEAP_BASE + FL_HEAP_MAX},
        {FL_THREAD_AREA, FL_THREAD_AREA + FL_RUNTIME_SIZE},
        {0x6000000000UL, 0x6000200000UL}, /* the sequences' pages (seq.c) */
        {FL_STACK_TOP - 0x200000, FL_STACK_TOP + 0x1000},
    };
    if (pages == 0 || pages > 65536 || (va & 0xfff) || va >= UTOP)
        return 0; /* refused by the kernel before it changes anything */
    uint64_t end = va + pages * 4096;
    if (end > UTOP || end < va)
        return 0;
    for (unsigned i = 0; i < sizeof(vital) / sizeof(vital[0]); i++)
        if (va < vital[i][1] && end > vital[i][0])
            return 1;
    return 0;
}

static int names_self(uint64_t space)
{
    fz_handle_t *t = fz_lookup((fl_handle_t)space);
    return t && t->type == FL_OBJ_SPACE && (t->obj == FZ_OBJ_SELF || t->obj == FZ_OBJ_UNKNOWN);
}

static uint64_t play(unsigned page)
{
    return FZ_PLAY_VA + (uint64_t)(page % FZ_PLAY_PAGES) * 4096;
}

static uint64_t addr_arg(void)
{
    static const uint64_t edges[] = {
        0,
        4096,
        UTOP - 4096,
        UTOP,
        UTOP - 1,
        ~0ULL,
        ~0xfffULL,
        KADDR,
        KIMAGE,
        1ULL << 47,
        0xfff,
        UTOP - 2 * 4096,
        1ULL << 63,
        FZ_PLAY_VA - 4096,
        FZ_PLAY_VA + 0x100000000ULL,
    };
    switch (fz_below(10)) {
    case 0:
    case 1: return edges[fz_below(sizeof(edges) / sizeof(edges[0]))];
    case 2: return play((unsigned)fz_below(FZ_PLAY_PAGES)) + 1 + fz_below(4095); /* unaligned */
    case 3: return fz_rand() & (UTOP - 4096);                                    /* anywhere */
    default: return play((unsigned)fz_below(FZ_PLAY_PAGES));
    }
}

static uint64_t pages_arg(void)
{
    static const uint64_t edges[] = {0,          65536,      65537, ~0ULL, 1ULL << 52,
                                     1ULL << 36, 1ULL << 32, 512,   513,   (UTOP >> 12) + 1};
    switch (fz_below(10)) {
    case 0:
    case 1: return edges[fz_below(sizeof(edges) / sizeof(edges[0]))];
    case 2: return 5 + fz_below(60);
    default: return 1 + fz_below(4);
    }
}

static uint64_t prot_arg(void)
{
    static const uint64_t prots[] = {1, 3, 5, 7, 0, 2, 4, 6, 8, 0x10, ~0ULL, 1ULL << 32 | 1};
    return fz_chance(3, 4) ? prots[fz_below(4)] : prots[fz_below(sizeof(prots) / sizeof(prots[0]))];
}

static uint64_t rights_arg(void)
{
    static const uint64_t r[] = {FL_RIGHTS_ALL,
                                 0,
                                 ~0ULL,
                                 FL_RIGHT_READ,
                                 FL_RIGHT_WRITE,
                                 FL_RIGHT_GRANT,
                                 FL_RIGHT_READ | FL_RIGHT_WRITE | FL_RIGHT_GRANT};
    return fz_chance(1, 2) ? fz_below(32) : r[fz_below(sizeof(r) / sizeof(r[0]))];
}

/* A user buffer for the kernel to read or write: valid, read-only, unmapped, kernel, at the
 * top of user space, or straddling the end of a mapping. */
static uint64_t buf_arg(int writable)
{
    switch (fz_below(9)) {
    case 0: return (uint64_t)(uintptr_t)scratch;
    case 1: return (uint64_t)(uintptr_t)ro_page;
    case 2: return writable ? (uint64_t)(uintptr_t)scratch + 3 : FL_PROGRAM_BASE;
    case 3: return KADDR;
    case 4: return UTOP - 8;
    case 5: return 0;
    case 6: return FZ_PLAY_VA + FZ_PLAY_PAGES * 4096 - 8; /* probably unmapped past the end */
    case 7: return fz_rand();
    default: return addr_arg();
    }
}

static uint64_t bits_arg(void)
{
    static const uint64_t b[] = {0, 1ULL << 63, ~0ULL, 1, 0x7fffffffffffffffULL};
    return fz_chance(1, 3) ? b[fz_below(5)] : (1 + fz_below(0xffff));
}

static uint64_t tag_arg(int valid)
{
    unsigned words = (unsigned)fz_below(valid ? 65 : 70), handles = (unsigned)fz_below(5);
    if (fz_chance(3, 4))
        words = (unsigned)fz_below(5), handles = fz_chance(3, 4) ? 0 : handles;
    uint64_t tag = FL_TAG(fz_below(0x10000), words, handles);
    if (!valid)
        switch (fz_below(3)) {
        case 0: tag |= 1u << (7 + fz_below(5)); break;        /* reserved bits */
        case 1: tag = FL_TAG(1, 65 + fz_below(63), 0); break; /* too many words */
        default: tag = FL_TAG(1, 0, 5 + fz_below(11)); break; /* too many handles */
        }
    return tag;
}

/* Fills the IPC buffer's handle slots and words for a message with handles. */
static void fill_ipcbuf(void)
{
    fl_ipc_buffer_t *b = (fl_ipc_buffer_t *)FL_IPCBUF_VA;
    for (unsigned i = 0; i < FL_MSG_MAX_HANDLES; i++) {
        b->handles[i] = (fl_handle_t)fz_handle_arg(0);
        b->handle_rights[i] = (uint32_t)rights_arg();
    }
    for (unsigned i = 4; i < 8; i++)
        b->words[i] = fz_rand();
}

/* 1 if h is live in this process as type with right (one HANDLE_INFO, recorded). */
static int live_with(uint64_t h, unsigned type, unsigned right)
{
    long info = fz_sys(FL_SYS_HANDLE_INFO, h, 0, 0, 0, 0, 0);
    return info >= 0 && (info & 0xff) == (long)type && ((info >> 8) & right);
}

/* Adds the handles a receive brought into the IPC buffer to the model. */
static void track_received(uint64_t tag)
{
    fl_ipc_buffer_t *b = (fl_ipc_buffer_t *)FL_IPCBUF_VA;
    unsigned n = FL_TAG_HANDLES(tag);
    for (unsigned i = 0; i < n && i < FL_MSG_MAX_HANDLES; i++) {
        long info = fz_sys(FL_SYS_HANDLE_INFO, b->handles[i], 0, 0, 0, 0, 0);
        if (info >= 0)
            fz_track(b->handles[i], (unsigned)(info & 0xff), FZ_OBJ_UNKNOWN, 0);
    }
}

/* --- random calls ----------------------------------------------------------------------------- */

extern const char fz_exit_entry[], fz_yield_entry[];

static uint64_t entry_arg(int self)
{
    switch (fz_below(8)) {
    case 0: return (uint64_t)(uintptr_t)fz_exit_entry;
    case 1: return (uint64_t)(uintptr_t)fz_yield_entry;
    case 2: return (uint64_t)(uintptr_t)fz_exit_entry + 2; /* unaligned */
    case 3: return KIMAGE;
    case 4: return UTOP;
    case 5: return self ? play(60) : addr_arg(); /* unmapped in the worker: a fault */
    default: return self ? (uint64_t)(uintptr_t)fz_exit_entry : addr_arg();
    }
}

static void random_call(void)
{
    uint64_t nr = fz_below(FL_SYS_COUNT + 3), a[6];
    fl_msg_t m;
    long r;

    for (unsigned i = 0; i < 6; i++)
        a[i] = fz_chance(1, 2) ? fz_rand() : fz_below(16);
    switch (nr) {
    case FL_SYS_DEBUG_WRITE:
        a[0] = buf_arg(0);
        /* Lengths that print nothing: whatever a buffer holds must not reach the console. */
        a[1] = fz_chance(1, 2) ? 0 : (uint64_t[]){4097, ~0ULL, 1ULL << 40, 1ULL << 63}[fz_below(4)];
        break;
    case FL_SYS_SYSTEM_INFO: a[0] = buf_arg(1); break;
    case FL_SYS_SYSTEM_EXIT: a[1] = fz_handle_arg(FL_OBJ_POOL); break;
    case FL_SYS_HANDLE_CLOSE: {
        a[0] = fz_handle_arg(0);
        fz_handle_t *t = fz_lookup((fl_handle_t)a[0]);
        if (t && t->keep)
            return;
        fz_close((fl_handle_t)a[0]);
        return;
    }
    case FL_SYS_HANDLE_DUP:
    case FL_SYS_HANDLE_MINT: {
        a[0] = fz_handle_arg(nr == FL_SYS_HANDLE_MINT ? FL_OBJ_ENDPOINT : 0);
        a[2] = rights_arg();
        if (nr == FL_SYS_HANDLE_DUP)
            a[1] = rights_arg();
        fz_handle_t *t = fz_lookup((fl_handle_t)a[0]);
        r = fz_sys(nr, a[0], a[1], a[2], 0, 0, 0);
        if (r > 0)
            fz_track(r, t ? t->type : FL_OBJ_NONE, t ? t->obj : FZ_OBJ_UNKNOWN, 0);
        return;
    }
    case FL_SYS_HANDLE_INFO: a[0] = fz_handle_arg(0); break;
    case FL_SYS_HANDLE_GIVE: {
        a[0] = fz_handle_arg(FL_OBJ_SPACE);
        a[1] = fz_handle_arg(0);
        a[2] = rights_arg();
        fz_handle_t *t = fz_lookup((fl_handle_t)a[1]);
        /* Item 7: a space holding a handle to itself or its own thread is never freed;
         * item 6: threads whose handles die in a teardown are not killed. */
        if ((fz_avoid(6) || fz_avoid(7)) &&
            (!t || t->type == FL_OBJ_SPACE || t->type == FL_OBJ_THREAD) && !names_self(a[0]))
            return;
        r = fz_sys(nr, a[0], a[1], a[2], 0, 0, 0);
        fz_handle_t *to = fz_lookup((fl_handle_t)a[0]);
        if (r > 0 && to && to->type == FL_OBJ_SPACE && to->obj == FZ_OBJ_SELF)
            fz_track(r, t ? t->type : FL_OBJ_NONE, t ? t->obj : FZ_OBJ_UNKNOWN, 0);
        return;
    }
    case FL_SYS_POOL_CREATE: {
        static const uint64_t q[] = {0, 1, 2, 3, 8, 1ULL << 62, ~0ULL, ~0ULL - 1, 1ULL << 63};
        a[0] = fz_handle_arg(FL_OBJ_POOL);
        a[1] = fz_chance(1, 2) ? 1 + fz_below(24) : q[fz_below(sizeof(q) / sizeof(q[0]))];
        if (fz_avoid(2) && a[1] > (1ULL << 40))
            a[1] = 1ULL << 40; /* item 2: quota arithmetic wraps */
        r = fz_sys(nr, a[0], a[1], 0, 0, 0, 0);
        fz_track(r, FL_OBJ_POOL, fz_new_obj(), 0);
        return;
    }
    case FL_SYS_POOL_INFO: a[0] = fz_handle_arg(FL_OBJ_POOL); break;
    case FL_SYS_POOL_REVOKE: a[0] = fz_handle_arg(FL_OBJ_POOL); break; /* own pool: FL_EBUSY */
    case FL_SYS_SPACE_CREATE: {
        a[0] = fz_handle_arg(FL_OBJ_POOL);
        r = fz_space_create(a[0]);
        fz_track(r, FL_OBJ_SPACE, fz_new_obj(), 0);
        return;
    }
    case FL_SYS_SPACE_DESTROY:
        a[0] = fz_handle_arg(FL_OBJ_SPACE);
        if (names_self(a[0]))
            return;
        break;
    case FL_SYS_VM_ALLOC:
    case FL_SYS_VM_UNMAP:
    case FL_SYS_VM_PROTECT:
    case FL_SYS_VM_MAP:
        a[0] = fz_handle_arg(FL_OBJ_SPACE);
        a[1] = addr_arg();
        if (nr == FL_SYS_VM_MAP) {
            a[2] = fz_chance(1, 4)   ? (uint64_t)(uintptr_t)ro_page
                   : fz_chance(1, 6) ? FL_PROGRAM_BASE
                                     : addr_arg();
            a[3] = pages_arg();
            a[4] = prot_arg();
        } else {
            a[2] = pages_arg();
            a[3] = prot_arg();
        }
        if (names_self(a[0]) && overlaps_vital(a[1], nr == FL_SYS_VM_MAP ? a[3] : a[2]))
            a[1] = play((unsigned)fz_below(FZ_PLAY_PAGES));
        if (names_self(a[0]) && overlaps_vital(a[1], nr == FL_SYS_VM_MAP ? a[3] : a[2]))
            return;
        break;
    case FL_SYS_REGION_MAP:
        a[0] = fz_handle_arg(FL_OBJ_SPACE);
        a[1] = fz_chance(2, 3) && fz_initrd ? fz_initrd : fz_handle_arg(FL_OBJ_REGION);
        a[2] = fz_chance(2, 3) ? fz_below(8) * 4096 : addr_arg();
        a[3] = addr_arg();
        a[4] = fz_chance(2, 3) ? (1 + fz_below(4)) * 4096 : pages_arg() * 4096 + fz_below(2);
        a[5] = prot_arg();
        if (names_self(a[0]) && overlaps_vital(a[3], a[4] / 4096 + 1))
            return;
        break;
    case FL_SYS_THREAD_CREATE: {
        a[0] = fz_handle_arg(FL_OBJ_SPACE);
        int self = names_self(a[0]);
        a[1] = entry_arg(self);
        a[2] = fz_chance(3, 4) ? play(8) : (uint64_t[]){0, UTOP, UTOP - 16, 8, ~0ULL}[fz_below(5)];
        a[4] = fz_chance(3, 4) ? FZ_PRIO - fz_below(3) : fz_below(40);
        r = fz_sys(nr, a[0], a[1], a[2], a[3], a[4], 0);
        fz_track(r, FL_OBJ_THREAD, fz_new_obj(), 0);
        return;
    }
    case FL_SYS_THREAD_START: a[0] = fz_handle_arg(FL_OBJ_THREAD); break;
    case FL_SYS_THREAD_EXIT:
    case FL_SYS_THREAD_SET_IPC_BUFFER:
        if (nr == FL_SYS_THREAD_EXIT || fz_chance(1, 2))
            return; /* the main thread must live; its IPC buffer is needed */
        a[0] = fz_chance(1, 2) ? addr_arg() : (uint64_t)(uintptr_t)ro_page;
        r = fz_sys(nr, a[0], 0, 0, 0, 0, 0);
        fz_sys(FL_SYS_THREAD_SET_IPC_BUFFER, FL_IPCBUF_VA, 0, 0, 0, 0, 0);
        return;
    case FL_SYS_YIELD: break;
    case FL_SYS_ENDPOINT_CREATE:
    case FL_SYS_NOTIFICATION_CREATE:
        r = fz_sys(nr, 0, 0, 0, 0, 0, 0);
        fz_track(r, nr == FL_SYS_ENDPOINT_CREATE ? FL_OBJ_ENDPOINT : FL_OBJ_NOTIFICATION,
                 fz_new_obj(), 0);
        return;
    case FL_SYS_SEND:
    case FL_SYS_CALL:
    case FL_SYS_RECV:
    case FL_SYS_REPLY_RECV:
    case FL_SYS_REPLY: {
        uint64_t ep = fz_handle_arg(FL_OBJ_ENDPOINT);
        fz_handle_t *t = fz_lookup((fl_handle_t)ep);
        int to_server = t && t->obj == fz_srv_obj && (nr == FL_SYS_SEND || nr == FL_SYS_CALL);
        int valid = fz_chance(1, 2);
        m = (fl_msg_t){.tag = tag_arg(valid), .w = {fz_rand(), fz_rand(), fz_below(9), 0}};
        if (FL_TAG_HANDLES(m.tag))
            fill_ipcbuf();
        if (nr != FL_SYS_REPLY && (valid || nr == FL_SYS_RECV) && !to_server) {
            /* Would it block with nobody to answer? Then break the message instead. */
            unsigned right =
                nr == FL_SYS_SEND || nr == FL_SYS_CALL ? FL_RIGHT_WRITE : FL_RIGHT_READ;
            if (live_with(ep, FL_OBJ_ENDPOINT, right)) {
                if (nr == FL_SYS_RECV)
                    return;
                m.tag = tag_arg(0);
            }
        }
        r = fz_ipc(nr, (fl_handle_t)ep, &m);
        if (r == 0 && nr == FL_SYS_CALL)
            track_received(m.tag);
        return;
    }
    case FL_SYS_SIGNAL:
        a[0] = fz_handle_arg(FL_OBJ_NOTIFICATION);
        a[1] = bits_arg();
        break;
    case FL_SYS_WAIT:
        a[0] = fz_handle_arg(FL_OBJ_NOTIFICATION);
        if (live_with(a[0], FL_OBJ_NOTIFICATION, FL_RIGHT_READ)) {
            /* A pending bit makes the wait return at once; without WRITE, poll instead. */
            if (!live_with(a[0], FL_OBJ_NOTIFICATION, FL_RIGHT_WRITE) ||
                fz_sys(FL_SYS_SIGNAL, a[0], 1 + fz_below(7), 0, 0, 0, 0) != 0)
                nr = FL_SYS_POLL;
        }
        break;
    case FL_SYS_POLL: a[0] = fz_handle_arg(FL_OBJ_NOTIFICATION); break;
    case FL_SYS_IRQ_BIND:
        a[0] = fz_handle_arg(FL_OBJ_IRQ);
        a[1] = fz_handle_arg(FL_OBJ_NOTIFICATION);
        a[2] = bits_arg();
        break;
    case FL_SYS_IRQ_ACK: a[0] = fz_handle_arg(FL_OBJ_IRQ); break;
    case FL_SYS_THREAD_SET_HANDLER:
        a[0] = fz_handle_arg(FL_OBJ_THREAD);
        a[1] = fz_chance(3, 4) ? fz_below(2) : fz_rand();
        a[2] = fz_chance(1, 4) ? 0 : fz_handle_arg(FL_OBJ_ENDPOINT);
        break;
    case FL_SYS_VM_HARVEST:
        a[0] = fz_handle_arg(FL_OBJ_SPACE);
        a[1] = addr_arg();
        a[2] = fz_chance(2, 3) ? 1 + fz_below(512) : pages_arg();
        a[3] = fz_chance(2, 3) ? (uint64_t)(uintptr_t)scratch : buf_arg(1);
        break;
    case FL_SYS_VM_PHYS:
        a[0] = fz_handle_arg(FL_OBJ_SPACE);
        a[1] = addr_arg();
        a[2] = fz_handle_arg(FL_OBJ_POOL);
        break;
    case FL_SYS_SPACE_WATCH:
        a[0] = fz_handle_arg(FL_OBJ_SPACE);
        a[1] = fz_handle_arg(FL_OBJ_NOTIFICATION);
        a[2] = bits_arg();
        break;
    case FL_SYS_SPACE_STATUS: a[0] = fz_handle_arg(FL_OBJ_SPACE); break;
    default: /* numbers past the table, with garbage arguments */
        nr = (uint64_t[]){FL_SYS_COUNT, FL_SYS_COUNT + 1, 255, 1ULL << 32, ~0ULL}[fz_below(5)];
        break;
    }
    fz_sys(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* --- start and end ---------------------------------------------------------------------------- */

/* Waits (a bounded while) for the driver to map the shared page. */
static int wait_shared(void)
{
    for (int i = 0; i < 100000; i++) {
        long r = fl_vm_protect(fz_self, FZ_SHARED_VA, 1, FL_PROT_READ | FL_PROT_WRITE);
        if (r == 0)
            return 1;
        fl_yield();
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 5)
        return 2;
    fz_cfg.seed = strtoull(argv[1], NULL, 16);
    fz_cfg.calls = strtoull(argv[2], NULL, 16);
    fz_cfg.avoid = (unsigned)strtoul(argv[3], NULL, 16);
    fz_cfg.verbose = argv[4][0] == '1';
    fz_rng = fz_cfg.seed;
    fz_self = fl_self_space();
    fz_pool = fl_pool();
    fz_initrd = fl_start_handle(0);
    if (!wait_shared())
        return 3;
    fz_sh = (fz_shared_t *)FZ_SHARED_VA;

    fz_track(fz_self, FL_OBJ_SPACE, FZ_OBJ_SELF, 1);
    fz_track(fz_pool, FL_OBJ_POOL, fz_new_obj(), 1);
    if (fz_initrd)
        fz_track(fz_initrd, FL_OBJ_REGION, fz_new_obj(), 1);
    if (!fl_ipcbuf_acquire())
        return 4;
    for (unsigned i = 0; i < 8; i++)
        fz_sys(FL_SYS_VM_ALLOC, fz_self, play(i), 1, FL_PROT_READ | FL_PROT_WRITE, 0, 0);
    fz_seq_init();

    while (fz_sh->calls < fz_cfg.calls) {
        fz_sh->where = 0;
        if (fz_chance(1, 10))
            fz_seq_run();
        else
            random_call();
    }
    fz_sh->where = 0;
    if (fz_avoid(0))
        for (unsigned i = 0; i < ntracked; i++)
            if (tracked[i].type == FL_OBJ_SPACE && tracked[i].obj != FZ_OBJ_SELF &&
                tracked[i].obj != FZ_OBJ_UNKNOWN)
                fl_space_destroy(tracked[i].h);
    if (fz_avoid(6)) {
        /* Item 6: a process teardown does not kill never-started threads; closing their
         * handles does. */
        while (ntracked) {
            fl_handle_t h = tracked[ntracked - 1].h;
            ntracked--;
            if (h != fz_self)
                fl_handle_close(h);
        }
    }
    fz_sh->done = 1;
    fl_space_destroy(fz_self); /* ends every thread at once, helpers included */
    fl_thread_exit(0);
}
