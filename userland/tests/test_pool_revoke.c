/*
 * Pool revocation (FL_SYS_POOL_REVOKE, issue 11): the holder of a pool with MANAGE ends every
 * process charged to it or below it and gets every frame back, even from "orphans" the
 * in-OS fuzzer found: processes alive but unreachable, such as a child whose only thread
 * faults to an endpoint only that child can receive on, with no handle to it left anywhere.
 */
#include "tests.h"
#include <fl/layout.h>

#define PG           0x1000UL
#define RW           (FL_PROT_READ | FL_PROT_WRITE)
#define ORPHAN_ENTRY 0x10000000UL /* unmapped in the child: its first instruction faults */
#define CHILD_STACK  0x20000000UL /* the lender's stack page in its space */
#define CHILD_SRC    0x30000000UL /* the page the lender allocates and lends */
#define LEND_DST     (FL_IPCBUF_VA + 0xc0000UL) /* where the lent page shows up in init */

/* Free frames settle at once (revocation allocates nothing and defers nothing), but a
 * thread that was just woken may still have to run to let go of what it holds. */
static long settled(long want)
{
    long now = fl_frames_free();
    uint64_t until = test_ticks() + 200; /* by the clock: see revoke() */
    while (now != want && test_ticks() < until) {
        fl_yield();
        now = fl_frames_free();
    }
    return now;
}

static long used(fl_handle_t pool)
{
    return fl_pool_info(pool, NULL);
}

/* Revokes pool; the frames still charged once they stop moving (want: what should be left).
 * On one CPU that is the call's own answer. On more, a revoked thread running on another CPU
 * at that moment is freed by that CPU as it leaves it, a moment later: waited for by the
 * clock (up to 2 s), not by a count of yields, which a busy host can run through while the
 * other vCPU is not scheduled at all. */
static long revoke(fl_handle_t pool, long want)
{
    long r = fl_pool_revoke(pool);
    uint64_t until = test_ticks() + 200;
    while (r >= 0 && r != want && test_ticks() < until) {
        fl_yield();
        r = used(pool);
    }
    return r;
}

/* A child of pool whose one thread faults at once to ep, given only to the child (READ: it
 * alone could answer). The caller keeps *space / *thread if asked, else closes them. */
static long child_faulting_to(fl_handle_t pool, fl_handle_t ep, fl_handle_t *space,
                              fl_handle_t *thread)
{
    long s, t, r;
    if ((s = fl_space_create(pool)) < 0)
        return s;
    r = fl_handle_give((fl_handle_t)s, ep, FL_RIGHT_READ);
    t = r < 0
            ? r
            : fl_thread_create((fl_handle_t)s, ORPHAN_ENTRY, ORPHAN_ENTRY, 0, FL_PRIORITY_DEFAULT);
    r = t;
    if (t >= 0) {
        r = fl_thread_set_handler((fl_handle_t)t, FL_HANDLER_PAGER, ep);
        if (r >= 0)
            r = fl_thread_start((fl_handle_t)t);
        if (thread && r >= 0)
            *thread = (fl_handle_t)t;
        else
            fl_handle_close((fl_handle_t)t);
    }
    if (space && r >= 0)
        *space = (fl_handle_t)s;
    else
        fl_handle_close((fl_handle_t)s);
    return r;
}

/* The fuzzer's orphan: the child holds the only receive handle of the endpoint its own thread
 * faults to, and nobody else holds anything of it. */
static long make_orphan(fl_handle_t pool)
{
    long ep = fl_endpoint_create();
    if (ep < 0)
        return ep;
    long r = child_faulting_to(pool, (fl_handle_t)ep, NULL, NULL);
    fl_handle_close((fl_handle_t)ep);
    for (int i = 0; i < 3; i++)
        fl_yield(); /* let it fault */
    return r;
}

FL_TEST(pool_revoke_orphan)
{
    long before = fl_frames_free(), r;
    fl_handle_t p;
    CHECK_OK(r, fl_pool_create(fl_pool(), 32));
    p = (fl_handle_t)r;
    CHECK_OK(r, make_orphan(p));
    CHECK_OK(r, make_orphan(p));
    long held = used(p);
    for (int i = 0; i < 20; i++)
        fl_yield();
    CHECK(held > 0 && used(p) == held, "the orphans hold %ld frames, then %ld", held, used(p));
    CHECK_EQ(revoke(p, 0), 0);
    CHECK_EQ(used(p), 0);
    CHECK_EQ(revoke(p, 0), 0);       /* again: nothing left */
    CHECK_OK(r, fl_space_create(p)); /* the pool stays usable */
    CHECK_EQ(fl_handle_close((fl_handle_t)r), FL_OK);
    CHECK_EQ(used(p), 0);
    CHECK_EQ(fl_handle_close(p), FL_OK);
    CHECK_EQ(settled(before), before);
    return NULL;
}

FL_TEST(pool_revoke_empty)
{
    long r;
    fl_handle_t p;
    CHECK_OK(r, fl_pool_create(fl_pool(), 8));
    p = test_handle(r);
    CHECK_EQ(revoke(p, 0), 0);
    CHECK_EQ(used(p), 0);
    uint64_t limit = 0;
    CHECK_EQ(fl_pool_info(p, &limit), 0);
    CHECK_EQ(limit, 8);
    CHECK_OK(r, fl_space_create(p));
    CHECK(used(p) > 0, "a space charges its pool");
    CHECK_EQ(revoke(p, 0), 0); /* its handle here is closed, the space is gone */
    CHECK_EQ(fl_handle_info((fl_handle_t)r), FL_EBADH);
    return NULL;
}

FL_TEST(pool_revoke_badargs)
{
    long r;
    fl_handle_t p, ro, ep;
    CHECK_EQ(fl_pool_revoke(0), FL_EBADH);
    CHECK_EQ(fl_pool_revoke(0xffff), FL_EBADH);
    CHECK_OK(r, fl_pool_create(fl_pool(), 8));
    p = test_handle(r);
    CHECK_OK(r, fl_endpoint_create());
    ep = test_handle(r);
    CHECK_EQ(fl_pool_revoke(ep), FL_ETYPE);
    CHECK_OK(r, fl_handle_dup(p, FL_RIGHTS_ALL & ~FL_RIGHT_MANAGE));
    ro = (fl_handle_t)r;
    CHECK_EQ(fl_pool_revoke(ro), FL_EPERM);
    CHECK_EQ(fl_handle_close(ro), FL_OK);
    CHECK_EQ(fl_pool_revoke(ro), FL_EBADH); /* closed */
    /* The pool the caller itself is charged to: it would end itself; refused, nothing done. */
    CHECK_EQ(fl_pool_revoke(fl_pool()), FL_EBUSY);
    CHECK_OK(r, fl_endpoint_create()); /* still alive and well */
    test_handle(r);
    return NULL;
}

typedef struct {
    fl_handle_t ep;
    int send; /* send instead of call */
    long got;
} caller_t;

static void blocked_caller(void *arg)
{
    caller_t *c = arg;
    fl_msg_t m = {.tag = FL_TAG(1, 1, 0), .w = {7}};
    c->got = c->send ? fl_send(c->ep, &m) : fl_call(c->ep, &m);
}

/* Threads of another pool blocked on an endpoint only the revoked process could receive on
 * wake with FL_EPEER; the revoked process's space and thread handles held here are closed. */
FL_TEST(pool_revoke_wakes_blocked)
{
    static fl_thread_t th[2];
    static caller_t c[2];
    long before = fl_frames_free(), r;
    fl_handle_t p, ep, wo, s = 0, t = 0;
    CHECK_OK(r, fl_pool_create(fl_pool(), 32));
    p = (fl_handle_t)r;
    CHECK_OK(r, fl_endpoint_create());
    ep = (fl_handle_t)r;
    CHECK_OK(r, fl_handle_dup(ep, FL_RIGHT_WRITE));
    wo = (fl_handle_t)r;
    CHECK_OK(r, child_faulting_to(p, ep, &s, &t));
    CHECK_EQ(fl_handle_close(ep), FL_OK); /* only the child can receive now */
    for (int i = 0; i < 2; i++) {
        c[i] = (caller_t){.ep = wo, .send = i, .got = 1};
        CHECK_OK(r,
                 fl_thread_spawn(test_thread(&th[i]), blocked_caller, &c[i], FL_PRIORITY_DEFAULT));
    }
    for (int i = 0; i < 10; i++)
        fl_yield();
    CHECK(c[0].got == 1 && c[1].got == 1, "the callers did not block: %ld %ld", c[0].got, c[1].got);
    CHECK_EQ(revoke(p, 0), 0);
    CHECK_EQ(fl_thread_join(&th[0]), FL_OK);
    CHECK_EQ(fl_thread_join(&th[1]), FL_OK);
    CHECK_EQ(c[0].got, FL_EPEER);
    CHECK_EQ(c[1].got, FL_EPEER);
    fl_msg_t m = {.tag = FL_TAG(1, 0, 0)};
    CHECK_EQ(fl_send(wo, &m), FL_EPEER);          /* the endpoint (charged here) is closed */
    CHECK_EQ(fl_space_status(s, NULL), FL_EBADH); /* handles to revoked objects are closed */
    CHECK_EQ(fl_thread_start(t), FL_EBADH);
    CHECK_EQ(used(p), 0);
    CHECK_EQ(fl_handle_close(wo), FL_OK);
    CHECK_EQ(fl_handle_close(p), FL_OK);
    CHECK_EQ(settled(before), before);
    return NULL;
}

/* P > Q > R, orphans in each: revoking Q takes Q and R and leaves P's; revoking P takes the
 * rest, and closes the handles held here to its sub-pools. */
FL_TEST(pool_revoke_nested)
{
    long before = fl_frames_free(), r;
    fl_handle_t p, q, q2, rr;
    CHECK_OK(r, fl_pool_create(fl_pool(), 96));
    p = (fl_handle_t)r;
    CHECK_OK(r, fl_pool_create(p, 48));
    q = (fl_handle_t)r;
    CHECK_OK(r, fl_pool_create(q, 16));
    rr = (fl_handle_t)r;
    CHECK_OK(r, make_orphan(p));
    long p_own = used(p) - 48 - 1;
    CHECK_OK(r, make_orphan(q));
    CHECK_OK(r, make_orphan(rr));
    CHECK_OK(r, make_orphan(rr));
    CHECK(used(rr) > 0 && used(q) > 16 + 1, "orphans below: %ld, %ld", used(rr), used(q));
    CHECK_EQ(revoke(q, 0), 0);
    CHECK_EQ(used(q), 0);
    CHECK_EQ(fl_pool_info(rr, NULL), FL_EBADH); /* R was charged to Q: gone */
    CHECK_EQ(used(p), p_own + 48 + 1);          /* Q stays, empty; P's orphan lives */
    CHECK_OK(r, fl_pool_create(q, 8));          /* Q is usable */
    q2 = (fl_handle_t)r;
    CHECK_OK(r, make_orphan(q2));
    CHECK_EQ(revoke(p, 0), 0);
    CHECK_EQ(used(p), 0);
    CHECK_EQ(fl_pool_info(q, NULL), FL_EBADH);
    CHECK_EQ(fl_pool_info(q2, NULL), FL_EBADH);
    CHECK_EQ(fl_handle_close(p), FL_OK);
    CHECK_EQ(settled(before), before);
    return NULL;
}

/* A fault from a revoked process that a pager in another pool has received and not answered
 * (held), and one still queued (pending): both go with the process; the late answer finds
 * nobody and changes nothing. */
FL_TEST(pool_revoke_pending_fault)
{
    long before = fl_frames_free(), r;
    fl_handle_t p, ep;
    fl_msg_t m;
    CHECK_OK(r, fl_pool_create(fl_pool(), 32));
    p = (fl_handle_t)r;
    CHECK_OK(r, fl_endpoint_create());
    ep = (fl_handle_t)r;
    CHECK_OK(r, child_faulting_to(p, ep, NULL, NULL));
    CHECK_OK(r, child_faulting_to(p, ep, NULL, NULL));
    CHECK_OK(r, fl_recv(ep, &m)); /* one held here; the other still queued */
    CHECK_EQ(FL_TAG_LABEL(m.tag), FL_LABEL_PAGE_FAULT);
    CHECK(used(p) > 0, "the children are charged");
    CHECK_EQ(revoke(p, 0), 0);
    CHECK_EQ(used(p), 0);
    m = (fl_msg_t){.tag = FL_TAG(0, 0, 0)};
    r = fl_reply(&m); /* nobody waits for it any more */
    CHECK(r == FL_OK || r == FL_EPEER || r == FL_ENOENT, "late reply: %s", fl_strerror(r));
    CHECK_EQ(used(p), 0);
    CHECK_EQ(fl_handle_close(ep), FL_OK);
    CHECK_EQ(fl_handle_close(p), FL_OK);
    CHECK_EQ(settled(before), before);
    return NULL;
}

static inline __attribute__((always_inline)) long raw5(uint64_t nr, uint64_t a0, uint64_t a1,
                                                       uint64_t a2, uint64_t a3, uint64_t a4)
{
    register uint64_t x0 __asm__("x0") = a0;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = a2;
    register uint64_t x3 __asm__("x3") = a3;
    register uint64_t x4 __asm__("x4") = a4;
    register uint64_t x8 __asm__("x8") = nr;
    __asm__ volatile("svc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x8)
                     : "r"(x2), "r"(x3), "r"(x4)
                     : "memory");
    return (long)x0;
}

/* Runs in a child space (its code pages are init's, mapped there): allocates a page of its own
 * pool, lends it to init, signals, then yields for ever. arg: the child's handles to itself,
 * to init's space and to a notification, 16 bits each. Registers and svc only: no data. */
static void __attribute__((noinline, aligned(256))) lender(uint64_t arg)
{
    uint64_t self = arg & 0xffff, init = (arg >> 16) & 0xffff, ntf = arg >> 32;
    raw5(FL_SYS_VM_ALLOC, self, CHILD_SRC, 1, RW, 0);
    raw5(FL_SYS_VM_MAP, init, LEND_DST, CHILD_SRC, 1, RW);
    raw5(FL_SYS_SIGNAL, ntf, 1, 0, 0, 0);
    for (;;)
        raw5(FL_SYS_YIELD, 0, 0, 0, 0, 0);
}

/* A frame a revoked process lent into another space stays mapped there and charged to the
 * revoked pool until that space unmaps it (revoke returns how many such frames are left). */
FL_TEST(pool_revoke_lent_frames)
{
    long before = fl_frames_free(), r;
    fl_handle_t p, s, ntf, self = fl_self_space();
    uint64_t code = (uint64_t)(uintptr_t)lender & ~(PG - 1);
    CHECK_OK(r, fl_pool_create(fl_pool(), 32));
    p = (fl_handle_t)r;
    CHECK_OK(r, fl_notification_create());
    ntf = (fl_handle_t)r;
    CHECK_OK(r, fl_space_create(p));
    s = (fl_handle_t)r;
    CHECK_EQ(fl_vm_map(s, code, code, 1, FL_PROT_READ | FL_PROT_EXEC), FL_OK);
    if ((uint64_t)(uintptr_t)lender + 256 > code + PG) /* aligned(256): never past one more */
        CHECK_EQ(fl_vm_map(s, code + PG, code + PG, 1, FL_PROT_READ | FL_PROT_EXEC), FL_OK);
    CHECK_EQ(fl_vm_alloc(s, CHILD_STACK, 1, RW), FL_OK);
    long hs, hi, hn, t;
    CHECK_OK(hs, fl_handle_give(s, s, FL_RIGHTS_ALL));
    CHECK_OK(hi, fl_handle_give(s, self, FL_RIGHT_MAP | FL_RIGHT_WRITE));
    CHECK_OK(hn, fl_handle_give(s, ntf, FL_RIGHT_WRITE));
    CHECK_OK(t, fl_thread_create(s, (uint64_t)(uintptr_t)lender, CHILD_STACK + PG,
                                 (uint64_t)hs | (uint64_t)hi << 16 | (uint64_t)hn << 32,
                                 FL_PRIORITY_DEFAULT));
    CHECK_EQ(fl_thread_start((fl_handle_t)t), FL_OK);
    CHECK_EQ(fl_handle_close((fl_handle_t)t), FL_OK);
    CHECK_EQ(fl_handle_close(s), FL_OK);
    CHECK_EQ(fl_wait(ntf), 1);
    volatile uint64_t *lent = (volatile uint64_t *)LEND_DST;
    *lent = 0x5eed;
    CHECK_EQ(revoke(p, 1), 1); /* the lent page: still mapped here */
    CHECK_EQ(used(p), 1);
    CHECK_EQ(*lent, 0x5eed); /* and still the same page, not reused */
    CHECK_EQ(fl_vm_unmap(self, LEND_DST, 1), FL_OK);
    CHECK_EQ(used(p), 0);
    CHECK_EQ(fl_handle_close(ntf), FL_OK);
    CHECK_EQ(fl_handle_close(p), FL_OK);
    CHECK_EQ(settled(before), before);
    return NULL;
}

/* 1,000 rounds of create, orphan, revoke: the free-frame count comes back exactly. */
FL_TEST(pool_revoke_cycles)
{
    long before = fl_frames_free(), r;
    for (int i = 0; i < 1000; i++) {
        fl_handle_t p;
        CHECK_OK(r, fl_pool_create(fl_pool(), 24));
        p = (fl_handle_t)r;
        CHECK_OK(r, make_orphan(p));
        if (i % 3 == 0)
            CHECK_OK(r, make_orphan(p));
        CHECK(used(p) > 0, "round %d: nothing charged", i);
        CHECK_EQ(revoke(p, 0), 0);
        CHECK_EQ(fl_handle_close(p), FL_OK);
        if (i % 100 == 99)
            CHECK(fl_frames_free() == before, "round %d: free frames %ld, %ld before", i,
                  fl_frames_free(), before);
    }
    CHECK_EQ(settled(before), before);
    return NULL;
}
