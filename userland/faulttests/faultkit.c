/* The fault tests' harness; see faultkit.h. */
#include "faultkit.h"
#include <faultline/syscall.h>
#include <string.h>

_Static_assert(FK_SYS_DEBUG_WRITE == FL_SYS_DEBUG_WRITE &&
                   FK_SYS_THREAD_EXIT == FL_SYS_THREAD_EXIT && FK_SYS_SEND == FL_SYS_SEND &&
                   FK_SYS_RECV == FL_SYS_RECV && FK_SYS_SIGNAL == FL_SYS_SIGNAL,
               "fault_asm.h syscall numbers follow faultline/syscall.h");
_Static_assert(FK_MB_ADDR == __builtin_offsetof(fk_mbox_t, addr) &&
                   FK_MB_EP == __builtin_offsetof(fk_mbox_t, ep) &&
                   FK_MB_ARG == __builtin_offsetof(fk_mbox_t, arg) &&
                   FK_MB_ARG2 == __builtin_offsetof(fk_mbox_t, arg2) &&
                   FK_MB_RESULT == __builtin_offsetof(fk_mbox_t, result) &&
                   FK_MB_RESULT2 == __builtin_offsetof(fk_mbox_t, result2),
               "fault_asm.h mailbox offsets follow fk_mbox_t");

#define FK_CHILDREN 4

uint8_t fk_pages[FL_FAULT_MAP_MAX][FL_PAGE_SIZE] __attribute__((aligned(FL_PAGE_SIZE)));
static uint8_t mbox_pages[FK_CHILDREN][FL_PAGE_SIZE] __attribute__((aligned(FL_PAGE_SIZE)));
static fk_child_t children[FK_CHILDREN];
static fl_handle_t test_ep;
fl_handle_t fk_child_pool;

const char *fk_setup(void)
{
    long r;
    memset(children, 0, sizeof(children));
    CHECK_OK(r, fl_endpoint_create());
    test_ep = test_handle(r);
    return NULL;
}

fl_handle_t fk_endpoint(void)
{
    return test_ep;
}

/* A copy of the test endpoint with badge and rights, for the kernel (handler) or a child. */
static long minted(uint64_t badge, uint32_t rights)
{
    return fl_handle_mint(test_ep, badge, rights);
}

static const char *set_handler(fk_child_t *c, unsigned which, uint64_t badge)
{
    long h, r;
    CHECK_OK(h, minted(badge, FL_RIGHT_WRITE));
    r = fl_thread_set_handler(c->proc.thread, which, (fl_handle_t)h);
    fl_handle_close((fl_handle_t)h); /* the kernel keeps its own reference */
    CHECK(r == 0, "set handler %u: %s", which, fl_strerror(r));
    return NULL;
}

const char *fk_child_map(fk_child_t *c, uint64_t va, const void *src, unsigned pages, unsigned prot)
{
    long r = fl_vm_map(c->proc.space, va, (uint64_t)(uintptr_t)src, pages, prot);
    CHECK(r == 0, "mapping %u pages at %#llx in the child: %s", pages, (unsigned long long)va,
          fl_strerror(r));
    return NULL;
}

const char *fk_child_new(fk_child_t **out, unsigned index, const void *entry, const fk_mbox_t *mbox,
                         unsigned flags)
{
    const char *why;
    long r, h;

    CHECK(index < FK_CHILDREN && !children[index].mbox, "child %u used twice", index);
    fk_child_t *c = &children[index];
    *c = (fk_child_t){.index = index, .registered = c->registered};
    c->mbox = (fk_mbox_t *)mbox_pages[index];
    if (!c->registered)
        test_proc(&c->proc);
    c->registered = 1;
    CHECK_OK(r, fl_space_create(fk_child_pool ? fk_child_pool : fl_pool()));
    c->proc.space = (fl_handle_t)r;

    uint64_t text = (uint64_t)(uintptr_t)fk_text_start;
    unsigned text_pages = (unsigned)((fk_text_end - fk_text_start) / FL_PAGE_SIZE);
    if ((why = fk_child_map(c, text, fk_text_start, text_pages, FL_PROT_READ | FL_PROT_EXEC)))
        return why;

    memset(mbox_pages[index], 0, FL_PAGE_SIZE);
    *c->mbox = *mbox;
    CHECK_OK(h, minted(FK_BADGE_DONE(index), FL_RIGHT_WRITE | FL_RIGHT_GRANT));
    r = fl_handle_give(c->proc.space, (fl_handle_t)h, FL_RIGHT_WRITE);
    fl_handle_close((fl_handle_t)h);
    CHECK(r > 0, "giving the child its done handle: %s", fl_strerror(r));
    c->mbox->ep = (uint64_t)r;
    if ((why = fk_child_map(c, FK_MBOX_VA, mbox_pages[index], 1, FL_PROT_READ | FL_PROT_WRITE)))
        return why;

    CHECK_OK(r, fl_thread_create(c->proc.space, (uint64_t)(uintptr_t)entry,
                                 FK_MBOX_VA + FL_PAGE_SIZE, FK_MBOX_VA, FL_PRIORITY_DEFAULT));
    c->proc.thread = (fl_handle_t)r;
    if ((flags & FK_PAGER) && (why = set_handler(c, FL_HANDLER_PAGER, FK_BADGE_PAGER(index))))
        return why;
    if ((flags & FK_EXC) && (why = set_handler(c, FL_HANDLER_EXCEPTION, FK_BADGE_EXC(index))))
        return why;

    CHECK_OK(r, fl_notification_create());
    c->watch = test_handle(r);
    CHECK_EQ(fl_space_watch(c->proc.space, c->watch, 1), FL_OK);
    *out = c;
    return NULL;
}

const char *fk_child_start(fk_child_t *c)
{
    CHECK_EQ(fl_thread_start(c->proc.thread), FL_OK);
    return NULL;
}

void fk_child_free(fk_child_t *c)
{
    fl_proc_destroy(&c->proc);
    fl_handle_close(c->watch);
    c->watch = FL_HANDLE_INVALID;
    c->mbox = NULL;
}

long fk_child_give(fk_child_t *c, fl_handle_t h, uint32_t rights)
{
    return fl_handle_give(c->proc.space, h, rights);
}

const char *fk_recv(fl_msg_t *m)
{
    long r = fl_recv(test_ep, m);
    CHECK(r == 0, "receiving on the test endpoint: %s", fl_strerror(r));
    return NULL;
}

/* ESR_EL1.ISS fault status code for a kind and level (Arm ARM D17.2.37, DFSC/IFSC). */
static unsigned fsc_of(unsigned kind, int level)
{
    switch (kind) {
    case FL_FAULT_TRANSLATION: return 0x04u + (unsigned)level;
    case FL_FAULT_ACCESS_FLAG: return 0x08u + (unsigned)level;
    case FL_FAULT_PERMISSION: return 0x0cu + (unsigned)level;
    case FL_FAULT_ALIGNMENT: return 0x21u;
    default: return 0xffu;
    }
}

static const char *const access_names[] = {"read", "write", "exec", "?"};

const char *fk_check_fault(fk_child_t *c, const fl_msg_t *m, const fk_want_t *w)
{
    uint64_t info = m->w[3], esr = m->w[2];
    uint64_t badge =
        w->label == FL_LABEL_EXCEPTION ? FK_BADGE_EXC(c->index) : FK_BADGE_PAGER(c->index);
    unsigned ec = (unsigned)(esr >> 26) & 0x3f;
    unsigned access = FL_FAULT_ACCESS(info);

    CHECK(m->tag == FL_TAG(w->label, 4, 0),
          "message tag %#llx (badge %#llx, w0 %#llx), expected %#llx", (unsigned long long)m->tag,
          (unsigned long long)m->badge, (unsigned long long)m->w[0],
          (unsigned long long)FL_TAG(w->label, 4, 0));
    CHECK(m->badge == badge, "fault badge %#llx, expected %#llx", (unsigned long long)m->badge,
          (unsigned long long)badge);
    CHECK(m->w[0] == w->addr, "fault address %#llx, expected %#llx", (unsigned long long)m->w[0],
          (unsigned long long)w->addr);
    CHECK(m->w[1] == w->pc, "fault pc %#llx, expected %#llx", (unsigned long long)m->w[1],
          (unsigned long long)w->pc);
    CHECK(ec == w->ec && (esr >> 25 & 1), "ESR %#llx: EC %#x IL %u, expected EC %#x IL 1",
          (unsigned long long)esr, ec, (unsigned)(esr >> 25 & 1), w->ec);
    if (w->label == FL_LABEL_PAGE_FAULT) {
        unsigned fsc = (unsigned)esr & 0x3f;
        CHECK(fsc == fsc_of(w->kind, w->level), "ESR %#llx: fault status %#x, expected %#x",
              (unsigned long long)esr, fsc, fsc_of(w->kind, w->level));
        /* WnR (ISS bit 6) for data aborts; the read half of an atomic may come with WnR 0. */
        if ((w->ec == FK_EC_DABT_LOWER || w->ec == FK_EC_DABT_SAME) &&
            !(w->flags & FL_FAULT_ATOMIC))
            CHECK((esr >> 6 & 1) == (w->access == FL_FAULT_WRITE), "ESR %#llx: WnR for a %s",
                  (unsigned long long)esr, access_names[w->access & 3]);
    }
    CHECK(access == w->access, "access %u (%s), expected %s", access,
          access_names[access < 3 ? access : 3], access_names[w->access & 3]);
    CHECK(FL_FAULT_KIND(info) == w->kind, "kind %u, expected %u", FL_FAULT_KIND(info), w->kind);
    CHECK(FL_FAULT_LEVEL(info) == w->level, "level %d, expected %d", FL_FAULT_LEVEL(info),
          w->level);
    CHECK(FL_FAULT_FLAGS(info) == w->flags, "flags %#x, expected %#x", FL_FAULT_FLAGS(info),
          w->flags);
    CHECK(FL_FAULT_SEQ(info) == c->seq + 1, "sequence number %u, expected %u", FL_FAULT_SEQ(info),
          c->seq + 1);
    CHECK(info >> 24 == ((uint64_t)(c->seq + 1) << 8 | w->flags), "info %#llx has stray bits",
          (unsigned long long)info);
    c->seq++;
    return NULL;
}

const char *fk_expect_fault(fk_child_t *c, fl_msg_t *m, const fk_want_t *w)
{
    const char *why = fk_recv(m);
    return why ? why : fk_check_fault(c, m, w);
}

const char *fk_fail(const char *what, const char *why)
{
    char copy[200];
    strncpy(copy, why, sizeof(copy) - 1);
    copy[sizeof(copy) - 1] = '\0';
    return test_failf("%s: %s", what, copy);
}

const char *fk_release(void)
{
    fl_msg_t m = {.tag = FL_TAG(FK_LABEL_DONE, 0, 0)};
    CHECK_EQ(fl_reply(&m), FL_OK);
    return NULL;
}

const char *fk_expect_done(fk_child_t *c, fl_msg_t *m)
{
    const char *why = fk_expect_done_held(c, m);
    return why ? why : fk_release();
}

const char *fk_expect_done_held(fk_child_t *c, fl_msg_t *m)
{
    const char *why = fk_recv(m);
    if (why)
        return why;
    CHECK(m->tag == FL_TAG(FK_LABEL_DONE, 2, 0) && m->badge == FK_BADGE_DONE(c->index),
          "expected child %u to finish; got tag %#llx badge %#llx (w0 %#llx w1 %#llx w3 %#llx)",
          c->index, (unsigned long long)m->tag, (unsigned long long)m->badge,
          (unsigned long long)m->w[0], (unsigned long long)m->w[1], (unsigned long long)m->w[3]);
    return NULL;
}

int fk_alive(fk_child_t *c)
{
    return fl_space_status(c->proc.space, NULL) == 0;
}

const char *fk_expect_end(fk_child_t *c, long status)
{
    uint64_t until = test_ticks() + 100;
    long bits = 0, st = 0, r;

    while ((bits = fl_poll(c->watch)) == 0 && test_ticks() < until)
        fl_yield();
    CHECK(bits == 1, "child %u: its process did not end (watch %ld)", c->index, bits);
    CHECK_OK(r, fl_space_status(c->proc.space, &st));
    CHECK(r == 1 && st == status, "child %u: space status %ld, exit status %ld; expected 1, %ld",
          c->index, r, st, status);
    return NULL;
}

fl_msg_t fk_reply_map(uint64_t client_va, const void *pager_va, uint64_t pages, unsigned prot)
{
    return (fl_msg_t){.tag = FL_TAG(FL_FAULT_REPLY_MAP, 4, 0),
                      .w = {client_va, (uint64_t)(uintptr_t)pager_va, pages, prot}};
}

fl_msg_t fk_reply_resume(void)
{
    return (fl_msg_t){.tag = FL_TAG(FL_FAULT_REPLY_RESUME, 0, 0)};
}

fl_msg_t fk_reply_fail(unsigned reason)
{
    return (fl_msg_t){.tag = FL_TAG(FL_FAULT_REPLY_FAIL, 1, 0), .w = {reason}};
}

void fk_fill(unsigned i, uint64_t seed)
{
    uint64_t *p = (uint64_t *)fk_pages[i];
    for (unsigned j = 0; j < FL_PAGE_SIZE / 8; j++)
        p[j] = seed + j;
}
