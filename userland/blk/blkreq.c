/* virtio-blk request checks, encoding and completion queue; see blkreq.h. */
#include "blkreq.h"
#include <faultline/errors.h>
#include <string.h>

#define PAGE 4096u

long blk_req_check(const blk_limits_t *lim, blk_op_t op, uint64_t sector, uint64_t count,
                   uint64_t buf_off, uint64_t buf_bytes)
{
    if (op == BLK_OP_FLUSH)
        return FL_OK;
    if (op != BLK_OP_READ && op != BLK_OP_WRITE)
        return FL_EINVAL;
    if (count == 0 || count > lim->max_sectors || buf_off % BLK_SECTOR_SIZE)
        return FL_EINVAL;
    uint64_t bytes = count * BLK_SECTOR_SIZE; /* count <= max_sectors: no overflow */
    if (buf_off > buf_bytes || bytes > buf_bytes - buf_off)
        return FL_EINVAL;
    if (sector >= lim->capacity || count > lim->capacity - sector)
        return FL_ERANGE;
    if (op == BLK_OP_WRITE && (lim->flags & BLK_F_RO))
        return FL_EPERM;
    return FL_OK;
}

void blk_hdr_encode(virtio_blk_hdr_t *h, blk_op_t op, uint64_t sector)
{
    h->type = op == BLK_OP_READ    ? VIRTIO_BLK_T_IN
              : op == BLK_OP_WRITE ? VIRTIO_BLK_T_OUT
                                   : VIRTIO_BLK_T_FLUSH;
    h->reserved = 0;
    h->sector = op == BLK_OP_FLUSH ? 0 : sector;
}

unsigned blk_req_chain(blk_op_t op, uint64_t hdr_pa, uint64_t status_pa, const uint64_t *page_pa,
                       unsigned npages, uint64_t off, uint64_t len, virtq_seg_t *out, unsigned max)
{
    unsigned n = 0;
    if (max < 2)
        return 0;
    out[n++] = (virtq_seg_t){.addr = hdr_pa, .len = sizeof(virtio_blk_hdr_t)};
    if (op != BLK_OP_FLUSH) {
        uint64_t limit = (uint64_t)npages * PAGE;
        if (len == 0 || off > limit || len > limit - off)
            return 0;
        while (len) {
            uint64_t page = off / PAGE, in_page = off % PAGE;
            uint64_t pa = page_pa[page] + in_page;
            uint32_t chunk = (uint32_t)(PAGE - in_page < len ? PAGE - in_page : len);
            virtq_seg_t *prev = &out[n - 1];
            if (n > 1 && prev->addr + prev->len == pa) {
                prev->len += chunk; /* physically contiguous with the last page: extend */
            } else {
                if (n + 1 >= max) /* keep room for the status byte */
                    return 0;
                out[n++] =
                    (virtq_seg_t){.addr = pa, .len = chunk, .device_writes = op == BLK_OP_READ};
            }
            off += chunk;
            len -= chunk;
        }
    }
    out[n++] = (virtq_seg_t){.addr = status_pa, .len = 1, .device_writes = true};
    return n;
}

long blk_status_result(uint8_t status)
{
    switch (status) {
    case VIRTIO_BLK_S_OK: return FL_OK;
    case VIRTIO_BLK_S_UNSUPP: return FL_ENOSYS;
    default: return FL_EIO; /* IOERR, or a byte the device never wrote */
    }
}

void blk_cq_init(blk_cq_t *q)
{
    memset(q, 0, sizeof(*q));
}

long blk_cq_push(blk_cq_t *q, uint64_t tag, long result)
{
    if (q->count == BLK_SESSION_MAX)
        return FL_EFULL;
    uint32_t i = (q->head + q->count) % BLK_SESSION_MAX;
    q->tag[i] = tag;
    q->result[i] = (int32_t)result;
    q->count++;
    return FL_OK;
}

int blk_cq_pop(blk_cq_t *q, uint64_t *tag, long *result)
{
    if (q->count == 0)
        return 0;
    *tag = q->tag[q->head];
    *result = q->result[q->head];
    q->head = (q->head + 1) % BLK_SESSION_MAX;
    q->count--;
    return 1;
}
