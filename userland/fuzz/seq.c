/*
 * Valid-ish sequences of the fuzz worker: objects built and handed around, IPC with handles
 * through a server thread, mapping in a child space, pool exhaustion, and the worker as the
 * pager of a faulting child (in a space of its own, or a thread in the worker's own space)
 * answering with good and garbage replies.
 *
 * No sequence may block forever. The worker only receives on its pager endpoint while a
 * message is certain: a child in another space is watched (SPACE_WATCH) by a helper thread
 * that sends ENDED on the same endpoint once the child's process is over, so the worker's
 * receive always ends; a child thread in the worker's own space runs code that, after every
 * reply that lets it go on, faults again or sends "done".
 */
#include "worker.h"
#include <faultline/fault.h>
#include <fl/layout.h>
#include <fl/thread.h>
#include <fl/vm.h>
#include <string.h>

/* The fault tests' child code (userland/faulttests/fault_asm.S), linked into the worker too. */
extern const char fk_text_start[], fk_text_end[];
extern const char fk_read[], fk_write[], fk_exec[], fk_touch_pages[], fk_ldxr[], fk_udf[], fk_brk[],
    fk_branch[], fk_syscall[], fk_fpu[];
#define FK_LABEL_DONE 0xd0e
#define FK_MBOX_VA    0x80000000UL
#define FK_DATA_VA    (FK_MBOX_VA + 0x10000UL)

typedef struct mbox {
    uint64_t addr, ep, arg, arg2, result, result2;
} mbox_t;

/* The sequences' own pages in the worker (a vital range for random calls): 16 source pages a
 * pager maps from, the mailboxes, the server's IPC buffer. */
#define SEQ_VA      0x6000000000UL
#define SEQ_SRC(i)  (SEQ_VA + (uint64_t)(i)*4096)
#define SEQ_MBOX    (SEQ_VA + 16 * 4096)
#define SEQ_SRV_IPC (SEQ_VA + 17 * 4096)
/* Mailboxes of threads in the worker's own space, one per sequence in turn: a thread of an
 * earlier sequence that has not run its last instructions yet still reads its own. */
#define SEQ_SELFMBOXES  16
#define SEQ_SELFMBOX(i) (SEQ_VA + (18 + (uint64_t)(i) % SEQ_SELFMBOXES) * 4096)
#define SEQ_PAGES       (18 + SEQ_SELFMBOXES)

#define LABEL_ENDED 0xe0d

static const uint64_t KADDR = 0xffff000040000000ULL, UTOP = FL_USER_TOP;
static fl_thread_t srv_thread;
static int seq_ready;

/* --- the IPC server thread: answers every call, echoing the handles it got ------------------- */

static void server(void *arg)
{
    fl_handle_t ep = (fl_handle_t)(uintptr_t)arg;
    fl_ipc_buffer_t *b = (fl_ipc_buffer_t *)SEQ_SRV_IPC;
    if (fl_thread_set_ipc_buffer(b) < 0)
        b = NULL;
    for (;;) {
        fl_msg_t m;
        if (fl_recv(ep, &m) < 0)
            return;
        unsigned n = b ? FL_TAG_HANDLES(m.tag) : 0;
        fl_handle_t got[FL_MSG_MAX_HANDLES];
        for (unsigned i = 0; i < n; i++) {
            got[i] = b->handles[i];
            b->handle_rights[i] = (uint32_t)m.w[1] >> (i * 5);
        }
        fl_msg_t reply = {.tag = FL_TAG(1, 2, (m.w[2] & 1) ? n : 0), .w = {m.w[0], n}};
        if (fl_reply(&reply) < 0 && FL_TAG_HANDLES(reply.tag)) {
            reply.tag = FL_TAG(1, 2, 0); /* a handle without GRANT: answer without handles */
            fl_reply(&reply);
        }
        for (unsigned i = 0; i < n; i++)
            fl_handle_close(got[i]);
    }
}

void fz_seq_init(void)
{
    long r =
        fz_sys(FL_SYS_VM_ALLOC, fz_self, SEQ_VA, SEQ_PAGES, FL_PROT_READ | FL_PROT_WRITE, 0, 0);
    if (r < 0)
        return;
    for (unsigned i = 0; i < 16; i++)
        memset((void *)SEQ_SRC(i), '.', 4096);
    r = fz_sys(FL_SYS_ENDPOINT_CREATE, 0, 0, 0, 0, 0, 0);
    if (r < 0)
        return;
    fz_srv_ep = (fl_handle_t)r;
    fz_srv_obj = fz_new_obj();
    fz_track(r, FL_OBJ_ENDPOINT, fz_srv_obj, 1);
    if (fl_thread_spawn(&srv_thread, server, (void *)(uintptr_t)fz_srv_ep, FZ_PRIO) < 0)
        return;
    seq_ready = 1;
}

/* --- objects ---------------------------------------------------------------------------------- */

static void seq_objects(void)
{
    long pool = fz_sys(FL_SYS_POOL_CREATE, fz_pool, 4 + fz_below(20), 0, 0, 0, 0);
    fz_track(pool, FL_OBJ_POOL, fz_new_obj(), 0);
    long sp = fz_space_create(pool > 0 ? (uint64_t)pool : fz_pool);
    fz_track(sp, FL_OBJ_SPACE, fz_new_obj(), 0);
    long ep = fz_sys(FL_SYS_ENDPOINT_CREATE, 0, 0, 0, 0, 0, 0);
    fz_track(ep, FL_OBJ_ENDPOINT, fz_new_obj(), 0);
    long ntf = fz_sys(FL_SYS_NOTIFICATION_CREATE, 0, 0, 0, 0, 0, 0);
    fz_track(ntf, FL_OBJ_NOTIFICATION, fz_new_obj(), 0);
    if (sp > 0) {
        fz_sys(FL_SYS_HANDLE_GIVE, (uint64_t)sp, (uint64_t)ep, fz_below(32), 0, 0, 0);
        fz_sys(FL_SYS_HANDLE_GIVE, (uint64_t)sp, (uint64_t)ntf, fz_below(32), 0, 0, 0);
        if (ntf > 0)
            fz_sys(FL_SYS_SPACE_WATCH, (uint64_t)sp, (uint64_t)ntf, 1 + fz_below(7), 0, 0, 0);
        long t = fz_sys(FL_SYS_THREAD_CREATE, (uint64_t)sp, (uint64_t)(uintptr_t)fk_read,
                        FK_MBOX_VA + 4096, FK_MBOX_VA, FZ_PRIO, 0);
        fz_track(t, FL_OBJ_THREAD, fz_new_obj(), 0);
        if (t > 0 && ep > 0)
            fz_sys(FL_SYS_THREAD_SET_HANDLER, (uint64_t)t, fz_below(2), (uint64_t)ep, 0, 0, 0);
        if (fz_chance(1, 2))
            fz_sys(FL_SYS_SPACE_DESTROY, (uint64_t)sp, 0, 0, 0, 0, 0);
    }
    if (ep > 0) {
        long b = fz_sys(FL_SYS_HANDLE_MINT, (uint64_t)ep, fz_rand(), fz_below(32), 0, 0, 0);
        fz_handle_t *e = fz_lookup((fl_handle_t)ep);
        fz_track(b, FL_OBJ_ENDPOINT, e ? e->obj : FZ_OBJ_UNKNOWN, 0);
    }
}

/* --- IPC with handles through the server ------------------------------------------------------ */

static void seq_ipc(void)
{
    fl_ipc_buffer_t *b = (fl_ipc_buffer_t *)FL_IPCBUF_VA;
    unsigned n = (unsigned)fz_below(FL_MSG_MAX_HANDLES + 1), words = (unsigned)fz_below(9);
    for (unsigned i = 0; i < n; i++) {
        fz_handle_t *t = fz_pick_tracked(0);
        b->handles[i] = fz_chance(7, 8) && t ? t->h : (fl_handle_t)fz_handle_arg(0);
        b->handle_rights[i] = fz_chance(1, 2) ? FL_RIGHTS_ALL : (uint32_t)fz_below(32);
    }
    for (unsigned i = 4; i < words; i++)
        b->words[i] = fz_rand();
    fz_sys(FL_SYS_THREAD_SET_IPC_BUFFER, FL_IPCBUF_VA, 0, 0, 0, 0, 0);
    fl_msg_t m = {.tag = FL_TAG(7, words, n), .w = {fz_rand(), fz_rand(), fz_rand(), fz_rand()}};
    long r = fz_ipc(fz_chance(1, 4) ? FL_SYS_SEND : FL_SYS_CALL, fz_srv_ep, &m);
    if (r == 0 && m.tag >> 16 == 1)
        for (unsigned i = 0; i < FL_TAG_HANDLES(m.tag); i++) {
            long info = fz_sys(FL_SYS_HANDLE_INFO, b->handles[i], 0, 0, 0, 0, 0);
            if (info >= 0)
                fz_track(b->handles[i], (unsigned)(info & 0xff), FZ_OBJ_UNKNOWN, 0);
        }
}

/* --- memory in a child space -------------------------------------------------------------------
 */

static void seq_map(void)
{
    fz_handle_t *t = fz_pick_tracked(FL_OBJ_SPACE);
    if (!t || t->obj == FZ_OBJ_SELF || t->obj == FZ_OBJ_UNKNOWN)
        return;
    uint64_t s = t->h, va = 0x10000000UL + fz_below(64) * 4096, pages = 1 + fz_below(16);
    unsigned rw = FL_PROT_READ | FL_PROT_WRITE;
    fz_sys(FL_SYS_VM_ALLOC, s, va, pages, fz_chance(1, 2) ? rw : FL_PROT_READ, 0, 0);
    fz_sys(FL_SYS_VM_MAP, s, va + fz_below(8) * 4096, SEQ_SRC(fz_below(8)), 1 + fz_below(8),
           fz_chance(1, 2) ? rw : FL_PROT_READ | FL_PROT_EXEC, 0);
    fz_sys(FL_SYS_VM_PROTECT, s, va, pages, FL_PROT_READ, 0, 0);
    static uint64_t bitmap[8];
    fz_sys(FL_SYS_VM_HARVEST, s, va, 1 + fz_below(64), (uint64_t)(uintptr_t)bitmap, 0, 0);
    if (fz_initrd)
        fz_sys(FL_SYS_REGION_MAP, s, fz_initrd, fz_below(4) * 4096, va + 0x100000,
               (1 + fz_below(4)) * 4096, FL_PROT_READ);
    fz_sys(FL_SYS_VM_PHYS, s, va, fz_pool, 0, 0, 0);
    if (fz_chance(1, 2))
        fz_sys(FL_SYS_VM_UNMAP, s, va, pages + fz_below(16), 0, 0, 0);
}

/* --- pool exhaustion ----------------------------------------------------------------------------
 */

static void seq_exhaust(void)
{
    uint64_t quota = 2 + fz_below(30);
    long pool = fz_sys(FL_SYS_POOL_CREATE, fz_pool, quota, 0, 0, 0, 0);
    if (pool < 0)
        return;
    long made[24];
    unsigned n = 0;
    long sp = -1;
    for (unsigned i = 0; i < 24; i++) {
        long r;
        switch (fz_below(4)) {
        case 0:
            r = fz_space_create((uint64_t)pool);
            if (r > 0)
                sp = r;
            break;
        case 1: r = fz_sys(FL_SYS_POOL_CREATE, (uint64_t)pool, 1 + fz_below(4), 0, 0, 0, 0); break;
        case 2:
            r = sp > 0
                    ? fz_sys(FL_SYS_THREAD_CREATE, (uint64_t)sp, 0x400000, 0x800000, 0, FZ_PRIO, 0)
                    : -1;
            break;
        default:
            r = sp > 0 ? fz_sys(FL_SYS_VM_ALLOC, (uint64_t)sp, 0x10000000UL + i * 0x200000,
                                1 + fz_below(3), FL_PROT_READ, 0, 0)
                       : -1;
            r = -1; /* not a handle */
            break;
        }
        if (r > 0)
            made[n++] = r;
    }
    /* Close in a random order; the pool last or first. */
    if (fz_chance(1, 2))
        fz_sys(FL_SYS_HANDLE_CLOSE, (uint64_t)pool, 0, 0, 0, 0, 0), pool = 0;
    while (n) {
        unsigned i = (unsigned)fz_below(n);
        fz_sys(FL_SYS_HANDLE_CLOSE, (uint64_t)made[i], 0, 0, 0, 0, 0);
        made[i] = made[--n];
    }
    if (pool)
        fz_sys(FL_SYS_HANDLE_CLOSE, (uint64_t)pool, 0, 0, 0, 0, 0);
}

/* --- a chain of spaces, each holding the only handle to the next ------------------------------ */

/* Closing the head tears the chain down (recursively today: issue 11 item 4, which overflows
 * the kernel stack somewhere past 140 levels; with FZ_AVOID(4) chains stay short). */
static void seq_chain(void)
{
    uint64_t limit = 0;
    long used = fl_pool_info(fz_pool, &limit);
    if (used < 0)
        return;
    uint64_t spare = limit - (uint64_t)used, depth = 2 + fz_below(fz_avoid(4) ? 8 : 200);
    if (depth * 2 + 8 > spare)
        depth = spare > 16 ? (spare - 8) / 2 : 0;
    if (depth < 2)
        return;
    long pool = fz_sys(FL_SYS_POOL_CREATE, fz_pool, depth * 2 + 2, 0, 0, 0, 0);
    if (pool < 0)
        return;
    long head = fz_space_create((uint64_t)pool), prev = head;
    for (uint64_t i = 1; i < depth && prev > 0; i++) {
        long next = fz_space_create((uint64_t)pool);
        if (next < 0)
            break;
        fz_sys(FL_SYS_HANDLE_GIVE, (uint64_t)prev, (uint64_t)next, FL_RIGHTS_ALL, 0, 0, 0);
        if (prev != head)
            fz_sys(FL_SYS_HANDLE_CLOSE, (uint64_t)prev, 0, 0, 0, 0, 0);
        prev = next;
    }
    if (prev > 0 && prev != head)
        fz_sys(FL_SYS_HANDLE_CLOSE, (uint64_t)prev, 0, 0, 0, 0, 0);
    if (head > 0)
        fz_sys(FL_SYS_HANDLE_CLOSE, (uint64_t)head, 0, 0, 0, 0, 0);
    long left = fl_pool_info((fl_handle_t)pool, NULL);
    if (left != 0)
        fz_oracle("a chain of %llu spaces left %ld frames charged after its head closed",
                  (unsigned long long)depth, left);
    fz_sys(FL_SYS_HANDLE_CLOSE, (uint64_t)pool, 0, 0, 0, 0, 0);
}

/* --- the worker as a pager
 * ------------------------------------------------------------------------ */

typedef struct watcher {
    fl_handle_t ntf, ep; /* waits on ntf, then sends ENDED on ep */
} watcher_t;

static void watch_fn(void *arg)
{
    watcher_t *w = arg;
    fl_msg_t m = {.tag = FL_TAG(LABEL_ENDED, 0, 0)};
    if (fl_wait(w->ntf) > 0)
        fl_send(w->ep, &m);
}

typedef struct mortal {
    fl_handle_t ep;
    fl_msg_t got;
    long r;
} mortal_t;

/* A pager that dies holding a fault: receives one message and returns without replying. */
static void mortal_fn(void *arg)
{
    mortal_t *p = arg;
    p->r = fl_recv(p->ep, &p->got);
}

static const void *const routines[] = {fk_read,    fk_write, fk_touch_pages, fk_touch_pages,
                                       fk_exec,    fk_udf,   fk_brk,         fk_branch,
                                       fk_syscall, fk_ldxr,  fk_fpu,         fk_touch_pages};

/* The child's inputs: which routine, where it faults. self: a thread in the worker itself. */
static const void *child_setup(mbox_t *mb, int self, uint64_t data)
{
    unsigned k = (unsigned)fz_below(sizeof(routines) / sizeof(routines[0]));
    const void *fn = routines[k];
    memset(mb, 0, sizeof(*mb));
    mb->addr = data + fz_below(16) * 4096 + (fz_chance(1, 8) ? 8 * fz_below(512) : 0);
    if (!self && fz_chance(1, 10))
        mb->addr = (uint64_t[]){KADDR, UTOP - 8, 0, 0xffffffffffff0000ULL}[fz_below(4)];
    if (fn == fk_touch_pages) {
        mb->addr = data;
        mb->arg = 1 + fz_below(16);
        mb->arg2 = fz_rand();
    } else if (fn == fk_syscall) {
        mb->arg = 1 + fz_below(4); /* a few '.' once mapped */
        mb->arg2 = fz_chance(1, 2) ? mb->addr + 4096 : 0;
    } else if (fn == fk_write || fn == fk_ldxr) {
        mb->arg = fz_rand();
    } else if (fn == fk_branch) {
        mb->addr = data + 2 + 4 * fz_below(4);
    }
    return fn;
}

/* The child's DEBUG_WRITE calls (fk_syscall) returned what syscalls.md allows: the length,
 * FL_EFAULT after a fail reply, FL_EINVAL for a range outside user space. Item 3 of issue 11
 * shows here as the buffer's address coming back. */
static void check_syscall_results(const mbox_t *mb, const fl_msg_t *done)
{
    for (unsigned i = 0; i < 2; i++) {
        long got = (long)done->w[i];
        if (i == 1 && !mb->arg2)
            break;
        uint64_t buf = i ? mb->arg2 : mb->addr;
        if (got != (long)mb->arg && got != FL_EFAULT && got != FL_EINVAL)
            fz_oracle("DEBUG_WRITE %u of a paged child returned %#lx (buffer %#llx, %llu bytes; "
                      "in the worker: VM_PHYS %ld)",
                      i + 1, got, (unsigned long long)buf, (unsigned long long)mb->arg,
                      fl_syscall6(FL_SYS_VM_PHYS, fz_self, buf, fz_pool, 0, 0, 0));
    }
}

/* One reply to a fault message m (from a child in space s, faulting near data). Returns 1 if
 * the client is certainly gone now (a rejected reply, a fail reply). *next is set when the
 * reply was a REPLY_RECV that already received the next message. */
static int answer(fl_handle_t ep, uint64_t s, int self, fl_msg_t *m, int *have_next, int syscall)
{
    uint64_t page = m->w[0] & ~0xfffULL, src = SEQ_SRC(fz_below(16));
    unsigned rw = FL_PROT_READ | FL_PROT_WRITE;
    unsigned pages = 1 + (unsigned)fz_below(4);
    fl_msg_t r;
    long ret;
    int dead = 0;

    if (src + pages * 4096 > SEQ_SRC(16))
        pages = 1;
    switch (fz_below(16)) {
    case 0:
    case 1:
    case 2:
    case 3:
    case 4: /* a good map, sometimes map-ahead */
        r = (fl_msg_t){.tag = FL_TAG(FL_FAULT_REPLY_MAP, 4, 0),
                       .w = {page, src, pages, fz_chance(3, 4) ? rw : FL_PROT_READ}};
        if (self && !fz_avoid(1) && fz_chance(1, 2)) {
            /* Item 1: source and destination overlap in the pager's own space. */
            r.w[0] = SEQ_SRC(fz_below(4));
            r.w[1] = r.w[0] + (fz_chance(1, 2) ? 4096 : -4096ULL) * (1 + fz_below(2));
            r.w[2] = 2 + fz_below(3);
            if (r.w[1] < SEQ_SRC(0))
                r.w[1] = SEQ_SRC(0);
        }
        break;
    case 5: /* mapped with VM_MAP, then resume */
        fz_sys(FL_SYS_VM_MAP, s, page, src, 1, rw, 0);
        r = (fl_msg_t){.tag = FL_TAG(FL_FAULT_REPLY_RESUME, 0, 0)};
        break;
    case 6: /* resume without fixing anything: it faults again */
        r = (fl_msg_t){.tag = FL_TAG(FL_FAULT_REPLY_RESUME, 0, 0)};
        break;
    case 7:
        r = (fl_msg_t){.tag = FL_TAG(FL_FAULT_REPLY_FAIL, 1, 0), .w = {1 + fz_below(6)}};
        dead = 1;
        break;
    case 8: /* with handles */
        ((fl_ipc_buffer_t *)FL_IPCBUF_VA)->handles[0] = fz_srv_ep;
        ((fl_ipc_buffer_t *)FL_IPCBUF_VA)->handle_rights[0] = FL_RIGHTS_ALL;
        r = (fl_msg_t){.tag = FL_TAG(FL_FAULT_REPLY_MAP, 4, 1 + fz_below(2)),
                       .w = {page, src, 1, FL_PROT_READ}};
        break;
    default: { /* garbage */
        static const uint64_t bad_addr[] = {0xffff000040000000ULL, FL_USER_TOP - 4096,
                                            FL_USER_TOP,           ~0xfffULL,
                                            0x600000000000ULL,     8};
        r = (fl_msg_t){.tag = FL_TAG(FL_FAULT_REPLY_MAP, 4, 0),
                       .w = {page, src, pages, FL_PROT_READ}};
        switch (fz_below(8)) {
        case 0: r.w[0] = bad_addr[fz_below(6)]; break;
        case 1: r.w[1] = bad_addr[fz_below(6)]; break;
        case 2: r.w[2] = (uint64_t[]){0, 17, ~0ULL, 1ULL << 52}[fz_below(4)]; break;
        case 3: r.w[3] = (uint64_t[]){0, 2, 8, FL_PROT_READ | FL_PROT_EXEC}[fz_below(4)]; break;
        case 4: r.tag = FL_TAG(fz_rand() & 0xffff, fz_below(5), 0); break;
        case 5: r.tag = FL_TAG(FL_FAULT_REPLY_MAP, fz_below(4), 0); break;
        case 6: r.w[0] = FL_USER_TOP - 4096, r.w[2] = 2 + fz_below(3); break; /* wraps */
        default: r = (fl_msg_t){.tag = FL_TAG(FL_FAULT_REPLY_FAIL, 1, 0), .w = {fz_rand()}};
        }
        break;
    }
    }
    int via_recv = !self && fz_chance(1, 3) && !(syscall && fz_avoid(3));
    if (via_recv) {
        /* REPLY_RECV: the fast path when it applies; its reply result is not reported. */
        if (fz_ipc(FL_SYS_REPLY_RECV, ep, &r) == 0) {
            *have_next = 1;
            *m = r;
            return 0; /* the next message tells */
        }
        ret = -1; /* refused before replying: the client still waits */
    } else {
        ret = fz_ipc(FL_SYS_REPLY, 0, &r);
    }
    if (ret < 0) {
        /* Whether a refused reply stopped the client or not, this one ends it for sure (or
         * finds it gone, FL_EPEER), so nobody waits for a reply that never comes. */
        fl_msg_t fail = {.tag = FL_TAG(FL_FAULT_REPLY_FAIL, 1, 0), .w = {FL_FAULT_FAIL_OTHER}};
        fz_ipc(FL_SYS_REPLY, 0, &fail);
        dead = 1;
    }
    if (fz_chance(1, 8)) { /* a second reply: nothing is owed any more */
        fl_msg_t again = {.tag = FL_TAG(FL_FAULT_REPLY_RESUME, 0, 0)};
        fz_ipc(FL_SYS_REPLY, 0, &again);
    }
    return dead;
}

/* A child in a fresh space, with the worker as its pager (and exception handler). */
static void seq_pager_child(void)
{
    static mbox_t *const mb = (mbox_t *)SEQ_MBOX;
    static watcher_t w;
    static mortal_t mortal;
    fl_thread_t wt, mt;
    long pool, s, ep, t2 = -1, h;
    int ended = 0, syscall;

    pool = fz_sys(FL_SYS_POOL_CREATE, fz_pool, 12 + fz_below(28), 0, 0, 0, 0);
    if (pool < 0)
        return;
    s = fz_space_create((uint64_t)pool);
    ep = fz_sys(FL_SYS_ENDPOINT_CREATE, 0, 0, 0, 0, 0, 0);
    long ntf = fz_sys(FL_SYS_NOTIFICATION_CREATE, 0, 0, 0, 0, 0, 0);
    fz_track(pool, FL_OBJ_POOL, fz_new_obj(), 0);
    fz_track(ep, FL_OBJ_ENDPOINT, fz_new_obj(), 1);
    fz_track(ntf, FL_OBJ_NOTIFICATION, fz_new_obj(), 1);
    fz_track(s, FL_OBJ_SPACE, fz_new_obj(), 1);
    if (s < 0 || ep < 0 || ntf < 0)
        goto out;
    uint64_t text = (uint64_t)(uintptr_t)fk_text_start;
    fz_sys(FL_SYS_VM_MAP, (uint64_t)s, text, text, (uint64_t)(fk_text_end - fk_text_start) / 4096,
           FL_PROT_READ | FL_PROT_EXEC, 0);
    const void *fn = child_setup(mb, 0, FK_DATA_VA);
    syscall = fn == fk_syscall;
    h = fz_sys(FL_SYS_HANDLE_MINT, (uint64_t)ep, 0xd0, FL_RIGHT_WRITE | FL_RIGHT_GRANT, 0, 0, 0);
    if (h > 0) {
        mb->ep =
            (uint64_t)fz_sys(FL_SYS_HANDLE_GIVE, (uint64_t)s, (uint64_t)h, FL_RIGHT_WRITE, 0, 0, 0);
        fz_sys(FL_SYS_HANDLE_CLOSE, (uint64_t)h, 0, 0, 0, 0, 0);
    }
    fz_sys(FL_SYS_VM_MAP, (uint64_t)s, FK_MBOX_VA, SEQ_MBOX, 1, FL_PROT_READ | FL_PROT_WRITE, 0);
    fz_sys(FL_SYS_SPACE_WATCH, (uint64_t)s, (uint64_t)ntf, 1, 0, 0, 0);
    w.ntf = (fl_handle_t)ntf;
    w.ep = (fl_handle_t)ep;
    if (fl_thread_spawn(&wt, watch_fn, &w, FZ_PRIO) < 0) {
        fz_sys(FL_SYS_SPACE_DESTROY, (uint64_t)s, 0, 0, 0, 0, 0);
        goto out;
    }
    long t = -1;
    for (unsigned i = 0, nt = 1 + (unsigned)fz_chance(1, 4); i < nt; i++) {
        t = fz_sys(FL_SYS_THREAD_CREATE, (uint64_t)s, (uint64_t)(uintptr_t)fn, FK_MBOX_VA + 4096,
                   FK_MBOX_VA, FZ_PRIO - fz_below(2), 0);
        if (t < 0)
            break;
        if (i)
            t2 = t;
        for (unsigned which = 0; which < 2; which++) {
            h = fz_sys(FL_SYS_HANDLE_MINT, (uint64_t)ep, 0xfa0 + which, FL_RIGHT_WRITE, 0, 0, 0);
            if (h > 0 && (which == 0 || fz_chance(7, 8)))
                fz_sys(FL_SYS_THREAD_SET_HANDLER, (uint64_t)t, which, (uint64_t)h, 0, 0, 0);
            if (h > 0)
                fz_sys(FL_SYS_HANDLE_CLOSE, (uint64_t)h, 0, 0, 0, 0, 0);
        }
        fz_sys(FL_SYS_THREAD_START, (uint64_t)t, 0, 0, 0, 0, 0);
        fz_sys(FL_SYS_HANDLE_CLOSE, (uint64_t)t, 0, 0, 0, 0, 0);
    }
    if (t < 0) /* no thread runs: end the space so the watcher ends */
        fz_sys(FL_SYS_SPACE_DESTROY, (uint64_t)s, 0, 0, 0, 0, 0);
    (void)t2;

    fl_msg_t m;
    int have = 0;
    if (fz_chance(1, 8)) {
        /* The pager dies holding the first message. */
        long d = fz_sys(FL_SYS_HANDLE_DUP, (uint64_t)ep, FL_RIGHT_READ, 0, 0, 0, 0);
        mortal = (mortal_t){.ep = (fl_handle_t)d};
        if (d > 0 && fl_thread_spawn(&mt, mortal_fn, &mortal, FZ_PRIO) == 0) {
            fl_thread_join(&mt);
            if (mortal.r == 0 && FL_TAG_LABEL(mortal.got.tag) == LABEL_ENDED)
                ended = 1;
        }
        if (d > 0)
            fz_sys(FL_SYS_HANDLE_CLOSE, (uint64_t)d, 0, 0, 0, 0, 0);
    }
    for (unsigned n = 0; !ended && n < 4 + fz_below(12); n++) {
        if (!have && fz_ipc(FL_SYS_RECV, (fl_handle_t)ep, &m) < 0)
            break;
        have = 0;
        uint64_t label = FL_TAG_LABEL(m.tag);
        if (label == LABEL_ENDED) {
            ended = 1;
            break;
        }
        if (label == FK_LABEL_DONE) {
            if (syscall)
                check_syscall_results(mb, &m);
            fl_msg_t ok = {.tag = FL_TAG(0, 0, 0)};
            fz_ipc(FL_SYS_REPLY, 0, &ok);
            continue;
        }
        if (fz_chance(1, 16)) { /* the space goes away under a pending fault */
            fz_sys(FL_SYS_SPACE_DESTROY, (uint64_t)s, 0, 0, 0, 0, 0);
            fl_msg_t late = {.tag = FL_TAG(FL_FAULT_REPLY_RESUME, 0, 0)};
            fz_ipc(FL_SYS_REPLY, 0, &late);
            continue;
        }
        if (fz_chance(1, 20)) { /* the endpoint closes under a pending fault */
            fz_sys(FL_SYS_HANDLE_CLOSE, (uint64_t)ep, 0, 0, 0, 0, 0);
            fz_forget((fl_handle_t)ep);
            ep = -1;
            break;
        }
        answer((fl_handle_t)ep, (uint64_t)s, 0, &m, &have, syscall);
    }
    if (!ended) {
        fz_sys(FL_SYS_SPACE_DESTROY, (uint64_t)s, 0, 0, 0, 0, 0);
        if (have && FL_TAG_LABEL(m.tag) == LABEL_ENDED)
            ended = 1;
        if (have && FL_TAG_LABEL(m.tag) != LABEL_ENDED && FL_TAG_LABEL(m.tag) != FK_LABEL_DONE) {
            fl_msg_t late = {.tag = FL_TAG(FL_FAULT_REPLY_RESUME, 0, 0)};
            fz_ipc(FL_SYS_REPLY, 0, &late); /* the space is gone: FL_EPEER */
        }
        /* The watcher's ENDED is the last message (the space's threads are all dead). */
        while (!ended && ep > 0 && fz_ipc(FL_SYS_RECV, (fl_handle_t)ep, &m) == 0)
            if (FL_TAG_LABEL(m.tag) == LABEL_ENDED)
                ended = 1;
    }
    fl_thread_join(&wt);
out:
    if (s > 0 && fz_lookup((fl_handle_t)s))
        fz_lookup((fl_handle_t)s)->keep = 0;
    if (ep > 0 && fz_lookup((fl_handle_t)ep))
        fz_lookup((fl_handle_t)ep)->keep = 0;
    if (ntf > 0 && fz_lookup((fl_handle_t)ntf))
        fz_lookup((fl_handle_t)ntf)->keep = 0;
}

/* A thread in the worker's own space, paged by the worker (never touching kernel addresses,
 * so every reply that lets it go on brings another message). */
static void seq_pager_self(void)
{
    static unsigned turn;
    uint64_t mbva = SEQ_SELFMBOX(turn++);
    mbox_t *const mb = (mbox_t *)mbva;
    long ep = fz_sys(FL_SYS_ENDPOINT_CREATE, 0, 0, 0, 0, 0, 0);
    if (ep < 0)
        return;
    const void *fn = child_setup(mb, 1, FZ_PLAY_VA + 32 * 4096);
    long h = fz_sys(FL_SYS_HANDLE_MINT, (uint64_t)ep, 0xd0, FL_RIGHT_WRITE, 0, 0, 0);
    mb->ep = h > 0 ? (uint64_t)h : 0;
    long t = fz_sys(FL_SYS_THREAD_CREATE, fz_self, (uint64_t)(uintptr_t)fn, mbva + 4096, mbva,
                    FZ_PRIO, 0);
    int gone = t < 0 || h < 0;
    if (!gone) {
        for (unsigned which = 0; which < 2; which++)
            fz_sys(FL_SYS_THREAD_SET_HANDLER, (uint64_t)t, which, (uint64_t)ep, 0, 0, 0);
        gone = fz_sys(FL_SYS_THREAD_START, (uint64_t)t, 0, 0, 0, 0, 0) != 0;
    }
    unsigned limit = 2 + (unsigned)fz_below(10);
    for (unsigned n = 0; !gone; n++) {
        fl_msg_t m = {0};
        int have = 0;
        if (fz_ipc(FL_SYS_RECV, (fl_handle_t)ep, &m) < 0)
            break;
        if (FL_TAG_LABEL(m.tag) == FK_LABEL_DONE) {
            if (fn == fk_syscall)
                check_syscall_results(mb, &m);
            fl_msg_t ok = {.tag = FL_TAG(0, 0, 0)};
            fz_ipc(FL_SYS_REPLY, 0, &ok);
            break; /* it exits */
        }
        if (n >= limit) {
            fl_msg_t fail = {.tag = FL_TAG(FL_FAULT_REPLY_FAIL, 1, 0), .w = {1}};
            fz_ipc(FL_SYS_REPLY, 0, &fail);
            break;
        }
        gone = answer((fl_handle_t)ep, fz_self, 1, &m, &have, 0);
    }
    if (h > 0)
        fz_sys(FL_SYS_HANDLE_CLOSE, (uint64_t)h, 0, 0, 0, 0, 0);
    fz_sys(FL_SYS_HANDLE_CLOSE, (uint64_t)ep, 0, 0, 0, 0, 0);
    if (t > 0)
        fz_sys(FL_SYS_HANDLE_CLOSE, (uint64_t)t, 0, 0, 0, 0, 0);
}

void fz_seq_run(void)
{
    if (!seq_ready)
        return;
    switch (fz_below(9)) {
    case 8: fz_sh->where = 7, seq_chain(); break;
    case 0: fz_sh->where = 1, seq_objects(); break;
    case 1:
    case 2: fz_sh->where = 2, seq_ipc(); break;
    case 3: fz_sh->where = 3, seq_map(); break;
    case 4: fz_sh->where = 4, seq_exhaust(); break;
    case 5:
    case 6: fz_sh->where = 5, seq_pager_child(); break;
    default: fz_sh->where = 6, seq_pager_self(); break;
    }
}
