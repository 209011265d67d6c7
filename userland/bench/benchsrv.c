/*
 * benchsrv: the other side of every benchmark row (bench.h). Serves one endpoint: control calls
 * from bench, echo loops for the IPC rows, and page faults of bench's thread, which it answers
 * on the raw fault protocol (docs/fault-protocol.md) according to the mode bench selected. It is
 * deliberately a minimal pager (no region map, no policy) so the figures show the kernel's path
 * plus the work a pager cannot avoid: getting a frame, zeroing or copying it, replying.
 *
 * Every receive and reply of a fault is timed (bench_shared_t), which costs the pager about
 * eight instructions per fault; they are included in every fault row.
 */
#include "bench.h"
#include <fl/page.h>
#include <faultline/fault.h>
#include <fl/runtime.h>
#include <string.h>

static fl_handle_t self, client;
static bench_shared_t *shared = (bench_shared_t *)BENCH_SHARED_VA;

static struct {
    enum bench_mode mode;
    uint64_t base, pages; /* the client's faulting region */
    uint64_t fresh_next;  /* next SRV_FRESH_VA page */
    uint64_t cache_next;  /* next free-list page, SRV_CACHE_VA + i * 4096 */
    uint64_t cache_pages; /* frames in the free list */
    uint64_t file_pages, cow_pages;
} st;

static long alloc_filled(uint64_t va, uint64_t pages, int byte)
{
    long r = fl_vm_alloc(self, va, pages, FL_PROT_READ | FL_PROT_WRITE);
    if (r == 0 && byte)
        memset((void *)va, byte, pages * FL_PAGE_SIZE);
    return r;
}

/* BENCH_MODE: frees what the previous mode held, prepares the new one. */
static long set_mode(enum bench_mode mode, uint64_t base, uint64_t pages)
{
    long r = 0;
    if (mode >= MODE_COUNT || pages == 0 || pages > BENCH_MAX_PAGES)
        return FL_EINVAL;
    if (st.cache_pages)
        fl_vm_unmap(self, SRV_CACHE_VA, st.cache_pages);
    if (st.file_pages)
        fl_vm_unmap(self, SRV_FILE_VA, st.file_pages);
    if (st.cow_pages)
        fl_vm_unmap(self, SRV_COWSRC_VA, st.cow_pages);
    st.cache_pages = st.file_pages = st.cow_pages = 0;
    st.mode = mode;
    st.base = base;
    st.pages = pages;
    st.cache_next = 0;
    if (mode == MODE_ANON_CACHED || mode == MODE_COW_CACHED) {
        r = alloc_filled(SRV_CACHE_VA, pages, 0);
        st.cache_pages = r == 0 ? pages : 0;
    }
    if (r == 0 && (mode == MODE_FILE || mode == MODE_FILE_AHEAD)) {
        r = alloc_filled(SRV_FILE_VA, pages, 0x5a); /* resident, like a cached file */
        st.file_pages = r == 0 ? pages : 0;
    }
    if (r == 0 && (mode == MODE_COW_FRESH || mode == MODE_COW_CACHED)) {
        r = alloc_filled(SRV_COWSRC_VA, pages, 0xc5); /* the parent's data */
        st.cow_pages = r == 0 ? pages : 0;
    }
    return r;
}

/* BENCH_RESET: the client unmapped its region; take back this batch's frames. */
static long reset(void)
{
    long r = 0;
    if (st.fresh_next > SRV_FRESH_VA)
        r = fl_vm_unmap(self, SRV_FRESH_VA, (st.fresh_next - SRV_FRESH_VA) / FL_PAGE_SIZE);
    st.fresh_next = SRV_FRESH_VA;
    st.cache_next = 0;
    return r;
}

/* A frame for a write fault: fresh from the pool, or the next one of the free list. */
static uint64_t take_frame(int fresh)
{
    uint64_t va;
    if (fresh) {
        va = st.fresh_next;
        if (fl_vm_alloc(self, va, 1, FL_PROT_READ | FL_PROT_WRITE) < 0)
            return 0;
        st.fresh_next += FL_PAGE_SIZE;
        return va;
    }
    if (st.cache_next >= st.cache_pages)
        return 0;
    return SRV_CACHE_VA + st.cache_next++ * FL_PAGE_SIZE;
}

static void reply_map(fl_msg_t *m, uint64_t dst, uint64_t src, uint64_t pages, unsigned prot)
{
    m->tag = FL_TAG(FL_FAULT_REPLY_MAP, 4, 0);
    m->w[0] = dst;
    m->w[1] = src;
    m->w[2] = pages;
    m->w[3] = prot;
}

/* Answers the fault in *m with the reply in *m. */
static void on_fault(fl_msg_t *m)
{
    uint64_t addr = m->w[0] & ~(uint64_t)(FL_PAGE_SIZE - 1);
    uint64_t idx = (addr - st.base) / FL_PAGE_SIZE, frame = 0;
    const unsigned rw = FL_PROT_READ | FL_PROT_WRITE;

    if (addr < st.base || idx >= st.pages)
        goto fail;
    switch (st.mode) {
    case MODE_PREPARED: reply_map(m, addr, SRV_PREPARED_VA, 1, rw); return;
    case MODE_ZEROPAGE: reply_map(m, addr, SRV_ZERO_VA, 1, FL_PROT_READ); return;
    case MODE_ANON_FRESH:
    case MODE_ANON_CACHED:
        if (!(frame = take_frame(st.mode == MODE_ANON_FRESH)))
            goto fail;
        if (st.mode == MODE_ANON_CACHED)
            fl_page_zero((void *)frame); /* fresh frames come zeroed by the kernel */
        reply_map(m, addr, frame, 1, rw);
        return;
    case MODE_COW_FRESH:
    case MODE_COW_CACHED:
        if (!(frame = take_frame(st.mode == MODE_COW_FRESH)))
            goto fail;
        fl_page_copy((void *)frame, (const void *)(SRV_COWSRC_VA + idx * FL_PAGE_SIZE));
        reply_map(m, addr, frame, 1, rw);
        return;
    case MODE_FILE: reply_map(m, addr, SRV_FILE_VA + idx * FL_PAGE_SIZE, 1, FL_PROT_READ); return;
    case MODE_FILE_AHEAD: {
        uint64_t first = idx & ~(uint64_t)(BENCH_MAP_AHEAD - 1);
        uint64_t n = st.pages - first < BENCH_MAP_AHEAD ? st.pages - first : BENCH_MAP_AHEAD;
        reply_map(m, st.base + first * FL_PAGE_SIZE, SRV_FILE_VA + first * FL_PAGE_SIZE, n,
                  FL_PROT_READ);
        return;
    }
    default: break;
    }
fail:
    m->tag = FL_TAG(FL_FAULT_REPLY_FAIL, 1, 0);
    m->w[0] = FL_FAULT_FAIL_NO_REGION;
}

/* REPLY_RECV with the counter read right before the svc and right after it returns. */
static long reply_recv_timed(fl_handle_t ep, fl_msg_t *m)
{
    register uint64_t x0 __asm__("x0") = ep;
    register uint64_t x1 __asm__("x1") = m->tag;
    register uint64_t x2 __asm__("x2") = m->w[0];
    register uint64_t x3 __asm__("x3") = m->w[1];
    register uint64_t x4 __asm__("x4") = m->w[2];
    register uint64_t x5 __asm__("x5") = m->w[3];
    register uint64_t x6 __asm__("x6") = 0;
    register uint64_t x7 __asm__("x7") = 0; /* the kernel writes it (fault SP, else 0) */
    register uint64_t x8 __asm__("x8") = FL_SYS_REPLY_RECV;
    uint64_t before, after;
    /* The reply switches straight to the client (fast path), so t_reply is stored before the
     * svc; t_recv right after it returns with the next message. */
    __asm__ volatile("isb\n\tmrs %[b], pmevcntr0_el0\n\tstr %[b], [%[sh], #8]\n\tsvc #0\n\t"
                     "isb\n\tmrs %[a], pmevcntr0_el0\n\tstr %[a], [%[sh]]"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5), "+r"(x6),
                       "+r"(x7), "+r"(x8), [b] "=&r"(before), [a] "=&r"(after)
                     : [sh] "r"(shared)
                     : "memory");
    m->tag = x1;
    m->w[0] = x2;
    m->w[1] = x3;
    m->w[2] = x4;
    m->w[3] = x5;
    m->badge = x6;
    m->fault_sp = x7;
    m->fault_thread = x8;
    return (long)x0;
}

int main(void)
{
    fl_handle_t ep = fl_start_handle(SRV_HANDLE_EP);
    fl_msg_t m = {.tag = 0};

    self = fl_self_space();
    client = fl_start_handle(SRV_HANDLE_CLIENT);
    st.fresh_next = SRV_FRESH_VA;
    if (alloc_filled(SRV_PREPARED_VA, 1, 0x77) < 0 || alloc_filled(SRV_ZERO_VA, 1, 0) < 0 ||
        alloc_filled(SRV_IPCBUF, 1, 0) < 0 || fl_thread_set_ipc_buffer((void *)SRV_IPCBUF) < 0)
        return 1;

    long r = reply_recv_timed(ep, &m);
    for (;;) {
        if (r < 0)
            return 1;
        uint64_t label = FL_TAG_LABEL(m.tag);
        if (label == FL_LABEL_PAGE_FAULT) {
            on_fault(&m);
            shared->faults++;
            r = reply_recv_timed(ep, &m);
            continue;
        }
        if (label == BENCH_ECHO) {
            /* Until a message of another label, which the loop then dispatches. */
            r = bench_echo(ep, BENCH_PING, &m, m.w[0] ? &shared->t_recv : NULL);
            continue;
        }
        if (label == BENCH_QUIT) {
            fl_reply(&(fl_msg_t){.tag = 0});
            return 0;
        }
        switch (label) {
        case BENCH_MODE: r = set_mode((enum bench_mode)m.w[0], m.w[1], m.w[2]); break;
        case BENCH_ARM:
            /* The client's pages share the parent's frames read-only, as after fork. */
            r = st.cow_pages ? fl_vm_map(client, st.base, SRV_COWSRC_VA, st.cow_pages, FL_PROT_READ)
                             : 0;
            break;
        case BENCH_RESET: r = reset(); break;
        default: r = FL_EINVAL; break;
        }
        m.tag = r < 0 ? FL_TAG(BENCH_ERR, 1, 0) : 0;
        m.w[0] = (uint64_t)r;
        r = reply_recv_timed(ep, &m);
    }
}
