/*
 * Pagers that go away: a pager process destroyed while it holds a fault, a pager thread that
 * exits holding one, an endpoint closed before the fault or while the client waits in its
 * queue, and no pager at all. In each case the client is stopped (its process ends with -1),
 * nothing hangs, and the next client is served.
 */
#include "faultkit.h"

/* Child 0 reads FK_DATA_VA + 8 with pager pep (badge 0x9a9e); not started. */
static const char *client_of(fk_child_t **c, fl_handle_t pep)
{
    fk_mbox_t mb = {.addr = FK_DATA_VA + 8};
    const char *why;
    long h, r;
    if ((why = fk_child_new(c, 0, fk_read, &mb, 0)))
        return why;
    if (!pep)
        return NULL;
    CHECK_OK(h, fl_handle_mint(pep, 0x9a9e, FL_RIGHT_WRITE));
    r = fl_thread_set_handler((*c)->proc.thread, FL_HANDLER_PAGER, (fl_handle_t)h);
    fl_handle_close((fl_handle_t)h);
    CHECK(r == 0, "setting the pager: %s", fl_strerror(r));
    return NULL;
}

/* After a pager went away: a client of a working pager (the test, on pep) still gets served. */
static const char *next_client_served(fl_handle_t pep)
{
    fk_child_t *c;
    fl_msg_t m;
    const char *why;

    fk_fill(0, 0x4200);
    if ((why = client_of(&c, pep)) || (why = fk_child_start(c)))
        return why;
    CHECK_EQ(fl_recv(pep, &m), FL_OK);
    CHECK(FL_TAG_LABEL(m.tag) == FL_LABEL_PAGE_FAULT && m.badge == 0x9a9e &&
              m.w[0] == FK_DATA_VA + 8,
          "next client: tag %#llx badge %#llx address %#llx", (unsigned long long)m.tag,
          (unsigned long long)m.badge, (unsigned long long)m.w[0]);
    m = fk_reply_map(FK_DATA_VA, fk_pages[0], 1, FL_PROT_READ);
    CHECK_EQ(fl_reply(&m), FL_OK);
    if ((why = fk_expect_done(c, &m)))
        return why;
    CHECK(m.w[0] == 0x4201, "next client read %#llx", (unsigned long long)m.w[0]);
    if ((why = fk_expect_end(c, 0)))
        return why;
    fk_child_free(c);
    return NULL;
}

/* The pager is another process (child 1, fk_pager_hold): it receives the fault, tells us, and
 * then its process is destroyed before it answers. */
FL_TEST(pf_pager_dies)
{
    fk_child_t *pager, *c;
    const char *why;
    long r, pep, ntf;

    if ((why = fk_setup()))
        return why;
    CHECK_OK(pep, fl_endpoint_create());
    test_handle(pep);
    CHECK_OK(ntf, fl_notification_create());
    test_handle(ntf);
    fk_mbox_t pm = {0};
    if ((why = fk_child_new(&pager, 1, fk_pager_hold, &pm, 0)))
        return why;
    CHECK_OK(r, fk_child_give(pager, (fl_handle_t)pep, FL_RIGHT_READ));
    pager->mbox->addr = (uint64_t)r;
    CHECK_OK(r, fk_child_give(pager, (fl_handle_t)ntf, FL_RIGHT_WRITE));
    pager->mbox->arg = (uint64_t)r;
    if ((why = fk_child_start(pager)) || (why = client_of(&c, (fl_handle_t)pep)) ||
        (why = fk_child_start(c)))
        return why;
    CHECK_EQ(fl_wait((fl_handle_t)ntf), 1);
    CHECK(pager->mbox->result == FK_DATA_VA + 8, "the pager process got address %#llx",
          (unsigned long long)pager->mbox->result);
    CHECK(fk_alive(c), "the client ended while its pager held the fault");
    fk_child_free(pager);
    if ((why = fk_expect_end(c, -1)))
        return why;
    fk_child_free(c);
    return next_client_served((fl_handle_t)pep);
}

typedef struct {
    fl_handle_t ep;
    long result;
    uint64_t addr;
} quitter_t;

/* A pager thread that takes one fault and returns without answering. */
static void quitter(void *arg)
{
    quitter_t *q = arg;
    fl_msg_t m = {0};
    q->result = fl_recv(q->ep, &m);
    q->addr = m.w[0];
}

FL_TEST(pf_pager_exits)
{
    static fl_thread_t t;
    static quitter_t q;
    fk_child_t *c;
    const char *why;
    long pep;

    if ((why = fk_setup()))
        return why;
    CHECK_OK(pep, fl_endpoint_create());
    q = (quitter_t){.ep = test_handle(pep)};
    if ((why = client_of(&c, (fl_handle_t)pep)))
        return why;
    CHECK_EQ(fl_thread_spawn(test_thread(&t), quitter, &q, FL_PRIORITY_DEFAULT), FL_OK);
    if ((why = fk_child_start(c)))
        return why;
    CHECK_EQ(fl_thread_join(&t), FL_OK);
    CHECK(q.result == 0 && q.addr == FK_DATA_VA + 8, "the pager thread got %ld, address %#llx",
          q.result, (unsigned long long)q.addr);
    if ((why = fk_expect_end(c, -1)))
        return why;
    fk_child_free(c);
    return next_client_served((fl_handle_t)pep);
}

/* The endpoint closes (its last READ handle goes) before the fault, and while the faulting
 * client waits in its queue; and a thread with no pager at all. */
FL_TEST(pf_ep_closed)
{
    fk_child_t *c;
    const char *why;
    long pep;

    if ((why = fk_setup()))
        return why;
    CHECK_OK(pep, fl_endpoint_create());
    if ((why = client_of(&c, (fl_handle_t)pep))) {
        fl_handle_close((fl_handle_t)pep);
        return why;
    }
    CHECK_EQ(fl_handle_close((fl_handle_t)pep), FL_OK);
    if ((why = fk_child_start(c)) || (why = fk_expect_end(c, -1)))
        return fk_fail("closed before the fault", why);
    fk_child_free(c);

    CHECK_OK(pep, fl_endpoint_create());
    if ((why = client_of(&c, (fl_handle_t)pep)) || (why = fk_child_start(c))) {
        fl_handle_close((fl_handle_t)pep);
        return why;
    }
    for (int i = 0; i < 10; i++)
        fl_yield(); /* the client runs, faults and queues on pep: nobody receives there */
    if (!fk_alive(c)) {
        fl_handle_close((fl_handle_t)pep);
        return "the client ended before its pager's endpoint closed";
    }
    CHECK_EQ(fl_handle_close((fl_handle_t)pep), FL_OK);
    if ((why = fk_expect_end(c, -1)))
        return fk_fail("closed while queued", why);
    fk_child_free(c);

    if ((why = client_of(&c, 0)) || (why = fk_child_start(c)) || (why = fk_expect_end(c, -1)))
        return fk_fail("no pager", why);
    return NULL;
}
