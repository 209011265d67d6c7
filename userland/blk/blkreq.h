/*
 * virtio-blk requests (virtio 1.x section 5.2.6 "Device Operation"): checking a client's
 * request against the disk and its buffer, encoding the request header, splitting the data
 * into physical segments, turning the device's status byte into an error, and the per-session
 * completion queue. Pure logic, built for the host too (test/unit/test_blk_virtq.c).
 */
#ifndef BLK_BLKREQ_H
#define BLK_BLKREQ_H

#include "blk_proto.h"
#include "virtq.h"
#include <stdint.h>

/* Request types (virtio_blk_req.type) and status bytes. */
#define VIRTIO_BLK_T_IN     0u
#define VIRTIO_BLK_T_OUT    1u
#define VIRTIO_BLK_T_FLUSH  4u
#define VIRTIO_BLK_S_OK     0u
#define VIRTIO_BLK_S_IOERR  1u
#define VIRTIO_BLK_S_UNSUPP 2u
#define BLK_STATUS_PENDING  0xffu /* what the driver leaves there: no device writes it */

/* The request header the device reads first. */
typedef struct virtio_blk_hdr {
    uint32_t type;
    uint32_t reserved; /* ioprio in legacy; 0 */
    uint64_t sector;   /* in 512-byte units whatever the device's block size */
} virtio_blk_hdr_t;
_Static_assert(sizeof(virtio_blk_hdr_t) == 16, "virtio_blk_req header layout");

/* Operations, as the protocol labels name them. */
typedef enum blk_op {
    BLK_OP_READ = 1,
    BLK_OP_WRITE = 2,
    BLK_OP_FLUSH = 3,
} blk_op_t;

typedef struct blk_limits {
    uint64_t capacity;    /* sectors */
    uint32_t max_sectors; /* per request */
    uint32_t flags;       /* BLK_F_* */
} blk_limits_t;

/*
 * Checks a READ or WRITE of count sectors from sector, to or from [buf_off, +count * 512) of a
 * buf_bytes buffer. FL_OK, or the protocol's errors in this order: FL_EINVAL (count 0 or above
 * max_sectors, buf_off unaligned, or the range leaves the buffer), FL_ERANGE (beyond the
 * capacity, overflow included), FL_EPERM (a write to a read-only disk). FLUSH is always fine.
 */
long blk_req_check(const blk_limits_t *lim, blk_op_t op, uint64_t sector, uint64_t count,
                   uint64_t buf_off, uint64_t buf_bytes);

/* The header for op (sector is 0 for FLUSH, as the spec asks). */
void blk_hdr_encode(virtio_blk_hdr_t *h, blk_op_t op, uint64_t sector);

/*
 * The descriptor chain of one request: the header (device reads hdr_pa, 16 bytes), the data
 * (bytes [off, off + len) of a buffer whose page i is at physical page_pa[i], one segment per
 * physically contiguous run, device-written for READ), then the status byte (status_pa).
 * FLUSH has no data. Returns the number of segments written to out, or 0 if the data leaves
 * the npages buffer or more than max segments would be needed.
 */
unsigned blk_req_chain(blk_op_t op, uint64_t hdr_pa, uint64_t status_pa, const uint64_t *page_pa,
                       unsigned npages, uint64_t off, uint64_t len, virtq_seg_t *out, unsigned max);

/* The result a client sees for the device's status byte. */
long blk_status_result(uint8_t status);

/* --- completion queue: finished requests a session has not reaped yet ----------------------- */

typedef struct blk_cq {
    uint64_t tag[BLK_SESSION_MAX];
    int32_t result[BLK_SESSION_MAX];
    uint32_t head, count;
} blk_cq_t;

void blk_cq_init(blk_cq_t *q);
/* 0, or FL_EFULL when BLK_SESSION_MAX entries wait (the caller's accounting is broken). */
long blk_cq_push(blk_cq_t *q, uint64_t tag, long result);
/* 1 with the oldest entry taken, or 0 when empty. */
int blk_cq_pop(blk_cq_t *q, uint64_t *tag, long *result);

#endif
