/*
 * Thread-local storage: picolibc keeps errno and friends at TPIDR_EL0 + offset, and each
 * thread's TPIDR_EL0 points at its own block (crt0.S, fl_thread_entry). EL0 writes that
 * register itself, so the kernel must save and restore it with the rest of the thread's
 * state; otherwise a thread resumes with the last-run thread's pointer, in its own process
 * or another one.
 */
#include "tests.h"
#include <errno.h>

static _Thread_local volatile uint64_t tls_word = 0x1111;

static uint64_t tpidr(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, tpidr_el0" : "=r"(v));
    return v;
}

typedef struct {
    uint64_t tp;
    int wrong;
} tls_peer_t;

static void tls_thread(void *arg)
{
    tls_peer_t *p = arg;
    p->tp = tpidr();
    tls_word = 0x2222;
    for (int i = 0; i < 20; i++) {
        fl_yield();
        if (tls_word != 0x2222 || tpidr() != p->tp)
            p->wrong++;
    }
}

const char *test_tls_threads(void)
{
    static fl_thread_t t;
    static tls_peer_t peer;
    uint64_t mine = tpidr();

    peer = (tls_peer_t){0};
    tls_word = 0xaaaa;
    errno = 0;
    CHECK_EQ(fl_thread_spawn(test_thread(&t), tls_thread, &peer, FL_PRIORITY_DEFAULT), FL_OK);
    for (int i = 0; i < 20; i++) {
        fl_yield();
        CHECK(tpidr() == mine, "TPIDR_EL0 is %#llx after a switch, was %#llx: not saved per thread",
              (unsigned long long)tpidr(), (unsigned long long)mine);
    }
    CHECK_EQ(fl_thread_join(&t), FL_OK);
    CHECK(peer.tp != mine && peer.tp != 0, "the thread ran with TPIDR_EL0 %#llx",
          (unsigned long long)peer.tp);
    CHECK(peer.wrong == 0, "the thread saw the wrong TLS %d times", peer.wrong);
    CHECK(tls_word == 0xaaaa && errno == 0, "main's TLS changed: %#llx, errno %d",
          (unsigned long long)tls_word, errno);
    return NULL;
}

const char *test_tls_processes(void)
{
    static fl_proc_t p;
    fl_handle_t reports;
    const char *err = NULL;
    uint64_t mine = tpidr(), badge;
    long r, status;

    /* exit_now sets its own TPIDR_EL0 in crt0 and exits; ours must be intact afterwards. */
    CHECK_OK(r, fl_endpoint_create());
    reports = test_handle(r);
    p = (fl_proc_t){0};
    r = test_spawn(&p, "exit_now", 0, 0, reports, 9, &err);
    CHECK(r == 0, "cannot spawn exit_now: %s (%s)", err, fl_strerror(r));
    CHECK_EQ(test_wait_exit(reports, &badge, &status), FL_OK);
    CHECK(tpidr() == mine, "TPIDR_EL0 is %#llx after another process ran, was %#llx",
          (unsigned long long)tpidr(), (unsigned long long)mine);
    return NULL;
}
