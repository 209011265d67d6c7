/*
 * Memory robustness (issue 11): hostile uses of map replies, VM_MAP, pools and the IPC buffer
 * that once let a process free a frame it still mapped, wrap a quota, hand itself rights its
 * pool handle lacked, exhaust a global table, or make the kernel write its messages into
 * another process's memory. Each test is the exploit itself, checked for the safe outcome.
 *
 * The pages used live in init's spawn scratch block (fl/layout.h), whose last-level table the
 * runner's warm-up has already allocated: mapping and unmapping there costs no table frames,
 * so the free-frame count tells exactly which frames a call freed or kept.
 */
#include "tests.h"
#include <fl/layout.h>
#include <fl/vm.h>
#include <faultline/fault.h>
#include <string.h>

#define PG         FL_PAGE_SIZE
#define RW         (FL_PROT_READ | FL_PROT_WRITE)
#define OVERLAP_VA (FL_IPCBUF_VA + 0x80000UL) /* 3 pages */
#define LENT_VA    (FL_IPCBUF_VA + 0x90000UL) /* the "pager's" page */
#define BORROW_VA  (FL_IPCBUF_VA + 0xa0000UL) /* where the thread sees it */

static volatile uint64_t *word_at(uint64_t va)
{
    return (volatile uint64_t *)(uintptr_t)va;
}

/* --- map replies and VM_MAP over their own source ------------------------------------------ */

typedef struct {
    fl_handle_t go, ep;
    uint64_t addr, seen;
    int report; /* send the value read to ep afterwards (the pager used REPLY_RECV) */
} toucher_t;

/* Waits for go, reads addr (faulting to its pager), and reports what it read. */
static void toucher(void *arg)
{
    toucher_t *t = arg;
    if (fl_wait(t->go) < 0)
        return;
    t->seen = *word_at(t->addr);
    if (t->report) {
        fl_msg_t m = {.tag = FL_TAG(1, 1, 0), .w = {t->seen}};
        fl_send(t->ep, &m);
    }
}

/* One round: pages A (marker a) and B (marker b) at OVERLAP_VA; a thread of init reads the
 * unmapped third page, and init, its pager, answers "map 2 pages from OVERLAP_VA at
 * OVERLAP_VA + 1 page": mapping the first destination page replaces the second source page.
 * That frame must stay alive and end up at the third page, and no frame may be freed. */
static const char *overlap_round(int use_reply_recv)
{
    const uint64_t a = 0xa0a0a0a0a0a0a0a0, b = 0xb1b1b1b1b1b1b1b1;
    static fl_thread_t th;
    static toucher_t t;
    fl_msg_t m;
    long r, before;

    CHECK_EQ(fl_vm_alloc(fl_self_space(), OVERLAP_VA, 2, RW), FL_OK);
    *word_at(OVERLAP_VA) = a;
    *word_at(OVERLAP_VA + PG) = b;
    t = (toucher_t){.addr = OVERLAP_VA + 2 * PG, .report = use_reply_recv};
    CHECK_OK(r, fl_endpoint_create());
    t.ep = test_handle(r);
    CHECK_OK(r, fl_notification_create());
    t.go = test_handle(r);
    CHECK_EQ(fl_thread_spawn(test_thread(&th), toucher, &t, FL_PRIORITY_DEFAULT), FL_OK);
    CHECK_EQ(fl_thread_set_handler(th.thread, FL_HANDLER_PAGER, t.ep), FL_OK);
    CHECK_EQ(fl_signal(t.go, 1), FL_OK);
    CHECK_EQ(fl_recv(t.ep, &m), FL_OK);
    CHECK(FL_TAG_LABEL(m.tag) == FL_LABEL_PAGE_FAULT && m.w[0] == t.addr,
          "expected the fault at %#llx, got tag %#llx addr %#llx", (unsigned long long)t.addr,
          (unsigned long long)m.tag, (unsigned long long)m.w[0]);

    before = fl_frames_free();
    m = (fl_msg_t){.tag = FL_TAG(FL_FAULT_REPLY_MAP, 4, 0),
                   .w = {OVERLAP_VA + PG, OVERLAP_VA, 2, RW}};
    if (use_reply_recv) {
        CHECK_EQ(fl_reply_recv(t.ep, &m), FL_OK); /* then receives the toucher's report */
        CHECK(m.w[0] == b, "the faulting thread read %#llx, expected %#llx",
              (unsigned long long)m.w[0], (unsigned long long)b);
    } else {
        CHECK_EQ(fl_reply(&m), FL_OK);
    }
    long after = fl_frames_free();
    /* On failure the pages stay mapped: unmapping a frame that was freed would be a double
     * free, which is exactly the kernel bug this test guards against. */
    CHECK(after == before, "the reply freed %ld frame(s) while mapping them", after - before);
    CHECK_EQ(fl_thread_join(&th), FL_OK);
    CHECK(t.seen == b, "the faulting thread read %#llx, expected %#llx", (unsigned long long)t.seen,
          (unsigned long long)b);
    /* Allocate (and free) a few frames: a freed-but-mapped frame would be reused and zeroed. */
    CHECK_EQ(fl_vm_alloc(fl_self_space(), OVERLAP_VA + 8 * PG, 4, RW), FL_OK);
    CHECK_EQ(fl_vm_unmap(fl_self_space(), OVERLAP_VA + 8 * PG, 4), FL_OK);
    CHECK(*word_at(OVERLAP_VA) == a && *word_at(OVERLAP_VA + PG) == a &&
              *word_at(OVERLAP_VA + 2 * PG) == b,
          "after the reply the pages hold %#llx %#llx %#llx",
          (unsigned long long)*word_at(OVERLAP_VA), (unsigned long long)*word_at(OVERLAP_VA + PG),
          (unsigned long long)*word_at(OVERLAP_VA + 2 * PG));
    before = fl_frames_free();
    CHECK_EQ(fl_vm_unmap(fl_self_space(), OVERLAP_VA, 3), FL_OK);
    CHECK(fl_frames_free() == before + 2, "unmapping freed %ld frames, expected 2",
          fl_frames_free() - before);
    return NULL;
}

/* Issue 11, critical 1: a pager answering into its own space with overlapping ranges, through
 * REPLY (general path) and REPLY_RECV (fast path). */
FL_TEST(robust_map_reply_overlap)
{
    const char *why;
    if ((why = overlap_round(0)))
        return why;
    return overlap_round(1);
}

/* The same overlap through FL_SYS_VM_MAP, both directions: the call maps what the source range
 * held when it began (memmove order), and every frame comes back. */
FL_TEST(robust_vm_map_overlap)
{
    const uint64_t a = 0xa0a0a0a0a0a0a0a0, b = 0xb1b1b1b1b1b1b1b1;
    fl_handle_t self = fl_self_space();
    long before = fl_frames_free();

    CHECK_EQ(fl_vm_alloc(self, OVERLAP_VA, 2, RW), FL_OK);
    *word_at(OVERLAP_VA) = a;
    *word_at(OVERLAP_VA + PG) = b;
    CHECK_EQ(fl_vm_map(self, OVERLAP_VA + PG, OVERLAP_VA, 2, RW), FL_OK); /* upwards */
    CHECK(*word_at(OVERLAP_VA + PG) == a && *word_at(OVERLAP_VA + 2 * PG) == b,
          "upwards: the destination holds %#llx %#llx",
          (unsigned long long)*word_at(OVERLAP_VA + PG),
          (unsigned long long)*word_at(OVERLAP_VA + 2 * PG));
    CHECK(fl_frames_free() == before - 2, "upwards: %ld frames in use, expected 2",
          before - fl_frames_free());
    CHECK_EQ(fl_vm_map(self, OVERLAP_VA, OVERLAP_VA + PG, 2, RW), FL_OK); /* downwards */
    CHECK(*word_at(OVERLAP_VA) == a && *word_at(OVERLAP_VA + PG) == b &&
              *word_at(OVERLAP_VA + 2 * PG) == b,
          "downwards: the pages hold %#llx %#llx %#llx", (unsigned long long)*word_at(OVERLAP_VA),
          (unsigned long long)*word_at(OVERLAP_VA + PG),
          (unsigned long long)*word_at(OVERLAP_VA + 2 * PG));
    CHECK_EQ(fl_vm_unmap(self, OVERLAP_VA, 3), FL_OK);
    CHECK(fl_frames_free() == before, "%ld frames not returned", before - fl_frames_free());
    return NULL;
}

/* --- pools -------------------------------------------------------------------------------- */

static long pool_used(fl_handle_t pool, uint64_t *limit)
{
    return fl_pool_info(pool, limit);
}

/* Issue 11, critical 2: POOL_CREATE(parent, UINT64_MAX) once passed the quota check (x1 + 1
 * wrapped to 0) and pool_charge wrapped, giving a 64-frame pool a child with limit 2^64 - 1.
 * Every size that does not fit is refused and changes nothing; a child never exceeds its
 * parent, at any depth. */
FL_TEST(robust_pool_quota_wrap)
{
    const uint64_t huge[] = {UINT64_MAX, UINT64_MAX - 1, UINT64_MAX - 63, 1ULL << 63, 65, 64};
    uint64_t limit;
    long r, used;
    fl_handle_t p, c, s;

    CHECK_OK(r, fl_pool_create(fl_pool(), 64));
    p = test_handle(r);
    CHECK_OK(r, fl_space_create(p)); /* something charged, so used + n can wrap below limit */
    s = test_handle(r);
    CHECK_OK(used, pool_used(p, &limit));
    CHECK(limit == 64 && used > 0, "pool: limit %llu used %ld", (unsigned long long)limit, used);
    for (unsigned i = 0; i < sizeof(huge) / sizeof(huge[0]); i++) {
        r = fl_pool_create(p, huge[i]);
        if (r > 0) /* kept open on purpose: closing a wrapped pool panics an unfixed kernel */
            return test_failf("a pool of 64 frames created a child of %llu frames",
                              (unsigned long long)huge[i]);
        CHECK_EQ(r, FL_ENOMEM);
        CHECK_EQ(pool_used(p, NULL), used);
    }
    /* What is left is 64 - used frames: the child's quota plus its object must fit. */
    CHECK_EQ(fl_pool_create(p, (uint64_t)(64 - used)), FL_ENOMEM);
    CHECK_OK(r, fl_pool_create(p, (uint64_t)(64 - used - 1)));
    c = test_handle(r);
    CHECK_EQ(pool_used(p, NULL), 64);
    CHECK_EQ(pool_used(c, &limit), 0);
    CHECK(limit == (uint64_t)(64 - used - 1), "child limit %llu", (unsigned long long)limit);
    CHECK_EQ(fl_pool_create(c, UINT64_MAX), FL_ENOMEM);
    CHECK_EQ(fl_pool_create(c, limit), FL_ENOMEM);
    CHECK_OK(r, fl_pool_create(c, limit - 1));
    test_handle(r);
    CHECK_EQ(fl_pool_create(c, 1), FL_ENOMEM); /* c is full */
    (void)s;
    return NULL;
}

/* Issue 11, low: WRITE on a pool once made a child pool with every right, MANAGE included, so
 * a process could use FL_SYS_VM_PHYS (MANAGE) on frames of a pool it was only allowed to spend.
 * A child pool's handle has the parent handle's rights, no more. */
FL_TEST(robust_pool_child_rights)
{
    const uint32_t spend = FL_RIGHT_READ | FL_RIGHT_WRITE | FL_RIGHT_GRANT;
    long r;
    fl_handle_t w, c, s;

    CHECK_OK(r, fl_handle_dup(fl_pool(), spend));
    w = test_handle(r);
    CHECK_OK(r, fl_pool_create(w, 8));
    c = test_handle(r);
    CHECK_OK(r, fl_handle_info(c));
    CHECK(((uint32_t)r >> 8) == spend, "child pool rights %#lx, parent handle has %#x",
          (unsigned long)r >> 8, spend);
    CHECK_OK(r, fl_space_create(c));
    s = test_handle(r);
    CHECK_EQ(fl_vm_alloc(s, 0x10000, 1, RW), FL_OK);
    CHECK_EQ(FL_SYSCALL3(FL_SYS_VM_PHYS, s, 0x10000, c), FL_EPERM);
    /* With MANAGE on the parent, the child has it too, and VM_PHYS answers. */
    CHECK_OK(r, fl_pool_create(fl_pool(), 8));
    c = test_handle(r);
    CHECK_OK(r, fl_space_create(c));
    s = test_handle(r);
    CHECK_EQ(fl_vm_alloc(s, 0x10000, 1, RW), FL_OK);
    CHECK_OK(r, FL_SYSCALL3(FL_SYS_VM_PHYS, s, 0x10000, c));
    CHECK(r != 0 && (r & (PG - 1)) == 0, "VM_PHYS returned %#lx", (unsigned long)r);
    return NULL;
}

/* Issue 11, low: pool ids were a global table of 255, so one process could take them all and
 * nobody could create a pool. Now a pool costs its creator one frame of quota and nothing
 * global: 300 pools live at once, and a small pool can only make as many as it can pay for. */
FL_TEST(robust_pool_ids)
{
    enum { N = 300, PER_SPACE = 100 };
    fl_handle_t q, holder[N / PER_SPACE], small;
    long r;

    CHECK_OK(r, fl_pool_create(fl_pool(), 2 * N + 3 * 2 + 8));
    q = test_handle(r);
    for (unsigned i = 0; i < N / PER_SPACE; i++) {
        CHECK_OK(r, fl_space_create(q)); /* holds the handles: one table has only 128 */
        holder[i] = test_handle(r);
    }
    for (unsigned i = 0; i < N; i++) {
        long h = fl_pool_create(q, 1);
        CHECK(h > 0, "pool %u of %u: %s", i + 1, N, fl_strerror(h));
        CHECK_OK(r, fl_handle_give(holder[i / PER_SPACE], (fl_handle_t)h, FL_RIGHTS_ALL));
        CHECK_EQ(fl_handle_close((fl_handle_t)h), FL_OK);
    }
    /* Others can still create pools while those 300 live. */
    CHECK_OK(r, fl_pool_create(fl_pool(), 10));
    small = test_handle(r);
    for (unsigned i = 0; i < 5; i++) { /* 1 frame of quota + 1 for the object each */
        CHECK_OK(r, fl_pool_create(small, 1));
        test_handle(r);
    }
    CHECK_EQ(fl_pool_create(small, 1), FL_ENOMEM);
    for (unsigned i = 0; i < N / PER_SPACE; i++)
        CHECK_EQ(fl_space_destroy(holder[i]), FL_OK);
    return NULL;
}

/* --- the IPC buffer ------------------------------------------------------------------------ */

typedef struct {
    fl_handle_t ep, ready, go;
    long registered;
    fl_msg_t got[2];
    long results[2];
} borrower_t;

/* Registers BORROW_VA (a page init lent it) as its IPC buffer, then receives two messages,
 * each after init says go. */
static void borrower(void *arg)
{
    borrower_t *b = arg;
    b->registered = fl_thread_set_ipc_buffer((void *)BORROW_VA);
    fl_signal(b->ready, 1);
    for (int i = 0; i < 2; i++) {
        if (fl_wait(b->go) < 0)
            break;
        b->results[i] = fl_recv(b->ep, &b->got[i]);
        fl_signal(b->ready, 1);
    }
    fl_thread_set_ipc_buffer(NULL);
}

/* Issue 11, medium 9: the kernel pinned the IPC buffer's frame at registration. A pager that
 * lent the page, took it back and used the frame elsewhere then had the kernel write another
 * thread's message words into it. The buffer is what the thread has mapped at the time of the
 * message: with the page gone the message arrives as registers only, the frame is untouched;
 * mapped again, the buffer works again. */
FL_TEST(robust_ipcbuf_lent_page)
{
    static fl_thread_t th;
    static borrower_t b;
    fl_handle_t self = fl_self_space();
    volatile uint64_t *frame = word_at(LENT_VA);
    fl_ipc_buffer_t *mine;
    long r;

    b = (borrower_t){0};
    CHECK_OK(r, fl_endpoint_create());
    b.ep = test_handle(r);
    CHECK_OK(r, fl_notification_create());
    b.ready = test_handle(r);
    CHECK_OK(r, fl_notification_create());
    b.go = test_handle(r);
    CHECK_EQ(fl_vm_alloc(self, LENT_VA, 1, RW), FL_OK);
    CHECK_EQ(fl_vm_map(self, BORROW_VA, LENT_VA, 1, RW), FL_OK); /* lent */
    CHECK(mine = fl_ipcbuf_acquire(), "init has no IPC buffer");
    CHECK_EQ(fl_thread_spawn(test_thread(&th), borrower, &b, FL_PRIORITY_DEFAULT), FL_OK);
    CHECK_EQ(fl_wait(b.ready), 1);
    CHECK_EQ(b.registered, FL_OK);

    /* Taken back: the frame is the "pager's" own memory again. */
    CHECK_EQ(fl_vm_unmap(self, BORROW_VA, 1), FL_OK);
    fl_msg_t m = {.tag = FL_TAG(7, 16, 0), .w = {1, 2, 3, 4}};
    for (unsigned i = 4; i < 16; i++)
        mine->words[i] = 0x5eed0000 + i;
    CHECK_EQ(fl_signal(b.go, 1), FL_OK);
    CHECK_EQ(fl_send(b.ep, &m), FL_OK);
    CHECK_EQ(fl_wait(b.ready), 1);
    CHECK_EQ(b.results[0], FL_OK);
    for (unsigned i = 0; i < FL_PAGE_SIZE / 8; i++)
        CHECK(frame[i] == 0,
              "the kernel wrote %#llx into word %u of a page the thread no longer has",
              (unsigned long long)frame[i], i);
    CHECK(b.got[0].tag == FL_TAG(7, 4, 0), "received tag %#llx, expected registers only",
          (unsigned long long)b.got[0].tag);

    /* Lent again: the thread's buffer is that page once more. */
    CHECK_EQ(fl_vm_map(self, BORROW_VA, LENT_VA, 1, RW), FL_OK);
    CHECK_EQ(fl_signal(b.go, 1), FL_OK);
    CHECK_EQ(fl_send(b.ep, &m), FL_OK);
    CHECK_EQ(fl_wait(b.ready), 1);
    CHECK_EQ(fl_thread_join(&th), FL_OK);
    CHECK_EQ(b.results[1], FL_OK);
    CHECK(b.got[1].tag == FL_TAG(7, 16, 0), "received tag %#llx with the page mapped",
          (unsigned long long)b.got[1].tag);
    CHECK(frame[15] == 0x5eed000f, "word 15 is %#llx", (unsigned long long)frame[15]);
    fl_ipcbuf_release();
    CHECK_EQ(fl_vm_unmap(self, BORROW_VA, 1), FL_OK);
    CHECK_EQ(fl_vm_unmap(self, LENT_VA, 1), FL_OK);
    return NULL;
}

/* Many overlapping VM_MAPs within one space, from a fixed seed, against a model: each call
 * maps what its source held when it began, and after unmapping every frame is back. */
FL_TEST(robust_vm_map_shuffle)
{
    enum { PAGES = 6, ROUNDS = 200 };
    fl_handle_t self = fl_self_space();
    uint64_t model[PAGES], next = 1, seed = 0x5eed;
    long before = fl_frames_free();

    CHECK_EQ(fl_vm_alloc(self, OVERLAP_VA, PAGES, RW), FL_OK);
    for (unsigned i = 0; i < PAGES; i++)
        *word_at(OVERLAP_VA + i * PG) = model[i] = next++;
    for (unsigned round = 0; round < ROUNDS; round++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        unsigned s = (unsigned)(seed >> 33) % PAGES, d = (unsigned)(seed >> 45) % PAGES;
        unsigned most = PAGES - (s > d ? s : d), n = 1 + (unsigned)(seed >> 55) % most;
        uint64_t old[PAGES];
        memcpy(old, model, sizeof(old));
        CHECK_EQ(fl_vm_map(self, OVERLAP_VA + d * PG, OVERLAP_VA + s * PG, n, RW), FL_OK);
        for (unsigned i = 0; i < n; i++)
            model[d + i] = old[s + i];
        for (unsigned i = 0; i < PAGES; i++)
            CHECK(*word_at(OVERLAP_VA + i * PG) == model[i],
                  "round %u (map %u pages from %u to %u): page %u holds %llu, expected %llu", round,
                  n, s, d, i, (unsigned long long)*word_at(OVERLAP_VA + i * PG),
                  (unsigned long long)model[i]);
        if (round % 16 == 15) { /* a fresh page now and then, so frames keep changing */
            unsigned i = (unsigned)(seed >> 20) % PAGES;
            CHECK_EQ(fl_vm_unmap(self, OVERLAP_VA + i * PG, 1), FL_OK);
            CHECK_EQ(fl_vm_alloc(self, OVERLAP_VA + i * PG, 1, RW), FL_OK);
            *word_at(OVERLAP_VA + i * PG) = model[i] = next++;
        }
    }
    CHECK_EQ(fl_vm_unmap(self, OVERLAP_VA, PAGES), FL_OK);
    CHECK(fl_frames_free() == before, "%ld frames not returned", before - fl_frames_free());
    return NULL;
}
