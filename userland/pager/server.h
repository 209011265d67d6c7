/*
 * The reference pager server: libpager (pager/) plus the target backend and an IPC loop.
 *
 *   main.c     start-up, the receive loop, request decoding
 *   backend.c  libpager's ops on the kernel: frames are pages of this process, maps are
 *              FL_SYS_VM_* calls on the client's space, the faulting page goes in the reply
 *   stock.c    the frames: fresh ones in batches, freed ones reused, known-zero ones
 *   client.c   the client table: register, fork, process end, bad-access reports
 *   fault.c    one page fault: libpager's decision turned into a fault reply
 *   files.c    file mappings: the file server session, the file table, file_read
 *   swap.c     swap_out / swap_in on a virtio-blk disk (pager -s)
 *   async.c    swap-ins read asynchronously, their faults answered by reply token
 *   afile.c    file pages read by a reader thread while other faults are served
 *   workers.c  -w N worker threads on the one endpoint, and the pager lock they share
 *
 * N workers (default: one per CPU) receive on the endpoint; libpager is not thread-safe, so each
 * holds the pager lock (workers.c) from a message to its answer. Another thread only waits for
 * process-end notifications and forwards them as PAGER_MSG_ENDED.
 */
#ifndef PAGER_SERVER_H
#define PAGER_SERVER_H

#include <faultline/fault.h>
#include <faultline/types.h>
#include <fl/pager_proto.h>
#include <fl/syscall.h>
#include <pager/pager.h>
#include <stdbool.h>
#include <stdint.h>

#define MAX_CLIENTS 62 /* one notification bit each (bit 63 is reserved, 62 for the watcher) */

typedef struct client {
    bool used;
    bool dead;          /* its space ended: skip kernel calls on it */
    uint64_t id;        /* its badge */
    uint64_t parent_id; /* the client that forked it, 0 if registered by control */
    char name[16];
    fl_handle_t space;  /* MAP | READ */
    fl_handle_t loader; /* the registrar's space (MAP), for LOAD; 0 if none */
    fl_handle_t notify; /* signalled with notify_bits when the process ends; 0 if none */
    uint64_t notify_bits;
    pager_space_t *ps;
} client_t;

/* A bad access, kept for REPORT after the client is gone. */
typedef struct report {
    uint64_t id, count, addr, pc;
    unsigned access, reason;
} report_t;

#define MAX_FILES     32             /* files opened through this pager */
#define READ_AHEAD    16             /* pages one fault on a file may map (FL_FAULT_MAP_MAX) */
#define FILEBUF_VA    0x3f00000000UL /* the file server's session buffer, one page */
#define WORKER_IPC_VA 0x3f00a00000UL /* worker k's IPC buffer: page k (worker 0: FL_IPCBUF_VA) */
#define MAX_WORKERS   PAGER_MAX_WORKERS
#define WINDOW_VA     0x3f00200000UL /* read-ahead: frames lined up for one map reply */

typedef struct file_ent {
    uint64_t id, size; /* the file server's id and the size it reported */
    bool disk;         /* a disk file (FILES_F_DISK): shared mappings may write it */
    char name[32];
} file_ent_t;

typedef struct server {
    fl_handle_t ep;    /* the service endpoint (all rights) */
    fl_handle_t self;  /* own space */
    fl_handle_t ended; /* notification the kernel signals when a client's space ends */
    pager_t *pager;
    bool verbose;
    unsigned async_hold; /* -H N: tests only (async.c) */
    unsigned ahead;      /* pages one fault may map after the faulting one (-a; 0: one page) */
    client_t clients[MAX_CLIENTS];
    report_t reports[PAGER_REPORTS];
    unsigned next_report;
    uint32_t generation;
    fl_handle_t files;   /* the file server's endpoint (start handle 1), 0: no file mappings */
    fl_handle_t session; /* its session for READ, into FILEBUF_VA */
    file_ent_t filetab[MAX_FILES];
    unsigned nfiletab;
} server_t;

#define FRAME_BASE 0x4000000000UL /* 256 GiB: far from the runtime's areas (fl/layout.h) */
#define FRAME_PROT                                                                                 \
    (FL_PROT_READ | FL_PROT_WRITE | FL_PROT_EXEC) /* a client map never exceeds                    \
                                                   the pager's own rights */

/* stock.c: frames for libpager (FRAME_BASE, ...) */
#define STOCK_BATCH 64u /* fresh frames one VM_ALLOC brings */
#define STOCK_LOW   16u /* refill after the reply when fewer frames than this are left */
void stock_init(fl_handle_t self_space);
/* A frame: a freed one first, else a fresh one (a VM_ALLOC batch if none is left). */
int stock_take(uint64_t *frame);
/* Keeps a freed frame for reuse; false if the stock is full (the caller gives it back). */
bool stock_keep(uint64_t frame);
/* Still zero as the kernel handed it out: not written or mapped into a client since. */
bool stock_zero_known(uint64_t frame);
/* The frame is about to be written, or mapped where it may be. */
void stock_written(uint64_t frame);
/* Fewer than STOCK_LOW frames left; stock_refill brings a batch (after the reply). */
bool stock_low(void);
void stock_refill(void);

/* backend.c */
extern const pager_ops_t backend_ops;
void backend_init(server_t *srv);
/* The faulting page and up to READ_AHEAD - 1 pages after it: while set, a map or protect of
 * (c, va) in [va, va + pages) is deferred into the reply. */
void backend_defer_begin(client_t *c, uint64_t va, unsigned pages);
/* Ends deferral; true with frame and rights if the faulting page was (re)mapped meanwhile.
 * *ahead = how many pages after it were mapped with the same rights, in a row. */
bool backend_defer_end(uint64_t *frame, unsigned *prot, unsigned *ahead);
/* Lines up the frames of the faulting page and the *ahead deferred ones at WINDOW_VA, so one
 * FL_FAULT_REPLY_MAP maps them all: returns the window's address, or 0 (*ahead unchanged). */
uint64_t backend_window(unsigned ahead);

/* client.c */
client_t *client_by_badge(server_t *srv, uint64_t badge);
client_t *client_by_id(server_t *srv, uint64_t id);
/* New client over space (taken over); 0 and *out, or an fl_err_t (space not closed). */
long client_new(server_t *srv, fl_handle_t space, const char *name, client_t **out);
/* Watch its space, mint its badged endpoint (returned) */
long client_start(server_t *srv, client_t *c);
void client_end(server_t *srv, client_t *c, const char *why);
/* Checks every client whose notification bit is in bits. */
void client_reap(server_t *srv, uint64_t bits);
void report_add(server_t *srv, client_t *c, uint64_t addr, uint64_t pc, unsigned access,
                unsigned reason);
const report_t *report_find(const server_t *srv, uint64_t id);

/* files.c */
void files_init(server_t *srv, fl_handle_t files_ep, fl_ipc_buffer_t *ipc);
long files_open(server_t *srv, const uint64_t name[4], uint64_t *size);
/* Another session (its buffer at va), for the reader thread: its endpoint, or 0. */
fl_handle_t files_attach(server_t *srv, fl_ipc_buffer_t *ipc, uint64_t va);
/* READ of one page into session's buffer: 0 or an error. */
long files_session_read(fl_handle_t session, uint64_t file_id, uint64_t offset);
/* Asynchronous file reads (afile.c): as async_fault / async_complete / async_take. */
void afile_init(server_t *srv, fl_ipc_buffer_t *ipc);
bool afile_fault(server_t *srv, client_t *c, const fl_msg_t *m);
void afile_complete(server_t *srv);
bool afile_take(uint64_t file, uint64_t off, uint64_t frame);
void afile_stats(uint64_t *started, uint64_t *completed);
const file_ent_t *files_find(const server_t *srv, uint64_t id);
int files_read(void *ctx, uint64_t file_id, uint64_t offset, uint64_t frame);
/* libpager's file_write: the write-back of a dirty shared page (disk files only). */
int files_write(void *ctx, uint64_t file_id, uint64_t offset, uint64_t frame);

/* swap.c: the swap disk (pager -s); swap_init returns the number of slots (0: no swap) */
uint64_t swap_init(server_t *srv, fl_handle_t blk_ep, fl_ipc_buffer_t *ipc, uint64_t max_slots);
int swap_out(void *ctx, uint64_t slot, uint64_t frame);
int swap_in(void *ctx, uint64_t slot, uint64_t frame);

/* fault.c: fills *m with the fault reply */
void fault_handle(server_t *srv, client_t *c, fl_msg_t *m);

/* Asynchronous swap-in (async.c). */
typedef struct async_stats {
    uint64_t started, completed, pending;
    uint64_t others_while_pending; /* faults answered while some read was in flight */
    uint64_t first_others;         /* -H: faults of others answered before the first was */
} async_stats_t;
/* A second block session on blk_ep and its I/O thread; hold: -H (0: off). */
void async_init(server_t *srv, fl_handle_t blk_ep, fl_ipc_buffer_t *ipc, unsigned hold);
/* A page fault of c on a swapped page: start (or join) its read and leave the fault unanswered
 * (true; the main loop must not reply), or false: decide it now. */
bool async_fault(server_t *srv, client_t *c, const fl_msg_t *m);
/* PAGER_MSG_IO: reap completions, answer the faults that waited for them. */
void async_complete(server_t *srv);
/* A fault of c was decided now: count it; true if the held first read may be answered now
 * (after this reply is sent: async_release). */
bool async_answered(server_t *srv, client_t *c);
void async_release(server_t *srv);
/* swap_in: the data of a completed read of slot, copied into frame (true), or false. */
bool async_take(uint64_t slot, uint64_t frame);
/* swap_out is rewriting slot: a read of it in flight is stale. */
void async_forget(uint64_t slot);
void async_stats(async_stats_t *out);
/* libpager's observer for -v: one line per fault decision (client, access, address, action). */
void fault_observe(void *arg, pager_space_t *ps, uint64_t addr, pager_access_t acc,
                   const pager_fault_result_t *res);

/* main.c: worker k's receive loop (returns when the endpoint is gone). */
void serve(unsigned k, fl_ipc_buffer_t *ipc);

/* workers.c */
/* Sets the count (0: one per CPU online, at most MAX_WORKERS) and spawns workers 1..N-1 (the
 * caller is worker 0 and then calls serve); returns the count. */
unsigned workers_start(unsigned want, bool verbose);
unsigned workers_count(void);
/* The pager lock: every use of the shared state below, from a message to its answer. No-ops
 * with one worker. */
void workers_lock(void);
void workers_unlock(void);
/* A page fault received by worker k / answered (or held): counts it, and the most in flight. */
void workers_fault_begin(unsigned k);
void workers_fault_end(void);
/* PAGER_STATS_WORKERS: workers, workers that served a fault, most faults in flight at once,
 * faults served. */
void workers_stats(uint64_t out[4]);

#endif
