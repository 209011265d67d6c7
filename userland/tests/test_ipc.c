/*
 * IPC tests: ping-pong with badge checks (init with pong, and ping with pong), call/reply
 * ordering with several clients (threads, and processes), and what a caller sees when its
 * server goes away.
 */
#include "tests.h"
#include <fl/pingpong.h>
#include <stdio.h>

#define PONG_BADGE 0x50

/* Starts a quiet pong on a fresh endpoint; *server keeps the endpoint (all rights). */
static const char *start_pong(fl_proc_t *pong, fl_handle_t *server, fl_handle_t *reports)
{
    const char *err = NULL;
    long r;
    CHECK_OK(r, fl_endpoint_create());
    *server = test_handle(r);
    CHECK_OK(r, fl_endpoint_create());
    *reports = test_handle(r);
    r = test_spawn(pong, "pong -q", *server, FL_RIGHT_READ, *reports, PONG_BADGE, &err);
    CHECK(r == 0, "cannot spawn pong: %s (%s)", err, fl_strerror(r));
    return NULL;
}

/* Asks pong to quit; checks how many pings it served and that it exited with 0. */
static const char *quit_pong(fl_handle_t server, fl_handle_t reports, uint64_t want_served)
{
    fl_msg_t m = {.tag = FL_TAG(PONG_MSG_QUIT, 0, 0)};
    uint64_t badge;
    long status;
    CHECK_EQ(fl_call(server, &m), FL_OK);
    CHECK(FL_TAG_LABEL(m.tag) == PONG_MSG_PONG && m.w[0] == want_served,
          "pong served %llu pings, expected %llu", (unsigned long long)m.w[0],
          (unsigned long long)want_served);
    CHECK_EQ(test_wait_exit(reports, &badge, &status), FL_OK);
    CHECK(badge == PONG_BADGE && status == 0, "pong exit: badge %#llx status %ld",
          (unsigned long long)badge, status);
    return NULL;
}

const char *test_ipc_pingpong(void)
{
    fl_proc_t pong = {0};
    fl_handle_t server, reports, h[2];
    const uint64_t badges[2] = {0xa1, 0xb2};
    const char *why;
    long r;

    if ((why = start_pong(&pong, &server, &reports)))
        return why;
    for (int i = 0; i < 2; i++) {
        CHECK_OK(r, fl_handle_mint(server, badges[i], FL_RIGHT_WRITE));
        h[i] = test_handle(r);
    }
    for (uint64_t i = 1; i <= 100; i++) {
        int c = (int)(i & 1);
        fl_msg_t m = {.tag = FL_TAG(PONG_MSG_PING, 2, 0), .w = {i * 3, i}};
        CHECK_EQ(fl_call(h[c], &m), FL_OK);
        CHECK(FL_TAG_LABEL(m.tag) == PONG_MSG_PONG && FL_TAG_WORDS(m.tag) == 4,
              "reply %llu has tag %#llx", (unsigned long long)i, (unsigned long long)m.tag);
        CHECK(m.w[0] == i * 3 + 1 && m.w[1] == i, "reply %llu carries %llu/%llu",
              (unsigned long long)i, (unsigned long long)m.w[0], (unsigned long long)m.w[1]);
        CHECK(m.w[2] == badges[c], "pong saw badge %#llx, handle has %#llx",
              (unsigned long long)m.w[2], (unsigned long long)badges[c]);
        CHECK(m.w[3] == i, "pong counted %llu requests at request %llu", (unsigned long long)m.w[3],
              (unsigned long long)i);
        CHECK(m.badge == 0, "a reply carries badge %#llx", (unsigned long long)m.badge);
    }
    return quit_pong(server, reports, 100);
}

const char *test_ipc_pingpong_processes(void)
{
    fl_proc_t pong = {0}, ping = {0};
    fl_handle_t server, reports, client;
    const char *why, *err = NULL;
    uint64_t badge;
    long r, status;

    if ((why = start_pong(&pong, &server, &reports)))
        return why;
    CHECK_OK(r, fl_handle_mint(server, 0xc3, FL_RIGHT_WRITE | FL_RIGHT_GRANT));
    client = test_handle(r);
    r = test_spawn(&ping, "ping 200 0xc3 -q", client, FL_RIGHT_WRITE, reports, 0x77, &err);
    CHECK(r == 0, "cannot spawn ping: %s (%s)", err, fl_strerror(r));
    CHECK_EQ(test_wait_exit(reports, &badge, &status), FL_OK);
    CHECK(badge == 0x77, "exit message from badge %#llx, expected ping's 0x77",
          (unsigned long long)badge);
    CHECK(status == 0, "ping exited with %ld (bad replies, or %d/%d)", status, PING_EXIT_USAGE,
          PING_EXIT_IPC);
    return quit_pong(server, reports, 200);
}

/* --- several clients ------------------------------------------------------------------------ */

#define CLIENTS       4
#define CALLS_EACH    100
#define CLIENT_BADGE0 0x100

typedef struct {
    fl_handle_t ep;
    uint64_t badge;
    unsigned id;
    unsigned done;
    long error;    /* first IPC error */
    char what[96]; /* first wrong reply */
} client_t;

static void client_thread(void *arg)
{
    client_t *c = arg;
    uint64_t last_served = 0;
    for (uint64_t seq = 1; seq <= CALLS_EACH; seq++) {
        uint64_t value = ((uint64_t)c->id << 32) | seq;
        fl_msg_t m = {.tag = FL_TAG(PONG_MSG_PING, 2, 0), .w = {value, seq}};
        long r = fl_call(c->ep, &m);
        if (r < 0) {
            c->error = r;
            return;
        }
        /* Each reply answers this thread's own request, and pong's count only grows. */
        if (!c->what[0] &&
            (m.w[0] != value + 1 || m.w[1] != seq || m.w[2] != c->badge || m.w[3] <= last_served))
            snprintf(c->what, sizeof(c->what), "call %llu: %#llx/%llu badge %#llx served %llu",
                     (unsigned long long)seq, (unsigned long long)m.w[0],
                     (unsigned long long)m.w[1], (unsigned long long)m.w[2],
                     (unsigned long long)m.w[3]);
        last_served = m.w[3];
        c->done++;
    }
}

const char *test_ipc_call_order_threads(void)
{
    static client_t clients[CLIENTS];
    static fl_thread_t threads[CLIENTS];
    fl_proc_t pong = {0};
    fl_handle_t server, reports;
    const char *why;
    long r;

    if ((why = start_pong(&pong, &server, &reports)))
        return why;
    for (unsigned i = 0; i < CLIENTS; i++) {
        client_t *c = &clients[i];
        *c = (client_t){.badge = CLIENT_BADGE0 + i, .id = i};
        CHECK_OK(r, fl_handle_mint(server, c->badge, FL_RIGHT_WRITE));
        c->ep = test_handle(r);
    }
    for (unsigned i = 0; i < CLIENTS; i++) {
        CHECK_OK(r, fl_thread_spawn(test_thread(&threads[i]), client_thread, &clients[i],
                                    FL_PRIORITY_DEFAULT));
    }
    for (unsigned i = 0; i < CLIENTS; i++)
        CHECK_EQ(fl_thread_join(&threads[i]), FL_OK);
    for (unsigned i = 0; i < CLIENTS; i++) {
        client_t *c = &clients[i];
        CHECK(c->error == 0, "client %u: call failed: %s", i, fl_strerror(c->error));
        CHECK(!c->what[0], "client %u: %s", i, c->what);
        CHECK(c->done == CALLS_EACH, "client %u made %u calls", i, c->done);
    }
    return quit_pong(server, reports, CLIENTS * CALLS_EACH);
}

const char *test_ipc_call_order_processes(void)
{
    enum { PINGS = 3 };
    static fl_proc_t pings[PINGS];
    fl_proc_t pong = {0};
    fl_handle_t server, reports;
    const char *why, *err = NULL;
    unsigned seen = 0;
    long r;

    if ((why = start_pong(&pong, &server, &reports)))
        return why;
    for (unsigned i = 0; i < PINGS; i++) {
        char args[64];
        uint64_t badge = 0x200 + i;
        fl_handle_t h;
        CHECK_OK(r, fl_handle_mint(server, badge, FL_RIGHT_WRITE | FL_RIGHT_GRANT));
        h = test_handle(r);
        snprintf(args, sizeof(args), "ping 50 %#llx -q", (unsigned long long)badge);
        pings[i] = (fl_proc_t){0};
        r = test_spawn(&pings[i], args, h, FL_RIGHT_WRITE, reports, 1 + i, &err);
        CHECK(r == 0, "cannot spawn ping %u: %s (%s)", i, err, fl_strerror(r));
    }
    for (unsigned n = 0; n < PINGS; n++) {
        uint64_t badge;
        long status;
        CHECK_EQ(test_wait_exit(reports, &badge, &status), FL_OK);
        CHECK(badge >= 1 && badge <= PINGS && !(seen & (1u << badge)),
              "exit message from unexpected badge %#llx", (unsigned long long)badge);
        seen |= 1u << badge;
        CHECK(status == 0, "ping %llu exited with %ld", (unsigned long long)badge - 1, status);
    }
    return quit_pong(server, reports, PINGS * 50);
}

/* --- peers that go away --------------------------------------------------------------------- */

typedef struct {
    fl_handle_t ep, ready;
    long result;
} peer_t;

/* Receives one call and exits without replying. */
static void silent_server(void *arg)
{
    peer_t *p = arg;
    fl_msg_t m;
    p->result = fl_recv(p->ep, &m);
}

/* Waits on an endpoint that is about to lose its last handle. */
static void orphan_receiver(void *arg)
{
    peer_t *p = arg;
    fl_msg_t m;
    fl_signal(p->ready, 1);
    p->result = fl_recv(p->ep, &m);
}

const char *test_ipc_peer_gone(void)
{
    static fl_thread_t t1, t2;
    static peer_t p1, p2;
    long r;

    /* A server that dies holding a call: the caller gets FL_EPEER, not a hang. */
    p1 = (peer_t){0};
    CHECK_OK(r, fl_endpoint_create());
    p1.ep = test_handle(r);
    CHECK_OK(r, fl_thread_spawn(test_thread(&t1), silent_server, &p1, FL_PRIORITY_DEFAULT));
    fl_msg_t m = {.tag = FL_TAG(7, 1, 0), .w = {42}};
    CHECK_EQ(fl_call(p1.ep, &m), FL_EPEER);
    CHECK_EQ(fl_thread_join(&t1), FL_OK);
    CHECK_EQ(p1.result, FL_OK);

    /* No caller to reply to. */
    fl_msg_t none = {.tag = FL_TAG(1, 0, 0)};
    CHECK_EQ(fl_reply(&none), FL_EPEER);

    /* A receiver whose endpoint loses its last handle wakes with FL_EPEER. */
    p2 = (peer_t){0};
    CHECK_OK(r, fl_notification_create());
    p2.ready = test_handle(r);
    CHECK_OK(r, fl_endpoint_create());
    p2.ep = (fl_handle_t)r;
    CHECK_OK(r, fl_thread_spawn(test_thread(&t2), orphan_receiver, &p2, FL_PRIORITY_DEFAULT));
    CHECK_EQ(fl_wait(p2.ready), 1);
    for (int i = 0; i < 10; i++)
        fl_yield(); /* let it reach its receive */
    CHECK_EQ(fl_handle_close(p2.ep), FL_OK);
    CHECK_EQ(fl_thread_join(&t2), FL_OK);
    CHECK(p2.result == FL_EPEER || p2.result == FL_EBADH,
          "receiver on a destroyed endpoint got %ld (%s)", p2.result, fl_strerror(p2.result));
    return NULL;
}
