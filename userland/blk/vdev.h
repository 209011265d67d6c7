/*
 * One virtio-blk device behind a virtio-mmio transport (virtio 1.x section 4.2 "Virtio Over
 * MMIO"), driven from EL0 through a device mapping of its registers: probe, start (feature
 * negotiation, one request queue), submit requests, take completions. Both transport versions:
 * 2 ("modern", 4.2.2) and 1 ("legacy", 4.2.4), which QEMU 7.2 gives unless
 * -global virtio-mmio.force-legacy=false.
 */
#ifndef BLK_VDEV_H
#define BLK_VDEV_H

#include "blkreq.h"
#include "virtq.h"
#include <stdint.h>

/* virtio-mmio registers (4.2.2, table "MMIO Device Register Layout"; legacy ones 4.2.4). */
#define VIRTIO_MMIO_MAGIC_VALUE         0x000 /* "virt" */
#define VIRTIO_MMIO_VERSION             0x004
#define VIRTIO_MMIO_DEVICE_ID           0x008
#define VIRTIO_MMIO_VENDOR_ID           0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES     0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES     0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_GUEST_PAGE_SIZE     0x028 /* legacy */
#define VIRTIO_MMIO_QUEUE_SEL           0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX       0x034
#define VIRTIO_MMIO_QUEUE_NUM           0x038
#define VIRTIO_MMIO_QUEUE_ALIGN         0x03c /* legacy */
#define VIRTIO_MMIO_QUEUE_PFN           0x040 /* legacy */
#define VIRTIO_MMIO_QUEUE_READY         0x044 /* modern */
#define VIRTIO_MMIO_QUEUE_NOTIFY        0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS    0x060
#define VIRTIO_MMIO_INTERRUPT_ACK       0x064
#define VIRTIO_MMIO_STATUS              0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW      0x080 /* modern, and the five below */
#define VIRTIO_MMIO_QUEUE_DESC_HIGH     0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW    0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH   0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW    0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH   0x0a4
#define VIRTIO_MMIO_CONFIG_GENERATION   0x0fc
#define VIRTIO_MMIO_CONFIG              0x100

#define VIRTIO_MMIO_MAGIC 0x74726976u
#define VIRTIO_ID_BLOCK   2u

/* Device status bits (2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 1u
#define VIRTIO_STATUS_DRIVER      2u
#define VIRTIO_STATUS_DRIVER_OK   4u
#define VIRTIO_STATUS_FEATURES_OK 8u
#define VIRTIO_STATUS_FAILED      128u

/* Feature bits: virtio-blk (5.2.3) and transport (6). */
#define VIRTIO_BLK_F_SEG_MAX (1ull << 2)
#define VIRTIO_BLK_F_RO      (1ull << 5)
#define VIRTIO_BLK_F_FLUSH   (1ull << 9)
#define VIRTIO_F_VERSION_1   (1ull << 32)

/* virtio_blk_config offsets (5.2.4). */
#define VIRTIO_BLK_CFG_CAPACITY 0x00 /* le64, sectors */
#define VIRTIO_BLK_CFG_SEG_MAX  0x0c /* le32 */

#define VDEV_QUEUE_SIZE   128 /* at most; fewer if the device says so */
#define VDEV_LEGACY_ALIGN 64  /* QueueAlign: keeps a 128-entry legacy queue within one page */
#define VDEV_REQ_SLOTS    64  /* requests on the device at once; each has a header + status */
#define VDEV_SLOT_BYTES   32  /* header (16) + status (1), padded */
#define VDEV_MAX_SEGS     (2 + BLK_MAX_SECTORS * BLK_SECTOR_SIZE / 4096 + 1)

typedef struct vdev {
    volatile uint8_t *regs; /* the transport's registers */
    uint32_t version;       /* 1 legacy, 2 modern */
    uint64_t features;      /* accepted */
    blk_limits_t lim;
    unsigned max_segs; /* per chain, header and status included */
    virtq_t q;
    uint8_t *slots; /* VDEV_REQ_SLOTS x VDEV_SLOT_BYTES, at physical slots_pa */
    uint64_t slots_pa;
} vdev_t;

/* Reads the identification registers at regs: FL_OK with *device_id (0 = no device behind the
 * transport), or FL_ENOENT when the magic or version is wrong. */
long vdev_probe(volatile uint8_t *regs, uint32_t *device_id);

/*
 * Resets and starts the block device at regs (3.1.1 "Driver Requirements: Device
 * Initialization"): acknowledge, negotiate features, one queue in the page queue_mem (physical
 * queue_pa), request slots in the page slots_mem (slots_pa), DRIVER_OK. FL_OK, or FL_EIO with
 * the device marked FAILED.
 */
long vdev_start(vdev_t *d, volatile uint8_t *regs, void *queue_mem, uint64_t queue_pa,
                void *slots_mem, uint64_t slots_pa);

/*
 * Queues request slot `slot` (0..VDEV_REQ_SLOTS-1): the header, the data from the buffer whose
 * page i is at page_pa[i], the status byte; then notifies the device. FL_OK with *head (the
 * chain's head, which the completion names), FL_EAGAIN when the queue lacks descriptors, or
 * FL_EINVAL when the data needs more segments than the device takes.
 */
long vdev_submit(vdev_t *d, unsigned slot, blk_op_t op, uint64_t sector, const uint64_t *page_pa,
                 unsigned npages, uint64_t off, uint64_t len, uint16_t *head);

/* Reads and acknowledges the interrupt status (bit 0: used buffers, bit 1: config change). */
uint32_t vdev_irq_ack(vdev_t *d);

/* Takes the next completed chain: 1 with *head, 0 when none is left, -1 for a bogus entry. */
int vdev_next_done(vdev_t *d, uint16_t *head);

/* The status byte of a finished request slot. */
uint8_t vdev_slot_status(const vdev_t *d, unsigned slot);

/* Writes 0 to Status: the device forgets the queue and stops all DMA (4.2.3.1). */
void vdev_reset(volatile uint8_t *regs);

#endif
