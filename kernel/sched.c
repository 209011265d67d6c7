/*
 * The scheduler: per CPU, one run queue per priority (circular lists); the highest non-empty
 * one runs, round-robin within it, and the timer takes the CPU from a thread whose slice is
 * used up. The kernel itself is never preempted: it runs with interrupts masked, except in the
 * idle threads. Across CPUs (docs/design.md, "SMP and locking"): a woken thread goes to its
 * last CPU unless that one is busy and another allowed CPU idles; an idle CPU steals from the
 * others. All queues are under the big kernel lock.
 */
#include <arch/arch.h>
#include <arch/sysreg.h>
#include <kernel/cpu.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/thread.h>

_Static_assert(CPU_PRIORITIES == THREAD_PRIORITIES, "one run queue per priority");

static thread_t idle_threads[MAX_CPUS];
static uint8_t idle_stacks[MAX_CPUS][8192] __attribute__((aligned(16)));

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

static bool allowed(const thread_t *t, const cpu_t *c)
{
    return (t->affinity >> c->arch.id) & 1;
}

static bool is_idle(const cpu_t *c)
{
    return c->online && c->cur == c->idle && !c->runq_bits;
}

static unsigned highest(uint32_t bits)
{
    return 31 - (unsigned)__builtin_clz(bits);
}

/* Where a thread that becomes ready should run (see the file comment). */
static cpu_t *place(const thread_t *t)
{
    cpu_t *me = this_cpu();
    if (!smp_on)
        return me;
    cpu_t *last = &cpus[t->cpu];
    if (allowed(t, last) && last->online &&
        (is_idle(last) || (last->cur && !last->cur->kernel && last->cur->prio < t->prio)))
        return last;
    for (unsigned i = 0; i < cpus_online; i++)
        if (allowed(t, &cpus[i]) && is_idle(&cpus[i]))
            return &cpus[i];
    if (allowed(t, last) && last->online)
        return last;
    for (unsigned i = 0; i < cpus_online; i++)
        if (allowed(t, &cpus[i]))
            return &cpus[i];
    return me; /* unreachable: the affinity call keeps at least one online CPU */
}

static void ready_on(cpu_t *c, thread_t *t)
{
    t->state = TS_READY;
    t->cpu = c->arch.id;
    q_push(&c->runq[t->prio], t);
    c->runq_bits |= 1u << t->prio;
    if (c == this_cpu()) {
        if (c->cur && t->prio > c->cur->prio)
            c->need_resched = true;
    } else if (c->cur == c->idle || t->prio > c->cur->prio) {
        c->need_resched = true;
        arch_send_resched(&c->arch);
    }
}

void sched_ready(thread_t *t)
{
    ready_on(place(t), t);
}

void sched_ready_here(thread_t *t)
{
    cpu_t *me = this_cpu();
    ready_on(allowed(t, me) ? me : place(t), t);
}

void sched_set_affinity(thread_t *t, uint32_t mask)
{
    t->affinity = mask;
    cpu_t *c = &cpus[t->cpu];
    if (allowed(t, c))
        return;
    if (t->state == TS_READY) { /* queued where it may no longer run */
        sched_unready(t);
        sched_ready(t);
    } else if (t->state == TS_RUNNING) { /* moves at its CPU's next preemption point */
        c->need_resched = true;
        if (c != this_cpu())
            arch_send_resched(&c->arch);
    } else {
        t->cpu = (uint32_t)__builtin_ctz(mask); /* blocked: placed from there when woken */
    }
}

void sched_unready(thread_t *t)
{
    cpu_t *c = &cpus[t->cpu];
    q_remove(&c->runq[t->prio], t);
    if (!c->runq[t->prio])
        c->runq_bits &= ~(1u << t->prio);
}

/* An idle CPU takes the best ready thread it may run from the other CPUs' queues. */
static thread_t *steal(cpu_t *me)
{
    thread_t *best = NULL;
    for (unsigned i = 0; i < cpus_online; i++) {
        cpu_t *c = &cpus[i];
        if (c == me || !c->runq_bits)
            continue;
        for (int p = (int)highest(c->runq_bits); p >= 0 && (!best || p > (int)best->prio); p--) {
            thread_t *q = c->runq[p], *t = q;
            if (!q)
                continue;
            do {
                if (allowed(t, me)) {
                    best = t;
                    break;
                }
                t = t->qnext;
            } while (t != q);
            if (best && best->prio == (unsigned)p)
                break;
        }
    }
    if (best)
        sched_unready(best);
    return best;
}

static thread_t *pick(cpu_t *c)
{
    if (!c->runq_bits) {
        thread_t *t = smp_on ? steal(c) : NULL;
        return t ? t : c->idle;
    }
    thread_t *t = c->runq[highest(c->runq_bits)];
    sched_unready(t);
    return t;
}

void sched_reap(void)
{
    cpu_t *c = this_cpu();
    if (c->zombie && c->zombie != c->cur) {
        thread_t *z = c->zombie;
        c->zombie = NULL;
        kobj_put(&z->obj);
    }
}

void sched_fpu_handover_smp(cpu_t *c, thread_t *prev, thread_t *next)
{
    /* A thread may run next on another CPU, which must find its FP/SIMD state in memory:
     * save it on the way out (the registers stay valid here while fpu_cpu says so). */
    if (prev == c->fpu_owner && prev->fpu_cpu == c->arch.id)
        arch_fpu_save(&prev->fpu);
    arch_fpu_enable(next == c->fpu_owner && next->fpu_cpu == c->arch.id);
}

static void switch_to(thread_t *next)
{
    thread_t *prev = current;
    if (next == prev) {
        next->state = TS_RUNNING;
        return;
    }
    sched_handover(prev, next);
    arch_context_switch(&prev->ctx, &next->ctx);
    sched_reap();
}

void sched_switch(void)
{
    switch_to(pick(this_cpu()));
}

void sched_exit_dead(void)
{
    cpu_t *c = this_cpu();
    sched_reap(); /* one zombie at a time */
    c->zombie = c->cur;
    sched_switch();
    panic("a dead thread ran again");
}

void sched_yield(void)
{
    cpu_t *c = this_cpu();
    thread_t *t = c->cur;
    t->slice = TIMESLICE_TICKS;
    if (!(c->runq_bits >> t->prio))
        return; /* nobody of its priority or higher waits here: it goes on (idle CPUs steal) */
    sched_ready_here(t);
    sched_switch();
}

void sched_preempt_point(void)
{
    sched_reap();
    cpu_t *c = this_cpu();
    if (!c->need_resched || c->cur->kernel)
        return;
    c->need_resched = false;
    if (!allowed(c->cur, c)) { /* its affinity changed while it ran: move it */
        sched_ready(c->cur);
        sched_switch();
        return;
    }
    if (!c->runq_bits || highest(c->runq_bits) < c->cur->prio) {
        if (c->cur->slice == 0) /* used up with nobody to yield to: a new one starts, or */
            c->cur->slice = TIMESLICE_TICKS; /* a thread readied later would never get in */
        return;
    }
    sched_yield();
}

void sched_tick(void)
{
    thread_t *t = current;
    if (t && !t->kernel && t->slice && --t->slice == 0)
        this_cpu()->need_resched = true;
}

void sched_fpu_trap(void)
{
    cpu_t *c = this_cpu();
    arch_fpu_enable(1);
    /* One CPU: the owner's state lives only in the registers, save it now (lazy switch). On
     * SMP it was saved when its owner was switched out (sched_handover). */
    if (!smp_on && c->fpu_owner && c->fpu_owner != current)
        arch_fpu_save(&c->fpu_owner->fpu);
    arch_fpu_restore(&current->fpu);
    c->fpu_owner = current;
    current->fpu_cpu = c->arch.id;
}

void sched_fpu_forget(thread_t *t)
{
    for (unsigned i = 0; i < cpus_online; i++) {
        if (cpus[i].fpu_owner != t)
            continue;
        cpus[i].fpu_owner = NULL; /* the next user there must trap */
        if (&cpus[i] == this_cpu())
            arch_fpu_enable(0);
    }
}

static void idle_loop(void)
{
    for (;;) {
        cpu_t *c = this_cpu();
        sched_reap();
        c->need_resched = false;
        if (c->runq_bits || (smp_on && cpus_online > 1)) {
            thread_t *t = pick(c);
            if (t != c->idle) {
                switch_to(t);
                continue;
            }
        }
        /* wfi wakes on a pending interrupt even while masked; the lock is free meanwhile. */
        bkl_unlock();
        arch_cpu_idle();
        bkl_lock();
        arch_irq_unmask();
        arch_irq_mask();
    }
}

void sched_init_cpu(unsigned id)
{
    cpu_t *c = &cpus[id];
    thread_t *idle = &idle_threads[id];
    idle->kernel = true;
    idle->state = TS_RUNNING;
    idle->obj.refs = 1;
    idle->cpu = id;
    idle->affinity = 1u << id;
    arch_context_init_kernel(&idle->ctx, idle_loop,
                             (uint64_t)(idle_stacks[id] + sizeof(idle_stacks[id])));
    c->idle = idle;
    if (id != 0) /* CPU 0 is online in the ASID allocator from its start */
        space_cpu_online(id);
}

void sched_init(void)
{
    sched_init_cpu(0);
}

void sched_start(void)
{
    static thread_t boot[MAX_CPUS]; /* each boot stack's context, abandoned here */
    cpu_t *c = this_cpu();
    boot[c->arch.id].kernel = true;
    c->cur = &boot[c->arch.id];
    arch_irq_mask();
    bkl_lock();
    __atomic_store_n(&c->online, true, __ATOMIC_RELEASE);
    if (c->arch.id == 0)
        arch_smp_release();
    switch_to(c->idle);
    panic("sched_start returned");
}
