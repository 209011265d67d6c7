/*
 * blkdrv: the virtio-blk driver, one user process per disk. Usage: blkdrv [-q]
 *
 * Start handles (fl/start.h): handles[0] = the endpoint it serves (READ | WRITE | GRANT: it
 * receives on it and mints session handles from it); pool = its DMA pool with MANAGE (every
 * frame it allocates comes from there, so FL_SYS_VM_PHYS tells it their physical addresses).
 * The owner then offers transports with ATTACH until one holds a block device. The protocol is
 * blk_proto.h; the design is in docs/storage.md.
 *
 * Two threads. The server thread (main) owns all state: it answers requests, fills the
 * virtqueue, and takes completions. The interrupt thread waits on the notification the IRQ is
 * bound to and turns each wake-up into a BLK_MSG_IRQ call on the same endpoint, with a badge
 * only it has; so the server never waits on two objects and needs no lock.
 */
#include "blk_proto.h"
#include "blkreq.h"
#include "vdev.h"
#include <fl/runtime.h>
#include <fl/syscall.h>
#include <fl/thread.h>
#include <stdio.h>
#include <string.h>

/* Where things live in the driver (the heap, stack and thread area are elsewhere, fl/layout.h).
 * Each range is inside one 2 MiB block so it costs one page table, charged to the DMA pool. */
#define DRV_MMIO_VA  0x1000000000UL /* the transport's page, during probe and after */
#define DRV_QUEUE_VA 0x1000001000UL /* the virtqueue (one page) */
#define DRV_SLOTS_VA 0x1000002000UL /* request headers and status bytes (one page) */
#define DRV_BUF_VA   0x1000200000UL /* session buffers: BLK_BUF_MAX_PAGES pages per slot */
#define PAGE         4096UL

#define IRQ_BADGE   (~0ULL)
#define NTF_IRQ_BIT 1ULL

_Static_assert(BLK_MAX_SESSIONS *BLK_BUF_MAX_PAGES *PAGE <= 0x200000, "buffers in 2 MiB");

typedef struct session {
    bool open;
    bool closing; /* CLOSE asked or the client died: ends when inflight reaches 0 */
    uint32_t gen; /* bumped at each end, so old badges stop working */
    fl_handle_t space, note;
    uint64_t note_bits;
    uint64_t client_va;
    unsigned pages;
    unsigned inflight; /* on the device */
    blk_cq_t cq;       /* finished, not reaped */
    uint64_t pa[BLK_BUF_MAX_PAGES];
} session_t;

typedef struct request {
    bool busy;
    unsigned session;
    uint64_t tag;
    uint16_t head;
} request_t;

static struct {
    bool quiet;
    fl_handle_t self, pool, ep;
    fl_handle_t region, irq, ntf; /* of the attached device */
    bool attached;
    vdev_t dev;
    session_t sessions[BLK_MAX_SESSIONS];
    request_t reqs[VDEV_REQ_SLOTS];
    int16_t head_slot[VIRTQ_MAX]; /* request slot of each live chain head, -1 if none */
    unsigned on_device, max_on_device;
    uint64_t completed, errors;
    fl_thread_t irq_thread;
    fl_handle_t irq_ep; /* the badged handle the interrupt thread calls through */
} drv;

static fl_ipc_buffer_t ipc __attribute__((aligned(4096)));

/* System calls the runtime has no stub for (faultline/syscall.h documents them). */
static long vm_phys(uint64_t va)
{
    return FL_SYSCALL3(FL_SYS_VM_PHYS, drv.self, va, drv.pool);
}

static long space_ended(fl_handle_t space)
{
    return FL_SYSCALL1(FL_SYS_SPACE_STATUS, space);
}

static void logf_(const char *what, long r)
{
    if (!drv.quiet)
        printf("blkdrv: %s: %s\n", what, fl_strerror(r));
}

/* --- the interrupt thread ------------------------------------------------------------------- */

static void irq_thread(void *arg)
{
    (void)arg;
    for (;;) {
        long bits = fl_wait(drv.ntf);
        if (bits < 0)
            return;
        fl_msg_t m = {.tag = FL_TAG(BLK_MSG_IRQ, 1, 0), .w = {(uint64_t)bits}};
        if (fl_call(drv.irq_ep, &m) < 0)
            return;
    }
}

/* --- attach ----------------------------------------------------------------------------------- */

/* Allocates one page of DMA memory at va; its physical address, or an error. */
static long dma_page(uint64_t va)
{
    long r = fl_vm_alloc(drv.self, va, 1, FL_PROT_READ | FL_PROT_WRITE);
    if (r < 0)
        return r;
    r = vm_phys(va);
    if (r < 0)
        fl_vm_unmap(drv.self, va, 1);
    return r;
}

static void attach(fl_msg_t *m, unsigned nh)
{
    fl_handle_t region = nh > 0 ? ipc.handles[0] : 0, irq = nh > 1 ? ipc.handles[1] : 0;
    uint64_t base = m->w[0], size = m->w[1];
    uint32_t id = 0;
    long r;

    m->w[1] = m->w[2] = m->w[3] = 0;
    if (drv.attached) {
        r = FL_EBUSY;
        goto drop;
    }
    if (nh < 2 || (base & (PAGE - 1)) + size > PAGE || size < VIRTIO_MMIO_CONFIG + 16) {
        r = FL_EINVAL;
        goto drop;
    }
    r = fl_region_map(drv.self, region, 0, DRV_MMIO_VA, PAGE, FL_PROT_READ | FL_PROT_WRITE);
    if (r < 0)
        goto drop;
    volatile uint8_t *regs = (volatile uint8_t *)(DRV_MMIO_VA + (base & (PAGE - 1)));
    r = vdev_probe(regs, &id);
    if (r == FL_OK && id != VIRTIO_ID_BLOCK)
        r = FL_ENOENT;
    if (r < 0) {
        m->w[1] = id;
        goto unmap;
    }
    m->w[1] = id;

    long qpa = dma_page(DRV_QUEUE_VA), spa = qpa < 0 ? qpa : dma_page(DRV_SLOTS_VA);
    if (qpa < 0 || spa < 0) {
        r = qpa < 0 ? qpa : spa;
        goto free_dma;
    }
    r = fl_notification_create();
    if (r < 0)
        goto free_dma;
    drv.ntf = (fl_handle_t)r;
    r = vdev_start(&drv.dev, regs, (void *)DRV_QUEUE_VA, (uint64_t)qpa, (void *)DRV_SLOTS_VA,
                   (uint64_t)spa);
    if (r == FL_OK)
        r = fl_irq_bind(irq, drv.ntf, NTF_IRQ_BIT);
    if (r == FL_OK && (r = fl_handle_mint(drv.ep, IRQ_BADGE, FL_RIGHT_WRITE)) > 0) {
        drv.irq_ep = (fl_handle_t)r;
        r = fl_thread_spawn(&drv.irq_thread, irq_thread, NULL, FL_PRIORITY_DEFAULT);
    }
    if (r < 0) {
        vdev_reset(regs);
        if (drv.irq_ep)
            fl_handle_close(drv.irq_ep);
        fl_handle_close(drv.ntf);
        drv.irq_ep = drv.ntf = 0;
        r = r == FL_ENOENT ? FL_EIO : r;
        goto free_dma;
    }
    drv.region = region;
    drv.irq = irq;
    drv.attached = true;
    m->w[2] = drv.dev.lim.capacity;
    m->w[3] = drv.dev.lim.flags;
    m->w[0] = FL_OK;
    if (!drv.quiet)
        printf("blkdrv: virtio-blk at %#llx (virtio-mmio v%u): %llu sectors, %u per request, "
               "queue %u%s%s\n",
               (unsigned long long)base, drv.dev.version, (unsigned long long)drv.dev.lim.capacity,
               drv.dev.lim.max_sectors, drv.dev.q.num,
               (drv.dev.lim.flags & BLK_F_RO) ? ", read-only" : "",
               (drv.dev.lim.flags & BLK_F_FLUSH) ? ", flush" : "");
    return;

free_dma:
    fl_vm_unmap(drv.self, DRV_QUEUE_VA, 2);
unmap:
    fl_vm_unmap(drv.self, DRV_MMIO_VA, 1);
drop:
    for (unsigned i = 0; i < nh; i++)
        fl_handle_close(ipc.handles[i]);
    m->w[0] = (uint64_t)r;
}

/* --- sessions --------------------------------------------------------------------------------- */

static uint64_t badge_of(unsigned i)
{
    return (uint64_t)drv.sessions[i].gen << 8 | (i + 1);
}

/* The session a badge names, or NULL (badge 0, the interrupt badge, or a session that ended). */
static session_t *session_of(uint64_t badge, unsigned *index)
{
    unsigned i = (unsigned)(badge & 0xff) - 1;
    if (badge == 0 || badge == IRQ_BADGE || i >= BLK_MAX_SESSIONS)
        return NULL;
    session_t *s = &drv.sessions[i];
    if (!s->open || s->closing || badge != badge_of(i))
        return NULL;
    *index = i;
    return s;
}

/* Ends a session whose requests are all done: unmaps the buffer on both sides (its frames go
 * back to the pool), closes the client's handles. */
static void session_end(unsigned i)
{
    session_t *s = &drv.sessions[i];
    fl_vm_unmap(s->space, s->client_va, s->pages); /* FL_EPEER if the client is gone */
    fl_vm_unmap(drv.self, DRV_BUF_VA + i * BLK_BUF_MAX_PAGES * PAGE, s->pages);
    fl_handle_close(s->space);
    fl_handle_close(s->note);
    uint32_t gen = s->gen + 1;
    memset(s, 0, sizeof(*s));
    s->gen = gen;
}

/* Ends sessions whose client process has ended (SPACE_STATUS), so their slots come back. */
static void sessions_sweep(void)
{
    for (unsigned i = 0; i < BLK_MAX_SESSIONS; i++) {
        session_t *s = &drv.sessions[i];
        if (s->open && space_ended(s->space) == 1) {
            s->closing = true;
            if (s->inflight == 0)
                session_end(i);
        }
    }
}

static long session_open(fl_msg_t *m, unsigned nh, fl_handle_t *give)
{
    uint64_t va = m->w[0], pages = m->w[1], bits = m->w[2];
    fl_handle_t space = nh > 0 ? ipc.handles[0] : 0, note = nh > 1 ? ipc.handles[1] : 0;
    unsigned i;
    long r;

    if (!drv.attached)
        r = FL_ENOENT;
    else if (nh != 2 || (va & (PAGE - 1)) || pages == 0 || pages > BLK_BUF_MAX_PAGES ||
             va >= (1UL << 48) || bits == 0 || (bits >> 63))
        r = FL_EINVAL;
    else
        r = FL_OK;
    for (i = 0; r == FL_OK && i < BLK_MAX_SESSIONS && drv.sessions[i].open; i++)
        ;
    if (r == FL_OK && i == BLK_MAX_SESSIONS) {
        sessions_sweep();
        for (i = 0; i < BLK_MAX_SESSIONS && drv.sessions[i].open; i++)
            ;
        if (i == BLK_MAX_SESSIONS)
            r = FL_EFULL;
    }
    if (r < 0)
        goto drop;

    session_t *s = &drv.sessions[i];
    uint64_t buf = DRV_BUF_VA + i * BLK_BUF_MAX_PAGES * PAGE;
    r = fl_vm_alloc(drv.self, buf, pages, FL_PROT_READ | FL_PROT_WRITE);
    if (r < 0)
        goto drop;
    for (unsigned p = 0; p < pages && r >= 0; p++) {
        r = vm_phys(buf + p * PAGE);
        s->pa[p] = (uint64_t)r;
    }
    if (r >= 0)
        r = fl_vm_map(space, va, buf, pages, FL_PROT_READ | FL_PROT_WRITE);
    if (r < 0) {
        fl_vm_unmap(drv.self, buf, pages);
        goto drop;
    }
    r = fl_handle_mint(drv.ep, badge_of(i), FL_RIGHT_WRITE | FL_RIGHT_GRANT); /* sent WRITE only */
    if (r < 0) {
        fl_vm_unmap(space, va, pages);
        fl_vm_unmap(drv.self, buf, pages);
        goto drop;
    }
    *give = (fl_handle_t)r;
    s->open = true;
    s->space = space;
    s->note = note;
    s->note_bits = bits;
    s->client_va = va;
    s->pages = (unsigned)pages;
    blk_cq_init(&s->cq);
    m->w[1] = badge_of(i);
    m->w[2] = BLK_SESSION_MAX;
    return FL_OK;

drop:
    for (unsigned k = 0; k < nh; k++)
        fl_handle_close(ipc.handles[k]);
    return r;
}

/* --- requests --------------------------------------------------------------------------------- */

static void complete(session_t *s, uint64_t tag, long result)
{
    blk_cq_push(&s->cq, tag, result); /* cannot be full: inflight + queued <= BLK_SESSION_MAX */
    drv.completed++;
    if (result != FL_OK)
        drv.errors++;
    if (!s->closing)
        fl_signal(s->note, s->note_bits); /* a client that closed its notification: its loss */
}

static long submit(session_t *s, unsigned si, blk_op_t op, const fl_msg_t *m)
{
    uint64_t sector = m->w[0], count = m->w[1], off = m->w[2], tag = m->w[3];
    long r = blk_req_check(&drv.dev.lim, op, sector, count, off, (uint64_t)s->pages * PAGE);
    if (r < 0)
        return r;
    if (s->inflight + s->cq.count >= BLK_SESSION_MAX)
        return FL_EAGAIN;
    if (op == BLK_OP_FLUSH && !(drv.dev.lim.flags & BLK_F_FLUSH)) {
        complete(s, tag, FL_OK); /* no volatile cache: nothing to flush (5.2.6.2) */
        return FL_OK;
    }
    unsigned slot;
    for (slot = 0; slot < VDEV_REQ_SLOTS && drv.reqs[slot].busy; slot++)
        ;
    if (slot == VDEV_REQ_SLOTS)
        return FL_EAGAIN;
    uint16_t head;
    r = vdev_submit(&drv.dev, slot, op, sector, s->pa, s->pages, off, count * BLK_SECTOR_SIZE,
                    &head);
    if (r < 0)
        return r;
    drv.reqs[slot] = (request_t){.busy = true, .session = si, .tag = tag, .head = head};
    drv.head_slot[head] = (int16_t)slot;
    s->inflight++;
    if (++drv.on_device > drv.max_on_device)
        drv.max_on_device = drv.on_device;
    return FL_OK;
}

/* Takes every finished chain off the used ring and files it with its session. */
static void harvest(void)
{
    uint16_t head;
    int got;
    while ((got = vdev_next_done(&drv.dev, &head)) != 0) {
        if (got < 0 || drv.head_slot[head] < 0) {
            logf_("device returned an unknown descriptor", FL_EIO);
            continue;
        }
        unsigned slot = (unsigned)drv.head_slot[head];
        request_t *q = &drv.reqs[slot];
        session_t *s = &drv.sessions[q->session];
        long result = blk_status_result(vdev_slot_status(&drv.dev, slot));
        drv.head_slot[head] = -1;
        q->busy = false;
        drv.on_device--;
        s->inflight--;
        complete(s, q->tag, result);
        if (s->closing && s->inflight == 0)
            session_end(q->session);
    }
}

static void interrupt(uint64_t bits)
{
    if (!(bits & NTF_IRQ_BIT) || !drv.attached)
        return;
    vdev_irq_ack(&drv.dev);
    harvest();
    fl_irq_ack(drv.irq); /* unmask at the GIC only once the status is acknowledged */
}

/* Message word k of the reply: 0..3 travel in registers, the rest in the IPC buffer. */
static void set_word(fl_msg_t *m, unsigned k, uint64_t v)
{
    if (k < FL_MSG_REG_WORDS)
        m->w[k] = v;
    else
        ipc.words[k] = v;
}

static void reap(session_t *s, fl_msg_t *m)
{
    uint64_t want = m->w[0], tag;
    long result;
    unsigned n = 0;
    if (want == 0 || want > BLK_REAP_MAX) {
        m->w[0] = (uint64_t)FL_EINVAL;
        return;
    }
    while (n < want && blk_cq_pop(&s->cq, &tag, &result)) {
        set_word(m, 2 + 2 * n, tag);
        set_word(m, 3 + 2 * n, (uint64_t)result);
        n++;
    }
    m->tag = FL_TAG(BLK_MSG_REPLY, 2 + 2 * n, 0);
    m->w[0] = FL_OK;
    m->w[1] = n | (uint64_t)s->cq.count << 32;
}

/* --- the server loop -------------------------------------------------------------------------- */

/* Handles one message and writes the reply into *m; *give is a handle to send with it. */
static bool serve(fl_msg_t *m, fl_handle_t *give)
{
    uint64_t label = FL_TAG_LABEL(m->tag), badge = m->badge;
    unsigned nh = FL_TAG_HANDLES(m->tag), si = 0;
    session_t *s = session_of(badge, &si);
    bool owner = badge == 0, quit = false;
    long r = FL_OK;

    m->tag = FL_TAG(BLK_MSG_REPLY, 1, 0);
    if (label == BLK_MSG_IRQ && badge == IRQ_BADGE) {
        interrupt(m->w[0]);
    } else if (label == BLK_MSG_ATTACH && owner) {
        attach(m, nh);
        m->tag = FL_TAG(BLK_MSG_REPLY, 4, 0);
        return false;
    } else if (label == BLK_MSG_OPEN && owner) {
        r = session_open(m, nh, give);
        m->tag = r == FL_OK ? FL_TAG(BLK_MSG_REPLY, 3, 1) : m->tag;
        nh = 0; /* taken or closed */
    } else if (label == BLK_MSG_INFO && (owner || s)) {
        r = drv.attached ? FL_OK : FL_ENOENT;
        m->w[1] = drv.dev.lim.capacity;
        m->w[2] = drv.dev.lim.max_sectors;
        m->w[3] = drv.dev.lim.flags;
        m->tag = FL_TAG(BLK_MSG_REPLY, 4, 0);
    } else if (label == BLK_MSG_STATS && (owner || s)) {
        m->w[1] = drv.completed;
        m->w[2] = drv.max_on_device;
        m->w[3] = drv.errors;
        m->tag = FL_TAG(BLK_MSG_REPLY, 4, 0);
    } else if (label == BLK_MSG_SHUTDOWN && owner) {
        if (drv.attached)
            vdev_reset(drv.dev.regs);
        quit = true;
    } else if (label >= BLK_MSG_CLOSE && label <= BLK_MSG_REAP && !s) {
        r = badge == 0 ? FL_EPERM : FL_ENOENT;
    } else if (label == BLK_MSG_READ || label == BLK_MSG_WRITE || label == BLK_MSG_FLUSH) {
        blk_op_t op = label == BLK_MSG_READ    ? BLK_OP_READ
                      : label == BLK_MSG_WRITE ? BLK_OP_WRITE
                                               : BLK_OP_FLUSH;
        r = submit(s, si, op, m);
    } else if (label == BLK_MSG_REAP) {
        reap(s, m);
        r = (long)m->w[0];
    } else if (label == BLK_MSG_CLOSE) {
        /* Busy until every request is reaped, not only until the device is done: whether the
         * device has finished is a race the client cannot see, its unreaped results are not. */
        if (s->inflight || s->cq.count) {
            r = FL_EBUSY;
        } else {
            session_end(si);
        }
    } else {
        r = FL_EINVAL;
    }
    for (unsigned i = 0; i < nh; i++) /* handles nobody asked for */
        fl_handle_close(ipc.handles[i]);
    m->w[0] = (uint64_t)r;
    return quit;
}

int main(int argc, char **argv)
{
    fl_msg_t m;
    long r;

    drv.quiet = argc > 1 && strcmp(argv[1], "-q") == 0;
    drv.self = fl_self_space();
    drv.pool = fl_pool();
    drv.ep = fl_start_handle(0);
    for (unsigned i = 0; i < VIRTQ_MAX; i++)
        drv.head_slot[i] = -1;
    if (!drv.ep || !drv.pool) {
        printf("blkdrv: needs an endpoint (start handle 0) and a DMA pool\n");
        return 2;
    }
    r = fl_thread_set_ipc_buffer(&ipc);
    if (r < 0) {
        logf_("cannot register the IPC buffer", r);
        return 2;
    }
    r = fl_recv(drv.ep, &m);
    for (;;) {
        if (r < 0) {
            logf_("receive failed", r);
            return 1;
        }
        fl_handle_t give = 0;
        bool quit = serve(&m, &give);
        if (quit || give) {
            ipc.handles[0] = give;
            ipc.handle_rights[0] = FL_RIGHT_WRITE;
            r = fl_reply(&m);
            if (r < 0 && r != FL_EPEER && give) {
                /* The client gets an error rather than waiting forever. */
                session_end((unsigned)(m.w[1] & 0xff) - 1);
                m = (fl_msg_t){.tag = FL_TAG(BLK_MSG_REPLY, 1, 0), .w = {(uint64_t)FL_EIO}};
                fl_reply(&m);
            }
            if (give)
                fl_handle_close(give); /* the client has its copy */
            if (quit)
                return 0;
            r = fl_recv(drv.ep, &m);
        } else {
            r = fl_reply_recv(drv.ep, &m);
        }
    }
}
