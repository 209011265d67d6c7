/*
 * The scheduler: one run queue per priority (circular lists), the highest non-empty one runs,
 * round-robin within it, and the timer takes the CPU from a thread whose slice is used up.
 * The kernel itself is never preempted: it runs with interrupts masked, except in the idle
 * thread.
 */
#include <arch/arch.h>
#include <arch/sysreg.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/thread.h>

thread_t *current;
thread_t *sched_zombie; /* died while current; freed once we are off its stack */
thread_t *fpu_owner;    /* whose state is in the FP/SIMD registers */

static thread_t *runq[THREAD_PRIORITIES];
uint32_t sched_runq_bits; /* bit p: run queue p is not empty */
bool sched_need_resched;
static thread_t idle_thread;
static uint8_t idle_stack[8192] __attribute__((aligned(16)));

static void q_push(thread_t **q, thread_t *t)
{
    if (!*q) {
        t->qnext = t->qprev = t;
        *q = t;
        return;
    }
    t->qnext = *q;
    t->qprev = (*q)->qprev;
    (*q)->qprev->qnext = t;
    (*q)->qprev = t;
}

static void q_remove(thread_t **q, thread_t *t)
{
    if (t->qnext == t) {
        *q = NULL;
    } else {
        t->qprev->qnext = t->qnext;
        t->qnext->qprev = t->qprev;
        if (*q == t)
            *q = t->qnext;
    }
    t->qnext = t->qprev = NULL;
}

void sched_ready(thread_t *t)
{
    t->state = TS_READY;
    q_push(&runq[t->prio], t);
    sched_runq_bits |= 1u << t->prio;
    if (current && t->prio > current->prio)
        sched_need_resched = true;
}

void sched_unready(thread_t *t)
{
    q_remove(&runq[t->prio], t);
    if (!runq[t->prio])
        sched_runq_bits &= ~(1u << t->prio);
}

static thread_t *pick(void)
{
    if (!sched_runq_bits)
        return &idle_thread;
    unsigned prio = 31 - (unsigned)__builtin_clz(sched_runq_bits);
    thread_t *t = runq[prio];
    sched_unready(t);
    return t;
}

void sched_reap(void)
{
    if (sched_zombie && sched_zombie != current) {
        thread_t *z = sched_zombie;
        sched_zombie = NULL;
        kobj_put(&z->obj);
    }
}

static void switch_to(thread_t *next)
{
    thread_t *prev = current;
    if (next == prev) {
        next->state = TS_RUNNING;
        return;
    }
    if (!next->kernel && (prev->kernel || prev->space != next->space || prev->space->dead))
        space_activate(next->space);
    if ((prev == fpu_owner) != (next == fpu_owner) || prev->kernel)
        arch_fpu_enable(next == fpu_owner);
    next->state = TS_RUNNING;
    if (next->slice == 0)
        next->slice = TIMESLICE_TICKS;
    current = next;
    arch_tls_switch(&prev->tls, next->tls);
    arch_context_switch(&prev->ctx, &next->ctx);
    sched_reap();
}

void sched_switch(void)
{
    switch_to(pick());
}

void sched_yield(void)
{
    current->slice = TIMESLICE_TICKS;
    sched_ready(current);
    sched_switch();
}

void sched_preempt_point(void)
{
    sched_reap();
    if (!sched_need_resched || current->kernel)
        return;
    sched_need_resched = false;
    if (!sched_runq_bits || (31 - (unsigned)__builtin_clz(sched_runq_bits)) < current->prio)
        return;
    sched_yield();
}

void sched_tick(void)
{
    if (current && !current->kernel && current->slice && --current->slice == 0)
        sched_need_resched = true;
}

void sched_fpu_trap(void)
{
    if (fpu_owner)
        arch_fpu_enable(1), arch_fpu_save(&fpu_owner->fpu);
    arch_fpu_enable(1);
    arch_fpu_restore(&current->fpu);
    fpu_owner = current;
}

static void idle_loop(void)
{
    for (;;) {
        sched_reap();
        if (sched_runq_bits) {
            sched_switch();
            continue;
        }
        /* wfi wakes on a pending interrupt even while masked; unmask to take it. */
        arch_cpu_idle();
        arch_irq_unmask();
        arch_irq_mask();
    }
}

void sched_init(void)
{
    idle_thread.kernel = true;
    idle_thread.state = TS_RUNNING;
    idle_thread.obj.refs = 1;
    arch_context_init_kernel(&idle_thread.ctx, idle_loop,
                             (uint64_t)(idle_stack + sizeof(idle_stack)));
}

void sched_start(void)
{
    static thread_t boot; /* the boot stack's context, abandoned here */
    boot.kernel = true;
    current = &boot;
    arch_irq_mask();
    switch_to(&idle_thread);
    panic("sched_start returned");
}
