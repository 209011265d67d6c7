/* Threads and the scheduler: fixed priorities, round-robin within one, timer preemption. */
#ifndef KERNEL_THREAD_H
#define KERNEL_THREAD_H

#include <arch/context.h>
#include <arch/memlayout.h>
#include <arch/trap_frame.h>
#include <kernel/cpu.h>
#include <kernel/kobj.h>
#include <kernel/space.h>
#include <stdbool.h>

#define THREAD_PRIORITIES 32
#define TIMESLICE_TICKS   2

typedef enum {
    TS_STOPPED,     /* created, not started */
    TS_READY,       /* in a run queue */
    TS_RUNNING,     /* current */
    TS_SEND,        /* queued on an endpoint to send (or call) */
    TS_RECV,        /* queued on an endpoint to receive */
    TS_REPLY,       /* called; waiting for the reply */
    TS_NOTIFY_WAIT, /* waiting on a notification */
    TS_DEAD
} thread_state_t;

struct endpoint;
struct notification;

typedef struct thread {
    kobj_t obj;
    arch_context_t ctx;
    trap_frame_t *tf;                 /* user registers, at the top of the kernel stack */
    uint64_t kstack_top;              /* the kernel stack (arch/kstack.h), above a guard */
    uint64_t kstack_pa[KSTACK_PAGES]; /* its frames, charged to the thread's pool */
    space_t *space;
    struct thread *space_next;
    thread_state_t state;
    unsigned prio;
    unsigned slice;
    struct thread *qnext, *qprev; /* run queue or wait queue */
    struct endpoint *ep;          /* queued on, in TS_SEND / TS_RECV */
    struct notification *ntf;     /* waiting on, in TS_NOTIFY_WAIT */
    bool is_call;                 /* in TS_SEND: a call, wants a reply */
    uint64_t send_badge;          /* badge of the handle it sends through */
    struct thread *reply_to;      /* the caller this thread owes a reply */
    struct thread *replier;       /* in TS_REPLY: who owes us */
    uint64_t tls;                 /* TPIDR_EL0 while switched out */
    uint64_t ipcbuf_va;           /* registered IPC buffer page, 0 if none (ipc_buffer()) */
    uint32_t id;
    bool kernel; /* an idle thread */
    /* Fault forwarding (kernel/fault.c). */
    struct endpoint *pager, *exc_handler; /* each holds a reference */
    uint64_t pager_badge, exc_badge;
    bool in_fault;         /* blocked on a fault message: replies are fault replies */
    bool fault_in_syscall; /* the fault was the kernel's copy for a system call, rewound to
                              its svc: a fail reply makes the call return FL_EFAULT */
    uint64_t fault_msg[6]; /* tag, w0..w3 and the SP (x7) of the pending fault message */
    uint32_t fault_seq;
    /* Held faults (kernel/fault_async.c): a pager thread's faults received and not answered
     * besides its reply target (held_faults, through held_next); a faulting thread on one has
     * is_held set and its replier is that pager thread. */
    struct thread *held_faults, *held_next;
    bool is_held;
    /* Fault deadlines (kernel/fault_deadline.c): armed when a fault goes to an endpoint with a
     * deadline; the thread is on the deadline list (holding a reference) while armed. */
    uint64_t fault_deadline;      /* tick by which the fault must be answered */
    uint64_t deadline_ticks;      /* the endpoint's deadline then, for the report */
    uint32_t deadline_seq;        /* fault_seq of the fault the deadline is for */
    bool deadline_linked;         /* on the list */
    struct thread *deadline_next; /* the list */
    /* The last fault the kernel settled alone (PC, address, access | kind << 8), so that the
     * same fault straight after is forwarded, not settled again (kernel/fault.c). */
    uint64_t settled[3];
    uint32_t collect_refs; /* scratch of space.c's reachability check */
    bool collect_seen;
    /* SMP (kernel/sched.c); after the fields fastpath.S reads by offset. */
    uint32_t cpu;      /* the CPU it runs on, is queued on, or last ran on */
    uint32_t affinity; /* CPUs it may run on (bit n: CPU n) */
    uint32_t fpu_cpu;  /* the CPU whose registers last loaded its FP/SIMD state */
    arch_fpu_t fpu;
} thread_t;

/* The running CPU's current thread (cpu.h). */
#define current (this_cpu()->cur)

thread_t *thread_create(space_t *s, uint64_t entry, uint64_t sp, uint64_t arg, unsigned prio);
void thread_start(thread_t *t);
/* Ends t (any state). If it is the current thread the caller must not touch it afterwards and
 * must reach sched_exit_point. */
void thread_kill(thread_t *t);

void sched_init(void);
void sched_init_cpu(unsigned id);
/* t becomes ready on the CPU the placement rules choose (sched.c), sending it an SGI if it
 * should look; sched_ready_here prefers the calling CPU (the caller is about to block). */
void sched_ready(thread_t *t);
void sched_ready_here(thread_t *t);
void sched_unready(thread_t *t);
/* New CPU mask (non-empty, online CPUs only): a thread queued or running where it may no
 * longer run moves (a running one at its CPU's next preemption point, after an SGI). */
void sched_set_affinity(thread_t *t, uint32_t mask);
/* The current thread stopped running (blocked or dead): run someone else. Returns when the
 * current thread runs again (never for a dead one). */
void sched_switch(void);
/* The current thread was killed (here or from another CPU): switch away for good. */
__attribute__((noreturn)) void sched_exit_dead(void);
/* Called on return to user space: preempt if the time slice is used up. */
void sched_preempt_point(void);
/* Frees the thread that died while current, once we are off its stack. */
void sched_reap(void);
void sched_fpu_handover_smp(cpu_t *c, thread_t *prev, thread_t *next);
/* Loads next's address space, FP/SIMD access and TLS in place of prev's (both switch paths;
 * inline: it is on the IPC fast path). */
static inline void sched_handover(thread_t *prev, thread_t *next)
{
    cpu_t *c = this_cpu();
    if (!next->kernel && c->active_space != next->space)
        space_activate(next->space);
    if (__builtin_expect(smp_on, 0))
        sched_fpu_handover_smp(c, prev, next);
    else if ((prev == c->fpu_owner) != (next == c->fpu_owner) || prev->kernel)
        arch_fpu_enable(next == c->fpu_owner); /* one CPU: the lazy switch as it always was */
    next->state = TS_RUNNING;
    next->cpu = c->arch.id;
    if (next->slice == 0)
        next->slice = TIMESLICE_TICKS;
    c->cur = next;
    arch_tls_switch(&prev->tls, next->tls);
}
/* Whether sched_preempt_point has anything to do (checked inline on every return to EL0). */
static inline bool sched_work_pending(void)
{
    cpu_t *c = this_cpu();
    return c->need_resched || c->zombie;
}
void sched_yield(void);
void sched_tick(void);
/* Priority of the highest thread ready on this CPU, 0 when none is ready. */
static inline unsigned sched_highest_ready(void)
{
    uint32_t bits = this_cpu()->runq_bits;
    return bits ? 31 - (unsigned)__builtin_clz(bits) : 0;
}
/* Whether t's affinity allows the calling CPU. */
static inline bool thread_may_run_here(const thread_t *t)
{
    return !smp_on || ((t->affinity >> cpu_id()) & 1);
}
/* No CPU's FP/SIMD registers belong to t any more (it is dying). */
void sched_fpu_forget(thread_t *t);
__attribute__((noreturn)) void sched_start(void);
/* Lazy FP: the current thread touched FP/SIMD with the unit off (EC 0x07). */
void sched_fpu_trap(void);
uint64_t thread_count(void);

#endif
