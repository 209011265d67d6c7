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
