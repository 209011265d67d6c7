/*
 * A client of the block protocol (blk_proto.h): opens a session on a driver's endpoint,
 * submits requests, and waits for their completions. Link blk_client.c into a program that
 * uses a disk (the in-OS tests; later the file server and the pager's swap).
 *
 * One session per thread: the calls are not locked, and completions are waited for on the
 * session's notification. The thread needs an IPC buffer (FL_SYS_THREAD_SET_IPC_BUFFER) for
 * blk_open (handles travel) and for reaping more than one completion per call.
 */
#ifndef BLK_CLIENT_H
#define BLK_CLIENT_H

#include "blk_proto.h"
#include <faultline/ipc.h>
#include <faultline/types.h>
#include <stdint.h>

#define BLK_CLIENT_NOTE_BIT 1ULL

typedef struct blk_client {
    fl_ipc_buffer_t *ipc; /* the calling thread's IPC buffer */
    fl_handle_t session;  /* the badged session endpoint */
    fl_handle_t note;     /* completions are signalled here */
    uint8_t *buf;         /* the shared buffer, mapped by the driver */
    uint64_t buf_bytes;
    uint64_t capacity; /* sectors */
    uint32_t max_sectors, flags;
    uint64_t next_tag;
    /* Completions reaped while waiting for another tag, not yet claimed. */
    unsigned nstash;
    uint64_t stash_tag[BLK_SESSION_MAX];
    long stash_result[BLK_SESSION_MAX];
} blk_client_t;

/* INFO on any driver handle: capacity (sectors), most sectors per request, BLK_F_* flags. */
long blk_info(fl_handle_t ep, uint64_t *capacity, uint32_t *max_sectors, uint32_t *flags);

/* Opens a session through the owner's endpoint ep: a notification is created, and the driver
 * maps a pages-page buffer at va in space (the caller's own space handle, which must have
 * MAP and READ). FL_OK, or the error of OPEN (blk_proto.h) or of a system call. */
long blk_open(blk_client_t *c, fl_handle_t ep, fl_ipc_buffer_t *ipc, fl_handle_t space, uint64_t va,
              unsigned pages);

/* Queues a request (label BLK_MSG_READ, _WRITE or _FLUSH) with the caller's tag: 0, or the
 * error the driver replied with (nothing was queued then). */
long blk_submit(blk_client_t *c, uint64_t label, uint64_t sector, uint64_t count, uint64_t off,
                uint64_t tag);

/* Collects up to max finished requests without blocking: their count, or an error. */
long blk_reap(blk_client_t *c, uint64_t *tags, long *results, unsigned max);

/* Waits until the request with this tag has finished: its result. Completions of other tags
 * that arrive meanwhile are kept for their own blk_wait. */
long blk_wait(blk_client_t *c, uint64_t tag);

/* Synchronous forms: submit with a fresh tag, then wait. Data is at byte off of the buffer. */
long blk_read(blk_client_t *c, uint64_t sector, uint64_t count, uint64_t off);
long blk_write(blk_client_t *c, uint64_t sector, uint64_t count, uint64_t off);
long blk_flush(blk_client_t *c);

/* STATS: requests completed, most on the device at once, device errors. */
long blk_stats(fl_handle_t ep, uint64_t *completed, uint64_t *max_on_device, uint64_t *errors);

/* Ends the session (FL_EBUSY while requests are not yet reaped) and closes the client's handles. */
long blk_close(blk_client_t *c);

#endif
