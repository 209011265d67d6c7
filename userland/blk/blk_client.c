/* The block protocol's client side; see blk_client.h. */
#include "blk_client.h"
#include <fl/syscall.h>
#include <string.h>

/* A call whose reply has label BLK_MSG_REPLY: word 0 as the result, or the IPC error. */
static long blk_call(fl_handle_t ep, fl_msg_t *m)
{
    long r = fl_call(ep, m);
    if (r < 0)
        return r;
    if (FL_TAG_LABEL(m->tag) != BLK_MSG_REPLY || FL_TAG_WORDS(m->tag) < 1)
        return FL_EIO;
    return (long)m->w[0];
}

long blk_info(fl_handle_t ep, uint64_t *capacity, uint32_t *max_sectors, uint32_t *flags)
{
    fl_msg_t m = {.tag = FL_TAG(BLK_MSG_INFO, 0, 0)};
    long r = blk_call(ep, &m);
    if (r < 0)
        return r;
    *capacity = m.w[1];
    *max_sectors = (uint32_t)m.w[2];
    *flags = (uint32_t)m.w[3];
    return FL_OK;
}

long blk_stats(fl_handle_t ep, uint64_t *completed, uint64_t *max_on_device, uint64_t *errors)
{
    fl_msg_t m = {.tag = FL_TAG(BLK_MSG_STATS, 0, 0)};
    long r = blk_call(ep, &m);
    if (r < 0)
        return r;
    *completed = m.w[1];
    *max_on_device = m.w[2];
    *errors = m.w[3];
    return FL_OK;
}

long blk_open(blk_client_t *c, fl_handle_t ep, fl_ipc_buffer_t *ipc, fl_handle_t space, uint64_t va,
              unsigned pages)
{
    long r;
    memset(c, 0, sizeof(*c));
    c->ipc = ipc;
    r = fl_notification_create();
    if (r < 0)
        return r;
    c->note = (fl_handle_t)r;
    ipc->handles[0] = space;
    ipc->handle_rights[0] = FL_RIGHT_MAP | FL_RIGHT_READ;
    ipc->handles[1] = c->note;
    ipc->handle_rights[1] = FL_RIGHT_WRITE;
    fl_msg_t m = {.tag = FL_TAG(BLK_MSG_OPEN, 3, 2), .w = {va, pages, BLK_CLIENT_NOTE_BIT}};
    r = blk_call(ep, &m);
    if (r == FL_OK && FL_TAG_HANDLES(m.tag) != 1)
        r = FL_EIO;
    if (r == FL_OK)
        r = blk_info(ep, &c->capacity, &c->max_sectors, &c->flags);
    if (r < 0) {
        if (FL_TAG_HANDLES(m.tag) == 1)
            fl_handle_close(ipc->handles[0]);
        fl_handle_close(c->note);
        c->note = 0;
        return r;
    }
    c->session = ipc->handles[0];
    c->buf = (uint8_t *)va;
    c->buf_bytes = (uint64_t)pages * FL_PAGE_SIZE;
    c->next_tag = 1;
    return FL_OK;
}

long blk_submit(blk_client_t *c, uint64_t label, uint64_t sector, uint64_t count, uint64_t off,
                uint64_t tag)
{
    fl_msg_t m = {.tag = FL_TAG(label, 4, 0), .w = {sector, count, off, tag}};
    return blk_call(c->session, &m);
}

long blk_reap(blk_client_t *c, uint64_t *tags, long *results, unsigned max)
{
    if (max > BLK_REAP_MAX)
        max = BLK_REAP_MAX;
    fl_msg_t m = {.tag = FL_TAG(BLK_MSG_REAP, 1, 0), .w = {max}};
    long r = blk_call(c->session, &m);
    if (r < 0)
        return r;
    unsigned n = (uint32_t)m.w[1];
    if (n > max || FL_TAG_WORDS(m.tag) < 2 + 2 * n)
        return FL_EIO;
    for (unsigned i = 0; i < n; i++) {
        unsigned k = 2 + 2 * i;
        tags[i] = k < FL_MSG_REG_WORDS ? m.w[k] : c->ipc->words[k];
        results[i] = (long)(k + 1 < FL_MSG_REG_WORDS ? m.w[k + 1] : c->ipc->words[k + 1]);
    }
    return (long)n;
}

long blk_wait(blk_client_t *c, uint64_t tag)
{
    for (;;) {
        for (unsigned i = 0; i < c->nstash; i++) {
            if (c->stash_tag[i] == tag) {
                long result = c->stash_result[i];
                c->nstash--;
                c->stash_tag[i] = c->stash_tag[c->nstash];
                c->stash_result[i] = c->stash_result[c->nstash];
                return result;
            }
        }
        unsigned room = BLK_SESSION_MAX - c->nstash;
        long n =
            blk_reap(c, &c->stash_tag[c->nstash], &c->stash_result[c->nstash], c->ipc ? room : 1);
        if (n < 0)
            return n;
        c->nstash += (unsigned)n;
        if (n == 0) {
            long r = fl_wait(c->note);
            if (r < 0)
                return r;
        }
    }
}

static long sync_op(blk_client_t *c, uint64_t label, uint64_t sector, uint64_t count, uint64_t off)
{
    uint64_t tag = c->next_tag++;
    long r = blk_submit(c, label, sector, count, off, tag);
    return r < 0 ? r : blk_wait(c, tag);
}

long blk_read(blk_client_t *c, uint64_t sector, uint64_t count, uint64_t off)
{
    return sync_op(c, BLK_MSG_READ, sector, count, off);
}

long blk_write(blk_client_t *c, uint64_t sector, uint64_t count, uint64_t off)
{
    return sync_op(c, BLK_MSG_WRITE, sector, count, off);
}

long blk_flush(blk_client_t *c)
{
    return sync_op(c, BLK_MSG_FLUSH, 0, 0, 0);
}

long blk_close(blk_client_t *c)
{
    fl_msg_t m = {.tag = FL_TAG(BLK_MSG_CLOSE, 0, 0)};
    long r = blk_call(c->session, &m);
    if (r < 0)
        return r;
    fl_handle_close(c->session);
    fl_handle_close(c->note);
    c->session = c->note = 0;
    return FL_OK;
}
