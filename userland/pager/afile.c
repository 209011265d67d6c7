/*
 * Asynchronous file reads (issue 12, item 2): a fault on a file page that the page cache does
 * not hold yet is not read on the fault path. The file server's READ is a call, so a reader
 * thread makes it, on a session of its own (its buffer at AFILEBUF_VA), while the main loop
 * serves other faults; the fault stays unanswered (the kernel holds it) until the reader's
 * PAGER_MSG_FILEIO arrives, then it is decided again (libpager's file_read hook takes the page
 * the reader fetched, afile_take) and answered by its reply token. One read is in flight at a
 * time; a fault on another uncached page meanwhile is read synchronously, one on the same
 * page waits for the same read. Read-ahead pages stay synchronous.
 */
#include <fl/files_proto.h>
#include <fl/page.h>
#include <fl/thread.h>
#include <stdio.h>

#include "server.h"

#define AFILEBUF_VA   0x3f00800000UL
#define AFILE_WAITERS 8

static struct {
    bool used, done;
    uint64_t file, off;
    long result;
    unsigned nwait;
    uint64_t token[AFILE_WAITERS];
    fl_msg_t msg[AFILE_WAITERS];
} rd;

static fl_handle_t session, go; /* the reader's session; the notification that starts it */
static bool open_, completing;
static uint64_t started, completed;

static void reader(void *arg)
{
    fl_handle_t ep = (fl_handle_t)(uintptr_t)arg;
    for (;;) {
        if (fl_wait(go) < 0)
            return;
        rd.result = files_session_read(session, rd.file, rd.off);
        fl_msg_t m = {.tag = FL_TAG(PAGER_MSG_FILEIO, 0, 0)};
        if (fl_call(ep, &m) < 0)
            return;
    }
}

void afile_init(server_t *srv, fl_ipc_buffer_t *ipc, bool yield)
{
    long n = fl_notification_create();
    long ep = fl_handle_mint(srv->ep, PAGER_BADGE_FILEIO, FL_RIGHT_WRITE);
    fl_thread_t t;
    /* Everything the reader reads is set before it starts: with several CPUs it runs at once,
     * on another one, while this thread is still coming back from the spawn. (go used to be set
     * after the spawn: the reader then sometimes waited on handle 0, failed and ended, and the
     * first uncached file fault waited for it forever, issue 14's lost wakeup.) */
    go = n < 0 ? 0 : (fl_handle_t)n;
    if (!srv->files || n < 0 || ep < 0 || !(session = files_attach(srv, ipc, AFILEBUF_VA)) ||
        fl_thread_spawn(&t, reader, (void *)(uintptr_t)ep, FL_PRIORITY_DEFAULT) < 0) {
        if (srv->files)
            printf("pager: file reads are synchronous: no reader session\n");
        return;
    }
    helper_started(yield);
    open_ = true;
}

bool afile_fault(server_t *srv, client_t *c, const fl_msg_t *m)
{
    uint64_t page = m->w[0] & ~(uint64_t)(FL_PAGE_SIZE - 1);
    pager_page_info_t pi;
    pager_region_info_t ri;
    /* Cheapest questions first: most faults are not in a file, and most file faults find the
     * page cached; only then does the page's own state matter. */
    if (!open_ || completing || !c || !(FL_FAULT_FLAGS(m->w[3]) & FL_FAULT_FAR_VALID) ||
        pager_region_backing(c->ps, page) != PAGER_BACKING_FILE ||
        pager_region_find(c->ps, page, &ri) < 0)
        return false;
    uint64_t off = ri.file_offset + (page - ri.start);
    const file_ent_t *f = files_find(srv, ri.file_id);
    if (!f || off >= f->size || pager_cache_has(srv->pager, ri.file_id, off))
        return false; /* past the end (a bus error), or no I/O needed: decide now */
    if (pager_page_info(c->ps, page, &pi) < 0 || pi.state != PAGER_PAGE_NONE)
        return false; /* present, or swapped: no file read */
    if (rd.used && (rd.file != ri.file_id || rd.off != off))
        return false; /* the reader is busy with another page: read this one now */
    if (rd.used && rd.nwait == AFILE_WAITERS)
        return false;
    if (!rd.used) {
        rd.used = true;
        rd.done = false;
        rd.file = ri.file_id;
        rd.off = off;
        rd.nwait = 0;
        started++;
        fl_signal(go, 1);
    }
    rd.token[rd.nwait] = fl_fault_token(m);
    rd.msg[rd.nwait++] = *m;
    if (srv->verbose)
        printf("pager: %s: fault at %#llx waits for %s at %#llx\n", c->name,
               (unsigned long long)m->w[0], f->name, (unsigned long long)off);
    return true;
}

bool afile_take(uint64_t file, uint64_t off, uint64_t frame)
{
    if (!rd.used || !rd.done || rd.result < 0 || rd.file != file || rd.off != off)
        return false;
    stock_written(frame);
    fl_page_copy((void *)frame, (const void *)AFILEBUF_VA);
    return true;
}

void afile_complete(server_t *srv)
{
    if (!rd.used)
        return;
    rd.done = true;
    completing = true;
    for (unsigned w = 0; w < rd.nwait; w++) {
        fl_msg_t m = rd.msg[w];
        client_t *c = client_by_badge(srv, m.badge);
        if (!c)
            continue;
        fault_handle(srv, c, &m);
        fl_fault_reply(rd.token[w], &m);
    }
    completing = false;
    rd.used = false;
    completed++;
}

void afile_stats(uint64_t *s, uint64_t *c)
{
    *s = started;
    *c = completed;
}
