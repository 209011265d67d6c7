/* Notification tests: bits accumulate until a wait or poll returns and clears them. */
#include "tests.h"

const char *test_notify_bits(void)
{
    fl_handle_t n;
    long r;

    CHECK_OK(r, fl_notification_create());
    n = test_handle(r);
    CHECK_EQ(fl_poll(n), 0);
    CHECK_EQ(fl_signal(n, 0x1), FL_OK);
    CHECK_EQ(fl_signal(n, 0x4), FL_OK);
    CHECK_EQ(fl_signal(n, 0x1), FL_OK);
    CHECK_EQ(fl_poll(n), 0x5); /* or-ed together, each bit once */
    CHECK_EQ(fl_poll(n), 0);   /* and cleared by the poll */
    CHECK_EQ(fl_signal(n, 0x30), FL_OK);
    CHECK_EQ(fl_wait(n), 0x30); /* bits already set: wait does not block */
    CHECK_EQ(fl_poll(n), 0);
    CHECK_EQ(fl_signal(n, 1ULL << 62), FL_OK);
    CHECK_EQ(fl_wait(n), 1LL << 62); /* the highest usable bit */
    return NULL;
}

typedef struct {
    fl_handle_t in, out;
    long got;
} relay_t;

/* Waits on `in` once and passes what it got to `out`. */
static void relay(void *arg)
{
    relay_t *r = arg;
    r->got = fl_wait(r->in);
    if (r->got > 0)
        fl_signal(r->out, (uint64_t)r->got);
}

const char *test_notify_threads(void)
{
    static fl_thread_t t;
    static relay_t rl;
    long r;

    rl = (relay_t){0};
    CHECK_OK(r, fl_notification_create());
    rl.in = test_handle(r);
    CHECK_OK(r, fl_notification_create());
    rl.out = test_handle(r);
    CHECK_OK(r, fl_thread_spawn(test_thread(&t), relay, &rl, FL_PRIORITY_DEFAULT));
    for (int i = 0; i < 5; i++)
        fl_yield(); /* most likely it now waits; the checks below hold either way */
    CHECK_EQ(fl_signal(rl.in, 0x1), FL_OK);
    CHECK_EQ(fl_signal(rl.in, 0x2), FL_OK);
    long woke = fl_wait(rl.out); /* blocks until the relay has run */
    CHECK(woke > 0, "wait on the relay's notification: %s", fl_strerror(woke));
    CHECK_EQ(fl_thread_join(&t), FL_OK);
    long left = fl_poll(rl.in);
    /* The relay took 0x1 (it was waiting) or 0x3 (it came late); what it did not take is
     * still pending: no bit is lost or delivered twice. */
    CHECK(woke == rl.got, "relay got %#lx but passed on %#lx", rl.got, woke);
    CHECK((woke | left) == 0x3 && (woke & left) == 0,
          "relay took %#lx, %#lx left pending: expected 0x3 in all", woke, left);
    return NULL;
}
