/*
 * Robustness of threads, system calls and object teardown (issue 11): a system call whose
 * user copy faults is restarted at its svc, answered by the slow and the fast reply alike.
 */
#include "faultkit.h"
#include <faultline/syscall.h>
#include <string.h>

/* How the test pager answers a message and waits for the next one. */
typedef const char *(*answer_fn)(fl_msg_t *m);

/* REPLY, then RECV: the general path. */
static const char *answer_slow(fl_msg_t *m)
{
    CHECK_EQ(fl_reply(m), FL_OK);
    return fk_recv(m);
}

/* REPLY_RECV with a registers-only reply to a client that may run at once: the fast path
 * (kernel/fastpath.c) switches straight to the client. */
static const char *answer_fast(fl_msg_t *m)
{
    long r = fl_reply_recv(fk_endpoint(), m);
    CHECK(r == 0, "reply_recv: %s", fl_strerror(r));
    return NULL;
}

static const char *check_next_fault(fk_child_t *c, const fl_msg_t *m, const fk_want_t *w,
                                    const char *what)
{
    const char *why = fk_check_fault(c, m, w);
    return why ? fk_fail(what, why) : NULL;
}

/* DEBUG_WRITE of a text that straddles two pages nobody mapped yet: the copy faults on the
 * first page, then (the call starting again) on the second, each time at the svc; the text is
 * printed once, whole, and the call returns its length. A second call on an unmapped page gets
 * a fail reply and returns FL_EFAULT; the thread goes on and ends normally. */
static const char *restart_debug_write(answer_fn answer, const char *mode)
{
    static const char text[] = "robust: one system call, two faults, restarted at its svc\n";
    const uint64_t len = sizeof(text) - 1, head = 20;
    const uint64_t start = FK_DATA_VA + FL_PAGE_SIZE - head;
    const uint64_t second = FK_DATA_VA + 2 * FL_PAGE_SIZE + 0x20;
    fk_mbox_t mb = {.addr = start, .arg = len, .arg2 = second};
    fk_want_t w = {FL_LABEL_PAGE_FAULT,
                   start,
                   FK_PC(fk_insn_svc1),
                   FL_FAULT_READ,
                   FL_FAULT_TRANSLATION,
                   FL_FAULT_FAR_VALID | FL_FAULT_SYSCALL,
                   3,
                   FK_EC_DABT_SAME};
    fk_child_t *c;
    fl_msg_t m;
    const char *why;

    memset(fk_pages[5], 0, 2 * FL_PAGE_SIZE); /* fk_pages[5] and [6] are contiguous */
    memcpy(fk_pages[5] + FL_PAGE_SIZE - head, text, len);
    if ((why = fk_setup()) || (why = fk_child_new(&c, 0, fk_syscall, &mb, FK_PAGER)) ||
        (why = fk_child_start(c)) || (why = fk_expect_fault(c, &m, &w)))
        return fk_fail(mode, why);

    m = fk_reply_map(FK_DATA_VA, fk_pages[5], 1, FL_PROT_READ);
    if ((why = answer(&m)))
        return fk_fail(mode, why);
    w.addr = FK_DATA_VA + FL_PAGE_SIZE; /* the same svc again: the call was restarted */
    if ((why = check_next_fault(c, &m, &w, "second page")))
        return fk_fail(mode, why);

    m = fk_reply_map(FK_DATA_VA + FL_PAGE_SIZE, fk_pages[6], 1, FL_PROT_READ);
    if ((why = answer(&m)))
        return fk_fail(mode, why);
    w.addr = second;
    w.pc = FK_PC(fk_insn_svc2);
    if ((why = check_next_fault(c, &m, &w, "second call")))
        return fk_fail(mode, why);

    m = fk_reply_fail(FL_FAULT_FAIL_NO_REGION);
    if ((why = answer(&m)))
        return fk_fail(mode, why);
    CHECK(m.tag == FL_TAG(FK_LABEL_DONE, 2, 0) && m.badge == FK_BADGE_DONE(0),
          "%s: expected the child's done message, got tag %#llx badge %#llx", mode,
          (unsigned long long)m.tag, (unsigned long long)m.badge);
    CHECK(m.w[0] == len, "%s: the first call returned %ld (%s), expected %llu", mode, (long)m.w[0],
          fl_strerror((long)m.w[0]), (unsigned long long)len);
    CHECK(m.w[1] == (uint64_t)(int64_t)FL_EFAULT, "%s: the second call returned %ld (%s)", mode,
          (long)m.w[1], fl_strerror((long)m.w[1]));
    if ((why = fk_release()) || (why = fk_expect_end(c, 0)))
        return fk_fail(mode, why);
    fk_child_free(c);
    return NULL;
}

/* SYSTEM_INFO into a page nobody mapped yet: the kernel's copy out faults (a write), the call
 * restarts once the pager mapped the page and fills it. */
static const char *restart_system_info(answer_fn answer, const char *mode)
{
    const uint64_t out = FK_DATA_VA + 3 * FL_PAGE_SIZE + 8;
    fk_mbox_t mb = {.addr = out, .arg = 0, .arg2 = FL_SYS_SYSTEM_INFO};
    fk_want_t w = {FL_LABEL_PAGE_FAULT,
                   out,
                   FK_PC(fk_insn_svc),
                   FL_FAULT_WRITE,
                   FL_FAULT_TRANSLATION,
                   FL_FAULT_FAR_VALID | FL_FAULT_SYSCALL,
                   3,
                   FK_EC_DABT_SAME};
    fk_child_t *c;
    fl_msg_t m;
    const char *why;

    memset(fk_pages[7], 0, FL_PAGE_SIZE);
    if ((why = fk_setup()) || (why = fk_child_new(&c, 0, fk_svc, &mb, FK_PAGER)) ||
        (why = fk_child_start(c)) || (why = fk_expect_fault(c, &m, &w)))
        return fk_fail(mode, why);
    m = fk_reply_map(FK_DATA_VA + 3 * FL_PAGE_SIZE, fk_pages[7], 1, FL_PROT_READ | FL_PROT_WRITE);
    if ((why = answer(&m)))
        return fk_fail(mode, why);
    CHECK(m.tag == FL_TAG(FK_LABEL_DONE, 2, 0) && m.badge == FK_BADGE_DONE(0),
          "%s: expected the child's done message, got tag %#llx badge %#llx (w0 %#llx)", mode,
          (unsigned long long)m.tag, (unsigned long long)m.badge, (unsigned long long)m.w[0]);
    CHECK(m.w[0] == 0, "%s: SYSTEM_INFO returned %ld (%s)", mode, (long)m.w[0],
          fl_strerror((long)m.w[0]));
    fl_sysinfo_t info;
    memcpy(&info, fk_pages[7] + 8, sizeof(info));
    CHECK(info.frames_total > 0 && info.frames_free > 0 && info.frames_free < info.frames_total &&
              info.threads >= 2,
          "%s: SYSTEM_INFO wrote total %llu free %llu threads %llu", mode,
          (unsigned long long)info.frames_total, (unsigned long long)info.frames_free,
          (unsigned long long)info.threads);
    if ((why = fk_release()) || (why = fk_expect_end(c, 0)))
        return fk_fail(mode, why);
    fk_child_free(c);
    return NULL;
}

/* Issue 11 item 3: the same faulting system calls give the same results whether the pager
 * answers with REPLY (general path) or REPLY_RECV (fast path). */
FL_TEST(robust_syscall_restart)
{
    const char *why;
    if ((why = restart_debug_write(answer_slow, "reply")) ||
        (why = restart_debug_write(answer_fast, "reply_recv")) ||
        (why = restart_system_info(answer_slow, "reply")) ||
        (why = restart_system_info(answer_fast, "reply_recv")))
        return why;
    return NULL;
}

/* A thread that is never started: entry and stack only need to be valid user addresses. */
static long unstarted_thread(fl_handle_t space)
{
    return fl_thread_create(space, 0x400000, 0x80000000, 0, FL_PRIORITY_DEFAULT);
}

/* The pool's charge is back to 0; closing it, every frame comes back. */
static const char *check_returned(fl_handle_t pool, long frames_before, const char *what)
{
    uint64_t limit;
    long used = fl_pool_info(pool, &limit);
    CHECK(used == 0, "%s: the pool still has %ld frames charged", what, used);
    CHECK_EQ(fl_handle_close(pool), FL_OK);
    long now = test_frames_settled(frames_before);
    CHECK(now == frames_before, "%s: %ld frames free, %ld before", what, now, frames_before);
    return NULL;
}

/* Issue 11 item 4: closing the only handle to the first of a chain of thread-less spaces,
 * each holding the only handle to the next, frees the whole chain without recursing on the
 * kernel stack (2,048 levels: the old recursion overflowed at 140 to 1,024). */
FL_TEST(robust_space_chain)
{
    const unsigned depth = 2048;
    long before = fl_frames_free(), r;
    fl_handle_t pool, first, prev;

    CHECK_OK(r, fl_pool_create(fl_pool(), 4 * depth + 16));
    pool = test_handle(r);
    CHECK_OK(r, fl_space_create(pool));
    first = prev = (fl_handle_t)r;
    for (unsigned i = 1; i < depth; i++) {
        long next;
        CHECK_OK(next, fl_space_create(pool));
        CHECK_OK(r, fl_handle_give(prev, (fl_handle_t)next, FL_RIGHTS_ALL));
        if (prev != first)
            CHECK_EQ(fl_handle_close(prev), FL_OK);
        prev = (fl_handle_t)next;
    }
    CHECK_EQ(fl_handle_close(prev), FL_OK);
    uint64_t limit;
    CHECK(fl_pool_info(pool, &limit) >= 2 * (long)depth, "the chain is not charged to its pool");
    CHECK_EQ(fl_handle_close(first), FL_OK); /* frees all 2,048 */
    return check_returned(pool, before, "chain");
}

/* Issue 11 item 5: creates refused for want of memory at every allocation they make, cleanly
 * and without leaks. For each pool size 1..24: spaces until SPACE_CREATE is refused (so it is
 * refused with every remainder, 0 and 1 frame left included: it needs the object and a root
 * table), then in the first space up to two page allocations (tables and frame) until
 * refused, then threads until refused, then a sub-pool; then everything is closed and every
 * frame must be back. */
#define OOM_MAX_SPACES 16
FL_TEST(robust_create_oom)
{
    long before = fl_frames_free(), r;
    const char *why;
    unsigned spaces_max = 0, threads_max = 0, pages_max = 0;

    for (uint64_t limit = 1; limit <= 24; limit++) {
        fl_handle_t pool, spaces[OOM_MAX_SPACES];
        unsigned n = 0, threads = 0, pages = 0;
        CHECK_OK(r, fl_pool_create(fl_pool(), limit));
        pool = test_handle(r);
        while (n < OOM_MAX_SPACES && (r = fl_space_create(pool)) > 0)
            spaces[n++] = (fl_handle_t)r;
        CHECK(r == FL_ENOMEM || n == OOM_MAX_SPACES, "limit %llu: SPACE_CREATE: %s",
              (unsigned long long)limit, fl_strerror(r));
        if (n > 0) {
            /* Free one space's worth again, then spend it differently. */
            while (n > 1)
                CHECK_EQ(fl_handle_close(spaces[--n]), FL_OK);
            /* 1 GiB apart: 4, then 3 frames (tables and the page), at most two. */
            while (pages < 2 && (r = fl_vm_alloc(spaces[0], 0x10000000 + pages * 0x40000000ULL, 1,
                                                 FL_PROT_READ | FL_PROT_WRITE)) == 0)
                pages++;
            CHECK(pages == 2 || r == FL_ENOMEM, "limit %llu: VM_ALLOC: %s",
                  (unsigned long long)limit, fl_strerror(r));
            while ((r = unstarted_thread(spaces[0])) > 0) { /* kept alive by a handle */
                long g = fl_handle_give(spaces[0], (fl_handle_t)r, FL_RIGHTS_ALL);
                CHECK(g > 0, "giving a thread its own handle: %s", fl_strerror(g));
                CHECK_EQ(fl_handle_close((fl_handle_t)r), FL_OK);
                threads++;
            }
            CHECK(r == FL_ENOMEM, "limit %llu: THREAD_CREATE: %s", (unsigned long long)limit,
                  fl_strerror(r));
            r = fl_pool_create(pool, 1); /* 2 frames: the object and the quota */
            CHECK(r > 0 || r == FL_ENOMEM, "limit %llu: POOL_CREATE: %s", (unsigned long long)limit,
                  fl_strerror(r));
            if (r > 0)
                CHECK_EQ(fl_handle_close((fl_handle_t)r), FL_OK);
            CHECK_EQ(fl_handle_close(spaces[0]), FL_OK);
        }
        if ((why = check_returned(pool, before, "a round")))
            return test_failf("limit %llu: %s", (unsigned long long)limit, why);
        spaces_max = n > spaces_max ? n : spaces_max;
        threads_max = threads > threads_max ? threads : threads_max;
        pages_max = pages > pages_max ? pages : pages_max;
    }
    CHECK(spaces_max > 0 && threads_max > 0 && pages_max > 0,
          "24 frames never fitted a space (%u), thread (%u), page (%u)", spaces_max, threads_max,
          pages_max);
    return NULL;
}

/* Issue 11 item 6: a process that holds the only handle to a never-started thread of another
 * thread-less process: ending the first ends the thread, and with it the second (6 frames
 * were lost each time). */
FL_TEST(robust_teardown_unstarted)
{
    long before = fl_frames_free(), r;
    fl_handle_t pool, a, b, t;

    CHECK_OK(r, fl_pool_create(fl_pool(), 64));
    pool = test_handle(r);
    for (int destroy = 0; destroy < 2; destroy++) {
        CHECK_OK(r, fl_space_create(pool));
        a = (fl_handle_t)r;
        CHECK_OK(r, fl_space_create(pool));
        b = (fl_handle_t)r;
        CHECK_OK(r, unstarted_thread(b));
        t = (fl_handle_t)r;
        CHECK_OK(r, fl_handle_give(a, t, FL_RIGHTS_ALL));
        CHECK_EQ(fl_handle_close(t), FL_OK);
        CHECK_EQ(fl_handle_close(b), FL_OK); /* b lives on through its thread */
        CHECK(fl_pool_info(pool, NULL) > 0, "b ended early");
        if (destroy) /* SPACE_DESTROY, then the close; or the close alone */
            CHECK_EQ(fl_space_destroy(a), FL_OK);
        CHECK_EQ(fl_handle_close(a), FL_OK);
        uint64_t limit;
        long used = fl_pool_info(pool, &limit);
        CHECK(used == 0, "%s: %ld frames still charged (the thread and its process)",
              destroy ? "destroy" : "close", used);
    }
    return check_returned(pool, before, "unstarted");
}

/* Issue 11 item 7: thread-less processes that only their own handles name are freed: one
 * holding a handle to itself (2 frames were lost), one holding the only handle to its own
 * stopped thread (6), and one holding both. A process that someone else still names is left
 * alone. */
FL_TEST(robust_self_cycle)
{
    long before = fl_frames_free(), r;
    fl_handle_t pool, s, t;
    uint64_t limit;

    CHECK_OK(r, fl_pool_create(fl_pool(), 64));
    pool = test_handle(r);

    CHECK_OK(r, fl_space_create(pool)); /* a handle to itself */
    s = (fl_handle_t)r;
    CHECK_OK(r, fl_handle_give(s, s, FL_RIGHTS_ALL));
    CHECK_EQ(fl_handle_close(s), FL_OK);
    CHECK_EQ(fl_pool_info(pool, &limit), 0);

    for (int self = 0; self < 2; self++) { /* its own stopped thread (and itself) */
        CHECK_OK(r, fl_space_create(pool));
        s = (fl_handle_t)r;
        CHECK_OK(r, unstarted_thread(s));
        t = (fl_handle_t)r;
        CHECK_OK(r, fl_handle_give(s, t, FL_RIGHTS_ALL));
        if (self)
            CHECK_OK(r, fl_handle_give(s, s, FL_RIGHTS_ALL));
        CHECK_EQ(fl_handle_close(t), FL_OK);
        CHECK(fl_pool_info(pool, &limit) > 0, "ended while its creator still names it");
        CHECK_EQ(fl_handle_close(s), FL_OK);
        r = fl_pool_info(pool, &limit);
        CHECK(r == 0, "own thread%s: %ld frames still charged", self ? " and itself" : "", r);
    }

    return check_returned(pool, before, "cycles");
}

/* A child in a pool of limit frames makes system call nr (no arguments); *used: what the
 * child itself took from the pool before the call. */
static const char *child_call(uint64_t limit, uint64_t nr, long *result, long *used)
{
    fk_mbox_t mb = {.arg2 = nr};
    fk_child_t *c;
    fl_msg_t m;
    const char *why;
    long r;
    uint64_t lim;

    CHECK_OK(r, fl_pool_create(fl_pool(), limit));
    fl_handle_t pool = (fl_handle_t)r;
    fk_child_pool = pool;
    why = fk_child_new(&c, 0, fk_svc, &mb, 0);
    fk_child_pool = 0;
    if (!why) {
        *used = fl_pool_info(pool, &lim);
        if (!(why = fk_child_start(c)) && !(why = fk_expect_done_held(c, &m))) {
            *result = (long)m.w[0];
            if (!(why = fk_release()))
                why = fk_expect_end(c, 0);
        }
        fk_child_free(c);
    }
    r = fl_pool_info(pool, &lim);
    fl_handle_close(pool);
    if (!why && r != 0)
        why = test_failf("%ld frames still charged after the child ended", r);
    return why;
}

/* Issue 11 item 5, the objects a process makes from its own pool: ENDPOINT_CREATE and
 * NOTIFICATION_CREATE with 0 frames left are refused (FL_ENOMEM), with 1 they succeed. */
FL_TEST(robust_create_oom_own_pool)
{
    static const struct {
        const char *name;
        uint64_t nr;
    } calls[] = {{"ENDPOINT_CREATE", FL_SYS_ENDPOINT_CREATE},
                 {"NOTIFICATION_CREATE", FL_SYS_NOTIFICATION_CREATE}};
    long before, result = 0, used = 0, setup;
    const char *why;

    if ((why = fk_setup()))
        return why;
    before = fl_frames_free(); /* with the test endpoint */
    if ((why = child_call(64, FL_SYS_YIELD, &result, &setup)))
        return fk_fail("measuring a child", why);
    for (unsigned i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
        if ((why = child_call((uint64_t)setup, calls[i].nr, &result, &used)))
            return fk_fail(calls[i].name, why);
        CHECK(used == setup && result == FL_ENOMEM, "%s with 0 frames left returned %ld (%s)",
              calls[i].name, result, fl_strerror(result));
        if ((why = child_call((uint64_t)setup + 1, calls[i].nr, &result, &used)))
            return fk_fail(calls[i].name, why);
        CHECK(result > 0, "%s with 1 frame left returned %ld (%s)", calls[i].name, result,
              fl_strerror(result));
    }
    long now = test_frames_settled(before);
    CHECK(now == before, "%ld frames free, %ld before", now, before);
    return NULL;
}
