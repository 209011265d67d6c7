/*
 * Map replies through FL_SYS_REPLY_RECV, the call a pager answers and waits with, which is the
 * path arch/arm64/fastpath.S applies one-page map replies on (docs/ipc.md, "Faults in
 * assembly"). hostile_pager_replies and pf_garbage send their replies with FL_SYS_REPLY, which
 * never takes it. Each case answers child A's read fault and waits in the same call; child B,
 * started just before, faults when A's pager blocks, so the call must come back with B's fault
 * whatever became of A:
 *   - a reply the kernel refuses stops A (status -1), as on every other path;
 *   - a reply the assembly path applies (one page, read or read-write, empty entry or another
 *     frame's) gives A the data of the frame named, and only that frame changes;
 *   - a valid reply it leaves to C (several pages, execute rights, the same frame with more
 *     rights) gives the same.
 * ctest runs it in the fast path's three modes (test/fastpath.cmake): the results must not
 * depend on which path applied the reply.
 */
#include "faultkit.h"
#include <faultline/fault.h>
#include <fl/layout.h>
#include <stdbool.h>
#include <string.h>

#define KIMAGE 0xffffffff80000000ULL

enum { REFUSED, MAPPED };

typedef struct {
    const char *what;
    fl_msg_t reply;
    int outcome;
    const void *src; /* MAPPED: the page whose first word A must read */
} fast_case_t;

/* Child index i, started, faulting: its first message received and checked. */
static const char *faulting_child(fk_child_t **c, unsigned i, fl_msg_t *m)
{
    fk_mbox_t mb = {.addr = FK_DATA_VA};
    const char *why;
    if ((why = fk_child_new(c, i, fk_read, &mb, FK_PAGER)) || (why = fk_child_start(*c)) ||
        (why = fk_recv(m)))
        return why;
    CHECK(m->tag == FL_TAG(FL_LABEL_PAGE_FAULT, 4, 0) && m->badge == FK_BADGE_PAGER(i),
          "expected child %u's fault, got tag %#llx badge %#llx", i, (unsigned long long)m->tag,
          (unsigned long long)m->badge);
    return NULL;
}

/* After A's reply, whose reply-receive returned m: serves whatever comes next, in whatever
 * order the path chose (A resumed at once, or B ran first): B's fault (answered with
 * fk_pages[15]), B's done, and A's done when the reply mapped (A read want). Then A ended as
 * told and B normally. */
static const char *finish(const char *what, fk_child_t *a, fk_child_t *b, long got, fl_msg_t *m,
                          int outcome, uint64_t want)
{
    const char *why;
    bool b_served = false, b_done = false, a_done = outcome == REFUSED;
    CHECK(got == FL_OK, "%s: the reply-receive returned %ld (%s)", what, got, fl_strerror(got));
    for (;;) {
        if (m->tag == FL_TAG(FL_LABEL_PAGE_FAULT, 4, 0) && m->badge == FK_BADGE_PAGER(b->index) &&
            !b_served) {
            fl_msg_t r = fk_reply_map(FK_DATA_VA, fk_pages[15], 1, FL_PROT_READ);
            CHECK_EQ(fl_reply(&r), FL_OK);
            b_served = true;
        } else if (m->tag == FL_TAG(FK_LABEL_DONE, 2, 0) && m->badge == FK_BADGE_DONE(b->index) &&
                   b_served && !b_done) {
            CHECK(m->w[0] == 0xb0b0000, "%s: child B read %#llx", what,
                  (unsigned long long)m->w[0]);
            if ((why = fk_release()))
                return why;
            b_done = true;
        } else if (m->tag == FL_TAG(FK_LABEL_DONE, 2, 0) && m->badge == FK_BADGE_DONE(a->index) &&
                   !a_done) {
            CHECK(m->w[0] == want, "%s: child A read %#llx, expected %#llx", what,
                  (unsigned long long)m->w[0], (unsigned long long)want);
            if ((why = fk_release()))
                return why;
            a_done = true;
        } else {
            return test_failf("%s: unexpected message tag %#llx badge %#llx (A done %d, B served "
                              "%d, B done %d)",
                              what, (unsigned long long)m->tag, (unsigned long long)m->badge,
                              a_done, b_served, b_done);
        }
        if (a_done && b_done)
            break;
        if ((why = fk_recv(m)))
            return fk_fail(what, why);
    }
    if ((why = fk_expect_end(a, outcome == REFUSED ? -1 : 0)) || (why = fk_expect_end(b, 0)))
        return fk_fail(what, why);
    fk_child_free(a);
    fk_child_free(b);
    return NULL;
}

FL_TEST(hostile_pager_fast_replies)
{
    const unsigned r = FL_PROT_READ, rw = FL_PROT_READ | FL_PROT_WRITE;
    const uint64_t top = FL_USER_TOP;
    const void *p0 = fk_pages[0];
    const fast_case_t cases[] = {
        {"unknown label", {.tag = FL_TAG(0xfa1f, 4, 0), .w = {FK_DATA_VA}}, REFUSED, NULL},
        {"map with 3 words", {.tag = FL_TAG(FL_FAULT_REPLY_MAP, 3, 0)}, REFUSED, NULL},
        {"unaligned client address", fk_reply_map(FK_DATA_VA + 8, p0, 1, r), REFUSED, NULL},
        {"unaligned pager address", fk_reply_map(FK_DATA_VA, fk_pages[0] + 8, 1, r), REFUSED, NULL},
        {"0 pages", fk_reply_map(FK_DATA_VA, p0, 0, r), REFUSED, NULL},
        {"17 pages", fk_reply_map(FK_DATA_VA, p0, FL_FAULT_MAP_MAX + 1, r), REFUSED, NULL},
        {"page count with high bits", fk_reply_map(FK_DATA_VA, p0, (1ULL << 32) | 1, r), REFUSED,
         NULL},
        {"rights without read", fk_reply_map(FK_DATA_VA, p0, 1, FL_PROT_WRITE), REFUSED, NULL},
        {"rights with high bits",
         {.tag = FL_TAG(FL_FAULT_REPLY_MAP, 4, 0),
          .w = {FK_DATA_VA, (uint64_t)(uintptr_t)p0, 1, (1ULL << 32) | r}},
         REFUSED,
         NULL},
        {"write the pager lacks", fk_reply_map(FK_DATA_VA, fk_exec_page, 1, rw), REFUSED, NULL},
        {"client address at user top", fk_reply_map(top, p0, 1, r), REFUSED, NULL},
        {"client address in the kernel image", fk_reply_map(KIMAGE, p0, 1, r), REFUSED, NULL},
        {"pager address at user top", fk_reply_map(FK_DATA_VA, (const void *)top, 1, r), REFUSED,
         NULL},
        {"pager address in the kernel image", fk_reply_map(FK_DATA_VA, (void *)KIMAGE, 1, r),
         REFUSED, NULL},
        {"unmapped pager page", fk_reply_map(FK_DATA_VA, (const void *)0x600000000000, 1, r),
         REFUSED, NULL},
        {"client range past user space", fk_reply_map(top - FL_PAGE_SIZE, p0, 2, r), REFUSED, NULL},
        {"one page, read", fk_reply_map(FK_DATA_VA, fk_pages[1], 1, r), MAPPED, fk_pages[1]},
        {"one page, read-write", fk_reply_map(FK_DATA_VA, fk_pages[2], 1, rw), MAPPED, fk_pages[2]},
        {"two pages (C)", fk_reply_map(FK_DATA_VA, fk_pages[3], 2, r), MAPPED, fk_pages[3]},
        {"execute rights (C)", fk_reply_map(FK_DATA_VA, fk_exec_page, 1, r | FL_PROT_EXEC), MAPPED,
         fk_exec_page},
    };
    fk_child_t *a, *b;
    fl_msg_t m;
    const char *why;

    if ((why = fk_setup()))
        return why;
    for (unsigned i = 0; i < FL_FAULT_MAP_MAX; i++)
        fk_fill(i, 0x1000000ULL * (i + 1));
    fk_fill(15, 0xb0b0000);
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if ((why = faulting_child(&a, 0, &m)))
            return fk_fail(cases[i].what, why);
        fk_mbox_t mb = {.addr = FK_DATA_VA};
        if ((why = fk_child_new(&b, 1, fk_read, &mb, FK_PAGER)) || (why = fk_child_start(b)))
            return fk_fail(cases[i].what, why);
        m = cases[i].reply;
        long got = fl_reply_recv(fk_endpoint(), &m);
        if ((why = finish(cases[i].what, a, b, got, &m, cases[i].outcome,
                          cases[i].src ? *(const uint64_t *)cases[i].src : 0)))
            return why;
    }
    return NULL;
}

/* A write to a page mapped read-only, answered through REPLY_RECV with another frame
 * read-write (the assembly path: break-before-make, the old frame's reference dropped) and
 * with the same frame read-write (C: only the rights change). The write lands in the frame
 * named, the other frame keeps its bytes, and the process's frames all come back (runner). */
FL_TEST(hostile_pager_fast_replace)
{
    const unsigned rw = FL_PROT_READ | FL_PROT_WRITE;
    fk_child_t *a, *b;
    fl_msg_t m;
    const char *why;

    if ((why = fk_setup()))
        return why;
    for (int same = 0; same < 2; same++) {
        fk_fill(6, 0x6000);
        fk_fill(7, 0x7000);
        fk_fill(15, 0xb0b0000);
        fk_mbox_t mb = {.addr = FK_DATA_VA, .arg = 0x5eed0000u + (unsigned)same};
        if ((why = fk_child_new(&a, 0, fk_write, &mb, FK_PAGER)) ||
            (why = fk_child_map(a, FK_DATA_VA, fk_pages[6], 1, FL_PROT_READ)) ||
            (why = fk_child_start(a)) || (why = fk_recv(&m)))
            return why;
        CHECK(m.badge == FK_BADGE_PAGER(0) && FL_FAULT_KIND(m.w[3]) == FL_FAULT_PERMISSION &&
                  FL_FAULT_ACCESS(m.w[3]) == FL_FAULT_WRITE,
              "expected A's write permission fault, got badge %#llx info %#llx",
              (unsigned long long)m.badge, (unsigned long long)m.w[3]);
        mb = (fk_mbox_t){.addr = FK_DATA_VA};
        if ((why = fk_child_new(&b, 1, fk_read, &mb, FK_PAGER)) || (why = fk_child_start(b)))
            return why;
        m = fk_reply_map(FK_DATA_VA, fk_pages[same ? 6 : 7], 1, rw);
        long got = fl_reply_recv(fk_endpoint(), &m);
        const char *what = same ? "the same frame, read-write" : "another frame, read-write";
        if ((why = finish(what, a, b, got, &m, MAPPED, 0x5eed0000u + (unsigned)same)))
            return why;
        uint64_t w6 = ((uint64_t *)fk_pages[6])[0], w7 = ((uint64_t *)fk_pages[7])[0];
        CHECK(same ? w6 == 0x5eed0001 && w7 == 0x7000 : w6 == 0x6000 && w7 == 0x5eed0000,
              "%s: frame 6 holds %#llx, frame 7 %#llx", what, (unsigned long long)w6,
              (unsigned long long)w7);
    }
    return NULL;
}
