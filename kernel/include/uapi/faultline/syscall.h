/*
 * System call numbers and the calling convention. docs/syscalls.md documents each call.
 *
 * Entry: `svc #0` with the number in x8 and arguments in x0..x5.
 * Exit:  x0 = result: 0 or a positive value on success, a negative fl_err_t on failure.
 *        Calls that receive a message (recv, call, reply_recv) return it in x1..x6 and write x7
 *        and x8 (the faulting thread's SP and id for a fault message, 0 otherwise; see ipc.h,
 *        fault.h). Every other register is preserved; treat x8 as clobbered. FP/SIMD registers are
 *        preserved (the kernel switches them lazily).
 * Every call validates all arguments before changing any state: a rejected call changes nothing.
 * Numbers are ABI: never renumber, only append.
 */
#ifndef FAULTLINE_SYSCALL_H
#define FAULTLINE_SYSCALL_H

enum fl_syscall {
    /* debugging and system */
    FL_SYS_DEBUG_WRITE = 0, /* (const char *buf, size_t len) -> len */
    FL_SYS_SYSTEM_INFO = 1, /* (fl_sysinfo_t *out) -> 0; free frames etc., for leak checks */
    FL_SYS_SYSTEM_EXIT = 2, /* (int status): power off; only with FL_RIGHT_MANAGE on the root pool
                               handle given as x1 */

    /* handles */
    FL_SYS_HANDLE_CLOSE = 3, /* (h) */
    FL_SYS_HANDLE_DUP = 4,   /* (h, rights) -> new handle with rights & old rights */
    FL_SYS_HANDLE_INFO = 5,  /* (h) -> type | rights << 8 */
    FL_SYS_HANDLE_MINT = 6,  /* (endpoint h, badge, rights) -> badged endpoint handle */
    FL_SYS_HANDLE_GIVE = 7,  /* (space h, h, rights) -> handle value in that space */

    /* processes, memory */
    FL_SYS_POOL_CREATE = 8,    /* (parent pool h, frames) -> pool h with a sub-quota */
    FL_SYS_POOL_INFO = 9,      /* (pool h) -> frames used (x0), limit (x1) */
    FL_SYS_SPACE_CREATE = 10,  /* (pool h) -> space h: an empty process charged to the pool */
    FL_SYS_SPACE_DESTROY = 11, /* (space h): stop its threads, free its memory and handles */
    FL_SYS_VM_ALLOC = 12,      /* (space h, vaddr, pages, prot): fresh zeroed frames */
    FL_SYS_VM_MAP = 13,        /* (space h, dst vaddr, src vaddr in caller, pages, prot) */
    FL_SYS_VM_UNMAP = 14,      /* (space h, vaddr, pages) */
    FL_SYS_VM_PROTECT = 15,    /* (space h, vaddr, pages, prot) */
    FL_SYS_REGION_MAP = 16,    /* (space h, region h, offset, vaddr, size, prot) */

    /* threads */
    FL_SYS_THREAD_CREATE = 17, /* (space h, entry, stack, arg, priority) -> thread h, stopped */
    FL_SYS_THREAD_START = 18,  /* (thread h) */
    FL_SYS_THREAD_EXIT = 19,   /* (status): ends the calling thread; the last one ends the
                                  process */
    FL_SYS_YIELD = 20,
    FL_SYS_THREAD_SET_IPC_BUFFER = 21, /* (vaddr): the caller's IPC buffer page */

    /* IPC */
    FL_SYS_ENDPOINT_CREATE = 22,     /* () -> endpoint h */
    FL_SYS_SEND = 23,                /* (ep h, tag, w0..w3) */
    FL_SYS_RECV = 24,                /* (ep h) -> tag, w0..w3, badge */
    FL_SYS_CALL = 25,                /* (ep h, tag, w0..w3) -> reply tag, w0..w3 */
    FL_SYS_REPLY = 26,               /* (tag, w0..w3) to the thread this one received a call from */
    FL_SYS_REPLY_RECV = 27,          /* (ep h, tag, w0..w3): reply, then receive on ep */
    FL_SYS_NOTIFICATION_CREATE = 28, /* () -> notification h */
    FL_SYS_SIGNAL = 29,              /* (notification h, bits) */
    FL_SYS_WAIT = 30,                /* (notification h) -> bits (and clears them) */
    FL_SYS_POLL = 31,                /* (notification h) -> bits, never blocks */
    FL_SYS_IRQ_BIND = 32,            /* (irq h, notification h, bits); notification 0 unbinds */
    FL_SYS_IRQ_ACK = 33,             /* (irq h): unmask after handling */

    /* fault forwarding (faultline/fault.h) */
    FL_SYS_THREAD_SET_HANDLER = 34, /* (thread h, FL_HANDLER_*, endpoint h or 0 to clear) */
    FL_SYS_VM_HARVEST = 35,         /* (space h, vaddr, pages <= 512, uint64_t *bitmap out):
                                       read and clear accessed bits -> pages accessed */
    FL_SYS_VM_PHYS = 36,        /* (space h, vaddr, pool h with MANAGE) -> physical address of the
                                   frame mapped there, if the pool owns it: for device DMA */
    FL_SYS_SPACE_WATCH = 37,    /* (space h with READ, notification h with WRITE, bits): signal
                                   bits when the process ends (at once if it already has);
                                   up to FL_SPACE_WATCHERS watchers per space */
    FL_SYS_SPACE_STATUS = 38,   /* (space h with READ) -> 0 while alive; 1 when ended, with its
                                   exit status in x1 */
    FL_SYS_FAULT_REGS_GET = 39, /* (fl_regs_t *out, 0): registers of the thread whose fault or
                                   exception the caller received and still owes a reply */
    FL_SYS_FAULT_REGS_SET = 40, /* (const fl_regs_t *in, 0): new registers for that thread,
                                   used when the reply resumes it */
    FL_SYS_THREAD_ID = 41,      /* (thread h, 0 for the caller) -> the thread's id */
    FL_SYS_ENDPOINT_SET = 42,   /* (endpoint h with MANAGE, FL_EP_*, value): set a pager
                                   attribute of the endpoint (below) */
    FL_SYS_FAULT_REPLY = 43,    /* (token, tag, w0..w3): answer the fault FL_FAULT_TOKEN names, as
                                   a fault reply; any thread of the space that owes it */
    FL_SYS_FAULT_WAKE = 44,     /* (endpoint h with READ or 0, vaddr, length, badge or 0):
                                   resume every page fault in [vaddr, vaddr + length) the
                                   caller's space owes, and those queued on the endpoint ->
                                   how many */

    /* SMP */
    FL_SYS_THREAD_AFFINITY = 45, /* (thread h or 0 for the caller, CPU mask or 0 to only read)
                                    -> old mask; x1 = its CPU, x2 = CPUs online */

    /* reclamation */
    FL_SYS_POOL_REVOKE = 46, /* (pool h with MANAGE): end every process charged to the pool or
                                below it, close every handle to their objects -> frames the
                                pool still has charged (0 unless frames stay mapped
                                elsewhere); FL_EBUSY if the caller is charged there */
    FL_SYS_COUNT
};

#define FL_HANDLER_PAGER     0 /* receives FL_LABEL_PAGE_FAULT messages */
#define FL_HANDLER_EXCEPTION 1 /* receives FL_LABEL_EXCEPTION messages */
#define FL_SPACE_WATCHERS    8 /* notifications FL_SYS_SPACE_WATCH can add to one space */

/* Endpoint attributes (FL_SYS_ENDPOINT_SET). */
#define FL_EP_FAULT_DEADLINE                                                                       \
    0 /* ticks (100 Hz) a fault sent here may wait for its answer,                                 \
         at most FL_DEADLINE_MAX_TICKS; 0 (the default): forever */
#define FL_EP_SPACE_EVENTS                                                                         \
    1 /* 1: queue FL_LABEL_SPACE_ENDED here when a process whose                                   \
         threads have this endpoint as pager ends; 0 (default): not */

#endif
