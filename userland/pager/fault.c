/*
 * One page fault: decode the message, let libpager decide, and answer with exactly one reply
 * (the caller sends it with FL_SYS_REPLY_RECV, so answering and waiting for the next fault is
 * one kernel entry):
 *   MAPPED -> FL_FAULT_REPLY_MAP of the frame libpager chose for the faulting page, with the
 *             rights it chose (backend.c deferred that map into this reply);
 *   RETRY  -> the same, from libpager's record of the page: the kernel saw it unmapped, so the
 *             two views differ and the record wins;
 *   BAD    -> FL_FAULT_REPLY_FAIL with the reason: the kernel stops the thread and logs
 *             address, access and PC; the pager logs the process name and keeps a report.
 * The fault message carries no stack pointer, so stack growth is decided without the SP
 * check (sp = 0): any fault in a stack's growth area grows it.
 */
#include <stdio.h>

#include "server.h"

static const char *access_name(unsigned access)
{
    return access == FL_FAULT_WRITE ? "write" : access == FL_FAULT_EXEC ? "exec" : "read";
}

/* "stack overflow" reads better than "guard" when the address is a stack's guard gap. */
static const char *bad_name(client_t *c, uint64_t addr, pager_bad_reason_t why)
{
    pager_region_info_t ri;
    if (why == PAGER_BAD_GUARD && pager_region_find(c->ps, addr, &ri) == 0 &&
        ri.backing == PAGER_BACKING_STACK)
        return "stack overflow (guard gap below the stack limit)";
    return pager_bad_reason_name(why);
}

static void reply_fail(fl_msg_t *m, unsigned reason)
{
    m->tag = FL_TAG(FL_FAULT_REPLY_FAIL, 1, 0);
    m->w[0] = reason;
}

static void reply_map(fl_msg_t *m, uint64_t page, uint64_t frame, unsigned pages, unsigned prot)
{
    m->tag = FL_TAG(FL_FAULT_REPLY_MAP, 4, 0);
    m->w[0] = page;
    m->w[1] = frame;
    m->w[2] = pages;
    m->w[3] = prot;
}

/* A bad access in a file mapping that failed to read beyond the end of the file. */
static const file_ent_t *past_eof(server_t *srv, client_t *c, uint64_t addr, pager_bad_reason_t why,
                                  uint64_t *off)
{
    pager_region_info_t ri;
    if (why != PAGER_BAD_IO || pager_region_find(c->ps, addr, &ri) < 0 ||
        ri.backing != PAGER_BACKING_FILE)
        return NULL;
    const file_ent_t *f = files_find(srv, ri.file_id);
    *off = ri.file_offset + (addr - ri.start);
    return f && *off >= f->size ? f : NULL;
}

void fault_handle(server_t *srv, client_t *c, fl_msg_t *m)
{
    uint64_t addr = m->w[0], pc = m->w[1], info = m->w[3];
    unsigned access = FL_FAULT_ACCESS(info), kind = FL_FAULT_KIND(info);
    pager_access_t acc = access == FL_FAULT_WRITE  ? PAGER_ACCESS_WRITE
                         : access == FL_FAULT_EXEC ? PAGER_ACCESS_EXEC
                                                   : PAGER_ACCESS_READ;
    pager_fault_result_t res;

    bool pageable =
        kind == FL_FAULT_TRANSLATION || kind == FL_FAULT_PERMISSION || kind == FL_FAULT_ACCESS_FLAG;
    if (!c || !(FL_FAULT_FLAGS(info) & FL_FAULT_FAR_VALID) || !pageable) {
        if (c)
            printf("pager: %s: %s fault kind %u at %#llx pc %#llx: not a paging fault\n", c->name,
                   access_name(access), kind, (unsigned long long)addr, (unsigned long long)pc);
        reply_fail(m, FL_FAULT_FAIL_OTHER);
        return;
    }
    uint64_t page = addr & ~(uint64_t)(FL_PAGE_SIZE - 1);
    backend_defer_begin(c, page, srv->ahead + 1);
    /* A translation fault on a page libpager thinks mapped is served again, never RETRY. */
    int rc = kind == FL_FAULT_TRANSLATION
                 ? pager_fault_unmapped(c->ps, addr, acc, m->fault_sp, &res)
                 : pager_fault(c->ps, addr, acc, m->fault_sp, &res);
    unsigned done;
    /* Map-ahead: sequential anonymous writes get the next pages in the same reply (libpager
     * decides; every fault, even a bad one, tells it whether a run goes on). */
    if (rc == 0 && srv->ahead)
        pager_map_ahead(c->ps, &res, srv->ahead, &done);
    /* Read-ahead: after a file page, the next ones go in the same reply (FL_FAULT_MAP_MAX). */
    if (rc == 0 && res.outcome == PAGER_FAULT_MAPPED && acc != PAGER_ACCESS_WRITE && srv->ahead &&
        (res.action == PAGER_ACT_FILE_READ || res.action == PAGER_ACT_FILE_CACHED)) {
        pager_prefetch(c->ps, page + FL_PAGE_SIZE, srv->ahead, &done);
    }
    uint64_t frame;
    unsigned prot, ahead;
    bool mapped = backend_defer_end(&frame, &prot, &ahead);
    if (rc < 0) {
        reply_fail(m, FL_FAULT_FAIL_OTHER);
        return;
    }
    if (res.outcome == PAGER_FAULT_BAD) {
        unsigned reason = pager_reply_fail_code(res.reason); /* FL_FAULT_FAIL_* */
        report_add(srv, c, addr, pc, access, reason);
        uint64_t off;
        const file_ent_t *f = past_eof(srv, c, addr, res.reason, &off);
        if (f) {
            printf("pager: %s (client %#llx): bus error: %s at %#llx, pc %#llx: offset %#llx is "
                   "beyond the end of %s (%llu bytes); the thread is stopped\n",
                   c->name, (unsigned long long)c->id, access_name(access),
                   (unsigned long long)addr, (unsigned long long)pc, (unsigned long long)off,
                   f->name, (unsigned long long)f->size);
            reply_fail(m, reason);
            return;
        }
        printf("pager: %s (client %#llx): bad %s at %#llx, pc %#llx: %s%s\n", c->name,
               (unsigned long long)c->id, access_name(access), (unsigned long long)addr,
               (unsigned long long)pc, bad_name(c, addr, res.reason),
               FL_FAULT_FLAGS(info) & FL_FAULT_SYSCALL ? " (in a system call)"
                                                       : "; the thread is stopped");
        reply_fail(m, reason);
        return;
    }
    if (!mapped) {
        /* RETRY, or MAPPED by a path that mapped nothing new: libpager's reply for the
         * decision answers from its record. */
        pager_reply_t rep;
        pager_reply_build(c->ps, &res, &rep);
        if (rep.kind != PAGER_REPLY_MAP) {
            reply_fail(m, rep.fail);
            return;
        }
        frame = rep.frame;
        prot = rep.prot;
        ahead = 0;
    }
    uint64_t src = frame;
    if (ahead) {
        src = backend_window(ahead);
        if (!src) { /* no window: the pages after this one fault in later (RETRY) */
            src = frame;
            ahead = 0;
        }
    }
    if (srv->verbose && ahead)
        printf("pager: %s: %u pages ahead of %#llx in the same reply\n", c->name, ahead,
               (unsigned long long)page);
    reply_map(m, page, src, ahead + 1, prot);
}

/* -v: libpager's observer logs every decision as it is made (fault_observe in server.h). */
void fault_observe(void *arg, pager_space_t *ps, uint64_t addr, pager_access_t acc,
                   const pager_fault_result_t *res)
{
    (void)arg;
    client_t *c = pager_space_user(ps);
    const char *what = acc == PAGER_ACCESS_WRITE  ? "write"
                       : acc == PAGER_ACCESS_EXEC ? "exec"
                                                  : "read";
    if (res->outcome == PAGER_FAULT_BAD)
        printf("pager: %s: %s fault at %#llx -> bad (%s)\n", c->name, what,
               (unsigned long long)addr, pager_bad_reason_name(res->reason));
    else if (res->outcome == PAGER_FAULT_RETRY)
        printf("pager: %s: %s fault at %#llx -> retry\n", c->name, what, (unsigned long long)addr);
    else
        printf("pager: %s: %s fault at %#llx -> %s, frame %#llx rights %u%s\n", c->name, what,
               (unsigned long long)addr, pager_action_name(res->action),
               (unsigned long long)res->frame, res->prot, res->stack_grew ? " (stack grew)" : "");
}
