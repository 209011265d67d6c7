/*
 * The reference pager: a server on libpager. Started with the service endpoint as start
 * handle 0 (READ | WRITE | GRANT) and a pool for the frames it hands out; `pager -v` logs every
 * fault. The protocol is in fl/pager_proto.h; server.h says which file does what.
 */
#include <fl/layout.h>
#include <fl/runtime.h>
#include <fl/thread.h>
#include <fl/vm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

static server_t srv;

/* The watcher thread: turns process-end notifications into messages for the main loop, which
 * can only wait on its endpoint. */
static void watcher(void *arg)
{
    fl_handle_t ep = (fl_handle_t)(uintptr_t)arg;
    for (;;) {
        long bits = fl_wait(srv.ended);
        if (bits < 0)
            return;
        fl_msg_t m = {.tag = FL_TAG(PAGER_MSG_ENDED, 1, 0), .w = {(uint64_t)bits}};
        if (fl_call(ep, &m) < 0)
            return;
    }
}

static void reply(fl_msg_t *m, long result, uint64_t w1, uint64_t w2, uint64_t w3)
{
    m->tag = FL_TAG(PAGER_REPLY, 4, 0);
    m->w[0] = (uint64_t)result;
    m->w[1] = w1;
    m->w[2] = w2;
    m->w[3] = w3;
}

static void name_of(uint64_t word, char out[9])
{
    memcpy(out, &word, 8);
    out[8] = '\0';
}

/* REGISTER and FORK: a new client over the space in handles[0]. */
static fl_handle_t new_client(client_t *parent, fl_msg_t *m, fl_ipc_buffer_t *ipcbuf)
{
    unsigned nh = FL_TAG_HANDLES(m->tag), want = 1, flags = (unsigned)m->w[2];
    fl_handle_t space = ipcbuf->handles[0], loader = 0, notify = 0;
    if (!parent && (flags & PAGER_REG_LOADER))
        loader = ipcbuf->handles[want++];
    if (flags & PAGER_REG_NOTIFY)
        notify = ipcbuf->handles[want++];
    char name[9];
    name_of(m->w[1], name);
    client_t *c = NULL;
    long r = nh < want ? FL_EINVAL : client_new(&srv, space, name, &c);
    if (r == 0) {
        c->loader = loader;
        c->notify = notify;
        c->notify_bits = m->w[0];
        c->parent_id = parent ? parent->id : 0;
        r = parent ? pager_fork(parent->ps, c, &c->ps) : pager_space_create(srv.pager, c, &c->ps);
        if (r == 0)
            r = client_start(&srv, c);
        if (r < 0) {
            c->notify = 0; /* closed below with the other received handles */
            c->loader = 0;
            client_end(&srv, c, NULL); /* closes space */
            space = 0;
        }
    }
    if (r < 0) {
        printf("pager: cannot %s %s: %s\n", parent ? "fork" : "register", name, fl_strerror(r));
        for (unsigned i = space ? 0 : 1; i < nh; i++)
            fl_handle_close(ipcbuf->handles[i]);
        reply(m, r, 0, 0, 0);
        return 0;
    }
    if (srv.verbose || parent)
        printf("pager: %s %s (client %#llx)%s%s\n", parent ? "forked" : "registered", c->name,
               (unsigned long long)c->id, parent ? " from " : "", parent ? parent->name : "");
    reply(m, (long)c->id, 0, 0, 0);
    m->tag = FL_TAG(PAGER_REPLY, PAGER_HANDLE_MSG_WORDS, 1); /* see pager_proto.h */
    ipcbuf->handles[0] = (fl_handle_t)r;
    ipcbuf->handle_rights[0] = FL_RIGHT_WRITE | FL_RIGHT_GRANT;
    return (fl_handle_t)r; /* the pager's copy: closed once the reply is delivered */
}

static void stats(client_t *caller, fl_msg_t *m)
{
    client_t *t = m->w[1] ? client_by_id(&srv, m->w[1]) : caller;
    if (m->w[0] == PAGER_STATS_ASYNC && !m->w[1] && !caller) {
        async_stats_t as;
        async_stats(&as);
        reply(m, (long)as.started, as.completed, as.pending, as.first_others);
        return;
    }
    if (m->w[0] == PAGER_STATS_WORKERS && !m->w[1] && !caller) {
        uint64_t w[4];
        workers_stats(w);
        reply(m, (long)w[0], w[1], w[2], w[3]);
        return;
    }
    if (m->w[0] == PAGER_STATS_AFILE && !m->w[1] && !caller) {
        uint64_t started, completed;
        afile_stats(&started, &completed);
        reply(m, (long)started, completed, 0, 0);
        return;
    }
    if (m->w[0] == PAGER_STATS_CACHE && !m->w[1] && !caller) {
        pager_cache_stats_t cs;
        pager_cache_stats(srv.pager, &cs);
        reply(m, (long)cs.reads, cs.hits, cs.pages, cs.ahead);
        return;
    }
    if (!t && !caller && !m->w[1] && m->w[0] != PAGER_STATS_PAGER) {
        reply(m, 0, 0, 0, 0); /* control asking about itself: no faults of its own */
        return;
    }
    if (m->w[0] == PAGER_STATS_PAGER && !m->w[1]) {
        unsigned live = 0;
        for (unsigned i = 0; i < MAX_CLIENTS; i++)
            live += srv.clients[i].used;
        pager_stats_t st = {0};
        if (caller)
            pager_space_stats(caller->ps, &st);
        reply(m, (long)st.bad, st.retries, pager_frames_in_use(srv.pager), live);
        return;
    }
    if (!t || (caller && t != caller && t->parent_id != caller->id)) {
        reply(m, t ? FL_EPERM : FL_ENOENT, 0, 0, 0);
        return;
    }
    pager_stats_t s;
    pager_space_stats(t->ps, &s);
    switch (m->w[0]) {
    case PAGER_STATS_FAULTS: reply(m, (long)s.minor, s.major, s.resident, s.cow_copies); break;
    case PAGER_STATS_FILLS:
        reply(m, (long)s.zero_fills, s.zero_pages, s.cow_upgrades, s.stack_grows);
        break;
    case PAGER_STATS_PAGER:
        reply(m, (long)s.bad, s.retries, pager_frames_in_use(srv.pager), 0);
        break;
    case PAGER_STATS_CACHE: {
        pager_cache_stats_t cs;
        pager_cache_stats(srv.pager, &cs);
        reply(m, (long)cs.reads, cs.hits, cs.pages, cs.ahead);
        break;
    }
    default: reply(m, FL_EINVAL, 0, 0, 0); break;
    }
}

/* LOAD: make the client's pages present and writable, and lend them to the registrar. */
static long load(client_t *c, uint64_t va, uint64_t window, uint64_t pages)
{
    if (!c->loader)
        return FL_EPERM;
    if (pages == 0 || pages > PAGER_LOAD_MAX || (va | window) & (FL_PAGE_SIZE - 1))
        return FL_EINVAL;
    for (uint64_t i = 0; i < pages; i++) {
        uint64_t a = va + i * FL_PAGE_SIZE;
        pager_fault_result_t res;
        pager_page_info_t pi;
        if (pager_fault(c->ps, a, PAGER_ACCESS_WRITE, 0, &res) < 0 ||
            res.outcome == PAGER_FAULT_BAD)
            return res.reason == PAGER_BAD_OUT_OF_MEMORY ? FL_ENOMEM : FL_EPERM;
        pager_page_info(c->ps, a, &pi);
        long r = fl_vm_map(c->loader, window + i * FL_PAGE_SIZE, pi.frame, 1,
                           FL_PROT_READ | FL_PROT_WRITE);
        if (r < 0)
            return r;
    }
    return (long)pages;
}

/* MAP_FILE: w2 = rights | flags << 8. Initrd files are read-only: a shared mapping may not be
 * writable (a private one copies on write); a disk file's may, its dirty pages go back to the
 * disk on SYNC and on eviction. Length 0: the whole file. */
static long map_file(client_t *c, uint64_t hint, uint64_t length, unsigned w2, uint64_t id)
{
    const file_ent_t *f = files_find(&srv, id);
    unsigned prot = w2 & PAGER_PROT_ALL,
             flags = (w2 >> 8) & (PAGER_PROTO_SHARED | PAGER_PROTO_FIXED);
    if (!f)
        return FL_ENOENT;
    if (length == 0)
        length = (f->size + FL_PAGE_SIZE - 1) & ~(uint64_t)(FL_PAGE_SIZE - 1);
    if ((flags & PAGER_PROTO_SHARED) && (prot & PAGER_PROT_WRITE) && !f->disk)
        return FL_EPERM;
    flags |= flags & PAGER_PROTO_SHARED ? 0 : PAGER_MAP_PRIVATE;
    uint64_t addr = 0;
    long r = pager_map_file(c->ps, hint, length, prot, flags, id, 0, &addr);
    return r < 0 ? r : (long)addr;
}

static fl_handle_t request(client_t *c, uint64_t badge, fl_msg_t *m, fl_ipc_buffer_t *ipc)
{
    uint64_t label = FL_TAG_LABEL(m->tag), *w = m->w;
    bool control = badge == 0;
    long r = FL_EINVAL;

    if (label == PAGER_REQ_REGISTER && control)
        return new_client(NULL, m, ipc);
    if (label == PAGER_REQ_FORK && c)
        return new_client(c, m, ipc);
    if (label == PAGER_REQ_STATS && (c || control)) {
        stats(c, m);
        return 0;
    }
    if (label == PAGER_REQ_REPORT && (c || control)) {
        const report_t *rep = report_find(&srv, w[0]);
        client_t *t = client_by_id(&srv, w[0]);
        if (c && t && t->parent_id != c->id && t != c)
            rep = NULL;
        if (rep)
            reply(m, (long)rep->count, rep->addr, rep->pc, rep->access | rep->reason << 8);
        else
            reply(m, 0, 0, 0, 0);
        return 0;
    }
    if (label == PAGER_REQ_QUIT && control) {
        printf("pager: quitting\n");
        fflush(stdout);
        fl_space_destroy(srv.self); /* every thread of the pager, at once */
    }
    if (!c) {
        reply(m, control ? FL_EINVAL : FL_EPERM, 0, 0, 0);
        return 0;
    }
    uint64_t addr = 0;
    switch (label) {
    case PAGER_REQ_MAP:
        r = pager_map_anon(c->ps, w[0], w[1], w[2] & PAGER_PROT_ALL,
                           PAGER_MAP_PRIVATE | ((w[2] >> 8) & PAGER_PROTO_FIXED), &addr);
        if (r == 0)
            r = (long)addr;
        break;
    case PAGER_REQ_UNMAP: r = pager_unmap(c->ps, w[0], w[1]); break;
    case PAGER_REQ_PROTECT: r = pager_protect(c->ps, w[0], w[1], (unsigned)w[2]); break;
    case PAGER_REQ_STACK: r = pager_map_stack(c->ps, w[0], w[1], w[2], w[3]); break;
    case PAGER_REQ_GUARD: r = pager_map_guard(c->ps, w[0], w[1]); break;
    case PAGER_REQ_LOAD: r = load(c, w[0], w[1], w[2]); break;
    case PAGER_REQ_FILE_OPEN: {
        uint64_t size = 0;
        r = files_open(&srv, w, &size);
        reply(m, r, size, 0, 0);
        return 0;
    }
    case PAGER_REQ_MAP_FILE: r = map_file(c, w[0], w[1], (unsigned)w[2], w[3]); break;
    case PAGER_REQ_SYNC: r = pager_sync(c->ps, w[0], w[1]); break;
    default: r = FL_ENOSYS; break;
    }
    reply(m, r, 0, 0, 0);
    return 0;
}

/* One message received by a worker, under the pager lock: *m becomes the answer owed to its
 * sender (tag 0: nothing owed any more, it was sent here). True: the fault is held, answered
 * later by its token (async.c, afile.c): receive without replying. */
static bool handle(fl_msg_t *m, fl_ipc_buffer_t *ipc)
{
    fl_handle_t close_after = 0;
    uint64_t label = FL_TAG_LABEL(m->tag);
    client_t *c = client_by_badge(&srv, m->badge);
    if (label == FL_LABEL_PAGE_FAULT || label == FL_LABEL_EXCEPTION) {
        if (label == FL_LABEL_EXCEPTION)
            c = NULL; /* not a paging matter: the kernel stops and reports the thread */
        if (label == FL_LABEL_PAGE_FAULT && (async_fault(&srv, c, m) || afile_fault(&srv, c, m)))
            return true; /* answered by its token when the read completes */
        fault_handle(&srv, c, m);
        if (async_answered(&srv, c)) {
            fl_reply(m); /* this one first, then the fault that waited */
            async_release(&srv);
            m->tag = 0;
            return false;
        }
        if (stock_low()) {
            /* Off the fault path: the client runs on while the pager refills. */
            fl_reply(m);
            stock_refill();
            m->tag = 0;
            return false;
        }
    } else if (label == PAGER_MSG_FILEIO && m->badge == PAGER_BADGE_FILEIO) {
        afile_complete(&srv);
        m->tag = FL_TAG(PAGER_REPLY, 0, 0);
    } else if (label == PAGER_MSG_IO && m->badge == PAGER_BADGE_IO) {
        async_complete(&srv);
        m->tag = FL_TAG(PAGER_REPLY, 0, 0);
    } else if (label == PAGER_MSG_ENDED && m->badge == PAGER_BADGE_WATCH) {
        client_reap(&srv, m->w[0]);
        m->tag = FL_TAG(PAGER_REPLY, 0, 0);
    } else {
        close_after = request(c, m->badge, m, ipc);
    }
    if (close_after) {
        /* The reply carries a copy of close_after; send it now so ours can go. */
        fl_reply(m);
        fl_handle_close(close_after);
        m->tag = 0; /* nothing owed any more: the next reply_recv just receives */
    }
    return false;
}

/* Worker k's loop. One worker answers and receives in one FL_SYS_REPLY_RECV; with several, the
 * answer goes out under the pager lock (it names frames and the read-ahead window, which the
 * next holder may reuse: workers.c) and only the receive runs unlocked. */
void serve(unsigned k, fl_ipc_buffer_t *ipc)
{
    bool shared = workers_count() > 1;
    fl_msg_t m = {.tag = 0};
    bool owe_nothing = false; /* the last fault waits for a read: receive without replying */
    for (;;) {
        long r = owe_nothing || shared ? fl_recv(srv.ep, &m) : fl_reply_recv(srv.ep, &m);
        owe_nothing = false;
        if (r < 0) {
            if (r == FL_EPEER)
                return;
            m.tag = 0;
            continue;
        }
        bool fault = FL_TAG_LABEL(m.tag) == FL_LABEL_PAGE_FAULT;
        if (fault)
            workers_fault_begin(k);
        workers_lock();
        owe_nothing = handle(&m, ipc);
        if (shared && !owe_nothing && m.tag) {
            fl_reply(&m);
            m.tag = 0;
        }
        workers_unlock();
        if (fault)
            workers_fault_end();
    }
}

/*
 * pager [-v] [-s] [-l FRAMES] [-S SLOTS] [-a PAGES] [-H N]: -v logs every fault; -s: start handle 1
 * is a blkdrv endpoint whose disk is the swap device (else it is the file server's); -l: evict
 * before holding more than FRAMES frames; -S: use at most SLOTS swap slots; -a: map at most
 * PAGES pages after the faulting one in the same reply (read-ahead of files, map-ahead of
 * sequential anonymous writes; default and maximum READ_AHEAD - 1, 0: one page per fault);
 * -H N (tests only): hold the answer to the first asynchronous swap-in until N faults of other
 * clients were answered after it started (async.c); -w N: N worker threads receive on the
 * endpoint (default: one per CPU online, at most MAX_WORKERS; workers.c).
 */
int main(int argc, char **argv)
{
    bool swap = false;
    uint64_t limit = 0, max_slots = 0;
    unsigned want_workers = 0;
    srv.ahead = READ_AHEAD - 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0)
            srv.verbose = true;
        else if (strcmp(argv[i], "-s") == 0)
            swap = true;
        else if (strcmp(argv[i], "-l") == 0 && i + 1 < argc)
            limit = strtoull(argv[++i], NULL, 0);
        else if (strcmp(argv[i], "-S") == 0 && i + 1 < argc)
            max_slots = strtoull(argv[++i], NULL, 0);
        else if (strcmp(argv[i], "-H") == 0 && i + 1 < argc)
            srv.async_hold = (unsigned)strtoull(argv[++i], NULL, 0);
        else if (strcmp(argv[i], "-a") == 0 && i + 1 < argc)
            srv.ahead = (unsigned)strtoull(argv[++i], NULL, 0);
        else if (strcmp(argv[i], "-w") == 0 && i + 1 < argc)
            want_workers = (unsigned)strtoull(argv[++i], NULL, 0);
    }
    if (srv.ahead > READ_AHEAD - 1)
        srv.ahead = READ_AHEAD - 1;
    srv.ep = fl_start_handle(0);
    srv.self = fl_self_space();
    fl_ipc_buffer_t *ipcbuf = fl_ipcbuf_acquire();
    long ended = fl_notification_create();
    long watch_ep = fl_handle_mint(srv.ep, PAGER_BADGE_WATCH, FL_RIGHT_WRITE);
    if (!srv.ep || !ipcbuf || ended < 0 || watch_ep < 0) {
        printf("pager: cannot start: no endpoint, IPC buffer or notification\n");
        return 1;
    }
    srv.ended = (fl_handle_t)ended;
    backend_init(&srv);
    pager_config_t cfg;
    pager_config_default(&cfg);
    cfg.va_min = FL_START_VA;
    cfg.va_max = FL_USER_TOP;
    cfg.page_cache = true;
    cfg.frame_limit = limit;
    cfg.map_ahead = srv.ahead;
    if (swap)
        cfg.swap_slots = swap_init(&srv, fl_start_handle(1), ipcbuf, max_slots);
    if (pager_create(&backend_ops, &srv, &cfg, &srv.pager) < 0) {
        printf("pager: cannot create libpager\n");
        return 1;
    }
    files_init(&srv, swap ? 0 : fl_start_handle(1), ipcbuf);
    afile_init(&srv, ipcbuf);
    fl_thread_t wt;
    if (fl_thread_spawn(&wt, watcher, (void *)(uintptr_t)watch_ep, FL_PRIORITY_DEFAULT) < 0) {
        printf("pager: cannot start the watcher thread\n");
        return 1;
    }
    if (srv.verbose) {
        pager_set_observer(srv.pager, fault_observe, &srv);
        printf("pager: serving\n");
    }

    workers_start(want_workers, srv.verbose);
    serve(0, ipcbuf);
    return 0;
}
