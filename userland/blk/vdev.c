/* A virtio-blk device over virtio-mmio, legacy or modern; see vdev.h. */
#include "vdev.h"
#include <faultline/errors.h>
#include <string.h>

/*
 * Register access with single ldr/str of a plain base register: Device-nGnRnE memory wants
 * exactly one access of the register's width, and an access with writeback or a register
 * offset would give a hypervisor no syndrome to emulate it (Arm ARM D17.2.37, ESR_ELx.ISV).
 */
static uint32_t rd(const vdev_t *d, unsigned off)
{
    uint32_t v;
    __asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(d->regs + off) : "memory");
    return v;
}

static void wr(const vdev_t *d, unsigned off, uint32_t v)
{
    __asm__ volatile("str %w0, [%1]" : : "r"(v), "r"(d->regs + off) : "memory");
}

/* DMB OSHST / OSHLD (Arm ARM C6.2.81): orders our ring stores before the device sees the
 * index or the doorbell, and the used index before the entries it covers. */
static void dma_wmb(void)
{
    __asm__ volatile("dmb oshst" ::: "memory");
}

static void dma_rmb(void)
{
    __asm__ volatile("dmb oshld" ::: "memory");
}

static void dma_mb(void)
{
    __asm__ volatile("dmb osh" ::: "memory");
}

long vdev_probe(volatile uint8_t *regs, uint32_t *device_id)
{
    vdev_t d = {.regs = regs};
    uint32_t version = rd(&d, VIRTIO_MMIO_VERSION);
    if (rd(&d, VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MMIO_MAGIC || version < 1 || version > 2)
        return FL_ENOENT;
    *device_id = rd(&d, VIRTIO_MMIO_DEVICE_ID);
    return FL_OK;
}

void vdev_reset(volatile uint8_t *regs)
{
    vdev_t d = {.regs = regs};
    wr(&d, VIRTIO_MMIO_STATUS, 0);
    /* A modern device may take a while: the reset is done when Status reads 0 (4.2.3.1). */
    for (int i = 0; i < 1000000 && rd(&d, VIRTIO_MMIO_STATUS) != 0; i++)
        ;
}

static uint64_t device_features(const vdev_t *d)
{
    wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    uint64_t lo = rd(d, VIRTIO_MMIO_DEVICE_FEATURES);
    wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    uint64_t hi = rd(d, VIRTIO_MMIO_DEVICE_FEATURES);
    return lo | hi << 32;
}

static void driver_features(const vdev_t *d, uint64_t f)
{
    wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)f);
    wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wr(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(f >> 32));
}

/* Reads the config fields we use; a modern device may change them while we read, which the
 * generation counter shows (4.2.2.2, 2.5.1). Config is 32-bit accessed: legacy QEMU takes
 * any width, modern requires at most 32 bits for 64-bit fields read in two halves. */
static void read_config(vdev_t *d, uint64_t *capacity, uint32_t *seg_max)
{
    uint32_t gen;
    do {
        gen = d->version == 2 ? rd(d, VIRTIO_MMIO_CONFIG_GENERATION) : 0;
        uint64_t lo = rd(d, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_CAPACITY);
        uint64_t hi = rd(d, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_CAPACITY + 4);
        *capacity = lo | hi << 32;
        *seg_max = rd(d, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_SEG_MAX);
    } while (d->version == 2 && gen != rd(d, VIRTIO_MMIO_CONFIG_GENERATION));
}

static long fail(vdev_t *d)
{
    wr(d, VIRTIO_MMIO_STATUS, rd(d, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_FAILED);
    return FL_EIO;
}

/* The one request queue (4.2.3.2 "Virtqueue Configuration"; legacy: 4.2.4.2). */
static long setup_queue(vdev_t *d, void *queue_mem, uint64_t queue_pa)
{
    virtq_layout_t l;
    wr(d, VIRTIO_MMIO_QUEUE_SEL, 0);
    uint32_t max = rd(d, VIRTIO_MMIO_QUEUE_NUM_MAX);
    uint32_t busy = d->version == 2 ? rd(d, VIRTIO_MMIO_QUEUE_READY) : rd(d, VIRTIO_MMIO_QUEUE_PFN);
    if (max == 0 || busy)
        return FL_EIO;
    unsigned num = VDEV_QUEUE_SIZE;
    while (num > max)
        num /= 2;
    if (virtq_layout(num, VDEV_LEGACY_ALIGN, &l) || l.size > 4096)
        return FL_EIO;
    virtq_init(&d->q, queue_mem, num, &l);
    dma_wmb();
    wr(d, VIRTIO_MMIO_QUEUE_NUM, num);
    if (d->version == 1) {
        wr(d, VIRTIO_MMIO_QUEUE_ALIGN, VDEV_LEGACY_ALIGN);
        wr(d, VIRTIO_MMIO_QUEUE_PFN, (uint32_t)(queue_pa >> 12)); /* GuestPageSize 4096 */
    } else {
        uint64_t desc = queue_pa + l.desc, avail = queue_pa + l.avail, used = queue_pa + l.used;
        wr(d, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
        wr(d, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
        wr(d, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
        wr(d, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
        wr(d, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used);
        wr(d, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
        wr(d, VIRTIO_MMIO_QUEUE_READY, 1);
    }
    return FL_OK;
}

long vdev_start(vdev_t *d, volatile uint8_t *regs, void *queue_mem, uint64_t queue_pa,
                void *slots_mem, uint64_t slots_pa)
{
    uint32_t id;
    memset(d, 0, sizeof(*d));
    d->regs = regs;
    if (vdev_probe(regs, &id) != FL_OK || id != VIRTIO_ID_BLOCK)
        return FL_ENOENT;
    d->version = rd(d, VIRTIO_MMIO_VERSION);

    vdev_reset(regs);
    wr(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    wr(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);

    uint64_t offered = device_features(d);
    uint64_t want = VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_RO | VIRTIO_BLK_F_FLUSH;
    if (d->version == 2) {
        if (!(offered & VIRTIO_F_VERSION_1))
            return fail(d); /* a modern transport must offer it (4.2.2) */
        want |= VIRTIO_F_VERSION_1;
    }
    d->features = offered & want;
    driver_features(d, d->features);
    if (d->version == 2) {
        wr(d, VIRTIO_MMIO_STATUS, rd(d, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_FEATURES_OK);
        if (!(rd(d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK))
            return fail(d);
    } else {
        wr(d, VIRTIO_MMIO_GUEST_PAGE_SIZE, 4096);
    }
    if (setup_queue(d, queue_mem, queue_pa) != FL_OK)
        return fail(d);

    uint64_t capacity;
    uint32_t seg_max;
    read_config(d, &capacity, &seg_max);
    d->max_segs = VDEV_MAX_SEGS;
    if ((d->features & VIRTIO_BLK_F_SEG_MAX) && seg_max && seg_max + 2 < d->max_segs)
        d->max_segs = seg_max + 2;
    if (d->max_segs > d->q.num)
        d->max_segs = d->q.num;
    d->lim.capacity = capacity;
    /* Room for the worst case: a buffer offset that is not page-aligned costs one segment. */
    d->lim.max_sectors = BLK_MAX_SECTORS;
    if (d->max_segs < VDEV_MAX_SEGS)
        d->lim.max_sectors = d->max_segs > 3 ? (d->max_segs - 3) * (4096 / BLK_SECTOR_SIZE) : 1;
    d->lim.flags = ((d->features & VIRTIO_BLK_F_RO) ? BLK_F_RO : 0) |
                   ((d->features & VIRTIO_BLK_F_FLUSH) ? BLK_F_FLUSH : 0) |
                   (d->version == 2 ? BLK_F_MODERN : 0);
    d->slots = slots_mem;
    d->slots_pa = slots_pa;
    memset(slots_mem, 0, VDEV_REQ_SLOTS * VDEV_SLOT_BYTES);

    dma_wmb();
    wr(d, VIRTIO_MMIO_STATUS, rd(d, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
    if (rd(d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FAILED)
        return FL_EIO;
    return FL_OK;
}

long vdev_submit(vdev_t *d, unsigned slot, blk_op_t op, uint64_t sector, const uint64_t *page_pa,
                 unsigned npages, uint64_t off, uint64_t len, uint16_t *head)
{
    virtq_seg_t segs[VDEV_MAX_SEGS];
    uint8_t *s = d->slots + slot * VDEV_SLOT_BYTES;
    uint64_t s_pa = d->slots_pa + slot * VDEV_SLOT_BYTES;
    unsigned n = blk_req_chain(op, s_pa, s_pa + sizeof(virtio_blk_hdr_t), page_pa, npages, off, len,
                               segs, d->max_segs);
    if (n == 0)
        return FL_EINVAL;
    if (n > d->q.nfree)
        return FL_EAGAIN;
    blk_hdr_encode((virtio_blk_hdr_t *)s, op, sector);
    s[sizeof(virtio_blk_hdr_t)] = BLK_STATUS_PENDING;
    int h = virtq_add(&d->q, segs, n);
    if (h < 0)
        return FL_EAGAIN;
    virtq_push(&d->q, (uint16_t)h);
    dma_wmb(); /* descriptors and ring entry before the index (2.7.13) */
    virtq_publish(&d->q);
    dma_mb(); /* the index before the doorbell */
    wr(d, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    *head = (uint16_t)h;
    return FL_OK;
}

uint32_t vdev_irq_ack(vdev_t *d)
{
    uint32_t st = rd(d, VIRTIO_MMIO_INTERRUPT_STATUS);
    if (st)
        wr(d, VIRTIO_MMIO_INTERRUPT_ACK, st);
    dma_mb(); /* the ack before we look at the used ring: a later completion raises it again */
    return st;
}

int vdev_next_done(vdev_t *d, uint16_t *head)
{
    uint32_t len;
    uint16_t idx = virtq_used_idx(&d->q);
    dma_rmb(); /* the index before the entries it covers (2.7.14) */
    return virtq_pop(&d->q, idx, head, &len);
}

uint8_t vdev_slot_status(const vdev_t *d, unsigned slot)
{
    dma_rmb();
    return ((volatile uint8_t *)d->slots)[slot * VDEV_SLOT_BYTES + sizeof(virtio_blk_hdr_t)];
}
