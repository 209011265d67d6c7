/*
 * The block driver's request checks (userland/blk/blkreq.c) on arbitrary requests: an accepted
 * READ or WRITE stays inside the disk and the client's buffer (computed here in 128 bits, so
 * no wrap can hide), and a write to a read-only disk is refused; the descriptor chain of a
 * request covers exactly its bytes, page by page, with the header first and the status byte
 * last; the completion queue behaves as a bounded FIFO. The input is a sequence of commands.
 */
#include <faultline/errors.h>
#include <string.h>

#include "blkreq.h"
#include "fuzz.h"

#define PAGE     4096u
#define MAX_SEGS 20u

static void check_req(fuzz_in_t *in)
{
    blk_limits_t lim = {.capacity = fuzz_take(in, 8),
                        .max_sectors = (uint32_t)fuzz_take(in, 1),
                        .flags = (uint32_t)fuzz_take(in, 1)};
    if (lim.capacity >> 63)
        lim.capacity = fuzz_take(in, 2); /* small disks reach the edges more often */
    blk_op_t op = (blk_op_t)(fuzz_take(in, 1) % 5);
    uint64_t sector = fuzz_take(in, 8), count = fuzz_take(in, 8);
    uint64_t off = fuzz_take(in, 8), bytes = fuzz_take(in, 8);
    if (sector >> 63)
        sector = lim.capacity - (sector & 0xff);
    if (count >> 63)
        count &= 0x1ff;
    if (off >> 63)
        off &= 0x3ffff;
    if (bytes >> 63)
        bytes = (bytes & 0x3f) * PAGE;
    long rc = blk_req_check(&lim, op, sector, count, off, bytes);
    if (op == BLK_OP_FLUSH) {
        CHECK(rc == FL_OK);
        return;
    }
    if (rc != FL_OK) {
        CHECK(rc == FL_EINVAL || rc == FL_ERANGE || rc == FL_EPERM);
        return;
    }
    CHECK(op == BLK_OP_READ || op == BLK_OP_WRITE);
    CHECK(count >= 1 && count <= lim.max_sectors && off % BLK_SECTOR_SIZE == 0);
    CHECK((unsigned __int128)off + (unsigned __int128)count * BLK_SECTOR_SIZE <= bytes);
    CHECK((unsigned __int128)sector + count <= lim.capacity);
    CHECK(op == BLK_OP_READ || !(lim.flags & BLK_F_RO));
    virtio_blk_hdr_t h;
    blk_hdr_encode(&h, op, sector);
    CHECK(h.sector == sector && h.reserved == 0);
    CHECK(h.type == (op == BLK_OP_READ ? VIRTIO_BLK_T_IN : VIRTIO_BLK_T_OUT));
}

static void check_chain(fuzz_in_t *in)
{
    blk_op_t op = (blk_op_t)(1 + fuzz_take(in, 1) % 3);
    unsigned npages = (unsigned)fuzz_take(in, 1) % (BLK_BUF_MAX_PAGES + 1);
    uint64_t page_pa[BLK_BUF_MAX_PAGES + 1];
    uint64_t pa = fuzz_take(in, 2) * PAGE;
    for (unsigned i = 0; i < npages; i++) {
        /* mostly contiguous runs, sometimes a jump (sometimes back onto a neighbour) */
        unsigned how = (unsigned)fuzz_take(in, 1);
        pa = how < 200 ? pa + PAGE : (how < 230 ? pa - PAGE : fuzz_take(in, 3) * PAGE);
        page_pa[i] = pa;
    }
    uint64_t off = fuzz_take(in, 3), len = fuzz_take(in, 3);
    unsigned max = 2 + (unsigned)fuzz_take(in, 1) % (MAX_SEGS - 1);
    virtq_seg_t seg[MAX_SEGS];
    memset(seg, 0, sizeof(seg));
    unsigned n = blk_req_chain(op, 0x1000, 0x2000, page_pa, npages, off, len, seg, max);
    if (n == 0) {
        CHECK(op != BLK_OP_FLUSH || max < 2);
        return;
    }
    CHECK(n >= 2 && n <= max);
    CHECK(seg[0].addr == 0x1000 && seg[0].len == sizeof(virtio_blk_hdr_t) && !seg[0].device_writes);
    CHECK(seg[n - 1].addr == 0x2000 && seg[n - 1].len == 1 && seg[n - 1].device_writes);
    if (op == BLK_OP_FLUSH) {
        CHECK(n == 2);
        return;
    }
    CHECK(len > 0 && (unsigned __int128)off + len <= (uint64_t)npages * PAGE);
    /* Walk the data segments byte run by byte run against the page table. */
    uint64_t pos = off;
    for (unsigned i = 1; i + 1 < n; i++) {
        CHECK(seg[i].len > 0);
        CHECK(seg[i].device_writes == (op == BLK_OP_READ));
        uint64_t a = seg[i].addr, left = seg[i].len;
        while (left) {
            uint64_t in_page = pos % PAGE, chunk = PAGE - in_page < left ? PAGE - in_page : left;
            CHECK(pos / PAGE < npages);
            CHECK(a == page_pa[pos / PAGE] + in_page);
            a += chunk;
            pos += chunk;
            left -= chunk;
        }
    }
    CHECK(pos == off + len);
}

static void check_cq(fuzz_in_t *in)
{
    blk_cq_t q;
    uint64_t model_tag[BLK_SESSION_MAX];
    long model_res[BLK_SESSION_MAX];
    unsigned head = 0, count = 0;
    blk_cq_init(&q);
    for (unsigned steps = (unsigned)fuzz_take(in, 1); steps--;) {
        uint8_t c = (uint8_t)fuzz_take(in, 1);
        if (c & 1) {
            uint64_t tag = fuzz_take(in, 2);
            long res = -(long)(c >> 3);
            long rc = blk_cq_push(&q, tag, res);
            if (count == BLK_SESSION_MAX) {
                CHECK(rc == FL_EFULL);
            } else {
                CHECK(rc == FL_OK);
                model_tag[(head + count) % BLK_SESSION_MAX] = tag;
                model_res[(head + count) % BLK_SESSION_MAX] = res;
                count++;
            }
        } else {
            uint64_t tag;
            long res;
            int got = blk_cq_pop(&q, &tag, &res);
            CHECK(got == (count > 0));
            if (got) {
                CHECK(tag == model_tag[head] && res == model_res[head]);
                head = (head + 1) % BLK_SESSION_MAX;
                count--;
            }
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in_t in = {data, size};
    while (in.n) {
        switch (fuzz_take(&in, 1) % 4) {
        case 0: check_req(&in); break;
        case 1: check_chain(&in); break;
        case 2: check_cq(&in); break;
        default: {
            long r = blk_status_result((uint8_t)fuzz_take(&in, 1));
            CHECK(r == FL_OK || r == FL_ENOSYS || r == FL_EIO);
        }
        }
    }
    return 0;
}
