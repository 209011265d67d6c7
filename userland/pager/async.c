/*
 * Asynchronous swap-in (issue 12, item 2): a fault on a swapped-out page starts the disk read
 * and is left unanswered; the pager goes on serving other faults (the kernel holds the
 * unanswered one: the pager thread receives again), and when the read completes the fault is
 * decided again, now with the data at hand, and answered by its reply token
 * (FL_SYS_FAULT_REPLY). docs/fault-protocol.md has the sequence.
 *
 * The reads go through a second block session of their own (ASYNC_READS buffer pages, one per
 * read in flight) whose completion notification a helper thread turns into PAGER_MSG_IO
 * messages, since the main loop waits only on its endpoint. The synchronous session
 * (swap.c) keeps swap-out and the fallback reads: its blk_wait must not lose wake-ups to that
 * thread. A read in flight is keyed by slot: a second fault on the same slot waits for the
 * same read; a swap-out that rewrites the slot makes it stale (its waiters are decided again
 * and read synchronously). libpager's swap_in hook takes the data from a completed read
 * (async_take) instead of reading the disk.
 *
 * `-H N` (tests only) holds the completion of the first asynchronous swap-in until N faults of
 * other clients were answered after it started, so the order a test checks does not depend on
 * how fast the disk is.
 */
#include <fl/page.h>
#include <fl/thread.h>
#include <stdio.h>
#include <string.h>

#include "blk_client.h"
#include "server.h"

#define ASYNC_READS      7
#define ASYNC_WAITERS    8
#define ASYNCBUF_VA      0x3f00600000UL
#define SECTORS_PER_SLOT (FL_PAGE_SIZE / BLK_SECTOR_SIZE)

typedef struct pend {
    bool used, done, stale, held;
    uint64_t slot, tag;
    long result;
    unsigned nwait;
    uint64_t token[ASYNC_WAITERS];
    fl_msg_t msg[ASYNC_WAITERS];
} pend_t;

static blk_client_t adev;
static bool open_, completing;
static pend_t pend[ASYNC_READS];
static uint64_t next_tag = 1;
static async_stats_t st;
static unsigned hold_n; /* -H */
static bool first_seen;
static uint64_t first_others; /* faults of others answered since the first read started */
static bool first_open;       /* the first read started and is not answered yet */

static void io_thread(void *arg)
{
    fl_handle_t ep = (fl_handle_t)(uintptr_t)arg;
    for (;;) {
        if (fl_wait(adev.note) < 0)
            return;
        fl_msg_t m = {.tag = FL_TAG(PAGER_MSG_IO, 0, 0)};
        if (fl_call(ep, &m) < 0)
            return;
    }
}

void async_init(server_t *srv, fl_handle_t blk_ep, fl_ipc_buffer_t *ipc, unsigned hold)
{
    hold_n = hold;
    long r = blk_open(&adev, blk_ep, ipc, srv->self, ASYNCBUF_VA, ASYNC_READS);
    long ep = r < 0 ? r : fl_handle_mint(srv->ep, PAGER_BADGE_IO, FL_RIGHT_WRITE);
    fl_thread_t t;
    if (ep < 0 || fl_thread_spawn(&t, io_thread, (void *)(uintptr_t)ep, FL_PRIORITY_DEFAULT) < 0) {
        printf("pager: swap-ins are synchronous: no second block session (%s)\n",
               fl_strerror(ep < 0 ? ep : FL_ENOMEM));
        return;
    }
    open_ = true;
}

void async_stats(async_stats_t *out)
{
    *out = st;
}

bool async_fault(server_t *srv, client_t *c, const fl_msg_t *m)
{
    pager_page_info_t pi;
    uint64_t page = m->w[0] & ~(uint64_t)(FL_PAGE_SIZE - 1);
    if (!open_ || completing || !c || !(FL_FAULT_FLAGS(m->w[3]) & FL_FAULT_FAR_VALID) ||
        pager_page_info(c->ps, page, &pi) < 0 || pi.state != PAGER_PAGE_SWAPPED)
        return false;
    pend_t *p = NULL, *free_ = NULL;
    for (unsigned i = 0; i < ASYNC_READS; i++) {
        if (pend[i].used && !pend[i].stale && pend[i].slot == pi.slot)
            p = &pend[i];
        if (!pend[i].used && !free_)
            free_ = &pend[i];
    }
    if (p) { /* the same slot is being read already: wait for that read */
        if (p->nwait == ASYNC_WAITERS)
            return false;
    } else {
        if (!free_)
            return false; /* every buffer busy: this one is read synchronously */
        p = free_;
        unsigned i = (unsigned)(p - pend);
        uint64_t tag = next_tag++;
        if (blk_submit(&adev, BLK_MSG_READ, pi.slot * SECTORS_PER_SLOT, SECTORS_PER_SLOT,
                       (uint64_t)i * FL_PAGE_SIZE, tag) < 0)
            return false;
        *p = (pend_t){.used = true, .slot = pi.slot, .tag = tag};
        st.started++;
        st.pending++;
        if (!first_seen && hold_n) {
            first_seen = first_open = p->held = true;
            printf("pager: async: %s: swap-in of %#llx (slot %llu) started; its fault is held\n",
                   c->name, (unsigned long long)page, (unsigned long long)pi.slot);
        }
    }
    p->token[p->nwait] = fl_fault_token(m);
    p->msg[p->nwait++] = *m;
    if (srv->verbose)
        printf("pager: %s: read fault at %#llx waits for swap slot %llu\n", c->name,
               (unsigned long long)m->w[0], (unsigned long long)pi.slot);
    return true;
}

bool async_take(uint64_t slot, uint64_t frame)
{
    for (unsigned i = 0; i < ASYNC_READS; i++) {
        pend_t *p = &pend[i];
        if (p->used && p->done && !p->stale && p->result >= 0 && p->slot == slot) {
            stock_written(frame);
            fl_page_copy((void *)frame, adev.buf + (uint64_t)i * FL_PAGE_SIZE);
            return true;
        }
    }
    return false;
}

void async_forget(uint64_t slot)
{
    for (unsigned i = 0; i < ASYNC_READS; i++)
        if (pend[i].used && pend[i].slot == slot)
            pend[i].stale = true;
}

/* Decides every fault that waited for p again (libpager's swap_in now finds the data) and
 * answers each by its token; a fault whose client or thread is gone names nothing (FL_ENOENT). */
static void finish(server_t *srv, pend_t *p)
{
    completing = true;
    for (unsigned w = 0; w < p->nwait; w++) {
        fl_msg_t m = p->msg[w];
        client_t *c = client_by_badge(srv, m.badge);
        if (!c)
            continue;
        fault_handle(srv, c, &m);
        fl_fault_reply(p->token[w], &m);
    }
    completing = false;
    if (p->held) {
        printf("pager: async: swap-in of slot %llu done; answered after %llu faults of other "
               "clients\n",
               (unsigned long long)p->slot, (unsigned long long)first_others);
        st.first_others = first_others;
        first_open = false;
    }
    st.completed++;
    st.pending--;
    p->used = false;
}

static void finish_ready(server_t *srv)
{
    for (unsigned i = 0; i < ASYNC_READS; i++) {
        pend_t *p = &pend[i];
        if (p->used && p->done && !(p->held && first_others < hold_n))
            finish(srv, p);
    }
}

void async_complete(server_t *srv)
{
    uint64_t tags[BLK_REAP_MAX];
    long results[BLK_REAP_MAX];
    long n;
    while ((n = blk_reap(&adev, tags, results, BLK_REAP_MAX)) > 0) {
        for (long k = 0; k < n; k++)
            for (unsigned i = 0; i < ASYNC_READS; i++)
                if (pend[i].used && !pend[i].done && pend[i].tag == tags[k]) {
                    pend[i].done = true;
                    pend[i].result = results[k];
                }
    }
    finish_ready(srv);
}

bool async_answered(server_t *srv, client_t *c)
{
    (void)srv;
    if (!st.pending)
        return false;
    st.others_while_pending++;
    if (!first_open)
        return false;
    bool waiter = false;
    for (unsigned i = 0; i < ASYNC_READS; i++)
        for (unsigned w = 0; pend[i].used && pend[i].held && w < pend[i].nwait; w++)
            waiter |= c && pend[i].msg[w].badge == c->id;
    if (waiter)
        return false;
    if (++first_others == hold_n)
        return true; /* the caller sends this reply first, then calls async_release */
    return false;
}

void async_release(server_t *srv)
{
    finish_ready(srv);
}
