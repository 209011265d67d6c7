/*
 * The benchmark's two processes and what they share (docs/benchmarks.md).
 *
 * `bench` runs as init of build/target/bench-initrd.cpio: it is the client, drives every row
 * and prints the results. `benchsrv` is spawned by it from the same initrd: the IPC server and
 * the pager of every fault row, a separate address space so each message crosses spaces as it
 * would with a real pager. Both speak a small control protocol on one endpoint (the labels
 * below), and page faults of bench's thread arrive on the same endpoint.
 *
 * Instructions are counted with PMEVCNTR0_EL0, which the kernel programs to INST_RETIRED at EL0
 * and EL1 and lets EL0 read when booted with fl.bench (arch/arm64/pmu.c; Arm ARM D13.4 "Event
 * counters", D17.5 PMEVCNTR<n>_EL0). Under QEMU -icount shift=0 that is the exact number of guest
 * instructions retired by the CPU, kernel and both processes included.
 */
#ifndef BENCH_H
#define BENCH_H

#include <fl/syscall.h>
#include <stddef.h>
#include <stdint.h>

/* The instruction counter. The ISB makes sure every earlier instruction has retired before the
 * read (Arm ARM D13.1: counter reads are not ordered with the instruction stream without it). */
static inline uint64_t pmu_read(void)
{
    uint64_t v;
    __asm__ volatile("isb\n\tmrs %0, pmevcntr0_el0" : "=r"(v) : : "memory");
    return v;
}

/* Control labels on benchsrv's endpoint. Every control call gets an empty reply (label 0) once
 * done, or label BENCH_ERR with w0 = the error. */
#define BENCH_PING  0xb001 /* echoed by the echo loop: the IPC rows */
#define BENCH_ECHO  0xb002 /* w0 = 1 to record legs: enter the echo loop until a non-PING */
#define BENCH_MODE  0xb003 /* w0 = mode, w1 = client base, w2 = pages: prepare a pager mode */
#define BENCH_ARM   0xb004 /* before a batch: COW modes map the shared pages into the client */
#define BENCH_RESET 0xb005 /* after a batch (the client has unmapped): take back the frames */
#define BENCH_QUIT  0xb006
#define BENCH_ERR   0xb0ee

/* Pager modes: what benchsrv does with a page fault (FL_FAULT_REPLY_MAP every time). */
enum bench_mode {
    MODE_NONE,
    MODE_PREPARED,    /* map the one prepared page read-write: kernel cost only */
    MODE_ZEROPAGE,    /* map the shared zero page read-only */
    MODE_ANON_FRESH,  /* FL_SYS_VM_ALLOC a fresh (kernel-zeroed) frame, map it read-write */
    MODE_ANON_CACHED, /* a frame from the pager's free list, zeroed with DC ZVA, map it */
    MODE_COW_FRESH,   /* fresh frame, copy the shared page into it, map it read-write */
    MODE_COW_CACHED,  /* frame from the free list, copy, map */
    MODE_FILE,        /* map the resident "page cache" page read-only, one page per fault */
    MODE_FILE_AHEAD,  /* the same, 16 pages per reply (aligned window, like Linux fault-around) */
    MODE_COUNT
};

#define BENCH_MAP_AHEAD 16u

/* Addresses. In bench (the client): */
#define BENCH_CLIENT_VA 0x5000000000UL /* the faulting region, BENCH_MAX_PAGES long */
#define BENCH_MAPTEST   0x5100000000UL /* VM_MAP / VM_UNMAP targets */
#define BENCH_SRCPAGE   0x5200000000UL /* one page VM_MAP maps from */
#define BENCH_IPCBUF    0x5300000000UL /* IPC buffers: bench's, then its echo thread's */
/* In both, the same frame: */
#define BENCH_SHARED_VA 0x5f00000000UL
/* In benchsrv (the pager): */
#define SRV_PREPARED_VA 0x6000000000UL /* the prepared page */
#define SRV_ZERO_VA     0x6000001000UL /* the zero page */
#define SRV_IPCBUF      0x6000002000UL
#define SRV_FRESH_VA    0x6100000000UL /* frames allocated one per fault, freed at RESET */
#define SRV_CACHE_VA    0x6200000000UL /* the free list of MODE_*_CACHED */
#define SRV_FILE_VA     0x6300000000UL /* the "page cache" of the file modes */
#define SRV_COWSRC_VA   0x6400000000UL /* the pages a COW client shares read-only */

#define BENCH_MAX_PAGES 4096u /* per batch: 16 MiB of client address space */

/*
 * The scaling rows (issue 13 item 5; benchref scale): the one-fault-per-page anonymous write
 * fault of the reference pager while the space holds N extra regions, N resident pages, while
 * the pager serves N processes, and the cost of fork against the parent's size, for N in
 * powers of ten up to 10^max_exp (bench.scale=max_exp), each kind capped as below.
 */
enum scale_kind { SCALE_REGIONS, SCALE_RESIDENT, SCALE_CLIENTS, SCALE_FORK, SCALE_KINDS };
#define SCALE_MAX_SIZES 7

/* The sizes of one kind; returns how many. */
static inline unsigned scale_sizes(enum scale_kind kind, unsigned max_exp,
                                   unsigned long out[SCALE_MAX_SIZES])
{
    static const unsigned long cap[SCALE_KINDS] = {
        10000,   /* regions: the pager's region tree, 10,000 is the issue's end */
        1000000, /* resident pages: mapped to the zero page, so RAM is not the limit */
        50,      /* processes: the reference pager serves at most 62 */
        10000,   /* fork: pages the parent wrote (40 MiB at 10,000) */
    };
    unsigned long lim = 1;
    for (unsigned i = 0; i < max_exp; i++)
        lim *= 10;
    unsigned n = 0;
    for (unsigned long v = kind == SCALE_RESIDENT ? 1000
                           : kind == SCALE_FORK   ? 10
                                                  : 1;
         n < SCALE_MAX_SIZES && v <= cap[kind] && v <= lim; v *= 10)
        out[n++] = v;
    if (kind == SCALE_CLIENTS && n && out[n - 1] < cap[kind] && n < SCALE_MAX_SIZES && max_exp >= 2)
        out[n++] = cap[kind];
    return n;
}

/* The page both processes map: benchsrv writes the counter right after it receives a fault
 * (t_recv) and right before it replies (t_reply), for the split legs. */
typedef struct bench_shared {
    volatile uint64_t t_recv;
    volatile uint64_t t_reply;
    volatile uint64_t faults; /* faults benchsrv has answered */
} bench_shared_t;

/* bench_asm.S and benchsrv's timed reply store to these offsets. */
_Static_assert(offsetof(bench_shared_t, t_recv) == 0, "t_recv at 0");
_Static_assert(offsetof(bench_shared_t, t_reply) == 8, "t_reply at 8");

/* Start handles of benchsrv. */
#define SRV_HANDLE_EP     0 /* the endpoint: READ | WRITE */
#define SRV_HANDLE_CLIENT 1 /* bench's space: MAP (the COW modes map into it) */

/* bench_asm.S */
/* CALL ep with tag (registers only: the words are whatever x2..x5 hold) n times; 0 or error. */
long bench_call_loop(fl_handle_t ep, uint64_t tag, uint64_t n);
/* One CALL; t[0] = counter right before the svc, t[1] right after. */
long bench_call_timed(fl_handle_t ep, uint64_t tag, uint64_t t[2]);
/* The echo loop: replies with an empty tag to the caller owed a reply, then echoes every
 * message labelled `label` back to its sender unchanged (REPLY_RECV with the received
 * registers). When legs is not NULL, writes the counter after each receive to legs[0] and
 * before each reply to legs[1]. Returns the receive result, with the first message of another
 * label in *out (its sender is owed a reply). */
long bench_echo(fl_handle_t ep, uint64_t label, fl_msg_t *out, volatile uint64_t *legs);

#endif
