/*
 * The block protocol: how clients talk to a block driver (blkdrv) over IPC. docs/storage.md
 * explains it with examples; this header is the reference for labels, words and errors.
 *
 * Endpoints. The driver serves one endpoint. Its unbadged handles (badge 0) belong to whoever
 * spawned the driver (the owner): ATTACH, OPEN, INFO, STATS, SHUTDOWN. OPEN gives back a
 * session handle, the same endpoint minted with the session's badge and WRITE only; the
 * session's requests go through it: READ, WRITE, FLUSH, REAP, CLOSE, INFO, STATS.
 *
 * Data. Each session has one buffer of 1..BLK_BUF_MAX_PAGES pages that the driver allocates
 * from its DMA pool and maps, read-write, into the client at an address the client chooses
 * (OPEN). Requests name a byte offset in that buffer. The driver keeps the client's space
 * handle (MAP | READ) to unmap the buffer at CLOSE and to notice a client that died.
 *
 * Requests are asynchronous. READ, WRITE and FLUSH are checked and queued on the device, and
 * the reply only says whether they were queued. When a queued request finishes, the driver
 * records (tag, result) in the session's completion queue and signals the session's
 * notification; REAP collects the records. At most BLK_SESSION_MAX requests per session may be
 * queued or finished-and-not-reaped at once.
 *
 * Every reply has label BLK_MSG_REPLY and word 0 = 0 or a negative fl_err_t.
 */
#ifndef BLK_PROTO_H
#define BLK_PROTO_H

/* --- labels ---------------------------------------------------------------------------------- */

/* ATTACH (owner) call, handles [region (MAP|WRITE), irq (MANAGE)]: w0 = the transport's
 * physical base (its offset in the region's page), w1 = its size. The driver probes it.
 * Reply w0 = 0: a block device, now driven: w1 = 2 (DeviceID), w2 = capacity in sectors,
 * w3 = BLK_F_* flags. w0 = FL_ENOENT: not a block device (w1 = its DeviceID, 0 for an empty
 * transport; the driver closed both handles). FL_EBUSY: the driver already drives a device.
 * FL_EIO: a block device that failed to start (w1 = 2). FL_EINVAL: bad handles or words. */
#define BLK_MSG_ATTACH 0xb10c01
/* INFO (any) call: reply w1 = capacity in sectors, w2 = most sectors per request,
 * w3 = BLK_F_* flags. FL_ENOENT before a device is attached. */
#define BLK_MSG_INFO 0xb10c02
/* OPEN (owner) call, handles [client space (MAP, READ), notification (WRITE)]: w0 = the
 * page-aligned address in the client where the buffer goes, w1 = pages, w2 = the bits to
 * signal on completion. Any mapping the client had there is replaced. Reply with one handle,
 * the session endpoint (WRITE only): w1 = the session's badge, w2 = BLK_SESSION_MAX.
 * FL_EINVAL: bad address, pages or bits, or missing handles; FL_EFULL: BLK_MAX_SESSIONS open;
 * FL_ENOMEM: the driver's pool cannot hold the buffer; FL_ENOENT: no device attached. */
#define BLK_MSG_OPEN 0xb10c03
/* CLOSE (session) call: unmaps the buffer from the client and the driver and ends the
 * session; its handle then gets FL_ENOENT. FL_EBUSY while requests are not yet reaped. */
#define BLK_MSG_CLOSE 0xb10c04
/* READ / WRITE (session) call: w0 = first sector, w1 = sectors, w2 = byte offset in the
 * buffer (a multiple of BLK_SECTOR_SIZE), w3 = the client's tag, returned by REAP.
 * Reply w0 = 0: queued. Errors, with nothing queued: FL_ERANGE (beyond the disk),
 * FL_EINVAL (0 or too many sectors, or outside the buffer), FL_EPERM (write to a read-only
 * disk), FL_EAGAIN (BLK_SESSION_MAX reached, or the device queue is full: reap, then retry). */
#define BLK_MSG_READ  0xb10c05
#define BLK_MSG_WRITE 0xb10c06
/* FLUSH (session) call: w3 = tag. Completes once everything written before is durable. */
#define BLK_MSG_FLUSH 0xb10c07
/* REAP (session) call: w0 = the most completions wanted (1..BLK_REAP_MAX; above 1 needs an
 * IPC buffer). Reply w0 = 0, w1 = n (bits 31..0: completions in this reply; bits 63..32:
 * completions still waiting), then for each: word 2 + 2i = tag, word 3 + 2i = result (0, or
 * FL_EIO for a device error, FL_ENOSYS for a request the device does not support). One
 * completion fits in the registers. */
#define BLK_MSG_REAP 0xb10c08
/* STATS (any) call: reply w1 = requests completed, w2 = most requests on the device at
 * once, w3 = device errors. */
#define BLK_MSG_STATS 0xb10c09
/* SHUTDOWN (owner) call: resets the device (queued requests are dropped), replies, exits. */
#define BLK_MSG_SHUTDOWN 0xb10c0a
/* Every reply. */
#define BLK_MSG_REPLY 0xb10cff
/* Internal: the driver's interrupt thread to its server thread (w0 = notification bits). */
#define BLK_MSG_IRQ 0xb10cf0

/* --- flags and limits ------------------------------------------------------------------------ */

#define BLK_F_RO     1u /* the device refuses writes (VIRTIO_BLK_F_RO) */
#define BLK_F_FLUSH  2u /* the device has a volatile cache that FLUSH empties */
#define BLK_F_MODERN 4u /* virtio-mmio version 2 (else legacy, version 1) */

#define BLK_SECTOR_SIZE   512u
#define BLK_MAX_SECTORS   128u /* per request: 64 KiB */
#define BLK_BUF_MAX_PAGES 64u  /* per session: 256 KiB */
#define BLK_MAX_SESSIONS  8u
#define BLK_SESSION_MAX   32u /* queued + unreaped requests per session */
#define BLK_REAP_MAX      31u /* completions in one REAP reply: 2 + 2 * 31 = 64 words */

#endif
