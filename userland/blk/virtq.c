/* Split virtqueue index and chain logic; see virtq.h. */
#include "virtq.h"
#include <string.h>

static bool is_pow2(unsigned x)
{
    return x && !(x & (x - 1));
}

int virtq_layout(unsigned num, unsigned used_align, virtq_layout_t *out)
{
    if (!is_pow2(num) || num > VIRTQ_MAX || !is_pow2(used_align) || used_align < 4)
        return -1;
    uint32_t avail_end = 16 * num + 6 + 2 * num;
    out->desc = 0;
    out->avail = 16 * num;
    out->used = (avail_end + used_align - 1) & ~(uint32_t)(used_align - 1);
    out->size = out->used + 6 + 8 * num;
    return 0;
}

void virtq_init(virtq_t *q, void *mem, unsigned num, const virtq_layout_t *layout)
{
    uint8_t *base = mem;
    memset(mem, 0, layout->size);
    memset(q, 0, sizeof(*q));
    q->num = num;
    q->desc = (volatile virtq_desc_t *)(base + layout->desc);
    q->avail = (volatile virtq_avail_t *)(base + layout->avail);
    q->used = (volatile virtq_used_t *)(base + layout->used);
    for (unsigned i = 0; i < num; i++)
        q->desc[i].next = (uint16_t)(i + 1 < num ? i + 1 : 0);
    q->free_head = 0;
    q->nfree = (uint16_t)num;
}

int virtq_add(virtq_t *q, const virtq_seg_t *segs, unsigned n)
{
    if (n == 0 || n > q->nfree)
        return -1;
    uint16_t head = q->free_head, d = head;
    for (unsigned i = 0; i < n; i++) {
        volatile virtq_desc_t *desc = &q->desc[d];
        uint16_t flags = segs[i].device_writes ? VIRTQ_DESC_F_WRITE : 0;
        desc->addr = segs[i].addr;
        desc->len = segs[i].len;
        if (i + 1 < n)
            flags |= VIRTQ_DESC_F_NEXT; /* desc.next already links to the next free one */
        else
            q->free_head = desc->next; /* what followed the chain on the free list */
        desc->flags = flags;
        d = desc->next;
    }
    q->nfree = (uint16_t)(q->nfree - n);
    q->chain_len[head] = (uint16_t)n;
    q->chains++;
    return head;
}

void virtq_push(virtq_t *q, uint16_t head)
{
    q->avail->ring[q->avail_idx & (q->num - 1)] = head;
    q->avail_idx++;
}

void virtq_publish(virtq_t *q)
{
    q->avail->idx = q->avail_idx;
}

uint16_t virtq_used_idx(const virtq_t *q)
{
    return q->used->idx;
}

int virtq_pop(virtq_t *q, uint16_t used_idx, uint16_t *head, uint32_t *len)
{
    if (q->used_idx == used_idx)
        return 0;
    volatile virtq_used_elem_t *e = &q->used->ring[q->used_idx & (q->num - 1)];
    uint32_t id = e->id, n;
    *len = e->len;
    q->used_idx++;
    if (id >= q->num || (n = q->chain_len[id]) == 0)
        return -1;
    /* Walk the chain as we built it (n descriptors), whatever NEXT flags say now. */
    uint16_t last = (uint16_t)id;
    for (uint32_t i = 1; i < n; i++)
        last = q->desc[last].next;
    q->desc[last].flags = 0;
    q->desc[last].next = q->nfree ? q->free_head : 0;
    q->free_head = (uint16_t)id;
    q->nfree = (uint16_t)(q->nfree + n);
    q->chain_len[id] = 0;
    q->chains--;
    *head = (uint16_t)id;
    return 1;
}
