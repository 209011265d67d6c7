/*
 * The assembly fast path against the general path (issue 13 item 4): the same sequence of
 * CALL / REPLY_RECV system calls, with every register set to a known pattern before each svc
 * and all of x0-x30 read back after it, on both sides. The test checks each result against
 * the ABI (docs/syscalls.md: x0 the result, x1-x7 the message after a receive, every other
 * register unchanged) and prints a digest of all the registers read back. ctest boots it with
 * the fast paths on (the default), with only the C one (fl.fastpath=c) and with none
 * (fl.fastpath=off), and expects the same digest from each: test/fastpath.cmake.
 *
 * The sequence mixes calls the fast path takes with the ones it must decline: a receiver not
 * waiting yet, more than four
 * words, a handle count, junk tag bits, a handle without the right, an endpoint with no
 * receiver left, and labels in the tag.
 */
#include "tests.h"
#include <faultline/ipc.h>
#include <faultline/syscall.h>
#include <fl/layout.h>
#include <fl/vm.h>
#include <stdio.h>
#include <string.h>

void fp_svc(uint64_t regs[32]);

enum { OK, ERR }; /* the server sees the call, or the kernel refuses it */

typedef struct {
    int kind;
    uint64_t tag;   /* the client's; its label is set to the case number + 1 */
    uint64_t reply; /* the server's reply tag */
    long err;       /* ERR: the result expected */
} fp_case_t;

#define NO_RIGHT 0x100 /* tag flag of this file: call through the handle without WRITE */

static const fp_case_t cases[] = {
    {OK, FL_TAG(0, 1, 0), FL_TAG(7, 1, 0), 0}, /* first: the server is not waiting yet */
    {OK, FL_TAG(0, 0, 0), FL_TAG(0, 0, 0), 0},
    {OK, FL_TAG(0, 1, 0), FL_TAG(0, 4, 0), 0},
    {OK, FL_TAG(0, 2, 0), FL_TAG(3, 3, 0), 0},
    {OK, FL_TAG(0, 3, 0), FL_TAG(0, 2, 0), 0},
    {OK, FL_TAG(0, 4, 0), FL_TAG(0xfffff, 0, 0), 0},
    {OK, FL_TAG(0, 6, 0), FL_TAG(0, 1, 0), 0},   /* words in the IPC buffer: general path */
    {OK, FL_TAG(0, 1, 0), FL_TAG(0, 6, 0), 0},   /* a long reply: general path */
    {ERR, FL_TAG(0, 1, 5), 0, FL_EINVAL},        /* too many handles */
    {ERR, FL_TAG(0, 1, 0) | 0x80, 0, FL_EINVAL}, /* junk bits in the tag */
    {ERR, FL_TAG(0, 1, 0) | NO_RIGHT, 0, FL_EPERM},
    {OK, FL_TAG(0, 4, 0), FL_TAG(9, 4, 0), 0},
};
#define NCASES   (sizeof(cases) / sizeof(cases[0]))
#define SESSIONS 1
#define QUIT     0xdead

/* What each side read back: [session][case][x0..x30, sp]. */
static uint64_t cli_out[SESSIONS][NCASES][32], srv_out[SESSIONS][NCASES][32];

typedef struct {
    int session;
    fl_handle_t recv_ep, call_ep, no_right; /* call_ep is minted with BADGE */
    const char *fail;
} fp_ctx_t;

#define BADGE 0xb0b5

/* A recognisable value for register i of case c on one side (x8 = number set apart). */
static uint64_t pattern(int side, unsigned c, unsigned i)
{
    return 0xfa57000000000000UL | (uint64_t)side << 40 | (uint64_t)c << 16 | i;
}

static void fill(uint64_t r[32], int side, unsigned c)
{
    for (unsigned i = 0; i < 31; i++)
        r[i] = pattern(side, c, i);
    r[31] = 0;
}

static void server(void *arg)
{
    fp_ctx_t *x = arg;
    static uint64_t r[32];
    /* The page main registered (words past 4 land there): one buffer for both threads. */
    if (fl_thread_set_ipc_buffer((void *)FL_IPCBUF_VA) < 0)
        return;
    fill(r, 1, 0);
    r[0] = x->recv_ep;
    r[8] = FL_SYS_RECV;
    fp_svc(r);
    for (;;) {
        if (r[0] != 0)
            return; /* endpoint gone: the test failed, the runner cleans up */
        unsigned label = (unsigned)FL_TAG_LABEL(r[1]);
        if (label == QUIT) {
            r[8] = FL_SYS_REPLY;
            r[1] = FL_TAG(0, 0, 0);
            fp_svc(r);
            return;
        }
        unsigned c = label - 1;
        if (c >= NCASES)
            return;
        memcpy(srv_out[x->session][c], r, sizeof(r));
        fill(r, 1, c + 1);
        r[0] = x->recv_ep;
        r[1] = cases[c].reply;
        r[8] = FL_SYS_REPLY_RECV;
        fp_svc(r);
    }
}

/* The registers after a receive of a message with tag t and words w[0..3]: x0 = 0, x1 = the
 * tag, x2-x5 the words (0 beyond the count), x6 = badge, x7 = 0, x8 = nr (0: not a fault message)
 * and x9-x30 as set before the call (pattern(side, set, i)). */
static const char *check_received(const uint64_t *got, uint64_t tag, const uint64_t *w,
                                  uint64_t badge, int side, unsigned set, uint64_t nr, unsigned c,
                                  const char *who)
{
    unsigned words = (unsigned)FL_TAG_WORDS(tag);
    if (got[0] != 0)
        return test_failf("%s case %u: x0 = %ld", who, c, (long)got[0]);
    if (got[1] != tag)
        return test_failf("%s case %u: x1 = %#lx, tag %#lx", who, c, (unsigned long)got[1],
                          (unsigned long)tag);
    for (unsigned i = 0; i < 4; i++) {
        uint64_t want = i < words ? w[i] : 0;
        if (got[2 + i] != want)
            return test_failf("%s case %u: x%u = %#lx, expected %#lx", who, c, 2 + i,
                              (unsigned long)got[2 + i], (unsigned long)want);
    }
    if (got[6] != badge || got[7] != 0 || got[8] != nr)
        return test_failf("%s case %u: x6 = %#lx x7 = %#lx x8 = %#lx", who, c,
                          (unsigned long)got[6], (unsigned long)got[7], (unsigned long)got[8]);
    for (unsigned i = 9; i < 31; i++)
        if (got[i] != pattern(side, set, i))
            return test_failf("%s case %u: x%u changed to %#lx", who, c, i, (unsigned long)got[i]);
    return NULL;
}

static void client(void *arg)
{
    fp_ctx_t *x = arg;
    uint64_t r[32], w[4];
    uint64_t sp = 0;
    unsigned last_ok = 0; /* the server's registers were set for its reply to case last_ok */
    x->fail = NULL;
    if (fl_thread_set_ipc_buffer((void *)FL_IPCBUF_VA) < 0) /* main's page, for this thread */
        x->fail = "cannot register the IPC buffer";
    for (unsigned c = 0; c < NCASES && !x->fail; c++) {
        const fp_case_t *k = &cases[c];
        fill(r, 0, c);
        r[0] = (k->tag & NO_RIGHT) ? x->no_right : x->call_ep;
        r[1] = (k->tag & ~(uint64_t)NO_RIGHT) | (uint64_t)(c + 1) << 16;
        r[8] = FL_SYS_CALL;
        uint64_t sent = r[1];
        memcpy(w, &r[2], sizeof(w));
        fp_svc(r);
        memcpy(cli_out[x->session][c], r, sizeof(r));
        if (sp && r[31] != sp)
            x->fail = test_failf("case %u: sp moved", c);
        sp = r[31];
        if (x->fail)
            break;
        if (k->kind == ERR) {
            if ((long)r[0] != k->err)
                x->fail = test_failf("case %u: x0 = %ld, expected %ld", c, (long)r[0], k->err);
            for (unsigned i = 1; i < 31 && !x->fail; i++)
                if (r[i] != (i == 8 ? FL_SYS_CALL : i == 1 ? sent : pattern(0, c, i)))
                    x->fail = test_failf("case %u (refused): x%u changed", c, i);
            continue;
        }
        /* The server answers case c with the registers of fill(.., c + 1). */
        uint64_t rw[4];
        for (unsigned i = 0; i < 4; i++)
            rw[i] = pattern(1, c + 1, 2 + i);
        x->fail = check_received(r, cases[c].reply, rw, 0, 0, c, 0, c, "client");
        if (!x->fail)
            x->fail = check_received(srv_out[x->session][c], sent, w, BADGE, 1,
                                     c == 0 ? 0 : last_ok + 1, 0, c, "server");
        last_ok = c;
    }
    /* End the server. */
    fill(r, 0, QUIT);
    r[0] = x->call_ep;
    r[1] = FL_TAG(QUIT, 0, 0);
    r[8] = FL_SYS_CALL;
    fp_svc(r);
}

static uint64_t digest;

static void fnv(const uint64_t *v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        for (unsigned b = 0; b < 64; b += 8) {
            digest ^= (v[i] >> b) & 0xff;
            digest *= 0x100000001b3UL;
        }
}

static const char *session(int s, unsigned srv_prio, unsigned cli_prio)
{
    static fp_ctx_t x;
    static fl_thread_t st, ct;
    long ep, call, nr;
    memset(&x, 0, sizeof(x));
    x.session = s;
    CHECK_OK(ep, fl_endpoint_create());
    x.recv_ep = test_handle(ep);
    CHECK_OK(call, fl_handle_mint(x.recv_ep, BADGE, FL_RIGHT_WRITE));
    x.call_ep = test_handle(call);
    CHECK_OK(nr, fl_handle_dup(x.recv_ep, FL_RIGHT_READ));
    x.no_right = test_handle(nr);
    /* HANDLE_INFO (valid, stale, slot 0) and an unknown number: x0 the answer, nothing else
     * changed (the assembly path runs these on a partial frame). */
    const struct {
        uint64_t nr, x0;
        long want;
    } leaf[] = {
        {FL_SYS_HANDLE_INFO, x.recv_ep, FL_OBJ_ENDPOINT | (long)FL_RIGHTS_ALL << 8},
        {FL_SYS_HANDLE_INFO, x.no_right, FL_OBJ_ENDPOINT | (long)FL_RIGHT_READ << 8},
        {FL_SYS_HANDLE_INFO, x.recv_ep + 0x100, FL_EBADH},
        {FL_SYS_HANDLE_INFO, 0, FL_EBADH},
        {1000, 0, FL_ENOSYS},
        {FL_SYS_COUNT, 0, FL_ENOSYS}, /* the first unknown number: last, not in the digest */
        {0x12345678, 0, FL_ENOSYS},
    };
    for (unsigned i = 0; i < sizeof(leaf) / sizeof(leaf[0]); i++) {
        uint64_t q[32];
        fill(q, 3, i);
        q[0] = leaf[i].x0;
        q[8] = leaf[i].nr;
        fp_svc(q);
        CHECK((long)q[0] == leaf[i].want, "call %#lx: x0 = %ld, expected %ld",
              (unsigned long)leaf[i].nr, (long)q[0], leaf[i].want);
        for (unsigned k = 1; k < 31; k++)
            CHECK(q[k] == (k == 8 ? leaf[i].nr : pattern(3, i, k)), "call %#lx: x%u changed",
                  (unsigned long)leaf[i].nr, k);
        if (leaf[i].nr != FL_SYS_COUNT) /* the digest must not change with each new call */
            fnv(q, 31);
    }
    long r = 0;
    CHECK_OK(r, fl_thread_spawn(test_thread(&st), server, &x, srv_prio));
    if (cli_prio) {
        CHECK_OK(r, fl_thread_spawn(test_thread(&ct), client, &x, cli_prio));
        CHECK_EQ(fl_thread_join(&ct), FL_OK);
        (void)r;
    } else {
        client(&x);
    }
    CHECK_EQ(fl_thread_join(&st), FL_OK);
    if (x.fail) {
        static char why[160];
        snprintf(why, sizeof(why), "%s", x.fail); /* test_failf's buffer is reused below */
        return test_failf("session %d: %s", s, why);
    }
    /* No receiver left: a call fails the same way on every path. */
    fl_handle_close(x.recv_ep);
    fl_handle_close(x.no_right);
    uint64_t q[32];
    fill(q, 0, 99);
    q[0] = x.call_ep;
    q[1] = FL_TAG(0, 1, 0);
    q[8] = FL_SYS_CALL;
    fp_svc(q);
    CHECK_EQ((long)q[0], FL_EPEER);
    for (unsigned i = 2; i < 31; i++)
        CHECK(q[i] == (i == 8 ? FL_SYS_CALL : pattern(0, 99, i)), "closed endpoint: x%u changed",
              i);
    fnv(q, 31);
    fl_handle_close(x.call_ep);
    return NULL;
}

FL_TEST(fastpath_regs)
{
    const char *err;
    fl_ipc_buffer_t *buf = fl_ipcbuf_acquire(); /* words past 4 go through it */
    CHECK(buf != NULL, "no IPC buffer");
    digest = 0xcbf29ce484222325UL;
    /* Server and client at the caller's priority. Sessions at other priorities (a lower
     * receiver: CALL declines; a lower caller: the reply declines) give the same digest in
     * all three modes too, but a thread below init's priority finishes exiting only when init
     * blocks, after the runner's leak check: so they are not run here (see docs/ipc.md). */
    if ((err = session(0, FL_PRIORITY_DEFAULT, 0))) {
        fl_ipcbuf_release();
        return err;
    }
    fl_ipcbuf_release();
    for (int s = 0; s < SESSIONS; s++)
        for (unsigned c = 0; c < NCASES; c++) {
            fnv(cli_out[s][c], 31);
            fnv(srv_out[s][c], 31);
        }
    printf("fastpath_regs: digest %016lx\n", (unsigned long)digest);
    return NULL;
}
