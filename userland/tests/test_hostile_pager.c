/*
 * Hostile pagers (issue 11): the test is the pager of a faultkit child (faulttests/faultkit.h)
 * and answers as a buggy or malicious pager would. Each case checks the kernel's documented
 * answer (fault-protocol.md, ipc.md) and, through the runner, that every frame comes back.
 */
#include "faultkit.h"
#include <faultline/fault.h>
#include <fl/layout.h>
#include <fl/vm.h>
#include <string.h>

#define KADDR  0xffff000040000000ULL
#define KIMAGE 0xffffffff80000000ULL

/* A fresh child index i reading FK_DATA_VA + off, and its first fault received. */
static const char *read_fault_at(fk_child_t **c, unsigned i, uint64_t off, fl_msg_t *m)
{
    fk_mbox_t mb = {.addr = FK_DATA_VA + off};
    const char *why;
    if ((why = fk_child_new(c, i, fk_read, &mb, FK_PAGER)) || (why = fk_child_start(*c)))
        return why;
    if ((why = fk_recv(m)))
        return why;
    CHECK(m->tag == FL_TAG(FL_LABEL_PAGE_FAULT, 4, 0) && m->badge == FK_BADGE_PAGER(i),
          "expected child %u's fault, got tag %#llx badge %#llx", i, (unsigned long long)m->tag,
          (unsigned long long)m->badge);
    return NULL;
}

/* Map replies the kernel must refuse that pf_garbage does not try: handles in a fault reply,
 * ranges that wrap or end past user space on the pager's side, kernel-image addresses, a
 * page count with high bits set, rights with bits past the known ones. Each refusal stops
 * the client (status -1) and returns an error to the pager. */
FL_TEST(hostile_pager_replies)
{
    const unsigned r = FL_PROT_READ;
    const uint64_t top = FL_USER_TOP;
    const void *p0 = fk_pages[0];
    struct {
        const char *what;
        fl_msg_t reply;
        unsigned handles;
    } cases[] = {
        {"a map reply carrying a handle", fk_reply_map(FK_DATA_VA, p0, 1, r), 1},
        {"a resume reply carrying handles", fk_reply_resume(), 2},
        {"pager range past user space", fk_reply_map(FK_DATA_VA, (void *)(top - 4096), 2, r), 0},
        {"pager range that wraps", fk_reply_map(FK_DATA_VA, (void *)~0xfffULL, 2, r), 0},
        {"client range that wraps", fk_reply_map(~0xfffULL, p0, 2, r), 0},
        {"client address in the kernel image", fk_reply_map(KIMAGE, p0, 1, r), 0},
        {"pager address in the kernel image", fk_reply_map(FK_DATA_VA, (void *)KIMAGE, 1, r), 0},
        {"page count with high bits", fk_reply_map(FK_DATA_VA, p0, (1ULL << 32) | 1, r), 0},
        {"rights with high bits",
         {.tag = FL_TAG(FL_FAULT_REPLY_MAP, 4, 0),
          .w = {FK_DATA_VA, (uint64_t)(uintptr_t)p0, 1, (1ULL << 32) | r}},
         0},
        {"client address 0x1000 below user top, 16 pages",
         fk_reply_map(top - 0x1000, p0, FL_FAULT_MAP_MAX, r), 0},
    };
    fk_child_t *c;
    fl_msg_t m;
    const char *why;
    fl_ipc_buffer_t *b = fl_ipcbuf_acquire();

    CHECK(b, "no IPC buffer");
    if ((why = fk_setup()))
        goto fail;
    long ep2 = fl_endpoint_create();
    CHECK(ep2 > 0, "endpoint: %s", fl_strerror(ep2));
    test_handle(ep2);
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if ((why = read_fault_at(&c, 0, 0, &m)))
            goto fail;
        fl_msg_t reply = cases[i].reply;
        if (cases[i].handles) {
            for (unsigned k = 0; k < cases[i].handles; k++) {
                b->handles[k] = (fl_handle_t)ep2;
                b->handle_rights[k] = FL_RIGHTS_ALL;
            }
            reply.tag |= (uint64_t)cases[i].handles << 12;
        }
        long got = fl_reply(&reply);
        if (got >= 0) {
            why = test_failf("%s: the kernel accepted it", cases[i].what);
            goto fail;
        }
        /* Whatever the first refusal did, the client must not be waiting any more. */
        fl_msg_t fail = fk_reply_fail(FL_FAULT_FAIL_OTHER);
        got = fl_reply(&fail);
        if (got != FL_EPEER) {
            why = test_failf("%s: the client still waited for a reply (%s)", cases[i].what,
                             fl_strerror(got));
            goto fail;
        }
        if ((why = fk_expect_end(c, -1))) {
            why = fk_fail(cases[i].what, why);
            goto fail;
        }
        fk_child_free(c);
    }
    fl_ipcbuf_release();
    return NULL;
fail:
    fl_ipcbuf_release();
    return why;
}

/* A pager that receives a second fault before answering the first: the first fault is held
 * (docs/fault-protocol.md, "Asynchronous resolution"), the plain reply goes to the second
 * client, and the first is answered later by its token; a second answer to it is refused. */
FL_TEST(hostile_pager_second_fault)
{
    fk_child_t *a, *b;
    fl_msg_t m;
    const char *why;

    fk_fill(0, 0x500);
    if ((why = fk_setup()) || (why = read_fault_at(&a, 0, 0, &m)))
        return why;
    uint64_t token_a = fl_fault_token(&m);
    fk_mbox_t mb = {.addr = FK_DATA_VA + 8};
    if ((why = fk_child_new(&b, 1, fk_read, &mb, FK_PAGER)) || (why = fk_child_start(b)) ||
        (why = fk_recv(&m)))
        return why;
    CHECK(m.badge == FK_BADGE_PAGER(1), "expected child 1's fault, got badge %#llx",
          (unsigned long long)m.badge);
    fl_msg_t map = fk_reply_map(FK_DATA_VA, fk_pages[0], 1, FL_PROT_READ);
    CHECK_EQ(fl_reply(&map), FL_OK);
    if ((why = fk_expect_done(b, &m)))
        return why;
    CHECK(m.w[0] == 0x501, "the second client read %#llx", (unsigned long long)m.w[0]);
    if ((why = fk_expect_end(b, 0)))
        return why;
    CHECK_EQ(fl_fault_reply(token_a, &map), FL_OK);
    CHECK_EQ(fl_fault_reply(token_a, &map), FL_ENOENT);
    if ((why = fk_expect_done(a, &m)))
        return fk_fail("the held client", why);
    CHECK(m.w[0] == 0x500, "the held client read %#llx", (unsigned long long)m.w[0]);
    if ((why = fk_expect_end(a, 0)))
        return fk_fail("the held client", why);
    fk_child_free(a);
    fk_child_free(b);
    return NULL;
}

/* A pager that maps, from its own space, a page it then unmaps and maps again elsewhere, and
 * replies twice through REPLY_RECV and REPLY: the client keeps its frame (frames are counted),
 * and the extra replies find nobody. */
FL_TEST(hostile_pager_unmaps_source)
{
    const uint64_t va = 0x3000380000ULL; /* in the warmed scratch block: no new table */
    fk_child_t *c;
    fl_msg_t m;
    const char *why;
    long r;

    CHECK_OK(r, fl_vm_alloc(fl_self_space(), va, 1, FL_PROT_READ | FL_PROT_WRITE));
    *(volatile uint64_t *)va = 0x1234;
    if ((why = fk_setup()) || (why = read_fault_at(&c, 0, 0, &m)))
        return why;
    fl_msg_t map = fk_reply_map(FK_DATA_VA, (void *)va, 1, FL_PROT_READ);
    CHECK_EQ(fl_reply(&map), FL_OK);
    CHECK_EQ(fl_vm_unmap(fl_self_space(), va, 1), FL_OK);
    CHECK_EQ(fl_reply(&map), FL_EPEER);
    CHECK_OK(r, fl_vm_alloc(fl_self_space(), va, 1, FL_PROT_READ | FL_PROT_WRITE));
    *(volatile uint64_t *)va = 0x9999;
    if ((why = fk_expect_done(c, &m)))
        return why;
    CHECK(m.w[0] == 0x1234, "the client read %#llx, not its frame's 0x1234",
          (unsigned long long)m.w[0]);
    CHECK_EQ(fl_vm_unmap(fl_self_space(), va, 1), FL_OK);
    (void)r;
    return fk_expect_end(c, 0);
}

/* Issue 11 item 3: a syscall whose user copy faulted, answered through REPLY_RECV (the fast
 * path), must finish as on the slow path: DEBUG_WRITE returns its length. */
FL_TEST(hostile_pager_syscall_fastpath)
{
    static const char text[] = "hostile: printed after a fast-path fault reply\n";
    const uint64_t len = sizeof(text) - 1;
    fk_mbox_t mb = {.addr = FK_DATA_VA + 0x40, .arg = len};
    fk_child_t *c;
    fl_msg_t m;
    const char *why;

    memset(fk_pages[6], 0, FL_PAGE_SIZE);
    memcpy(fk_pages[6] + 0x40, text, len);
    if ((why = fk_setup()) || (why = fk_child_new(&c, 0, fk_syscall, &mb, FK_PAGER)) ||
        (why = fk_child_start(c)) || (why = fk_recv(&m)))
        return why;
    CHECK(FL_TAG_LABEL(m.tag) == FL_LABEL_PAGE_FAULT && (FL_FAULT_FLAGS(m.w[3]) & FL_FAULT_SYSCALL),
          "expected a syscall fault, got tag %#llx", (unsigned long long)m.tag);
    m = fk_reply_map(FK_DATA_VA, fk_pages[6], 1, FL_PROT_READ);
    CHECK_EQ(fl_reply_recv(fk_endpoint(), &m), FL_OK);
    CHECK(FL_TAG_LABEL(m.tag) == FK_LABEL_DONE, "expected done, got tag %#llx",
          (unsigned long long)m.tag);
    CHECK(m.w[0] == len, "DEBUG_WRITE returned %#llx, expected %llu", (unsigned long long)m.w[0],
          (unsigned long long)len);
    if ((why = fk_release()))
        return why;
    return fk_expect_end(c, 0);
}

/* Issue 11 item 1: a map reply into the pager's own space whose source and destination
 * overlap. The kernel must take every source frame before it changes a PTE: the page that
 * ends up at dst+1 is the frame that was at src+1 (= dst) before, it keeps its contents, and
 * it is not reused by the kernel (a page table allocated afterwards must not show through). */
FL_TEST(hostile_pager_overlap_self)
{
    const uint64_t base = 0x30003a0000ULL; /* in the warmed scratch block */
    fl_handle_t self = fl_self_space();
    const char *why;
    long r;

    CHECK_OK(r, fl_vm_alloc(self, base, 2, FL_PROT_READ | FL_PROT_WRITE));
    (void)r;
    for (unsigned i = 0; i < 2; i++)
        for (unsigned j = 0; j < 512; j++)
            ((volatile uint64_t *)(base + i * 4096))[j] = 0xa0 + i;
    if (fk_setup())
        return "setup";
    /* A thread of init's own space faults at base + 2 pages; the test is its pager. */
    static uint8_t mbox[4096] __attribute__((aligned(4096)));
    fk_mbox_t *mb = (fk_mbox_t *)mbox;
    memset(mbox, 0, sizeof(mbox));
    mb->addr = base + 2 * 4096;
    long done = fl_handle_mint(fk_endpoint(), 0xd0, FL_RIGHT_WRITE);
    CHECK(done > 0, "mint: %s", fl_strerror(done));
    test_handle(done);
    mb->ep = (uint64_t)done;
    long t = fl_thread_create(self, (uint64_t)(uintptr_t)fk_read, (uint64_t)(uintptr_t)mbox + 4096,
                              (uint64_t)(uintptr_t)mbox, FL_PRIORITY_DEFAULT);
    CHECK(t > 0, "thread: %s", fl_strerror(t));
    test_handle(t);
    CHECK_EQ(fl_thread_set_handler((fl_handle_t)t, FL_HANDLER_PAGER, fk_endpoint()), FL_OK);
    CHECK_EQ(fl_thread_start((fl_handle_t)t), FL_OK);
    fl_msg_t m;
    CHECK_EQ(fl_recv(fk_endpoint(), &m), FL_OK);
    /* dst = base + 1 page, src = base: dst page 0 (= src page 1) is replaced first. */
    fl_msg_t map = fk_reply_map(base + 4096, (void *)base, 2, FL_PROT_READ | FL_PROT_WRITE);
    CHECK_EQ(fl_reply(&map), FL_OK);
    /* The thread reads base + 2 pages, reports it and exits. */
    CHECK_EQ(fl_recv(fk_endpoint(), &m), FL_OK);
    CHECK(FL_TAG_LABEL(m.tag) == FK_LABEL_DONE, "expected done, got tag %#llx",
          (unsigned long long)m.tag);
    uint64_t seen = m.w[0];
    if ((why = fk_release()))
        return why;
    /* Allocate page tables and frames: a freed frame would be reused now. */
    long sp = fl_space_create(fl_pool());
    CHECK(sp > 0, "space: %s", fl_strerror(sp));
    test_handle(sp);
    for (unsigned i = 0; i < 8; i++)
        fl_vm_alloc((fl_handle_t)sp, 0x1000000000ULL * (i + 1), 1, FL_PROT_READ);
    const volatile uint64_t *p1 = (const uint64_t *)(base + 4096),
                            *p2 = (const uint64_t *)(base + 2 * 4096);
    CHECK(seen == 0xa1, "the thread read %#llx, expected old page 1's 0xa1",
          (unsigned long long)seen);
    for (unsigned j = 0; j < 512; j++) {
        CHECK(p1[j] == 0xa0, "page 1 word %u = %#llx, expected page 0's 0xa0", j,
              (unsigned long long)p1[j]);
        CHECK(p2[j] == 0xa1, "page 2 word %u = %#llx, expected old page 1's 0xa1", j,
              (unsigned long long)p2[j]);
    }
    for (int i = 0; i < 20; i++)
        fl_yield(); /* the thread exits */
    CHECK_EQ(fl_vm_unmap(self, base, 3), FL_OK);
    return NULL;
}

/* Threads of the pager's own space make a system call whose buffer is not mapped: the fault
 * goes to their pager like any other (FL_FAULT_SYSCALL), and after a refused or fail reply the
 * call returns FL_EFAULT, never a success that printed nothing. The first thread's reply is
 * refused (a client range that wraps); the second thread must still see its fault. */
static uint8_t self_mbox[4096] __attribute__((aligned(4096)));

static const char *self_syscall_round(uint64_t buf, const fl_msg_t *reply, long reply_ret)
{
    fk_mbox_t *mb = (fk_mbox_t *)self_mbox;
    const char *why;
    fl_msg_t m;

    memset(self_mbox, 0, sizeof(self_mbox));
    mb->addr = buf;
    mb->arg = 1;
    long done = fl_handle_mint(fk_endpoint(), 0xd0, FL_RIGHT_WRITE);
    CHECK(done > 0, "mint: %s", fl_strerror(done));
    test_handle(done);
    mb->ep = (uint64_t)done;
    long t = fl_thread_create(fl_self_space(), (uint64_t)(uintptr_t)fk_syscall,
                              (uint64_t)(uintptr_t)self_mbox + 4096, (uint64_t)(uintptr_t)self_mbox,
                              FL_PRIORITY_DEFAULT);
    CHECK(t > 0, "thread: %s", fl_strerror(t));
    test_handle(t);
    CHECK_EQ(fl_thread_set_handler((fl_handle_t)t, FL_HANDLER_PAGER, fk_endpoint()), FL_OK);
    CHECK_EQ(fl_thread_set_handler((fl_handle_t)t, FL_HANDLER_EXCEPTION, fk_endpoint()), FL_OK);
    CHECK_EQ(fl_thread_start((fl_handle_t)t), FL_OK);
    CHECK_EQ(fl_recv(fk_endpoint(), &m), FL_OK);
    if (FL_TAG_LABEL(m.tag) == FK_LABEL_DONE) {
        uint64_t res = m.w[0];
        if ((why = fk_release()))
            return why;
        return test_failf("no fault: DEBUG_WRITE on the unmapped %#llx returned %ld (%s)",
                          (unsigned long long)buf, (long)res, fl_strerror((long)res));
    }
    CHECK(FL_TAG_LABEL(m.tag) == FL_LABEL_PAGE_FAULT && m.w[0] == buf &&
              (FL_FAULT_FLAGS(m.w[3]) & FL_FAULT_SYSCALL),
          "expected a syscall fault at %#llx, got tag %#llx w0 %#llx info %#llx",
          (unsigned long long)buf, (unsigned long long)m.tag, (unsigned long long)m.w[0],
          (unsigned long long)m.w[3]);
    if (reply->tag == FL_TAG(FL_FAULT_REPLY_RESUME, 0, 0)) {
        /* Resumed with nothing mapped: the copy runs again and faults again. */
        CHECK_EQ(fl_reply(reply), FL_OK);
        CHECK_EQ(fl_recv(fk_endpoint(), &m), FL_OK);
        CHECK(FL_TAG_LABEL(m.tag) == FL_LABEL_PAGE_FAULT && m.w[0] == buf,
              "after a resume with nothing mapped: tag %#llx w0 %#llx (DEBUG_WRITE result %ld), "
              "expected the same fault again",
              (unsigned long long)m.tag, (unsigned long long)m.w[0],
              FL_TAG_LABEL(m.tag) == FK_LABEL_DONE ? (long)m.w[0] : 0L);
        fl_msg_t fail = fk_reply_fail(FL_FAULT_FAIL_NO_REGION);
        CHECK_EQ(fl_reply(&fail), FL_OK);
    } else {
        CHECK_EQ(fl_reply(reply), reply_ret);
    }
    CHECK_EQ(fl_recv(fk_endpoint(), &m), FL_OK);
    CHECK(FL_TAG_LABEL(m.tag) == FK_LABEL_DONE, "expected done, got tag %#llx",
          (unsigned long long)m.tag);
    CHECK(m.w[0] == (uint64_t)(int64_t)FL_EFAULT,
          "DEBUG_WRITE returned %ld (%s), expected FL_EFAULT", (long)m.w[0],
          fl_strerror((long)m.w[0]));
    if ((why = fk_release()))
        return why;
    for (int i = 0; i < 20; i++)
        fl_yield(); /* the thread exits */
    return NULL;
}

FL_TEST(hostile_pager_self_syscall)
{
    const uint64_t buf = 0x30003b0000ULL; /* in the warmed scratch block, never mapped */
    const char *why;

    if ((why = fk_setup()))
        return why;
    fl_msg_t wraps = fk_reply_map(~0xfffULL, fk_pages[0], 2, FL_PROT_READ);
    if ((why = self_syscall_round(buf + 0x190, &wraps, FL_ERANGE)))
        return fk_fail("refused reply", why);
    fl_msg_t fail = fk_reply_fail(FL_FAULT_FAIL_NO_REGION);
    if ((why = self_syscall_round(buf + 0x1190, &fail, FL_OK)))
        return fk_fail("after a refused reply", why);
    fl_msg_t resume = fk_reply_resume();
    if ((why = self_syscall_round(buf + 0x2190, &resume, FL_OK)))
        return fk_fail("resume", why);
    return NULL;
}
