/*
 * Preemption: a thread or process that spins without a system call, at the caller's priority,
 * must not keep the CPU: the timer tick (100 Hz) takes it back.
 */
#include "tests.h"

#define DEADLINE_TICKS 200 /* 2 s */

typedef struct {
    volatile uint64_t count;
    volatile int stop;
} spin_t;

static void spin(void *arg)
{
    spin_t *s = arg;
    while (!s->stop)
        s->count++;
}

const char *test_preempt_thread(void)
{
    static fl_thread_t t;
    static spin_t s;
    s = (spin_t){0};

    CHECK_EQ(fl_thread_spawn(test_thread(&t), spin, &s, FL_PRIORITY_DEFAULT), FL_OK);
    /* Busy-wait, never yielding: the spinner runs only if the timer preempts us. */
    uint64_t start = test_ticks();
    while (s.count == 0 && test_ticks() - start < DEADLINE_TICKS)
        ;
    uint64_t first = s.count;
    /* And we run again only if the timer preempts the spinner: seeing its count grow twice
     * means the CPU went both ways. */
    while (s.count == first && test_ticks() - start < DEADLINE_TICKS)
        ;
    uint64_t second = s.count;
    s.stop = 1;
    CHECK_EQ(fl_thread_join(&t), FL_OK);
    CHECK(first > 0, "the spinning thread never ran in %d ticks", DEADLINE_TICKS);
    CHECK(second > first, "the spinning thread ran only once in %d ticks", DEADLINE_TICKS);
    return NULL;
}

const char *test_preempt_process(void)
{
    fl_proc_t p = {0};
    fl_handle_t started;
    const char *err = NULL;
    long r, bits = 0;

    CHECK_OK(r, fl_notification_create());
    started = test_handle(r);
    r = test_spawn(&p, "spinner", started, FL_RIGHT_WRITE, 0, 0, &err);
    CHECK(r == 0, "cannot spawn spinner: %s (%s)", err, fl_strerror(r));
    uint64_t start = test_ticks();
    while (bits == 0 && test_ticks() - start < DEADLINE_TICKS)
        bits = fl_poll(started); /* polls, never blocks */
    CHECK(bits == 1, "spinner did not start within %d ticks (poll: %ld)", DEADLINE_TICKS, bits);
    /* It now spins for ever; we get here again only through preemption, repeatedly. */
    uint64_t t0 = test_ticks();
    while (test_ticks() - t0 < 10)
        ;
    fl_proc_destroy(&p); /* a spinning process can be destroyed from outside */
    return NULL;
}
