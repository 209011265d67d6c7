/*
 * The protocol between the reference pager (userland/pager/) and its users: spawners that
 * register new processes, clients that ask for memory, and parents that ask why a child died.
 * docs/writing-a-pager.md explains it; the runtime wraps it (fl/vm.h, fl/fork.h, fl/spawn.h).
 *
 * The pager receives on one endpoint. The badge of the handle a message came through says who
 * sent it:
 *   badge 0                  control: the holder of the unbadged endpoint (init, a test).
 *                            May REGISTER processes and ask STATS / REPORT about any client.
 *   badge PAGER_BADGE_WATCH  the pager's own watcher thread (process-end notifications).
 *   badge >= PAGER_BADGE_MIN a client: the pager minted that handle at REGISTER or FORK and it
 *                            is also the client threads' FL_HANDLER_PAGER endpoint, so page
 *                            faults (FL_LABEL_PAGE_FAULT) and requests arrive with one badge.
 *
 * Every request is an FL_SYS_CALL; the reply has label PAGER_REPLY and w0 = a result (>= 0) or
 * a negative fl_err_t. Words and handles of each request:
 *
 *   REGISTER  control. w0 = notification bits, w1 = 8-byte name, w2 = PAGER_REG_* flags.
 *             handles: [0] the new process's space (MAP | READ), then if PAGER_REG_LOADER the
 *             caller's own space (MAP) for LOAD windows, then if PAGER_REG_NOTIFY a
 *             notification (WRITE) the pager signals with w0's bits once the process ended and
 *             the pager freed what it held for it.
 *             reply: w0 = client id, handles: [0] the client's badged endpoint (WRITE | GRANT).
 *   MAP       w0 = hint (0: anywhere), w1 = length, w2 = PAGER_PROT_* | PAGER_MAP_* << 8
 *             (FIXED: exactly at the hint). reply: w0 = address.
 *   UNMAP     w0 = address, w1 = length.
 *   PROTECT   w0 = address, w1 = length, w2 = rights.
 *   STACK     w0 = top, w1 = initial bytes, w2 = max bytes, w3 = guard bytes.
 *   GUARD     w0 = address, w1 = length: a region every access to which is a bad access.
 *   FORK      handles: [0] the child's new empty space (MAP | READ), then if PAGER_REG_NOTIFY a
 *             notification. w0 = bits, w1 = name, w2 = flags. The child's memory becomes a
 * copy-on-write copy of the caller's. reply: w0 = child id, handles: [0] the child's badged
 * endpoint. STATS     w0 = group (PAGER_STATS_*), w1 = client id (0: the caller). A client may ask
 *             about itself and the children it forked, control about anyone.
 *             reply: w0..w3 = the group's four counters.
 *   LOAD      w0 = client page address, w1 = caller's window address, w2 = pages (1..16):
 *             makes the client's pages present and writable and maps them writable at the
 *             window in the space given at REGISTER, so the spawner can copy program bytes
 *             in; the spawner unmaps the window afterwards.
 *   REPORT    w0 = client id. reply: w0 = bad accesses, w1 = last address, w2 = last PC,
 *             w3 = access | reason << 8 (FL_FAULT_* access, FL_FAULT_FAIL_* reason). Kept
 *             after the client ended (the last PAGER_REPORTS clients), so a parent can ask why.
 *   QUIT      control: the pager exits (its clients' faults then fail, see fault-protocol.md).
 *   FILE_OPEN w0..w3 = a file name, NUL-padded (fl/files_proto.h OPEN), asked of the file
 *             server the pager was started with (start handle 1). reply: w0 = file id, w1 = size.
 *             FL_ENOSYS if the pager has no file server.
 *   MAP_FILE  w0 = hint, w1 = length (0: the whole file, rounded up to pages), w2 = rights |
 *             (PAGER_PROTO_SHARED | PAGER_PROTO_FIXED) << 8, w3 = file id from FILE_OPEN. Without
 *             SHARED the mapping is private: reads share the page cache's frame, the first write
 *             copies it. Initrd files are read-only: SHARED with write is FL_EPERM. Pages that
 *             lie wholly past the end of the file are bus errors (FL_FAULT_FAIL_BUS); the tail
 *             of the last page reads as zeros. reply: w0 = address.
 */
#ifndef FL_PAGER_PROTO_H
#define FL_PAGER_PROTO_H

#define PAGER_REQ_REGISTER  0x9a01u
#define PAGER_REQ_MAP       0x9a02u
#define PAGER_REQ_UNMAP     0x9a03u
#define PAGER_REQ_PROTECT   0x9a04u
#define PAGER_REQ_STACK     0x9a05u
#define PAGER_REQ_GUARD     0x9a06u
#define PAGER_REQ_FORK      0x9a07u
#define PAGER_REQ_STATS     0x9a08u
#define PAGER_REQ_LOAD      0x9a09u
#define PAGER_REQ_REPORT    0x9a0au
#define PAGER_REQ_QUIT      0x9a0bu
#define PAGER_REQ_FILE_OPEN 0x9a0cu
#define PAGER_REQ_MAP_FILE  0x9a0du
#define PAGER_REQ_SYNC      0x9a0eu /* w0 = address, w1 = length: write shared dirty file pages back */
#define PAGER_MSG_ENDED     0x9a20u /* watcher -> main loop: w0 = notification bits */
#define PAGER_MSG_IO        0x9a21u /* I/O thread -> main loop: block completions to reap */
#define PAGER_MSG_FILEIO    0x9a22u /* reader thread -> main loop: its file page is read */
#define PAGER_REPLY         0x9a80u

#define PAGER_BADGE_WATCH  1u
#define PAGER_BADGE_IO     2u /* the pager's own I/O thread (asynchronous swap-ins) */
#define PAGER_BADGE_FILEIO 3u /* the pager's own file reader thread */
#define PAGER_BADGE_MIN    16u

/* REGISTER / FORK flags (w2). */
#define PAGER_REG_LOADER 1u
#define PAGER_REG_NOTIFY 2u

/* MAP flags (w2 bits 8..15), the values of libpager's PAGER_MAP_*. */
#define PAGER_PROTO_SHARED 2u
#define PAGER_PROTO_FIXED  4u

/* STATS groups. */
#define PAGER_STATS_FAULTS 0u /* minor, major, resident pages, COW copies */
#define PAGER_STATS_FILLS  1u /* zero fills, zero-page maps, COW upgrades (no copy), stack grows */
#define PAGER_STATS_PAGER  2u /* bad accesses, retries, frames the pager holds, live clients */
#define PAGER_STATS_CACHE  3u /* page cache: file reads, hits, pages cached, read-ahead pages */
/* Asynchronous swap-ins: started, completed, in flight, faults of others answered before the
 * first held one (-H). */
#define PAGER_STATS_ASYNC 4u
#define PAGER_STATS_AFILE 5u /* file pages read by the reader thread: started, completed */
/* Worker threads (-w): workers, workers that served a fault, most faults received and not yet
 * answered at once, faults served (control only). */
#define PAGER_STATS_WORKERS 6u
#define PAGER_MAX_WORKERS   8u /* pager -w: at most this many worker threads */

/*
 * Messages that carry handles declare 5 words (word 4 unused). The kernel's fast path now
 * declines any message with handles, so 4 words would work too; the protocol keeps 5 so that
 * servers built against earlier versions still parse these messages.
 */
#define PAGER_HANDLE_MSG_WORDS 5u

#define PAGER_LOAD_MAX 16u
#define PAGER_REPORTS  16u

#endif
