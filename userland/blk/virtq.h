/*
 * Split virtqueues (virtio 1.x section 2.7 "Split Virtqueues"; legacy layout in 2.7.2 and
 * 4.2.4 "Legacy interface"): the descriptor table, the available ring the driver fills and
 * the used ring the device fills, in memory the caller provides. Pure index and chain logic,
 * built for the host too (test/unit/test_blk_virtq.c): no system calls, no barriers. The caller
 * orders memory: a write barrier between virtq_push and virtq_publish, a read barrier between
 * reading virtq_used_idx and virtq_pop.
 *
 * Fields are stored in CPU order: modern (VERSION_1) devices are little-endian and legacy ones
 * guest-endian, and the driver only runs little-endian (checked below).
 */
#ifndef BLK_VIRTQ_H
#define BLK_VIRTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "virtq fields are little-endian");

#define VIRTQ_MAX          256 /* largest queue this code drives */
#define VIRTQ_DESC_F_NEXT  1u  /* the chain continues in desc.next */
#define VIRTQ_DESC_F_WRITE 2u  /* the device writes this buffer (else it reads it) */

typedef struct virtq_desc {
    uint64_t addr; /* guest-physical */
    uint32_t len;
    uint16_t flags;
    uint16_t next;
} virtq_desc_t;

typedef struct virtq_avail {
    uint16_t flags; /* 0: we want interrupts (VIRTQ_AVAIL_F_NO_INTERRUPT unused) */
    uint16_t idx;   /* where the driver puts the next entry, free-running mod 2^16 */
    uint16_t ring[];
} virtq_avail_t;

typedef struct virtq_used_elem {
    uint32_t id;  /* head of the finished chain */
    uint32_t len; /* bytes the device wrote */
} virtq_used_elem_t;

typedef struct virtq_used {
    uint16_t flags;
    uint16_t idx;
    virtq_used_elem_t ring[];
} virtq_used_t;

_Static_assert(sizeof(virtq_desc_t) == 16, "virtio descriptor layout");
_Static_assert(sizeof(virtq_used_elem_t) == 8, "virtio used element layout");

/* Where the three parts live, as byte offsets from the start of the queue memory. */
typedef struct virtq_layout {
    uint32_t desc, avail, used, size;
} virtq_layout_t;

/* One buffer of a chain. */
typedef struct virtq_seg {
    uint64_t addr;
    uint32_t len;
    bool device_writes;
} virtq_seg_t;

typedef struct virtq {
    unsigned num; /* queue size, a power of two */
    volatile virtq_desc_t *desc;
    volatile virtq_avail_t *avail;
    volatile virtq_used_t *used;
    uint16_t free_head; /* first free descriptor, linked through desc.next */
    uint16_t nfree;
    uint16_t avail_idx;            /* our copy of avail->idx, ahead of it until virtq_publish */
    uint16_t used_idx;             /* the next used entry we have not consumed */
    unsigned chains;               /* chains given to the device and not yet returned */
    uint16_t chain_len[VIRTQ_MAX]; /* descriptors in the chain headed by i; 0 = not a live head */
} virtq_t;

/*
 * The split layout for num entries: descriptors at 0 (16-byte aligned), the available ring
 * right after them (6 + 2*num bytes, with used_event), the used ring at the next multiple of
 * used_align (6 + 8*num bytes, with avail_event). Legacy devices compute the same offsets from
 * QueueAlign; modern ones take the three addresses, whose alignment (16, 2, 4) this meets.
 * 0, or -1 if num is not a power of two in 1..VIRTQ_MAX or used_align not a power of two >= 4.
 */
int virtq_layout(unsigned num, unsigned used_align, virtq_layout_t *out);

/* Sets up q over mem (layout->size bytes, zeroed here): every descriptor free. */
void virtq_init(virtq_t *q, void *mem, unsigned num, const virtq_layout_t *layout);

/* Writes a chain of n segments into free descriptors. Returns its head, or -1 if n is 0 or
 * more than are free (nothing is changed then). The device sees it only after virtq_push and
 * virtq_publish. */
int virtq_add(virtq_t *q, const virtq_seg_t *segs, unsigned n);

/* Puts head in the next available-ring slot (not yet visible: see virtq_publish). */
void virtq_push(virtq_t *q, uint16_t head);

/* Makes every pushed head visible by storing avail->idx. Call after a write barrier. */
void virtq_publish(virtq_t *q);

/* The device's used->idx, read once. Follow with a read barrier before virtq_pop. */
uint16_t virtq_used_idx(const virtq_t *q);

/*
 * Takes the next used entry below used_idx (a value from virtq_used_idx) and frees its chain.
 * 1 with *head and *len set; 0 when none is left; -1 for an entry naming no live chain (a
 * device bug: the entry is skipped and nothing is freed).
 */
int virtq_pop(virtq_t *q, uint16_t used_idx, uint16_t *head, uint32_t *len);

#endif
