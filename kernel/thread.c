/* Thread objects; see thread.h. */
#include <arch/arch.h>
#include <arch/kstack.h>
#include <arch/sysreg_bits.h>
#include <faultline/errors.h>
#include <kernel/ipc.h>
#include <kernel/page.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/thread.h>

static uint32_t next_thread_id = 1;
static uint64_t live_threads;

uint64_t thread_count(void)
{
    return live_threads;
}

/* The thread's kernel stack: frames of its pool, mapped above a guard page. */
static bool kstack_alloc(thread_t *t)
{
    pool_t *pool = t->obj.pool;
    unsigned n = 0;
    while (n < KSTACK_PAGES && (t->kstack_pa[n] = pool_frame_alloc(pool)) != 0)
        n++;
    if (n == KSTACK_PAGES && (t->kstack_top = arch_kstack_map(t->kstack_pa)) != 0)
        return true;
    while (n--) {
        pool_frame_free(pool, t->kstack_pa[n]);
        t->kstack_pa[n] = 0;
    }
    return false;
}

static void kstack_free(thread_t *t)
{
    if (!t->kstack_top)
        return;
    arch_kstack_unmap(t->kstack_top);
    t->kstack_top = 0;
    for (unsigned i = 0; i < KSTACK_PAGES; i++)
        pool_frame_free(t->obj.pool, t->kstack_pa[i]);
}

thread_t *thread_create(space_t *s, uint64_t entry, uint64_t sp, uint64_t arg, unsigned prio)
{
    thread_t *t = kobj_alloc(s->pool, FL_OBJ_THREAD, sizeof(thread_t));
    if (!t)
        return NULL;
    if (!kstack_alloc(t)) {
        t->state = TS_DEAD; /* never was: the destructor has only the object to free */
        kobj_put(&t->obj);
        return NULL;
    }
    t->tf = (trap_frame_t *)(t->kstack_top - sizeof(trap_frame_t));
    t->tf->elr = entry;
    t->tf->sp_el0 = sp;
    t->tf->x[0] = arg;
    t->tf->spsr = SPSR_EL0T;
    arch_context_init_user(&t->ctx, t->tf);
    t->space = s;
    kobj_get(&s->obj);
    t->space_next = s->threads;
    s->threads = t;
    s->nthreads++;
    t->prio = prio;
    t->cpu = cpu_id();
    t->affinity = (1u << cpus_online) - 1;
    t->fpu_cpu = ~0u;
    t->state = TS_STOPPED;
    t->id = next_thread_id++;
    kobj_get(&t->obj); /* the reference "being alive" holds, dropped when it dies */
    live_threads++;
    return t;
}

void thread_start(thread_t *t)
{
    if (t->state == TS_STOPPED)
        sched_ready(t);
}

static void unlink_from_space(thread_t *t)
{
    space_t *s = t->space;
    for (thread_t **p = &s->threads; *p; p = &(*p)->space_next) {
        if (*p == t) {
            *p = t->space_next;
            s->nthreads--;
            return;
        }
    }
}

void thread_kill(thread_t *t)
{
    if (t->state == TS_DEAD)
        return;
    space_t *s = t->space;
    kobj_get(&s->obj); /* t's own reference on s may go below */
    /* Running on another CPU: that CPU frees it once it has left it (kernel_enter). */
    bool remote = t->state == TS_RUNNING && t != current;
    if (t->state == TS_READY)
        sched_unready(t);
    ipc_cancel_thread(t);
    sched_fpu_forget(t);
    t->in_fault = false;
    t->fault_in_syscall = false;
    if (t->pager && !t->space->dead && t->space->nthreads > 1)
        space_pagers_update(t->space, t, NULL, 0); /* the others' pagers only (space_pagers.c);
                                                      the last thread's stay for the end events */
    if (t->pager) {
        kobj_put(&t->pager->obj);
        t->pager = NULL;
    }
    if (t->exc_handler) {
        kobj_put(&t->exc_handler->obj);
        t->exc_handler = NULL;
    }
    t->state = TS_DEAD;
    unlink_from_space(t);
    live_threads--;
    if (t == current) {
        sched_reap();           /* one zombie at a time: free the previous one first */
        this_cpu()->zombie = t; /* its stack is in use: freed after the switch */
    } else if (remote) {
        smp_stall(&cpus[t->cpu]); /* it runs no more user code; its CPU frees it */
    } else {
        kobj_put(&t->obj);
    }
    if (s->nthreads == 0 && !s->dead)
        space_kill(s, s->exit_status);
    else if (t != current && !remote)
        space_collect(s, 1); /* its other threads may all be unstartable now */
    kobj_put(&s->obj);
}

void thread_destroy_obj(kobj_t *o)
{
    thread_t *t = (thread_t *)o;
    BUG_ON(t->state != TS_DEAD);
    kstack_free(t); /* not current: sched_reap frees a dead current only after the switch */
    space_t *s = t->space;
    if (!s)
        return; /* thread_create failed before it belonged anywhere */
    /* Destructors run on the reaper list: if this was the last reference, s is only queued
     * (refs 0, and the check below leaves it alone); if not, s may now be a cycle. */
    kobj_put(&s->obj);
    if (s->obj.refs)
        space_collect(s, 0);
}
