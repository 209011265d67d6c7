/*
 * Asynchronous fault resolution (issue 12, item 2): a pager thread holds several unanswered
 * faults and answers them in any order by reply token (FL_SYS_FAULT_REPLY), reads their
 * registers by token, or resolves them without the message in hand: it maps ("supplies") a
 * range and wakes every fault on it (FL_SYS_FAULT_WAKE). Tokens that name nothing the caller's
 * space owes are refused; deadlines still apply to held faults.
 */
#include "faultkit.h"

extern const char fk_svcs[];

typedef struct svc {
    uint64_t nr, x[5];
    int64_t result;
} svc_t;

/* Child i reads FK_DATA_VA + 8 with pager pep (badge); started. */
static const char *reader(fk_child_t **c, unsigned i, fl_handle_t pep, uint64_t badge)
{
    fk_mbox_t mb = {.addr = FK_DATA_VA + 8};
    const char *why;
    long h, r;
    if ((why = fk_child_new(c, i, fk_read, &mb, 0)))
        return why;
    CHECK_OK(h, fl_handle_mint(pep, badge, FL_RIGHT_WRITE));
    r = fl_thread_set_handler((*c)->proc.thread, FL_HANDLER_PAGER, (fl_handle_t)h);
    fl_handle_close((fl_handle_t)h);
    CHECK(r == 0, "setting the pager: %s", fl_strerror(r));
    return fk_child_start(*c);
}

/* Receives a page fault on pep from badge; *token gets its reply token. */
static const char *take_fault(fl_handle_t pep, uint64_t badge, fl_msg_t *m, uint64_t *token)
{
    CHECK_EQ(fl_recv(pep, m), FL_OK);
    CHECK(FL_TAG_LABEL(m->tag) == FL_LABEL_PAGE_FAULT && m->badge == badge &&
              m->w[0] == FK_DATA_VA + 8,
          "expected a fault from %#llx; got tag %#llx badge %#llx addr %#llx",
          (unsigned long long)badge, (unsigned long long)m->tag, (unsigned long long)m->badge,
          (unsigned long long)m->w[0]);
    *token = fl_fault_token(m);
    return NULL;
}

/* take_fault for a fault from any badge in [lo, hi]: on several CPUs the children run at
 * once and fault in any order. */
static const char *take_fault_any(fl_handle_t pep, uint64_t lo, uint64_t hi, fl_msg_t *m,
                                  uint64_t *token)
{
    CHECK_EQ(fl_recv(pep, m), FL_OK);
    CHECK(FL_TAG_LABEL(m->tag) == FL_LABEL_PAGE_FAULT && m->badge >= lo && m->badge <= hi &&
              m->w[0] == FK_DATA_VA + 8,
          "expected a fault from %#llx..%#llx; got tag %#llx badge %#llx addr %#llx",
          (unsigned long long)lo, (unsigned long long)hi, (unsigned long long)m->tag,
          (unsigned long long)m->badge, (unsigned long long)m->w[0]);
    *token = fl_fault_token(m);
    return NULL;
}

/* c finished its read and saw want (fk_read stores the word in result). */
static const char *read_back(fk_child_t *c, uint64_t want)
{
    fl_msg_t m;
    const char *why;
    if ((why = fk_expect_done(c, &m)) || (why = fk_expect_end(c, 0)))
        return why;
    CHECK(m.w[0] == want, "child %u read %#llx, expected %#llx", c->index,
          (unsigned long long)m.w[0], (unsigned long long)want);
    return NULL;
}

/* Two faults held by one thread, answered in reverse order by token; registers by token; stale,
 * forged and malformed tokens refused; the plain reply owes nothing after a second receive. */
FL_TEST(pa_reverse_order)
{
    fk_child_t *a, *b;
    fl_msg_t ma, mb, m;
    uint64_t ta, tb;
    fl_regs_t r;
    const char *why;
    long pep, tid;

    if ((why = fk_setup()))
        return why;
    CHECK_OK(pep, fl_endpoint_create());
    test_handle(pep);
    fk_fill(0, 0xa000);
    fk_fill(1, 0xb000);
    if ((why = reader(&a, 0, (fl_handle_t)pep, 0xa1)) ||
        (why = take_fault((fl_handle_t)pep, 0xa1, &ma, &ta)))
        return why;
    if ((why = reader(&b, 1, (fl_handle_t)pep, 0xa2)) ||
        (why = take_fault((fl_handle_t)pep, 0xa2, &mb, &tb))) /* a's fault is held now */
        return why;
    CHECK(ta != tb, "one token for two faults");
    CHECK_OK(tid, fl_thread_id(a->proc.thread));
    CHECK(FL_FAULT_TOKEN_THREAD(ta) == (uint64_t)tid, "token %#llx, thread %ld",
          (unsigned long long)ta, tid);
    /* Registers of the held fault, by token. */
    CHECK_EQ(fl_fault_regs_get_of(ta, &r), FL_OK);
    CHECK(r.thread == (uint64_t)tid && r.pc == ma.w[1], "regs: thread %llu pc %#llx",
          (unsigned long long)r.thread, (unsigned long long)r.pc);
    /* Refused: token 0, a forged sequence number, a made-up thread. */
    m = fk_reply_map(FK_DATA_VA, fk_pages[0], 1, FL_PROT_READ);
    CHECK_EQ(fl_fault_reply(0, &m), FL_EINVAL);
    CHECK_EQ(fl_fault_reply(ta + 1, &m), FL_ENOENT);
    CHECK_EQ(fl_fault_reply(FL_FAULT_TOKEN(0xfffffff0u, ma.w[3]), &m), FL_ENOENT);
    CHECK_EQ(fl_fault_regs_get_of(ta ^ (1ull << 40), &r), FL_ENOENT);
    /* A bad reply by token is checked as any reply: refused, the client stopped. Not here:
     * answer b first, then a. */
    m = fk_reply_map(FK_DATA_VA, fk_pages[1], 1, FL_PROT_READ);
    CHECK_EQ(fl_fault_reply(tb, &m), FL_OK);
    CHECK_EQ(fl_fault_reply(tb, &m), FL_ENOENT); /* stale: answered */
    if ((why = read_back(b, 0xb001)))
        return fk_fail("second fault first", why);
    m = fk_reply_map(FK_DATA_VA, fk_pages[0], 1, FL_PROT_READ);
    CHECK_EQ(fl_reply(&m), FL_EPEER); /* the test received since: a's fault is held, not owed */
    CHECK_EQ(fl_fault_reply(ta, &m), FL_OK);
    CHECK_EQ(fl_fault_regs_get_of(ta, &r), FL_ENOENT);
    if ((why = read_back(a, 0xa001)))
        return fk_fail("first fault last", why);
    fk_child_free(a);
    fk_child_free(b);
    return NULL;
}

/* A held fault whose thread died, a token another process tries (it owes nothing), a bad
 * reply by token, and a held fault under a deadline. */
FL_TEST(pa_token_refused)
{
    fk_child_t *a, *b, *o;
    fl_msg_t ma, mb, m;
    uint64_t ta, tb;
    const char *why;
    long pep;

    if ((why = fk_setup()))
        return why;
    CHECK_OK(pep, fl_endpoint_create());
    test_handle(pep);
    if ((why = reader(&a, 0, (fl_handle_t)pep, 0xb1)) ||
        (why = take_fault((fl_handle_t)pep, 0xb1, &ma, &ta)) ||
        (why = reader(&b, 1, (fl_handle_t)pep, 0xb2)) ||
        (why = take_fault((fl_handle_t)pep, 0xb2, &mb, &tb)))
        return why;
    /* Another process (not a pager of anything) tries both tokens: nothing it owes. */
    fk_mbox_t omb = {.arg = 3};
    if ((why = fk_child_new(&o, 2, fk_svcs, &omb, 0)))
        return why;
    svc_t *s = (svc_t *)((char *)o->mbox + FK_MB_SVCS);
    s[0] = (svc_t){FL_SYS_FAULT_REPLY, {ta, FL_TAG(FL_FAULT_REPLY_RESUME, 0, 0)}, 1};
    s[1] = (svc_t){FL_SYS_FAULT_REPLY, {tb, FL_TAG(FL_FAULT_REPLY_RESUME, 0, 0)}, 1};
    s[2] = (svc_t){FL_SYS_FAULT_WAKE, {0, FK_DATA_VA, FL_PAGE_SIZE, 0}, 1};
    if ((why = fk_child_start(o)) || (why = fk_expect_done(o, &m)) || (why = fk_expect_end(o, 0)))
        return fk_fail("the other process", why);
    CHECK_EQ(s[0].result, FL_ENOENT);
    CHECK_EQ(s[1].result, FL_ENOENT);
    CHECK_EQ(s[2].result, 0);
    fk_child_free(o);
    CHECK(fk_alive(a) && fk_alive(b), "a held fault was answered by another process");

    /* a dies while its fault is held: the token names nothing any more. */
    fk_child_free(a);
    m = fk_reply_map(FK_DATA_VA, fk_pages[0], 1, FL_PROT_READ);
    CHECK_EQ(fl_fault_reply(ta, &m), FL_ENOENT);
    /* A bad reply by token: the same checks as a reply (fault_reply.c), the client stopped. */
    m = fk_reply_fail(0);
    CHECK_EQ(fl_fault_reply(tb, &m), FL_EINVAL);
    CHECK_EQ(fl_fault_reply(tb, &m), FL_ENOENT);
    if ((why = fk_expect_end(b, -1)))
        return fk_fail("after a bad reply by token", why);
    fk_child_free(b);

    /* Deadlines apply to held faults: the held one fails in time, its token goes stale. */
    CHECK_EQ(fl_endpoint_set_deadline((fl_handle_t)pep, 5), FL_OK);
    if ((why = reader(&a, 0, (fl_handle_t)pep, 0xb3)) ||
        (why = take_fault((fl_handle_t)pep, 0xb3, &ma, &ta)) ||
        (why = reader(&b, 1, (fl_handle_t)pep, 0xb4)) ||
        (why = take_fault((fl_handle_t)pep, 0xb4, &mb, &tb)))
        return why;
    if ((why = fk_expect_end(a, FL_ETIMEDOUT)) || (why = fk_expect_end(b, FL_ETIMEDOUT)))
        return fk_fail("held faults past the deadline", why);
    m = fk_reply_map(FK_DATA_VA, fk_pages[0], 1, FL_PROT_READ);
    CHECK_EQ(fl_fault_reply(ta, &m), FL_ENOENT);
    CHECK_EQ(fl_fault_reply(tb, &m), FL_ENOENT);
    fk_child_free(a);
    fk_child_free(b);
    return NULL;
}

/* Supply a range, then wake the waiters: three clients fault on FK_DATA_VA + 8 (one fault
 * held, one the reply target, one still queued on the endpoint); the pager maps each client's
 * page itself and one FAULT_WAKE resumes all three, which retry and read the right words. A
 * range or badge that matches nothing wakes nobody. */
FL_TEST(pa_wake_range)
{
    fk_child_t *c[3];
    fl_msg_t m;
    uint64_t t;
    const char *why;
    long pep, weak;

    if ((why = fk_setup()))
        return why;
    CHECK_OK(pep, fl_endpoint_create());
    test_handle(pep);
    CHECK_OK(weak, fl_handle_mint((fl_handle_t)pep, 0, FL_RIGHT_WRITE));
    test_handle(weak);
    for (unsigned i = 0; i < 3; i++)
        fk_fill(i, 0xc000 + 0x100 * i);
    for (unsigned i = 0; i < 3; i++)
        if ((why = reader(&c[i], i, (fl_handle_t)pep, 0xc1 + i)))
            return why;
    if ((why = take_fault_any((fl_handle_t)pep, 0xc1, 0xc3, &m, &t)) ||
        (why = take_fault_any((fl_handle_t)pep, 0xc1, 0xc3, &m, &t)))
        return why;
    /* The third fault is queued on pep once its child ran: let it run. */
    for (uint64_t until = test_ticks() + 3; test_ticks() < until;)
        fl_yield();
    for (unsigned i = 0; i < 3; i++) /* supply */
        CHECK_EQ(fl_vm_map(c[i]->proc.space, FK_DATA_VA, (uint64_t)(uintptr_t)fk_pages[i], 1,
                           FL_PROT_READ),
                 FL_OK);
    CHECK_EQ(fl_fault_wake((fl_handle_t)weak, FK_DATA_VA, FL_PAGE_SIZE, 0), FL_EPERM);
    CHECK_EQ(fl_fault_wake(0, FK_DATA_VA, 0, 0), FL_EINVAL);
    CHECK_EQ(fl_fault_wake((fl_handle_t)pep, FK_DATA_VA + FL_PAGE_SIZE, FL_PAGE_SIZE, 0), 0);
    CHECK_EQ(fl_fault_wake((fl_handle_t)pep, FK_DATA_VA, FL_PAGE_SIZE, 0xc9), 0);
    CHECK_EQ(fl_fault_wake((fl_handle_t)pep, FK_DATA_VA, FL_PAGE_SIZE, 0), 3);
    for (unsigned n = 0; n < 3; n++) { /* they finish in any order */
        if ((why = fk_recv(&m)))
            return why;
        unsigned i = (unsigned)(m.badge - FK_BADGE_DONE(0));
        CHECK(FL_TAG_LABEL(m.tag) == FK_LABEL_DONE && i < 3 && m.w[0] == 0xc001 + 0x100 * i,
              "after the wake: tag %#llx badge %#llx read %#llx", (unsigned long long)m.tag,
              (unsigned long long)m.badge, (unsigned long long)m.w[0]);
        if ((why = fk_release()))
            return why;
    }
    for (unsigned i = 0; i < 3; i++)
        if ((why = fk_expect_end(c[i], 0)))
            return why;
    m = fk_reply_map(FK_DATA_VA, fk_pages[0], 1, FL_PROT_READ);
    CHECK_EQ(fl_fault_reply(t, &m), FL_ENOENT); /* woken: answered */
    for (unsigned i = 0; i < 3; i++)
        fk_child_free(c[i]);
    return NULL;
}
