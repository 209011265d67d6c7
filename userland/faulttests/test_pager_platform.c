/*
 * The pager platform (issue 12): who may change pager-backed memory (item 1), the faulting
 * thread's identity and registers (item 3), fault deadlines (item 4), and end events with
 * several watchers per space (item 5). The test is the pager or exception handler of a child
 * built by faultkit, as in the other fault tests.
 */
#include "faultkit.h"

extern const char fk_svcs[], fk_insn_svcs_read[], fk_emul[], fk_insn_emul[];

#define RW (FL_PROT_READ | FL_PROT_WRITE)

/* One system call fk_svcs makes: number, x0..x4, and what it returned. */
typedef struct svc {
    uint64_t nr, x[5];
    int64_t result;
} svc_t;

static svc_t *svcs(fk_child_t *c)
{
    return (svc_t *)((char *)c->mbox + FK_MB_SVCS);
}

/* Waits until the timer has advanced by n ticks: a deadline entry whose fault was answered
 * holds its thread until the next tick looks at it (kernel/fault_deadline.c). */
static void wait_ticks(uint64_t n)
{
    uint64_t until = test_ticks() + n;
    while (test_ticks() < until)
        fl_yield();
}

/* Item 1: the client's own VM_UNMAP / VM_PROTECT / VM_MAP over a page its pager mapped are
 * refused with FL_EPAGER (the page stays mapped: no fault follows), memory it allocated itself
 * stays its own, and the pager can still change what it mapped. Without the refusal the second
 * read below faults on a page the pager believes resident: the old livelock. */
FL_TEST(pp_client_unmap_refused)
{
    const fk_want_t w = {FL_LABEL_PAGE_FAULT,
                         FK_DATA_VA + 8,
                         FK_PC(fk_insn_svcs_read),
                         FL_FAULT_READ,
                         FL_FAULT_TRANSLATION,
                         FL_FAULT_FAR_VALID,
                         3,
                         FK_EC_DABT_LOWER};
    fk_mbox_t mb = {.addr = FK_DATA_VA + 8, .arg = 5};
    fk_child_t *c;
    fl_msg_t m;
    const char *why;
    long sh, tid;

    if ((why = fk_setup()) || (why = fk_child_new(&c, 0, fk_svcs, &mb, FK_PAGER)))
        return why;
    CHECK_OK(sh, fk_child_give(c, c->proc.space, FL_RIGHT_MAP));
    svc_t *s = svcs(c);
    uint64_t h = (uint64_t)sh;
    s[0] = (svc_t){FL_SYS_VM_UNMAP, {h, FK_DATA_VA, 1}, 1};
    s[1] = (svc_t){FL_SYS_VM_PROTECT, {h, FK_DATA_VA, 1, FL_PROT_READ}, 1};
    s[2] = (svc_t){FL_SYS_VM_MAP, {h, FK_DATA_VA, FK_MBOX_VA, 1, FL_PROT_READ}, 1};
    s[3] = (svc_t){FL_SYS_VM_ALLOC, {h, FK_DATA_VA + FL_PAGE_SIZE, 1, RW}, 1};
    s[4] = (svc_t){FL_SYS_VM_UNMAP, {h, FK_DATA_VA + FL_PAGE_SIZE, 1}, 1};
    fk_fill(0, 0x7700);
    if ((why = fk_child_start(c)) || (why = fk_expect_fault(c, &m, &w)))
        return why;
    CHECK_OK(tid, fl_thread_id(c->proc.thread));
    CHECK(m.fault_thread == (uint64_t)tid, "fault message names thread %llu, expected %ld",
          (unsigned long long)m.fault_thread, tid);
    m = fk_reply_map(FK_DATA_VA, fk_pages[0], 1, RW);
    CHECK_EQ(fl_reply(&m), FL_OK);
    if ((why = fk_expect_done_held(c, &m))) /* a second fault would arrive here instead */
        return why;
    CHECK_EQ(s[0].result, FL_EPAGER);
    CHECK_EQ(s[1].result, FL_EPAGER);
    CHECK_EQ(s[2].result, FL_EPAGER);
    CHECK_EQ(s[3].result, FL_OK);
    CHECK_EQ(s[4].result, FL_OK);
    CHECK(c->mbox->result2 == 0x7701 && c->mbox->result == 0x7701,
          "the client read %#llx then %#llx", (unsigned long long)c->mbox->result2,
          (unsigned long long)c->mbox->result);
    /* The pager (it receives on the child's pager endpoint) may change what it mapped. */
    CHECK_EQ(fl_vm_protect(c->proc.space, FK_DATA_VA, 1, FL_PROT_READ), FL_OK);
    CHECK_EQ(fl_vm_unmap(c->proc.space, FK_DATA_VA, 1), FL_OK);
    if ((why = fk_release()) || (why = fk_expect_end(c, 0)))
        return why;
    fk_child_free(c);
    return NULL;
}

/* Runs child 0 on routine entry with the test as its exception handler and receives its
 * first exception, which must be at pc with kind and ESR class ec; *regs gets its registers. */
static const char *exception_at(fk_child_t **c, const void *entry, fk_mbox_t *mb, uint64_t pc,
                                unsigned kind, unsigned ec, fl_regs_t *regs)
{
    const fk_want_t w = {
        .label = FL_LABEL_EXCEPTION, .pc = pc, .kind = kind, .level = -1, .ec = ec};
    fl_msg_t m;
    const char *why;
    long tid;
    if ((why = fk_child_new(c, 0, entry, mb, FK_EXC)) || (why = fk_child_start(*c)) ||
        (why = fk_expect_fault(*c, &m, &w)))
        return why;
    CHECK_OK(tid, fl_thread_id((*c)->proc.thread));
    CHECK(m.fault_thread == (uint64_t)tid, "exception message names thread %llu, expected %ld",
          (unsigned long long)m.fault_thread, tid);
    CHECK_EQ(fl_fault_regs_get(regs), FL_OK);
    CHECK(regs->pc == pc && regs->thread == (uint64_t)tid && regs->x[19] == FK_MBOX_VA &&
              regs->sp == FK_MBOX_VA + FL_PAGE_SIZE,
          "registers: pc %#llx thread %llu x19 %#llx sp %#llx", (unsigned long long)regs->pc,
          (unsigned long long)regs->thread, (unsigned long long)regs->x[19],
          (unsigned long long)regs->sp);
    return NULL;
}

/* Item 3: a handler skips a BRK (PC += 4) and emulates one undefined instruction (UDF
 * #FK_EMUL_IMM means x0 = x1 + x2, and sets N); it can never set the exception level, the
 * interrupt masks or any other PSTATE bit, nor a PC outside user space. */
FL_TEST(pp_regs_brk_udf)
{
    fk_child_t *c;
    fl_msg_t m;
    fl_regs_t r, bad;
    const char *why;

    if ((why = fk_setup()))
        return why;
    CHECK_EQ(fl_fault_regs_get(&r), FL_EPEER); /* owes no fault */
    fk_mbox_t mb = {0};
    if ((why = exception_at(&c, fk_brk, &mb, FK_PC(fk_insn_brk), FL_EXC_BREAKPOINT,
                            FK_EC_BRK_AARCH64, &r)))
        return why;
    const uint64_t refused_nzcv[] = {0x3c0, 0x5, 0x4, 1u << 21, 1u << 20, 0x1ull << 32};
    for (unsigned i = 0; i < sizeof(refused_nzcv) / sizeof(refused_nzcv[0]); i++) {
        bad = r;
        bad.nzcv = refused_nzcv[i];
        CHECK(fl_fault_regs_set(&bad) == FL_EINVAL, "PSTATE bits %#llx accepted",
              (unsigned long long)refused_nzcv[i]);
    }
    bad = r;
    bad.pc = 0xffff000040000000ULL;
    CHECK_EQ(fl_fault_regs_set(&bad), FL_EINVAL);
    bad.pc = r.pc + 2;
    CHECK_EQ(fl_fault_regs_set(&bad), FL_EINVAL);
    r.pc += 4; /* skip the breakpoint */
    CHECK_EQ(fl_fault_regs_set(&r), FL_OK);
    m = fk_reply_resume();
    CHECK_EQ(fl_reply(&m), FL_OK);
    CHECK_EQ(fl_fault_regs_get(&r), FL_EPEER); /* answered */
    if ((why = fk_expect_done(c, &m)) || (why = fk_expect_end(c, 0)))
        return fk_fail("after skipping brk", why);
    fk_child_free(c);

    mb = (fk_mbox_t){.arg = 40, .arg2 = 2};
    if ((why = exception_at(&c, fk_emul, &mb, FK_PC(fk_insn_emul), FL_EXC_UNDEFINED, FK_EC_UNKNOWN,
                            &r)))
        return why;
    uint32_t insn = *(const uint32_t *)(uintptr_t)r.pc; /* the same code is at the same address */
    CHECK(insn == FK_EMUL_IMM, "instruction %#x", insn);
    CHECK(r.x[1] == 40 && r.x[2] == 2 && r.x[0] == 0 && r.nzcv == 0x60000000,
          "x0 %#llx x1 %#llx x2 %#llx nzcv %#llx", (unsigned long long)r.x[0],
          (unsigned long long)r.x[1], (unsigned long long)r.x[2], (unsigned long long)r.nzcv);
    r.x[0] = r.x[1] + r.x[2];
    r.nzcv = 0x80000000; /* N only */
    r.pc += 4;
    CHECK_EQ(fl_fault_regs_set(&r), FL_OK);
    m = fk_reply_resume();
    CHECK_EQ(fl_reply(&m), FL_OK);
    if ((why = fk_expect_done(c, &m)))
        return fk_fail("after emulating udf", why);
    CHECK(m.w[0] == 42 && m.w[1] == 0x80000000, "emulated: x0 %llu, nzcv %#llx",
          (unsigned long long)m.w[0], (unsigned long long)m.w[1]);
    if ((why = fk_expect_end(c, 0)))
        return why;
    fk_child_free(c);
    return NULL;
}

/* Child 0 runs entry with mailbox mb and the faultkit flags, with pager pep (badge badge);
 * not started. */
static const char *client_run(fk_child_t **c, fl_handle_t pep, uint64_t badge, const void *entry,
                              const fk_mbox_t *mb, unsigned flags)
{
    const char *why;
    long h, r;
    if ((why = fk_child_new(c, 0, entry, mb, flags)))
        return why;
    CHECK_OK(h, fl_handle_mint(pep, badge, FL_RIGHT_WRITE));
    r = fl_thread_set_handler((*c)->proc.thread, FL_HANDLER_PAGER, (fl_handle_t)h);
    fl_handle_close((fl_handle_t)h);
    CHECK(r == 0, "setting the pager: %s", fl_strerror(r));
    return NULL;
}

/* Child 0 reads FK_DATA_VA + 8 with pager pep (badge badge); not started. */
static const char *client_of(fk_child_t **c, fl_handle_t pep, uint64_t badge)
{
    fk_mbox_t mb = {.addr = FK_DATA_VA + 8};
    return client_run(c, pep, badge, fk_read, &mb, 0);
}

/* Item 4: a pager endpoint with a deadline. A fault nobody receives and a fault received but
 * never answered both fail after the deadline (the client's process ends with FL_ETIMEDOUT,
 * the kernel names the pager in its report), and the late reply gets FL_EPEER; a fault
 * answered in time is untouched; a system call's copy fails with FL_ETIMEDOUT; and a thread
 * with an exception handler has the failed fault passed there (FL_EXC_FAULT_FAILED), which can
 * recover it through the registers. */
FL_TEST(pp_deadline)
{
    fk_child_t *c;
    fl_msg_t m;
    const char *why;
    long pep, weak;

    if ((why = fk_setup()))
        return why;
    CHECK_OK(pep, fl_endpoint_create());
    test_handle(pep);
    CHECK_OK(weak, fl_handle_mint((fl_handle_t)pep, 1, FL_RIGHT_WRITE | FL_RIGHT_READ));
    test_handle(weak);
    CHECK_EQ(fl_endpoint_set_deadline((fl_handle_t)weak, 5), FL_EPERM); /* needs MANAGE */
    CHECK_EQ(fl_endpoint_set_deadline((fl_handle_t)pep, FL_DEADLINE_MAX_TICKS + 1ull), FL_ERANGE);
    CHECK_EQ(fl_endpoint_set((fl_handle_t)pep, 99, 1), FL_EINVAL);
    CHECK_EQ(fl_endpoint_set_deadline((fl_handle_t)pep, 5), FL_OK);

    /* Nobody receives. */
    if ((why = client_of(&c, (fl_handle_t)pep, 0xd1)) || (why = fk_child_start(c)) ||
        (why = fk_expect_end(c, FL_ETIMEDOUT)))
        return fk_fail("fault never received", why);
    fk_child_free(c);

    /* Received, never answered: the test holds it. */
    if ((why = client_of(&c, (fl_handle_t)pep, 0xd2)) || (why = fk_child_start(c)))
        return why;
    CHECK_EQ(fl_recv((fl_handle_t)pep, &m), FL_OK);
    CHECK(FL_TAG_LABEL(m.tag) == FL_LABEL_PAGE_FAULT && m.badge == 0xd2,
          "got tag %#llx badge %#llx", (unsigned long long)m.tag, (unsigned long long)m.badge);
    if ((why = fk_expect_end(c, FL_ETIMEDOUT)))
        return fk_fail("fault never answered", why);
    m = fk_reply_map(FK_DATA_VA, fk_pages[0], 1, FL_PROT_READ);
    CHECK_EQ(fl_reply(&m), FL_EPEER); /* too late: the fault failed */
    fk_child_free(c);

    /* Answered in time. */
    CHECK_EQ(fl_endpoint_set_deadline((fl_handle_t)pep, 100), FL_OK);
    fk_fill(0, 0x4400);
    if ((why = client_of(&c, (fl_handle_t)pep, 0xd3)) || (why = fk_child_start(c)))
        return why;
    CHECK_EQ(fl_recv((fl_handle_t)pep, &m), FL_OK);
    m = fk_reply_map(FK_DATA_VA, fk_pages[0], 1, FL_PROT_READ);
    CHECK_EQ(fl_reply(&m), FL_OK);
    if ((why = fk_expect_done(c, &m)) || (why = fk_expect_end(c, 0)))
        return fk_fail("answered in time", why);
    CHECK(m.w[0] == 0x4401, "read %#llx", (unsigned long long)m.w[0]);
    fk_child_free(c);

    /* A system call's copy: the call fails with the typed reason. */
    CHECK_EQ(fl_endpoint_set_deadline((fl_handle_t)pep, 5), FL_OK);
    fk_mbox_t mb = {.addr = FK_DATA_VA, .arg = 8};
    if ((why = client_run(&c, (fl_handle_t)pep, 0xd4, fk_syscall, &mb, 0)) ||
        (why = fk_child_start(c)) || (why = fk_expect_done(c, &m)) || (why = fk_expect_end(c, 0)))
        return fk_fail("in a system call", why);
    CHECK(m.w[0] == (uint64_t)(int64_t)FL_ETIMEDOUT, "the system call returned %lld",
          (long long)m.w[0]);
    fk_child_free(c);

    /* With an exception handler (the test endpoint), the handler gets the fault back as
     * FL_EXC_FAULT_FAILED and recovers: it skips the load and supplies the value. */
    mb = (fk_mbox_t){.addr = FK_DATA_VA + 8};
    if ((why = client_run(&c, (fl_handle_t)pep, 0xd5, fk_read, &mb, FK_EXC)) ||
        (why = fk_child_start(c)) || (why = fk_recv(&m)))
        return fk_fail("with a handler", why);
    uint64_t info = m.w[3];
    CHECK(FL_TAG_LABEL(m.tag) == FL_LABEL_EXCEPTION && m.badge == FK_BADGE_EXC(0) &&
              m.w[0] == FK_DATA_VA + 8 && m.w[1] == FK_PC(fk_insn_read) &&
              FL_FAULT_KIND(info) == FL_EXC_FAULT_FAILED &&
              FL_FAULT_REASON(info) == FL_FAULT_FAIL_TIMEDOUT &&
              FL_FAULT_ACCESS(info) == FL_FAULT_READ &&
              (FL_FAULT_FLAGS(info) & FL_FAULT_FAR_VALID) &&
              m.fault_thread == (uint64_t)fl_thread_id(c->proc.thread),
          "handler got tag %#llx badge %#llx addr %#llx pc %#llx info %#llx thread %llu",
          (unsigned long long)m.tag, (unsigned long long)m.badge, (unsigned long long)m.w[0],
          (unsigned long long)m.w[1], (unsigned long long)info, (unsigned long long)m.fault_thread);
    fl_regs_t r;
    CHECK_EQ(fl_fault_regs_get(&r), FL_OK);
    r.x[2] = 0x5151; /* what fk_read's "ldr x2, [x1]" would have loaded */
    r.pc += 4;
    CHECK_EQ(fl_fault_regs_set(&r), FL_OK);
    m = fk_reply_resume();
    CHECK_EQ(fl_reply(&m), FL_OK);
    if ((why = fk_recv(&m)))
        return why;
    CHECK(FL_TAG_LABEL(m.tag) == FK_LABEL_DONE && m.w[0] == 0x5151,
          "after recovery: tag %#llx w0 %#llx", (unsigned long long)m.tag,
          (unsigned long long)m.w[0]);
    m = (fl_msg_t){.tag = FL_TAG(0, 0, 0)};
    CHECK_EQ(fl_reply(&m), FL_OK);
    if ((why = fk_expect_end(c, 0)))
        return why;
    fk_child_free(c);

    /* An exception handler endpoint with a deadline: an exception nobody takes fails once
     * (it is not passed on again). */
    long h, rr;
    fk_mbox_t none = {0};
    if ((why = fk_child_new(&c, 0, fk_udf, &none, 0)))
        return why;
    CHECK_OK(h, fl_handle_mint((fl_handle_t)pep, 0xd6, FL_RIGHT_WRITE));
    rr = fl_thread_set_handler(c->proc.thread, FL_HANDLER_EXCEPTION, (fl_handle_t)h);
    fl_handle_close((fl_handle_t)h);
    CHECK(rr == 0, "setting the handler: %s", fl_strerror(rr));
    if ((why = fk_child_start(c)) || (why = fk_expect_end(c, FL_ETIMEDOUT)))
        return fk_fail("exception handler deadline", why);
    fk_child_free(c);
    wait_ticks(2);
    return NULL;
}

/* Receives the next message on pep, which must be FL_LABEL_SPACE_ENDED with badge and status. */
static const char *expect_ended(fl_handle_t pep, uint64_t badge, long status)
{
    fl_msg_t m;
    CHECK_EQ(fl_recv(pep, &m), FL_OK);
    CHECK(m.tag == FL_TAG(FL_LABEL_SPACE_ENDED, 2, 0) && m.badge == badge &&
              (long)m.w[1] == status && m.w[0] != 0 && m.fault_thread == 0 && m.fault_sp == 0,
          "event: tag %#llx badge %#llx space %llu status %lld, expected badge %#llx status %ld",
          (unsigned long long)m.tag, (unsigned long long)m.badge, (unsigned long long)m.w[0],
          (long long)m.w[1], (unsigned long long)badge, status);
    return NULL;
}

/* Item 5: a pager endpoint that asked for events learns that a client ended (normally, and
 * destroyed while the pager held its fault), with the badge the client's faults carry; and a
 * space takes several watchers (FL_SPACE_WATCHERS), each signalled with its own bits. */
FL_TEST(pp_space_events)
{
    fk_child_t *c;
    fl_msg_t m;
    const char *why;
    long pep, ntf[FL_SPACE_WATCHERS];

    if ((why = fk_setup()))
        return why;
    CHECK_OK(pep, fl_endpoint_create());
    test_handle(pep);
    CHECK_EQ(fl_endpoint_set((fl_handle_t)pep, FL_EP_SPACE_EVENTS, 2), FL_EINVAL);
    CHECK_EQ(fl_endpoint_set((fl_handle_t)pep, FL_EP_SPACE_EVENTS, 1), FL_OK);

    /* Ends by itself, after one fault; watched by FL_SPACE_WATCHERS notifications (faultkit's
     * own is the first). */
    fk_fill(0, 0x5500);
    if ((why = client_of(&c, (fl_handle_t)pep, 0xe1)))
        return why;
    for (unsigned i = 1; i < FL_SPACE_WATCHERS; i++) {
        CHECK_OK(ntf[i], fl_notification_create());
        test_handle(ntf[i]);
        CHECK_EQ(fl_space_watch(c->proc.space, (fl_handle_t)ntf[i], 1ull << i), FL_OK);
    }
    CHECK_OK(ntf[0], fl_notification_create());
    test_handle(ntf[0]);
    CHECK_EQ(fl_space_watch(c->proc.space, (fl_handle_t)ntf[0], 1), FL_EFULL);
    CHECK_EQ(fl_space_watch(c->proc.space, (fl_handle_t)ntf[1], 0x30), FL_OK); /* new bits */
    if ((why = fk_child_start(c)))
        return why;
    CHECK_EQ(fl_recv((fl_handle_t)pep, &m), FL_OK);
    CHECK(FL_TAG_LABEL(m.tag) == FL_LABEL_PAGE_FAULT && m.badge == 0xe1, "got tag %#llx",
          (unsigned long long)m.tag);
    m = fk_reply_map(FK_DATA_VA, fk_pages[0], 1, FL_PROT_READ);
    CHECK_EQ(fl_reply(&m), FL_OK);
    if ((why = fk_expect_done(c, &m)) || (why = fk_expect_end(c, 0)))
        return why;
    if ((why = expect_ended((fl_handle_t)pep, 0xe1, 0)))
        return fk_fail("after exit", why);
    CHECK_EQ(fl_poll((fl_handle_t)ntf[1]), 0x30);
    for (unsigned i = 2; i < FL_SPACE_WATCHERS; i++)
        CHECK(fl_poll((fl_handle_t)ntf[i]) == (long)(1ull << i), "watcher %u not signalled", i);
    fk_child_free(c);

    /* Destroyed while the pager holds its fault. */
    if ((why = client_of(&c, (fl_handle_t)pep, 0xe2)) || (why = fk_child_start(c)))
        return why;
    CHECK_EQ(fl_recv((fl_handle_t)pep, &m), FL_OK);
    CHECK(FL_TAG_LABEL(m.tag) == FL_LABEL_PAGE_FAULT && m.badge == 0xe2, "got tag %#llx",
          (unsigned long long)m.tag);
    fk_child_free(c);
    if ((why = expect_ended((fl_handle_t)pep, 0xe2, -1)))
        return fk_fail("after destroy", why);
    return NULL;
}

/* Item 5 (and item 1's bookkeeping): an endpoint that did not ask for events gets none, and a
 * space takes at most 4 distinct pager endpoints among its threads (FL_EFULL after, nothing
 * changed); the same endpoint again, or clearing, always works. */
FL_TEST(pp_pager_limit)
{
    fk_child_t *c;
    fl_msg_t m;
    const char *why;
    long quiet, eps[4], th[4], h;

    if ((why = fk_setup()))
        return why;
    CHECK_OK(quiet, fl_endpoint_create());
    test_handle(quiet);
    if ((why = client_of(&c, (fl_handle_t)quiet, 0xf1)) || (why = fk_child_start(c)))
        return why;
    CHECK_EQ(fl_recv((fl_handle_t)quiet, &m), FL_OK);
    m = fk_reply_map(FK_DATA_VA, fk_pages[0], 1, FL_PROT_READ);
    CHECK_EQ(fl_reply(&m), FL_OK);
    if ((why = fk_expect_done(c, &m)) || (why = fk_expect_end(c, 0)))
        return why;
    fk_child_free(c);
    /* No event is queued: the next message on quiet is the next client's fault. */
    if ((why = client_of(&c, (fl_handle_t)quiet, 0xf2)) || (why = fk_child_start(c)))
        return why;
    CHECK_EQ(fl_recv((fl_handle_t)quiet, &m), FL_OK);
    CHECK(FL_TAG_LABEL(m.tag) == FL_LABEL_PAGE_FAULT && m.badge == 0xf2,
          "expected the fault, got tag %#llx badge %#llx", (unsigned long long)m.tag,
          (unsigned long long)m.badge);
    m = fk_reply_map(FK_DATA_VA, fk_pages[0], 1, FL_PROT_READ);
    CHECK_EQ(fl_reply(&m), FL_OK);
    if ((why = fk_expect_done_held(c, &m)))
        return why;

    /* c's thread has pager quiet: three more distinct endpoints fit, a fourth does not. */
    for (int i = 0; i < 4; i++) {
        CHECK_OK(eps[i], fl_endpoint_create());
        test_handle(eps[i]);
        CHECK_OK(th[i], fl_thread_create(c->proc.space, FK_PC(fk_read), FK_MBOX_VA + FL_PAGE_SIZE,
                                         FK_MBOX_VA, FL_PRIORITY_DEFAULT));
        test_handle(th[i]);
    }
    for (int i = 0; i < 3; i++)
        CHECK_EQ(fl_thread_set_handler((fl_handle_t)th[i], FL_HANDLER_PAGER, (fl_handle_t)eps[i]),
                 FL_OK);
    CHECK_EQ(fl_thread_set_handler((fl_handle_t)th[3], FL_HANDLER_PAGER, (fl_handle_t)eps[3]),
             FL_EFULL);
    CHECK_EQ(fl_thread_set_handler((fl_handle_t)th[3], FL_HANDLER_PAGER, (fl_handle_t)eps[0]),
             FL_OK); /* one already in the set */
    CHECK_EQ(fl_thread_set_handler((fl_handle_t)th[2], FL_HANDLER_PAGER, 0), FL_OK);
    CHECK_EQ(fl_thread_set_handler((fl_handle_t)th[3], FL_HANDLER_PAGER, (fl_handle_t)eps[3]),
             FL_OK); /* th[2]'s endpoint left the set */
    CHECK_OK(h, fl_thread_id((fl_handle_t)th[0]));
    CHECK(h > 0, "thread id %ld", h);
    CHECK_EQ(fl_thread_id(FL_HANDLE_INVALID), (long)fl_thread_id(0));
    for (int i = 0; i < 4; i++) /* never started: closing the handle ends them */
        CHECK_EQ(fl_handle_close((fl_handle_t)th[i]), FL_OK);
    if ((why = fk_release()) || (why = fk_expect_end(c, 0)))
        return why;
    fk_child_free(c);
    return NULL;
}
