/*
 * System call stubs: one inline function per number in faultline/syscall.h. Each returns the
 * kernel's x0: 0 or a positive value (a handle, a length, bits) on success, a negative fl_err_t
 * on failure. The calling convention (svc #0, number in x8, arguments in x0..x5, IPC results in
 * x1..x8: x7 and x8 are the fault SP and thread id, or 0, on every successful receive) is
 * documented in
 * faultline/syscall.h, faultline/ipc.h and docs/syscalls.md ("Registers each call reads and
 * writes").
 */
#ifndef FL_SYSCALL_H
#define FL_SYSCALL_H

#include <faultline/bootinfo.h>
#include <faultline/errors.h>
#include <faultline/fault.h>
#include <faultline/ipc.h>
#include <faultline/syscall.h>
#include <faultline/types.h>
#include <stddef.h>
#include <stdint.h>

/* An IPC message as it travels in registers: the tag (FL_TAG), four words and, on receive,
 * the badge of the sender's endpoint handle. */
typedef struct fl_msg {
    uint64_t tag;
    uint64_t w[FL_MSG_REG_WORDS];
    uint64_t badge;
    uint64_t fault_sp;     /* received fault messages: the faulting thread's SP (x7); else 0 */
    uint64_t fault_thread; /* received fault messages: the faulting thread's id (x8); else 0 */
} fl_msg_t;

/* The raw trap: every stub below is this with fixed arguments. x8 comes back clobbered. */
static inline long fl_syscall6(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                               uint64_t a4, uint64_t a5)
{
    register uint64_t x0 __asm__("x0") = a0;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = a2;
    register uint64_t x3 __asm__("x3") = a3;
    register uint64_t x4 __asm__("x4") = a4;
    register uint64_t x5 __asm__("x5") = a5;
    register uint64_t x8 __asm__("x8") = nr;
    __asm__ volatile("svc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x8)
                     : "r"(x2), "r"(x3), "r"(x4), "r"(x5)
                     : "memory");
    return (long)x0;
}

/* The IPC trap: x0 = endpoint (ignored by reply), x1 = tag, x2..x5 = words in; x0 = result,
 * x1 = tag, x2..x5 = words, x6 = badge out. *m is updated only when the kernel reports
 * success and receive is true (a call, recv or reply_recv). */
static inline long fl_ipc_trap(uint64_t nr, fl_handle_t ep, fl_msg_t *m, int receive)
{
    register uint64_t x0 __asm__("x0") = ep;
    register uint64_t x1 __asm__("x1") = m->tag;
    register uint64_t x2 __asm__("x2") = m->w[0];
    register uint64_t x3 __asm__("x3") = m->w[1];
    register uint64_t x4 __asm__("x4") = m->w[2];
    register uint64_t x5 __asm__("x5") = m->w[3];
    register uint64_t x6 __asm__("x6") = 0;
    register uint64_t x7 __asm__("x7") = 0;
    register uint64_t x8 __asm__("x8") = nr;
    __asm__ volatile("svc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5), "+r"(x6),
                       "+r"(x7), "+r"(x8)
                     :
                     : "memory");
    if (receive && (long)x0 >= 0) {
        m->tag = x1;
        m->w[0] = x2;
        m->w[1] = x3;
        m->w[2] = x4;
        m->w[3] = x5;
        m->badge = x6;
        m->fault_sp = x7;
        m->fault_thread = x8;
    }
    return (long)x0;
}

#define FL_SYSCALL0(nr)       fl_syscall6((nr), 0, 0, 0, 0, 0, 0)
#define FL_SYSCALL1(nr, a)    fl_syscall6((nr), (uint64_t)(a), 0, 0, 0, 0, 0)
#define FL_SYSCALL2(nr, a, b) fl_syscall6((nr), (uint64_t)(a), (uint64_t)(b), 0, 0, 0, 0)
#define FL_SYSCALL3(nr, a, b, c)                                                                   \
    fl_syscall6((nr), (uint64_t)(a), (uint64_t)(b), (uint64_t)(c), 0, 0, 0)
#define FL_SYSCALL4(nr, a, b, c, d)                                                                \
    fl_syscall6((nr), (uint64_t)(a), (uint64_t)(b), (uint64_t)(c), (uint64_t)(d), 0, 0)
#define FL_SYSCALL5(nr, a, b, c, d, e)                                                             \
    fl_syscall6((nr), (uint64_t)(a), (uint64_t)(b), (uint64_t)(c), (uint64_t)(d), (uint64_t)(e), 0)

/* --- debugging and system ----------------------------------------------------------------- */

static inline long fl_debug_write(const void *buf, size_t len)
{
    return FL_SYSCALL2(FL_SYS_DEBUG_WRITE, buf, len);
}

static inline long fl_system_info(fl_sysinfo_t *out)
{
    return FL_SYSCALL1(FL_SYS_SYSTEM_INFO, out);
}

/* Powers off with status; needs FL_RIGHT_MANAGE on the root pool. Returns only on error. */
static inline long fl_system_exit(int status, fl_handle_t root_pool)
{
    return FL_SYSCALL2(FL_SYS_SYSTEM_EXIT, (uint64_t)(int64_t)status, root_pool);
}

/* --- handles -------------------------------------------------------------------------------- */

static inline long fl_handle_close(fl_handle_t h)
{
    return FL_SYSCALL1(FL_SYS_HANDLE_CLOSE, h);
}

static inline long fl_handle_dup(fl_handle_t h, uint32_t rights)
{
    return FL_SYSCALL2(FL_SYS_HANDLE_DUP, h, rights);
}

/* type | rights << 8 */
static inline long fl_handle_info(fl_handle_t h)
{
    return FL_SYSCALL1(FL_SYS_HANDLE_INFO, h);
}

static inline long fl_handle_mint(fl_handle_t ep, uint64_t badge, uint32_t rights)
{
    return FL_SYSCALL3(FL_SYS_HANDLE_MINT, ep, badge, rights);
}

/* Installs a copy of h (with rights reduced) in space's table; returns its value there. */
static inline long fl_handle_give(fl_handle_t space, fl_handle_t h, uint32_t rights)
{
    return FL_SYSCALL3(FL_SYS_HANDLE_GIVE, space, h, rights);
}

/* --- pools, spaces, memory ------------------------------------------------------------------ */

static inline long fl_pool_create(fl_handle_t parent, uint64_t frames)
{
    return FL_SYSCALL2(FL_SYS_POOL_CREATE, parent, frames);
}

/* Returns frames used; *limit (if not NULL) gets the pool's limit. */
static inline long fl_pool_info(fl_handle_t pool, uint64_t *limit)
{
    register uint64_t x0 __asm__("x0") = pool;
    register uint64_t x1 __asm__("x1") = 0;
    register uint64_t x8 __asm__("x8") = FL_SYS_POOL_INFO;
    __asm__ volatile("svc #0" : "+r"(x0), "+r"(x1), "+r"(x8) : : "memory");
    if (limit && (long)x0 >= 0)
        *limit = x1;
    return (long)x0;
}

/* Ends every process charged to pool or a pool below it and closes every handle to their
 * objects (needs MANAGE) -> frames the pool still has charged, normally 0. */
static inline long fl_pool_revoke(fl_handle_t pool)
{
    return FL_SYSCALL1(FL_SYS_POOL_REVOKE, pool);
}

static inline long fl_space_create(fl_handle_t pool)
{
    return FL_SYSCALL1(FL_SYS_SPACE_CREATE, pool);
}

static inline long fl_space_destroy(fl_handle_t space)
{
    return FL_SYSCALL1(FL_SYS_SPACE_DESTROY, space);
}

static inline long fl_vm_alloc(fl_handle_t space, uint64_t vaddr, uint64_t pages, unsigned prot)
{
    return FL_SYSCALL4(FL_SYS_VM_ALLOC, space, vaddr, pages, prot);
}

/* Maps the frames behind the caller's [src, src + pages) at dst in space. */
static inline long fl_vm_map(fl_handle_t space, uint64_t dst, uint64_t src, uint64_t pages,
                             unsigned prot)
{
    return FL_SYSCALL5(FL_SYS_VM_MAP, space, dst, src, pages, prot);
}

static inline long fl_vm_unmap(fl_handle_t space, uint64_t vaddr, uint64_t pages)
{
    return FL_SYSCALL3(FL_SYS_VM_UNMAP, space, vaddr, pages);
}

static inline long fl_vm_protect(fl_handle_t space, uint64_t vaddr, uint64_t pages, unsigned prot)
{
    return FL_SYSCALL4(FL_SYS_VM_PROTECT, space, vaddr, pages, prot);
}

static inline long fl_region_map(fl_handle_t space, fl_handle_t region, uint64_t offset,
                                 uint64_t vaddr, uint64_t size, unsigned prot)
{
    return fl_syscall6(FL_SYS_REGION_MAP, space, region, offset, vaddr, size, prot);
}

/* --- threads -------------------------------------------------------------------------------- */

/* A stopped thread in space, starting at entry with sp = stack and x0 = arg. */
static inline long fl_thread_create(fl_handle_t space, uint64_t entry, uint64_t stack, uint64_t arg,
                                    unsigned priority)
{
    return FL_SYSCALL5(FL_SYS_THREAD_CREATE, space, entry, stack, arg, priority);
}

static inline long fl_thread_start(fl_handle_t thread)
{
    return FL_SYSCALL1(FL_SYS_THREAD_START, thread);
}

static inline __attribute__((noreturn)) void fl_thread_exit(int status)
{
    FL_SYSCALL1(FL_SYS_THREAD_EXIT, (uint64_t)(int64_t)status);
    __builtin_trap();
}

static inline long fl_yield(void)
{
    return FL_SYSCALL0(FL_SYS_YIELD);
}

static inline long fl_thread_set_ipc_buffer(void *page)
{
    return FL_SYSCALL1(FL_SYS_THREAD_SET_IPC_BUFFER, page);
}

/* --- IPC ------------------------------------------------------------------------------------ */

static inline long fl_endpoint_create(void)
{
    return FL_SYSCALL0(FL_SYS_ENDPOINT_CREATE);
}

static inline long fl_send(fl_handle_t ep, const fl_msg_t *m)
{
    fl_msg_t copy = *m;
    return fl_ipc_trap(FL_SYS_SEND, ep, &copy, 0);
}

/* Waits for a message on ep; fills *m (tag, words, sender's badge). */
static inline long fl_recv(fl_handle_t ep, fl_msg_t *m)
{
    fl_msg_t none = {0};
    long r = fl_ipc_trap(FL_SYS_RECV, ep, &none, 1);
    if (r >= 0)
        *m = none;
    return r;
}

/* Sends *m and waits for the reply, which replaces *m. */
static inline long fl_call(fl_handle_t ep, fl_msg_t *m)
{
    return fl_ipc_trap(FL_SYS_CALL, ep, m, 1);
}

/* Replies to the caller this thread last received from. */
static inline long fl_reply(const fl_msg_t *m)
{
    fl_msg_t copy = *m;
    return fl_ipc_trap(FL_SYS_REPLY, 0, &copy, 0);
}

/* Replies with *m, then waits on ep; the next message replaces *m. */
static inline long fl_reply_recv(fl_handle_t ep, fl_msg_t *m)
{
    return fl_ipc_trap(FL_SYS_REPLY_RECV, ep, m, 1);
}

static inline long fl_notification_create(void)
{
    return FL_SYSCALL0(FL_SYS_NOTIFICATION_CREATE);
}

static inline long fl_signal(fl_handle_t ntf, uint64_t bits)
{
    return FL_SYSCALL2(FL_SYS_SIGNAL, ntf, bits);
}

/* Waits until some bits are set; returns them and clears them. */
static inline long fl_wait(fl_handle_t ntf)
{
    return FL_SYSCALL1(FL_SYS_WAIT, ntf);
}

/* Returns the bits set now (clearing them), 0 if none; never blocks. */
static inline long fl_poll(fl_handle_t ntf)
{
    return FL_SYSCALL1(FL_SYS_POLL, ntf);
}

static inline long fl_irq_bind(fl_handle_t irq, fl_handle_t ntf, uint64_t bits)
{
    return FL_SYSCALL3(FL_SYS_IRQ_BIND, irq, ntf, bits);
}

static inline long fl_irq_ack(fl_handle_t irq)
{
    return FL_SYSCALL1(FL_SYS_IRQ_ACK, irq);
}

/* --- fault forwarding and process ends ------------------------------------------------------- */

/* Sets thread's pager (FL_HANDLER_PAGER) or exception handler to ep (0 clears it). */
static inline long fl_thread_set_handler(fl_handle_t thread, unsigned which, fl_handle_t ep)
{
    return FL_SYSCALL3(FL_SYS_THREAD_SET_HANDLER, thread, which, ep);
}

/* Reads and clears the access flags of [va, va + pages); bit i of bitmap = page i was used. */
static inline long fl_vm_harvest(fl_handle_t space, uint64_t va, uint64_t pages, uint64_t *bitmap)
{
    return FL_SYSCALL4(FL_SYS_VM_HARVEST, space, va, pages, bitmap);
}

/* Signals bits on ntf when the process of space ends (at once if it has). */
static inline long fl_space_watch(fl_handle_t space, fl_handle_t ntf, uint64_t bits)
{
    return FL_SYSCALL3(FL_SYS_SPACE_WATCH, space, ntf, bits);
}

/* 0 while the process lives; 1 once it ended, with its exit status in *status (if not NULL). */
static inline long fl_space_status(fl_handle_t space, long *status)
{
    register uint64_t x0 __asm__("x0") = space;
    register uint64_t x1 __asm__("x1") = 0;
    register uint64_t x8 __asm__("x8") = FL_SYS_SPACE_STATUS;
    __asm__ volatile("svc #0" : "+r"(x0), "+r"(x1), "+r"(x8) : : "memory");
    if (status && (long)x0 == 1)
        *status = (long)x1;
    return (long)x0;
}

/* --- faulted threads, deadlines (faultline/fault.h) ----------------------------------------- */

/* The registers of the thread whose fault or exception this thread received and still owes a
 * reply; FL_EPEER when it owes none. */
static inline long fl_fault_regs_get(fl_regs_t *out)
{
    return FL_SYSCALL2(FL_SYS_FAULT_REGS_GET, out, 0);
}

/* New registers for that thread, in effect when the reply resumes it (only NZCV of PSTATE). */
static inline long fl_fault_regs_set(const fl_regs_t *in)
{
    return FL_SYSCALL2(FL_SYS_FAULT_REGS_SET, in, 0);
}

/* The registers of the thread whose fault `token` names (FL_FAULT_TOKEN), if the caller's space
 * owes it (held or not): FL_ENOENT otherwise. */
static inline long fl_fault_regs_get_of(uint64_t token, fl_regs_t *out)
{
    return FL_SYSCALL2(FL_SYS_FAULT_REGS_GET, out, token);
}

static inline long fl_fault_regs_set_of(uint64_t token, const fl_regs_t *in)
{
    return FL_SYSCALL2(FL_SYS_FAULT_REGS_SET, in, token);
}

/* The reply token of received fault message m. */
static inline uint64_t fl_fault_token(const fl_msg_t *m)
{
    return FL_FAULT_TOKEN(m->fault_thread, m->w[3]);
}

/* Answers the fault `token` names with fault reply *m (map, resume or fail), whichever fault
 * this space's threads hold and in any order; the same checks as a reply. FL_ENOENT: nothing
 * this space owes has that token (answered, timed out, the thread gone, another pager's). */
static inline long fl_fault_reply(uint64_t token, const fl_msg_t *m)
{
    register uint64_t x0 __asm__("x0") = token;
    register uint64_t x1 __asm__("x1") = m->tag;
    register uint64_t x2 __asm__("x2") = m->w[0];
    register uint64_t x3 __asm__("x3") = m->w[1];
    register uint64_t x4 __asm__("x4") = m->w[2];
    register uint64_t x5 __asm__("x5") = m->w[3];
    register uint64_t x8 __asm__("x8") = FL_SYS_FAULT_REPLY;
    __asm__ volatile("svc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5), "+r"(x8)
                     :
                     : "x6", "x7", "memory");
    return (long)x0;
}

/* Resumes every page fault in [va, va + len) this space owes, and those still queued on ep
 * (0: none), with pager badge `badge` (0: any): they retry the access. -> how many. */
static inline long fl_fault_wake(fl_handle_t ep, uint64_t va, uint64_t len, uint64_t badge)
{
    return FL_SYSCALL4(FL_SYS_FAULT_WAKE, ep, va, len, badge);
}

/* The id of a thread (0: the caller), as fault messages carry it in fl_msg_t.fault_thread. */
static inline long fl_thread_id(fl_handle_t thread)
{
    return FL_SYSCALL1(FL_SYS_THREAD_ID, thread);
}

/* Sets pager attribute FL_EP_* of ep (needs FL_RIGHT_MANAGE). */
static inline long fl_endpoint_set(fl_handle_t ep, unsigned attr, uint64_t value)
{
    return FL_SYSCALL3(FL_SYS_ENDPOINT_SET, ep, attr, value);
}

/* Faults sent to ep must be answered within ticks (100 Hz) or they fail; 0 turns it off. */
static inline long fl_endpoint_set_deadline(fl_handle_t ep, uint64_t ticks)
{
    return fl_endpoint_set(ep, FL_EP_FAULT_DEADLINE, ticks);
}

/* --- SMP ------------------------------------------------------------------------------------- */

/* The CPUs thread (0: the caller) may run on; mask 0 only reads. Returns the old mask; *cpu
 * gets the CPU it runs on (or last ran on), *online the number of CPUs. */
static inline long fl_thread_affinity(fl_handle_t thread, uint64_t mask, unsigned *cpu,
                                      unsigned *online)
{
    register uint64_t x0 __asm__("x0") = thread;
    register uint64_t x1 __asm__("x1") = mask;
    register uint64_t x2 __asm__("x2") = 0;
    register uint64_t x8 __asm__("x8") = FL_SYS_THREAD_AFFINITY;
    __asm__ volatile("svc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x8) : : "memory");
    if ((long)x0 >= 0) {
        if (cpu)
            *cpu = (unsigned)x1;
        if (online)
            *online = (unsigned)x2;
    }
    return (long)x0;
}

/* The CPU the calling thread runs on. */
static inline unsigned fl_cpu_id(void)
{
    unsigned cpu = 0;
    fl_thread_affinity(0, 0, &cpu, 0);
    return cpu;
}

/* --- helpers (syscall.c) -------------------------------------------------------------------- */

/* "FL_EPERM" etc. for a result; "FL_OK" for 0 and positive values; "?" for unknown codes. */
const char *fl_strerror(long err);
/* The free-frame count from FL_SYS_SYSTEM_INFO, or a negative error. */
long fl_frames_free(void);

#endif
