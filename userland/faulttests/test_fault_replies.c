/*
 * The pager's replies: map and resume (in the same kernel entry as the next receive), map
 * ahead, resume after the pager mapped with FL_SYS_VM_MAP, fail, replies the kernel must
 * refuse, and replies nobody is waiting for.
 */
#include "faultkit.h"

/* A read fault at FK_DATA_VA + off in a fresh child 0: the message is checked, m keeps it. */
static const char *read_fault(fk_child_t **c, uint64_t off, fl_msg_t *m)
{
    fk_mbox_t mb = {.addr = FK_DATA_VA + off};
    fk_want_t w = {FL_LABEL_PAGE_FAULT,
                   FK_DATA_VA + off,
                   FK_PC(fk_insn_read),
                   FL_FAULT_READ,
                   FL_FAULT_TRANSLATION,
                   FL_FAULT_FAR_VALID,
                   3,
                   FK_EC_DABT_LOWER};
    const char *why;
    if ((why = fk_child_new(c, 0, fk_read, &mb, FK_PAGER)) || (why = fk_child_start(*c)))
        return why;
    return fk_expect_fault(*c, m, &w);
}

/* The pager fills a page with a pattern and answers with map-and-resume through
 * FL_SYS_REPLY_RECV: the client continues with the pattern, and the pager's same call
 * receives the client's next message. The page stays shared: a later write by the pager is
 * what the client sees. */
FL_TEST(pf_map_resume)
{
    fk_child_t *c;
    fl_msg_t m;
    const char *why;

    fk_fill(3, 0xc0ffee00);
    if ((why = fk_setup()) || (why = read_fault(&c, 0x88, &m)))
        return why;
    m = fk_reply_map(FK_DATA_VA, fk_pages[3], 1, FL_PROT_READ);
    CHECK_EQ(fl_reply_recv(fk_endpoint(), &m), FL_OK);
    CHECK(m.tag == FL_TAG(FK_LABEL_DONE, 2, 0) && m.badge == FK_BADGE_DONE(0),
          "after the reply: tag %#llx badge %#llx", (unsigned long long)m.tag,
          (unsigned long long)m.badge);
    CHECK(m.w[0] == 0xc0ffee00 + 0x88 / 8, "the child read %#llx", (unsigned long long)m.w[0]);
    if ((why = fk_release()) || (why = fk_expect_end(c, 0)))
        return why;
    fk_child_free(c);

    /* The same frame, mapped again: a write by the pager is visible to the new client. */
    ((uint64_t *)fk_pages[3])[0x88 / 8] = 0x5a5a;
    fk_mbox_t mb = {.addr = FK_DATA_VA + 0x88};
    if ((why = fk_child_new(&c, 0, fk_read, &mb, FK_PAGER)) ||
        (why = fk_child_map(c, FK_DATA_VA, fk_pages[3], 1, FL_PROT_READ)) ||
        (why = fk_child_start(c)) || (why = fk_expect_done(c, &m)))
        return why;
    CHECK(m.w[0] == 0x5a5a, "the child read %#llx after the pager's write",
          (unsigned long long)m.w[0]);
    return fk_expect_end(c, 0);
}

/* One reply maps several pages: the client touches 16 pages and faults twice, at page 0
 * (answered with pages 0-3) and at page 4, the first one not mapped (answered with the
 * other 12, the most a reply may carry being 16). */
FL_TEST(pf_map_ahead)
{
    const unsigned n = FL_FAULT_MAP_MAX;
    fk_mbox_t mb = {.addr = FK_DATA_VA, .arg = n, .arg2 = 0xffffULL | 0xaaaaULL << 32};
    fk_want_t w = {FL_LABEL_PAGE_FAULT,
                   FK_DATA_VA,
                   FK_PC(fk_insn_touch_read),
                   FL_FAULT_READ,
                   FL_FAULT_TRANSLATION,
                   FL_FAULT_FAR_VALID,
                   3,
                   FK_EC_DABT_LOWER};
    uint64_t sum = 0;
    fk_child_t *c;
    fl_msg_t m;
    const char *why;

    for (unsigned i = 0; i < n; i++) {
        fk_fill(i, (uint64_t)(i + 1) << 20);
        sum += (uint64_t)(i + 1) << 20;
    }
    if ((why = fk_setup()) || (why = fk_child_new(&c, 0, fk_touch_pages, &mb, FK_PAGER)) ||
        (why = fk_child_start(c)) || (why = fk_expect_fault(c, &m, &w)))
        return why;
    m = fk_reply_map(FK_DATA_VA, fk_pages[0], 4, FL_PROT_READ | FL_PROT_WRITE);
    CHECK_EQ(fl_reply(&m), FL_OK);
    w.addr = FK_DATA_VA + 4 * FL_PAGE_SIZE;
    if ((why = fk_expect_fault(c, &m, &w)))
        return fk_fail("after mapping 4 pages ahead", why);
    m = fk_reply_map(w.addr, fk_pages[4], n - 4, FL_PROT_READ | FL_PROT_WRITE);
    CHECK_EQ(fl_reply(&m), FL_OK);
    if ((why = fk_expect_done(c, &m)))
        return fk_fail("after mapping 12 pages ahead", why);
    CHECK(m.w[0] == sum, "the child summed %#llx, expected %#llx", (unsigned long long)m.w[0],
          (unsigned long long)sum);
    for (unsigned i = 1; i < n; i += 2)
        CHECK(((uint64_t *)fk_pages[i])[1] == i, "page %u: the child's write is missing", i);
    return fk_expect_end(c, 0);
}

/* The pager maps with FL_SYS_VM_MAP itself, then answers FL_FAULT_REPLY_RESUME. */
FL_TEST(pf_resume)
{
    fk_child_t *c;
    fl_msg_t m;
    const char *why;

    fk_fill(4, 0xbeef0000);
    if ((why = fk_setup()) || (why = read_fault(&c, 0x100, &m)))
        return why;
    CHECK_EQ(
        fl_vm_map(c->proc.space, FK_DATA_VA, (uint64_t)(uintptr_t)fk_pages[4], 1, FL_PROT_READ),
        FL_OK);
    m = fk_reply_resume();
    CHECK_EQ(fl_reply(&m), FL_OK);
    if ((why = fk_expect_done(c, &m)))
        return why;
    CHECK(m.w[0] == 0xbeef0000 + 0x100 / 8, "the child read %#llx", (unsigned long long)m.w[0]);
    return fk_expect_end(c, 0);
}

/* A fail reply stops the client thread; its process ends (status -1) when that was its last
 * thread, and lives on (the other thread's exit status wins) when it was not. Others go on. */
FL_TEST(pf_fail)
{
    fk_child_t *c;
    fl_msg_t m;
    const char *why;
    long r;

    if ((why = fk_setup()) || (why = read_fault(&c, 0x8, &m)))
        return why;
    m = fk_reply_fail(FL_FAULT_FAIL_NO_REGION);
    CHECK_EQ(fl_reply(&m), FL_OK);
    if ((why = fk_expect_end(c, -1)))
        return why;
    fk_child_free(c);

    /* Two threads: the second is created before the first one fails. */
    if ((why = read_fault(&c, 0x8, &m)))
        return why;
    CHECK_OK(r, fl_thread_create(c->proc.space, FK_PC(fk_touch_pages), FK_MBOX_VA + FL_PAGE_SIZE,
                                 FK_MBOX_VA, FL_PRIORITY_DEFAULT));
    fl_handle_t second = test_handle(r);
    m = fk_reply_fail(FL_FAULT_FAIL_PERMISSION);
    CHECK_EQ(fl_reply(&m), FL_OK);
    for (int i = 0; i < 10; i++)
        fl_yield();
    CHECK(fk_alive(c), "the process ended with a thread left");
    CHECK_EQ(fl_thread_start(second), FL_OK);
    if ((why = fk_expect_done(c, &m)) || (why = fk_expect_end(c, 0)))
        return fk_fail("second thread", why);
    fk_child_free(c);

    /* And the next client is served as usual. */
    fk_fill(0, 0x77);
    if ((why = read_fault(&c, 0x8, &m)))
        return why;
    m = fk_reply_map(FK_DATA_VA, fk_pages[0], 1, FL_PROT_READ);
    CHECK_EQ(fl_reply(&m), FL_OK);
    if ((why = fk_expect_done(c, &m)))
        return why;
    CHECK(m.w[0] == 0x78, "the next client read %#llx", (unsigned long long)m.w[0]);
    return fk_expect_end(c, 0);
}

/* Replies the kernel refuses: the pager's reply call returns the error, the client is stopped
 * with a log line, and nothing is mapped. */
FL_TEST(pf_garbage)
{
    const uint64_t kva = 0xffff000040000000ULL, top = 1ULL << 48;
    const unsigned r = FL_PROT_READ, rw = FL_PROT_READ | FL_PROT_WRITE;
    const void *p0 = fk_pages[0];
    const struct {
        const char *what;
        fl_msg_t reply;
        long err;
    } cases[] = {
        {"unknown label", {.tag = FL_TAG(0xfa1f, 4, 0), .w = {FK_DATA_VA}}, FL_EINVAL},
        {"label 0", {.tag = FL_TAG(0, 0, 0)}, FL_EINVAL},
        {"map with 3 words", {.tag = FL_TAG(FL_FAULT_REPLY_MAP, 3, 0)}, FL_EINVAL},
        {"unaligned client address", fk_reply_map(FK_DATA_VA + 8, p0, 1, r), FL_EINVAL},
        {"unaligned pager address", fk_reply_map(FK_DATA_VA, fk_pages[0] + 8, 1, r), FL_EINVAL},
        {"0 pages", fk_reply_map(FK_DATA_VA, p0, 0, r), FL_ERANGE},
        {"17 pages", fk_reply_map(FK_DATA_VA, p0, FL_FAULT_MAP_MAX + 1, r), FL_ERANGE},
        {"huge page count", fk_reply_map(FK_DATA_VA, p0, 1ULL << 52, r), FL_ERANGE},
        {"rights without read", fk_reply_map(FK_DATA_VA, p0, 1, FL_PROT_WRITE), FL_EINVAL},
        {"unknown right", fk_reply_map(FK_DATA_VA, p0, 1, r | 8), FL_EINVAL},
        {"exec the pager lacks", fk_reply_map(FK_DATA_VA, p0, 1, r | FL_PROT_EXEC), FL_EPERM},
        {"write the pager lacks", fk_reply_map(FK_DATA_VA, fk_exec_page, 1, rw), FL_EPERM},
        {"kernel client address", fk_reply_map(kva, p0, 1, r), FL_ERANGE},
        {"kernel pager address", fk_reply_map(FK_DATA_VA, (const void *)kva, 1, r), FL_ERANGE},
        {"client range past user space", fk_reply_map(top - FL_PAGE_SIZE, p0, 2, r), FL_ERANGE},
        {"unmapped pager page", fk_reply_map(FK_DATA_VA, (const void *)0x600000000000, 1, r),
         FL_ENOENT},
        {"fail without a reason", {.tag = FL_TAG(FL_FAULT_REPLY_FAIL, 0, 0)}, FL_EINVAL},
        {"fail reason 0", fk_reply_fail(0), FL_EINVAL},
        {"fail reason 7", fk_reply_fail(FL_FAULT_FAIL_OTHER + 1), FL_EINVAL},
    };
    fk_child_t *c;
    fl_msg_t m;
    const char *why;

    if ((why = fk_setup()))
        return why;
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if ((why = read_fault(&c, 0, &m)))
            return fk_fail(cases[i].what, why);
        long got = fl_reply(&cases[i].reply);
        CHECK(got == cases[i].err, "%s: the reply returned %ld (%s), expected %s", cases[i].what,
              got, fl_strerror(got), fl_strerror(cases[i].err));
        if ((why = fk_expect_end(c, -1)))
            return fk_fail(cases[i].what, why);
        fk_child_free(c);
    }
    return NULL;
}

/* Replies nobody waits for: a second reply to an answered fault, a reply after the client's
 * process was destroyed, a reply after the kernel stopped the client for a bad reply. */
FL_TEST(pf_stale_reply)
{
    fk_child_t *c;
    fl_msg_t m;
    const char *why;

    fk_fill(0, 0x100);
    if ((why = fk_setup()) || (why = read_fault(&c, 0, &m)))
        return why;
    fl_msg_t map = fk_reply_map(FK_DATA_VA, fk_pages[0], 1, FL_PROT_READ);
    CHECK_EQ(fl_reply(&map), FL_OK);
    CHECK_EQ(fl_reply(&map), FL_EPEER);
    if ((why = fk_expect_done(c, &m)) || (why = fk_expect_end(c, 0)))
        return why;
    fk_child_free(c);

    if ((why = read_fault(&c, 0, &m)))
        return why;
    CHECK_EQ(fl_space_destroy(c->proc.space), FL_OK);
    CHECK_EQ(fl_reply(&map), FL_EPEER);
    if ((why = fk_expect_end(c, -1)))
        return why;
    fk_child_free(c);

    if ((why = read_fault(&c, 0, &m)))
        return why;
    fl_msg_t bad = fk_reply_fail(0);
    CHECK_EQ(fl_reply(&bad), FL_EINVAL);
    CHECK_EQ(fl_reply(&map), FL_EPEER);
    return fk_expect_end(c, -1);
}

/* A read of a kernel address from EL0: no pager can map it, so the kernel stops the thread
 * itself (with a log line) and the pager never hears of it: had the fault been sent here, the
 * child would wait for a reply and never end. */
FL_TEST(pf_kernel_address)
{
    fk_child_t *c;
    const char *why;
    fk_mbox_t mb = {.addr = 0xffff000040000000ULL};

    if ((why = fk_setup()) || (why = fk_child_new(&c, 0, fk_read, &mb, FK_PAGER)) ||
        (why = fk_child_start(c)) || (why = fk_expect_end(c, -1)))
        return why;
    fk_child_free(c);
    return NULL;
}
