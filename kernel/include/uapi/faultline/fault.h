/*
 * The fault protocol: how the kernel tells a pager (or an exception handler) that a thread
 * faulted, and how the pager answers. docs/fault-protocol.md explains it with a sequence
 * diagram. Layout and numbers are ABI, versioned by FL_FAULT_VERSION.
 *
 * A fault arrives as an IPC message on the thread's pager endpoint, as if the thread had made
 * a call: tag label FL_LABEL_PAGE_FAULT (or FL_LABEL_EXCEPTION on the exception-handler
 * endpoint), 4 words, and in x6 the badge of the endpoint handle the thread's pager was set
 * with (so one pager tells its clients apart):
 *   w0 = faulting address (FAR; 0 when the hardware gave none, see FL_FAULT_FAR_VALID)
 *   w1 = faulting PC
 *   w2 = raw ESR_EL1, for pagers that want every detail
 *   w3 = info: access | kind << 8 | (level & 0xff) << 16 | flags << 24 | seq << 32
 * and in x7 the thread's stack pointer (SP_EL0) at the fault, for stack-growth decisions
 * (every other message delivers 0 in x7), and in x8 the faulting thread's id (the value
 * FL_SYS_THREAD_ID returns for a handle to it; every other message delivers 0 in x8).
 * While the handler owes the reply it may read and rewrite the thread's registers with
 * FL_SYS_FAULT_REGS_GET / FL_SYS_FAULT_REGS_SET (fl_regs_t below).
 * The pager answers with a reply (FL_SYS_REPLY, or FL_SYS_REPLY_RECV to wait for the next
 * fault in the same call) labelled with one of FL_FAULT_REPLY_*.
 */
#ifndef FAULTLINE_FAULT_H
#define FAULTLINE_FAULT_H

#include <stdint.h>

#define FL_FAULT_VERSION 1

#define FL_LABEL_PAGE_FAULT 0xfa01u
#define FL_LABEL_EXCEPTION  0xfa02u

/* access */
#define FL_FAULT_READ  0u
#define FL_FAULT_WRITE 1u
#define FL_FAULT_EXEC  2u

/* kind */
#define FL_FAULT_TRANSLATION  1u /* nothing mapped there */
#define FL_FAULT_PERMISSION   2u /* mapped without the needed right */
#define FL_FAULT_ACCESS_FLAG  3u /* only reaches a pager if the kernel does not handle AF */
#define FL_FAULT_ALIGNMENT    4u
#define FL_FAULT_ADDRESS_SIZE 5u
#define FL_FAULT_EXTERNAL     6u /* external abort, parity/ECC */
#define FL_FAULT_OTHER        7u

/* exception kinds (FL_LABEL_EXCEPTION messages put them where a page fault has its kind) */
#define FL_EXC_UNDEFINED  16u /* unknown or trapped instruction */
#define FL_EXC_PC_ALIGN   17u
#define FL_EXC_SP_ALIGN   18u
#define FL_EXC_BREAKPOINT 19u /* BRK, breakpoints, watchpoints, software step */
#define FL_EXC_FP         20u /* floating-point exception */
#define FL_EXC_SYSTEM     21u /* system register access, SVC from AArch32, anything else */
#define FL_EXC_FAULT_FAILED                                                                        \
    22u /* a page fault its pager failed to answer in time (FL_EP_FAULT_DEADLINE), passed to       \
           the exception handler: address, PC, ESR, access and flags are the page fault's;         \
           bits 16..23 of info hold the reason (FL_FAULT_FAIL_TIMEDOUT), not a level */

/* flags */
#define FL_FAULT_FAR_VALID 1u
#define FL_FAULT_ATOMIC    2u /* an atomic read-modify-write: reported as a write */
#define FL_FAULT_SYSCALL                                                                           \
    4u /* the kernel touched the page for a system call of the thread                              \
          (pc is the svc); a fail reply makes the call return                                      \
          FL_EFAULT instead of stopping the thread */

#define FL_FAULT_INFO(access, kind, level, flags, seq)                                             \
    ((uint64_t)(access) | (uint64_t)(kind) << 8 | (uint64_t)((level)&0xff) << 16 |                 \
     (uint64_t)(flags) << 24 | (uint64_t)(seq) << 32)
#define FL_FAULT_ACCESS(info) ((unsigned)((info)&0xff))
#define FL_FAULT_KIND(info)   ((unsigned)(((info) >> 8) & 0xff))
#define FL_FAULT_LEVEL(info)  ((int)(int8_t)(((info) >> 16) & 0xff))
#define FL_FAULT_REASON(info) ((unsigned)(((info) >> 16) & 0xff)) /* FL_EXC_FAULT_FAILED */
#define FL_FAULT_FLAGS(info)  ((unsigned)(((info) >> 24) & 0xff))
#define FL_FAULT_SEQ(info)    ((uint32_t)((info) >> 32))

/* A fault's reply token (FL_SYS_FAULT_REPLY, FAULT_REGS_*): the faulting thread's id (x8 of
 * the message, fl_msg_t.fault_thread) and the fault's sequence number. Good for that one
 * fault: answered, timed out or its thread gone, the token names nothing (FL_ENOENT). */
#define FL_FAULT_TOKEN(thread, info) ((uint64_t)(uint32_t)(thread) << 32 | FL_FAULT_SEQ(info))
#define FL_FAULT_TOKEN_THREAD(token) ((uint32_t)((token) >> 32))
#define FL_FAULT_TOKEN_SEQ(token)    ((uint32_t)(token))

/* Decoded form of a fault message, for pagers. */
typedef struct fl_fault {
    uint64_t addr, pc, esr;
    unsigned access, kind, flags;
    int level;
    uint32_t seq;
    uint64_t badge;
} fl_fault_t;

/* Replies. Words of FL_FAULT_REPLY_MAP: w0 = client address, w1 = the pager's own address of
 * the first page to map from, w2 = pages (1..FL_FAULT_MAP_MAX), w3 = FL_PROT_* rights (never
 * more than the pager's own mapping has). The kernel maps, then resumes the thread. */
#define FL_FAULT_REPLY_MAP    0xfa10u
#define FL_FAULT_REPLY_RESUME 0xfa11u /* already fixed (e.g. with FL_SYS_VM_MAP): retry */
#define FL_FAULT_REPLY_FAIL   0xfa12u /* w0 = FL_FAULT_FAIL_*: the thread is stopped */
#define FL_FAULT_MAP_MAX      16u

/* Reasons in FL_FAULT_REPLY_FAIL (reported in the log and to the exception handler). */
#define FL_FAULT_FAIL_NO_REGION  1u
#define FL_FAULT_FAIL_PERMISSION 2u
#define FL_FAULT_FAIL_GUARD      3u
#define FL_FAULT_FAIL_NO_MEMORY  4u
#define FL_FAULT_FAIL_BUS        5u /* beyond the end of a file */
#define FL_FAULT_FAIL_OTHER      6u
/* Set by the kernel only (a pager cannot send it): the pager endpoint's fault deadline
 * (FL_SYS_ENDPOINT_SET, FL_EP_FAULT_DEADLINE) passed before the fault was answered. The thread is
 * stopped and its process, if it ends with it, ends with status FL_ETIMEDOUT. */
#define FL_FAULT_FAIL_TIMEDOUT 7u
#define FL_DEADLINE_MAX_TICKS  (1u << 31) /* the longest deadline an endpoint takes */

/* The registers of a thread stopped on a fault or exception, as FL_SYS_FAULT_REGS_GET gives
 * them and FL_SYS_FAULT_REGS_SET takes them (see docs/fault-protocol.md, "Registers"). Only
 * the condition flags of SPSR travel: the exception level, the interrupt masks and every other
 * PSTATE bit stay the kernel's. */
typedef struct fl_regs {
    uint64_t x[31];  /* x0..x30 */
    uint64_t sp;     /* SP_EL0 */
    uint64_t pc;     /* where the thread resumes (the faulting instruction until changed) */
    uint64_t nzcv;   /* PSTATE.{N,Z,C,V} in bits 31..28; SET refuses any other bit */
    uint64_t thread; /* the thread's id (as in x8 of the fault message); ignored by SET */
} fl_regs_t;
#define FL_REGS_NZCV_MASK 0xf0000000u

/* Pager events: messages the kernel queues on a pager endpoint that asked for them
 * (FL_SYS_ENDPOINT_SET, FL_EP_SPACE_EVENTS), received like any message, never answered.
 * FL_LABEL_SPACE_ENDED: a process whose threads had this endpoint as their
 * pager ended. w0 = the space's id, w1 = its exit status; the badge is that of the pager
 * handle its thread was given (the one its faults carried). Delivered once per endpoint per
 * process, after the process's pages are gone. */
#define FL_LABEL_SPACE_ENDED 0xfa03u

#endif
