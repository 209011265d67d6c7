/*
 * Swap on a virtio-blk disk: libpager's swap_out and swap_in hooks (pager/include/pager/ops.h)
 * over a blkdrv session (userland/blk/blk_client.h). With `pager -s`, start handle 1 is the
 * driver's endpoint instead of the file server's; the pager opens one session whose one-page
 * buffer the driver maps at SWAPBUF_VA, and slot s is the eight sectors [8 s, 8 s + 8) of the
 * disk. Swap-out is a copy through that buffer and one synchronous request; a swap-in is read
 * asynchronously while other faults are served (async.c), or synchronously here when every
 * asynchronous buffer is busy.
 */
#include <fl/page.h>
#include <stdio.h>

#include "blk_client.h"
#include "server.h"

#define SWAPBUF_VA       0x3f00400000UL
#define SECTORS_PER_SLOT (FL_PAGE_SIZE / BLK_SECTOR_SIZE)
#define SWAP_SLOTS_MAX   65536u

static blk_client_t dev;
static bool open_;

uint64_t swap_init(server_t *srv, fl_handle_t blk_ep, fl_ipc_buffer_t *ipc, uint64_t max_slots)
{
    long r = blk_open(&dev, blk_ep, ipc, srv->self, SWAPBUF_VA, 1);
    if (r < 0) {
        printf("pager: no swap: cannot open a block session (%s)\n", fl_strerror(r));
        return 0;
    }
    open_ = true;
    async_init(srv, blk_ep, ipc, srv->async_hold);
    uint64_t slots = dev.capacity / SECTORS_PER_SLOT;
    if (slots > SWAP_SLOTS_MAX)
        slots = SWAP_SLOTS_MAX;
    if (max_slots && slots > max_slots)
        slots = max_slots;
    printf("pager: swap on a %llu-sector disk: %llu slots\n", (unsigned long long)dev.capacity,
           (unsigned long long)slots);
    return slots;
}

int swap_out(void *ctx, uint64_t slot, uint64_t frame)
{
    (void)ctx;
    if (!open_)
        return PAGER_EIO;
    async_forget(slot);
    fl_page_copy(dev.buf, (const void *)frame);
    long r = blk_write(&dev, slot * SECTORS_PER_SLOT, SECTORS_PER_SLOT, 0);
    return r < 0 ? PAGER_EIO : 0;
}

int swap_in(void *ctx, uint64_t slot, uint64_t frame)
{
    (void)ctx;
    if (!open_)
        return PAGER_EIO;
    if (async_take(slot, frame)) /* read asynchronously while other faults were served */
        return 0;
    long r = blk_read(&dev, slot * SECTORS_PER_SLOT, SECTORS_PER_SLOT, 0);
    if (r < 0)
        return PAGER_EIO;
    stock_written(frame);
    fl_page_copy((void *)frame, dev.buf);
    return 0;
}
