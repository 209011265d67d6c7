/*
 * The block driver's pure logic on the host: split-virtqueue layout, descriptor chains and
 * ring indices (userland/blk/virtq.c), and request checks, header encoding, chain building,
 * status mapping and the completion queue (userland/blk/blkreq.c). A fake device consumes the
 * available ring and fills the used ring the way virtio 1.x section 2.7 says a device does.
 */
#include "blkreq.h"
#include "virtq.h"
#include <criterion/criterion.h>
#include <faultline/errors.h>
#include <stdlib.h>
#include <string.h>

static _Alignas(4096) uint8_t mem[4096];

static void setup_q(virtq_t *q, unsigned num)
{
    virtq_layout_t l;
    cr_assert_eq(virtq_layout(num, 64, &l), 0);
    cr_assert_leq(l.size, sizeof(mem));
    virtq_init(q, mem, num, &l);
}

/* The fake device: takes the next available head, walks its chain, and completes it. */
static uint16_t dev_avail_seen;

static unsigned dev_take(virtq_t *q, uint16_t *head)
{
    if (dev_avail_seen == q->avail->idx)
        return 0;
    *head = q->avail->ring[dev_avail_seen++ & (q->num - 1)];
    unsigned n = 1;
    for (uint16_t d = *head; q->desc[d].flags & VIRTQ_DESC_F_NEXT; d = q->desc[d].next)
        n++;
    return n;
}

static void dev_complete(virtq_t *q, uint16_t head, uint32_t len)
{
    volatile virtq_used_elem_t *e = &q->used->ring[q->used->idx & (q->num - 1)];
    e->id = head;
    e->len = len;
    q->used->idx++;
}

/* --- layout ---------------------------------------------------------------------------------- */

Test(virtq_layout, legacy_and_modern_offsets)
{
    virtq_layout_t l;
    cr_assert_eq(virtq_layout(128, 64, &l), 0);
    cr_assert_eq(l.desc, 0);
    cr_assert_eq(l.avail, 2048);
    cr_assert_eq(l.used, 2368); /* 2048 + 6 + 256 = 2310, up to 64 */
    cr_assert_eq(l.size, 2368 + 6 + 8 * 128);
    cr_assert_leq(l.size, 4096, "a 128-entry queue fits one page");
    /* The legacy PCI default alignment puts the used ring on the next page. */
    cr_assert_eq(virtq_layout(128, 4096, &l), 0);
    cr_assert_eq(l.used, 4096);
    cr_assert_eq(virtq_layout(1, 4, &l), 0);
    cr_assert_eq(l.used, 24); /* 16 + 6 + 2 = 24, already a multiple of 4 */
}

Test(virtq_layout, rejects_bad_sizes)
{
    virtq_layout_t l;
    cr_assert_eq(virtq_layout(0, 64, &l), -1);
    cr_assert_eq(virtq_layout(96, 64, &l), -1);
    cr_assert_eq(virtq_layout(VIRTQ_MAX * 2, 64, &l), -1);
    cr_assert_eq(virtq_layout(128, 48, &l), -1);
    cr_assert_eq(virtq_layout(128, 2, &l), -1);
}

/* --- chains and rings ------------------------------------------------------------------------ */

Test(virtq, chain_is_linked_with_flags)
{
    virtq_t q;
    setup_q(&q, 8);
    virtq_seg_t s[3] = {{0x1000, 16, false}, {0x2000, 4096, true}, {0x3000, 1, true}};
    int h = virtq_add(&q, s, 3);
    cr_assert_geq(h, 0);
    cr_assert_eq(q.nfree, 5);
    uint16_t d = (uint16_t)h;
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(q.desc[d].addr, s[i].addr);
        cr_assert_eq(q.desc[d].len, s[i].len);
        cr_assert_eq(!!(q.desc[d].flags & VIRTQ_DESC_F_WRITE), s[i].device_writes);
        cr_assert_eq(!!(q.desc[d].flags & VIRTQ_DESC_F_NEXT), i < 2);
        d = q.desc[d].next;
    }
}

Test(virtq, add_refuses_when_short)
{
    virtq_t q;
    setup_q(&q, 4);
    virtq_seg_t s[5] = {{0}};
    cr_assert_eq(virtq_add(&q, s, 0), -1);
    cr_assert_eq(virtq_add(&q, s, 5), -1);
    cr_assert_eq(q.nfree, 4, "a refused add changes nothing");
    cr_assert_geq(virtq_add(&q, s, 3), 0);
    cr_assert_eq(virtq_add(&q, s, 2), -1);
    cr_assert_geq(virtq_add(&q, s, 1), 0);
    cr_assert_eq(q.nfree, 0);
    cr_assert_eq(virtq_add(&q, s, 1), -1);
}

Test(virtq, publish_makes_heads_visible)
{
    virtq_t q;
    setup_q(&q, 8);
    virtq_seg_t s[2] = {{0x1000, 16, false}, {0x2000, 1, true}};
    int h = virtq_add(&q, s, 2);
    virtq_push(&q, (uint16_t)h);
    cr_assert_eq(q.avail->idx, 0, "not visible before publish");
    virtq_publish(&q);
    cr_assert_eq(q.avail->idx, 1);
    cr_assert_eq(q.avail->ring[0], h);
}

Test(virtq, pop_frees_chains_out_of_order)
{
    virtq_t q;
    uint16_t heads[3], head;
    uint32_t len;
    setup_q(&q, 8);
    dev_avail_seen = 0;
    virtq_seg_t s[3] = {{0x1000, 16, false}, {0x2000, 512, true}, {0x3000, 1, true}};
    for (int i = 0; i < 2; i++) {
        int h = virtq_add(&q, s, 3);
        cr_assert_geq(h, 0);
        virtq_push(&q, (uint16_t)h);
    }
    virtq_publish(&q);
    cr_assert_eq(q.nfree, 2);
    cr_assert_eq(q.chains, 2);
    cr_assert_eq(dev_take(&q, &heads[0]), 3);
    cr_assert_eq(dev_take(&q, &heads[1]), 3);
    cr_assert_eq(dev_take(&q, &heads[2]), 0);
    dev_complete(&q, heads[1], 513); /* the second finishes first */
    cr_assert_eq(virtq_pop(&q, virtq_used_idx(&q), &head, &len), 1);
    cr_assert_eq(head, heads[1]);
    cr_assert_eq(len, 513);
    cr_assert_eq(q.nfree, 5);
    cr_assert_eq(virtq_pop(&q, virtq_used_idx(&q), &head, &len), 0);
    dev_complete(&q, heads[0], 1);
    cr_assert_eq(virtq_pop(&q, virtq_used_idx(&q), &head, &len), 1);
    cr_assert_eq(head, heads[0]);
    cr_assert_eq(q.nfree, 8);
    cr_assert_eq(q.chains, 0);
    /* All 8 descriptors are usable again, as one chain. */
    virtq_seg_t eight[8] = {{0}};
    cr_assert_geq(virtq_add(&q, eight, 8), 0);
}

Test(virtq, pop_skips_bogus_entries)
{
    virtq_t q;
    uint16_t head;
    uint32_t len;
    setup_q(&q, 8);
    virtq_seg_t s[2] = {{0x1000, 16, false}, {0x2000, 1, true}};
    int h = virtq_add(&q, s, 2);
    dev_complete(&q, 200, 0);               /* out of range */
    dev_complete(&q, (uint16_t)(h + 1), 0); /* inside the chain, not its head */
    cr_assert_eq(virtq_pop(&q, virtq_used_idx(&q), &head, &len), -1);
    cr_assert_eq(virtq_pop(&q, virtq_used_idx(&q), &head, &len), -1);
    cr_assert_eq(q.nfree, 6, "nothing freed by bogus entries");
    dev_complete(&q, (uint16_t)h, 1);
    dev_complete(&q, (uint16_t)h, 1); /* twice: the second names no live chain */
    cr_assert_eq(virtq_pop(&q, virtq_used_idx(&q), &head, &len), 1);
    cr_assert_eq(virtq_pop(&q, virtq_used_idx(&q), &head, &len), -1);
    cr_assert_eq(q.nfree, 8);
}

/* Indices are free-running 16-bit counters: many rounds through a small queue wrap them. */
Test(virtq, indices_wrap_past_65535)
{
    virtq_t q;
    uint16_t head, dh;
    uint32_t len;
    setup_q(&q, 4);
    dev_avail_seen = 0;
    virtq_seg_t s[2] = {{0x1000, 16, false}, {0x2000, 1, true}};
    for (unsigned round = 0; round < 70000; round++) {
        int h = virtq_add(&q, s, 2);
        cr_assert_geq(h, 0, "round %u", round);
        virtq_push(&q, (uint16_t)h);
        virtq_publish(&q);
        cr_assert_eq(dev_take(&q, &dh), 2);
        cr_assert_eq(dh, h);
        dev_complete(&q, dh, 1);
        cr_assert_eq(virtq_pop(&q, virtq_used_idx(&q), &head, &len), 1);
        cr_assert_eq(head, h);
    }
    cr_assert_eq(q.avail->idx, (uint16_t)70000);
    cr_assert_eq(q.nfree, 4);
}

/* Random adds and out-of-order completions never lose or duplicate a descriptor. */
Test(virtq, random_traffic_keeps_descriptors)
{
    virtq_t q;
    uint16_t pending[64], head;
    unsigned npending = 0;
    uint32_t len;
    setup_q(&q, 32);
    srand(7);
    virtq_seg_t s[5] = {{0}};
    for (int step = 0; step < 20000; step++) {
        if (rand() % 2 && npending < 64) {
            unsigned n = 1 + (unsigned)rand() % 5;
            int h = virtq_add(&q, s, n);
            if (h >= 0)
                pending[npending++] = (uint16_t)h;
            else
                cr_assert_lt(q.nfree, n);
        } else if (npending) {
            unsigned k = (unsigned)rand() % npending;
            dev_complete(&q, pending[k], 0);
            pending[k] = pending[--npending];
            cr_assert_eq(virtq_pop(&q, virtq_used_idx(&q), &head, &len), 1);
        }
        unsigned in_chains = 0;
        for (unsigned i = 0; i < q.num; i++)
            in_chains += q.chain_len[i];
        cr_assert_eq(in_chains + q.nfree, 32, "step %d", step);
        cr_assert_eq(q.chains, npending);
    }
}

/* --- requests -------------------------------------------------------------------------------- */

static const blk_limits_t lim = {.capacity = 1000, .max_sectors = 128, .flags = 0};

Test(blkreq, check_accepts_good_requests)
{
    cr_assert_eq(blk_req_check(&lim, BLK_OP_READ, 0, 1, 0, 4096), FL_OK);
    cr_assert_eq(blk_req_check(&lim, BLK_OP_READ, 999, 1, 3584, 4096), FL_OK);
    cr_assert_eq(blk_req_check(&lim, BLK_OP_WRITE, 872, 128, 0, 65536), FL_OK);
    cr_assert_eq(blk_req_check(&lim, BLK_OP_FLUSH, ~0ULL, ~0ULL, 7, 0), FL_OK);
}

Test(blkreq, check_refuses_bad_requests_in_order)
{
    cr_assert_eq(blk_req_check(&lim, BLK_OP_READ, 0, 0, 0, 4096), FL_EINVAL);
    cr_assert_eq(blk_req_check(&lim, BLK_OP_READ, 0, 129, 0, 1 << 20), FL_EINVAL);
    cr_assert_eq(blk_req_check(&lim, BLK_OP_READ, 0, 1, 100, 4096), FL_EINVAL);
    cr_assert_eq(blk_req_check(&lim, BLK_OP_READ, 0, 2, 3584, 4096), FL_EINVAL);
    cr_assert_eq(blk_req_check(&lim, BLK_OP_READ, 0, 1, 1ULL << 62, 4096), FL_EINVAL);
    cr_assert_eq(blk_req_check(&lim, BLK_OP_READ, 1000, 1, 0, 4096), FL_ERANGE);
    cr_assert_eq(blk_req_check(&lim, BLK_OP_READ, 999, 2, 0, 4096), FL_ERANGE);
    cr_assert_eq(blk_req_check(&lim, BLK_OP_READ, ~0ULL - 1, 4, 0, 4096), FL_ERANGE);
    cr_assert_eq(blk_req_check(&lim, BLK_OP_READ, 5000, 0, 0, 4096), FL_EINVAL,
                 "count before range");
    cr_assert_eq(blk_req_check(&lim, (blk_op_t)9, 0, 1, 0, 4096), FL_EINVAL);
    blk_limits_t ro = lim;
    ro.flags = BLK_F_RO;
    cr_assert_eq(blk_req_check(&ro, BLK_OP_WRITE, 0, 1, 0, 4096), FL_EPERM);
    cr_assert_eq(blk_req_check(&ro, BLK_OP_WRITE, 1000, 1, 0, 4096), FL_ERANGE);
    cr_assert_eq(blk_req_check(&ro, BLK_OP_READ, 0, 1, 0, 4096), FL_OK);
}

Test(blkreq, header_encoding)
{
    virtio_blk_hdr_t h;
    uint8_t raw[16];
    blk_hdr_encode(&h, BLK_OP_READ, 0x1122334455667788ULL);
    memcpy(raw, &h, sizeof(raw));
    const uint8_t want[16] = {0,    0,    0,    0,    0,    0,    0,    0,
                              0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11};
    cr_assert_arr_eq(raw, want, 16, "type IN, reserved 0, sector little-endian at 8");
    blk_hdr_encode(&h, BLK_OP_WRITE, 5);
    cr_assert_eq(h.type, VIRTIO_BLK_T_OUT);
    cr_assert_eq(h.sector, 5);
    blk_hdr_encode(&h, BLK_OP_FLUSH, 5);
    cr_assert_eq(h.type, VIRTIO_BLK_T_FLUSH);
    cr_assert_eq(h.sector, 0, "a flush names sector 0");
}

Test(blkreq, chain_splits_at_pages_and_merges_contiguous)
{
    virtq_seg_t s[8];
    const uint64_t pa[4] = {0x40000000, 0x40001000, 0x50000000, 0x60000000};
    /* 3 pages from offset 512: page 0 + page 1 are contiguous, page 2 is not, page 3 holds
     * the last 512 bytes. */
    unsigned n = blk_req_chain(BLK_OP_READ, 0x70000000, 0x70000010, pa, 4, 512, 3 * 4096, s, 8);
    cr_assert_eq(n, 5);
    cr_assert_eq(s[0].addr, 0x70000000);
    cr_assert_eq(s[0].len, 16);
    cr_assert(!s[0].device_writes);
    cr_assert_eq(s[1].addr, 0x40000200);
    cr_assert_eq(s[1].len, 4096 - 512 + 4096);
    cr_assert(s[1].device_writes, "the device writes read data");
    cr_assert_eq(s[2].addr, 0x50000000);
    cr_assert_eq(s[2].len, 4096);
    cr_assert_eq(s[3].addr, 0x60000000);
    cr_assert_eq(s[3].len, 512);
    cr_assert_eq(s[4].addr, 0x70000010);
    cr_assert_eq(s[4].len, 1);
    cr_assert(s[4].device_writes);
    n = blk_req_chain(BLK_OP_WRITE, 0x70000000, 0x70000010, pa, 4, 0, 512, s, 8);
    cr_assert_eq(n, 3);
    cr_assert(!s[1].device_writes, "the device reads written data");
}

Test(blkreq, chain_limits)
{
    virtq_seg_t s[8];
    const uint64_t pa[4] = {0x1000, 0x5000, 0x9000, 0xd000};
    cr_assert_eq(blk_req_chain(BLK_OP_READ, 0, 16, pa, 4, 0, 4 * 4096, s, 6), 6);
    cr_assert_eq(blk_req_chain(BLK_OP_READ, 0, 16, pa, 4, 0, 4 * 4096, s, 5), 0, "too many");
    cr_assert_eq(blk_req_chain(BLK_OP_READ, 0, 16, pa, 4, 512, 4 * 4096, s, 8), 0,
                 "past the buffer");
    cr_assert_eq(blk_req_chain(BLK_OP_READ, 0, 16, pa, 4, 0, 0, s, 8), 0, "no data");
    cr_assert_eq(blk_req_chain(BLK_OP_FLUSH, 0, 16, pa, 0, 0, 0, s, 2), 2, "header + status");
    cr_assert_eq(blk_req_chain(BLK_OP_FLUSH, 0, 16, pa, 0, 0, 0, s, 1), 0);
}

Test(blkreq, status_results)
{
    cr_assert_eq(blk_status_result(VIRTIO_BLK_S_OK), FL_OK);
    cr_assert_eq(blk_status_result(VIRTIO_BLK_S_IOERR), FL_EIO);
    cr_assert_eq(blk_status_result(VIRTIO_BLK_S_UNSUPP), FL_ENOSYS);
    cr_assert_eq(blk_status_result(BLK_STATUS_PENDING), FL_EIO, "never written: an error");
}

Test(blkreq, completion_queue_fifo_and_full)
{
    blk_cq_t q;
    uint64_t tag;
    long result;
    blk_cq_init(&q);
    cr_assert_eq(blk_cq_pop(&q, &tag, &result), 0);
    for (unsigned round = 0; round < 3; round++) {
        for (unsigned i = 0; i < BLK_SESSION_MAX; i++)
            cr_assert_eq(blk_cq_push(&q, 1000 * round + i, i % 2 ? FL_EIO : FL_OK), FL_OK);
        cr_assert_eq(blk_cq_push(&q, 1, FL_OK), FL_EFULL);
        for (unsigned i = 0; i < BLK_SESSION_MAX / 2; i++) {
            cr_assert_eq(blk_cq_pop(&q, &tag, &result), 1);
            cr_assert_eq(tag, 1000 * round + i);
            cr_assert_eq(result, i % 2 ? FL_EIO : FL_OK);
        }
        for (unsigned i = BLK_SESSION_MAX / 2; i < BLK_SESSION_MAX; i++) {
            cr_assert_eq(blk_cq_pop(&q, &tag, &result), 1);
            cr_assert_eq(tag, 1000 * round + i);
        }
        cr_assert_eq(blk_cq_pop(&q, &tag, &result), 0);
    }
}
