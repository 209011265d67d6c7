/*
 * libpager's effects on faultline (pager/include/pager/ops.h).
 *
 * Frames are pages of the pager's own address space in [FRAME_BASE, ...): allocated with
 * FL_SYS_VM_ALLOC from the pager's pool, so the pool's quota is the pager's memory and running
 * out of it is an ordinary FL_ENOMEM, which libpager turns into a per-process bad access. A
 * frame's id is its address here; stock.c hands them out in batches and reuses freed ones.
 * Zero and copy are fl_page_zero and fl_page_copy (zero skips a frame the kernel zeroed and
 * nobody wrote since). Freeing a frame the stock does not keep unmaps it here: the kernel
 * frees it when its last mapping goes, so a client that still maps it keeps it alive
 * (libpager only frees after unmapping everywhere anyway).
 *
 * Client mappings go through FL_SYS_VM_MAP / VM_UNMAP / VM_PROTECT on the client's space
 * handle. The kernel's VM_PROTECT only removes rights, so giving rights back is a new map of
 * the same frame. The faulting page itself is not mapped here: fault.c defers it and answers
 * with one FL_FAULT_REPLY_MAP, which maps and resumes in the same kernel entry.
 */
#include <fl/page.h>
#include <string.h>

#include "server.h"

static server_t *srv_;

static struct {
    client_t *c;
    uint64_t va;
    unsigned pages;
    bool set[READ_AHEAD];
    uint64_t frame[READ_AHEAD];
    unsigned prot[READ_AHEAD];
} defer;

static uint64_t window[READ_AHEAD]; /* frame mapped at WINDOW_VA + i pages, 0 if none */

void backend_init(server_t *srv)
{
    srv_ = srv;
    stock_init(srv->self);
}

void backend_defer_begin(client_t *c, uint64_t va, unsigned pages)
{
    defer.c = c;
    defer.va = va;
    defer.pages = pages < 1 ? 1 : pages > READ_AHEAD ? READ_AHEAD : pages;
    memset(defer.set, 0, sizeof(defer.set));
}

bool backend_defer_end(uint64_t *frame, unsigned *prot, unsigned *ahead)
{
    bool set = defer.set[0];
    *frame = defer.frame[0];
    *prot = defer.prot[0];
    *ahead = 0;
    while (set && *ahead + 1 < defer.pages && defer.set[*ahead + 1] &&
           defer.prot[*ahead + 1] == *prot)
        (*ahead)++;
    defer.c = NULL;
    return set;
}

uint64_t backend_window(unsigned ahead)
{
    unsigned run = 1; /* frames in a row already (stock.c hands them out that way) */
    while (run <= ahead && defer.frame[run] == defer.frame[0] + run * FL_PAGE_SIZE)
        run++;
    if (run > ahead)
        return defer.frame[0];
    for (unsigned i = 0; i <= ahead; i++) {
        if (fl_vm_map(srv_->self, WINDOW_VA + i * FL_PAGE_SIZE, defer.frame[i], 1, FRAME_PROT) <
            0) {
            fl_vm_unmap(srv_->self, WINDOW_VA, i);
            for (unsigned j = 0; j < i; j++)
                window[j] = 0;
            return 0;
        }
        window[i] = defer.frame[i];
    }
    return WINDOW_VA;
}

/* A map or protect of a page in the deferral range is recorded for the reply instead. A page
 * the reply does not cover stays unmapped: its next fault is a RETRY, answered from libpager's
 * record (fault.c). */
static bool deferred(client_t *c, uint64_t va, uint64_t frame, unsigned prot)
{
    if (c != defer.c || va < defer.va || va >= defer.va + defer.pages * FL_PAGE_SIZE)
        return false;
    unsigned i = (unsigned)((va - defer.va) / FL_PAGE_SIZE);
    if (prot & FL_PROT_WRITE)
        stock_written(frame);
    defer.set[i] = true;
    defer.frame[i] = frame;
    defer.prot[i] = prot;
    return true;
}

static int alloc_frame(void *ctx, uint64_t *out)
{
    (void)ctx;
    return stock_take(out);
}

static void free_frame(void *ctx, uint64_t frame)
{
    (void)ctx;
    if (stock_keep(frame))
        return;
    fl_vm_unmap(srv_->self, frame, 1);
    for (unsigned i = 0; i < READ_AHEAD; i++) /* the window must not keep it alive */
        if (window[i] == frame) {
            fl_vm_unmap(srv_->self, WINDOW_VA + i * FL_PAGE_SIZE, 1);
            window[i] = 0;
        }
}

static int zero_frame(void *ctx, uint64_t frame)
{
    (void)ctx;
    if (!stock_zero_known(frame))
        fl_page_zero((void *)frame);
    return 0;
}

static int copy_frame(void *ctx, uint64_t dst, uint64_t src)
{
    (void)ctx;
    stock_written(dst);
    fl_page_copy((void *)dst, (const void *)src);
    return 0;
}

static int map(void *ctx, void *space, uint64_t va, uint64_t frame, unsigned prot)
{
    (void)ctx;
    client_t *c = space;
    if (deferred(c, va, frame, prot) || c->dead)
        return 0;
    if (prot & FL_PROT_WRITE)
        stock_written(frame);
    long r = fl_vm_map(c->space, va, frame, 1, prot);
    if (r == FL_EPEER) {
        c->dead = true; /* ended: the watcher will tell; nothing to map into any more */
        return 0;
    }
    return r < 0 ? (int)r : 0;
}

static int unmap(void *ctx, void *space, uint64_t va)
{
    (void)ctx;
    client_t *c = space;
    /* Eviction during this fault took back a page whose map was deferred: forget it. */
    if (c == defer.c && va >= defer.va && va < defer.va + defer.pages * FL_PAGE_SIZE)
        defer.set[(va - defer.va) / FL_PAGE_SIZE] = false;
    if (c->dead)
        return 0;
    long r = fl_vm_unmap(c->space, va, 1);
    return r < 0 && r != FL_EPEER ? (int)r : 0;
}

static int protect(void *ctx, void *space, uint64_t va, uint64_t frame, unsigned prot)
{
    (void)ctx;
    client_t *c = space;
    pager_page_info_t pi; /* the rights mapped now (libpager updates its record after this) */
    if (pager_page_info(c->ps, va, &pi) < 0)
        return PAGER_EINVAL;
    if (deferred(c, va, frame, prot) || c->dead)
        return 0;
    if (prot & FL_PROT_WRITE)
        stock_written(frame);
    long r;
    if (prot & ~pi.prot) /* gaining a right: only a new map of the frame can do that */
        r = fl_vm_map(c->space, va, frame, 1, prot);
    else
        r = fl_vm_protect(c->space, va, 1, prot);
    return r < 0 && r != FL_EPEER ? (int)r : 0;
}

static int harvest(void *ctx, void *space, uint64_t va, bool *accessed, bool *dirty)
{
    (void)ctx;
    client_t *c = space;
    uint64_t bits = 0;
    *accessed = *dirty = false;
    if (c->dead)
        return 0;
    long r = fl_vm_harvest(c->space, va, 1, &bits);
    if (r < 0)
        return r == FL_EPEER ? 0 : (int)r;
    *accessed = bits & 1; /* the kernel keeps no dirty bit: callers treat shared pages dirty */
    return 0;
}

const pager_ops_t backend_ops = {
    .alloc_frame = alloc_frame,
    .free_frame = free_frame,
    .zero_frame = zero_frame,
    .copy_frame = copy_frame,
    .map = map,
    .unmap = unmap,
    .protect = protect,
    .harvest = harvest,
    .file_read = files_read,
    .swap_in = swap_in,
    .swap_out = swap_out,
    .file_write = files_write,
};
