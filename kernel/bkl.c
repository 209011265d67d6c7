/*
 * The big kernel lock and the stall handshake (docs/design.md, "SMP and locking"). The lock is
 * a ticket lock: CPUs get the kernel in the order they asked for it, so no CPU starves behind
 * a busy neighbour. While waiting, a CPU answers stall requests: the lock holder is then
 * waiting for exactly that answer and changes nothing the answer reads.
 */
#include <arch/vspace.h>
#include <kernel/cpu.h>
#include <kernel/space.h>
#include <kernel/thread.h>

cpu_t cpus[MAX_CPUS];
unsigned cpus_online = 1;
bool smp_on;

static struct {
    uint32_t next;  /* next ticket to hand out */
    uint32_t owner; /* ticket that holds the lock */
} bkl;

static void stall_answer(cpu_t *c)
{
    uint32_t seq = __atomic_load_n(&c->stall_seq, __ATOMIC_ACQUIRE);
    if (seq == c->stall_done)
        return;
    space_t *s = c->active_space;
    if (s && s->dead) { /* its tables are about to be freed: no more walks through them */
        vspace_activate(0, 0, false);
        c->active_space = NULL;
    }
    __atomic_store_n(&c->stall_done, seq, __ATOMIC_RELEASE);
}

void bkl_lock(void)
{
    if (!smp_on)
        return;
    cpu_t *c = this_cpu();
    uint32_t me = __atomic_fetch_add(&bkl.next, 1, __ATOMIC_RELAXED);
    while (__atomic_load_n(&bkl.owner, __ATOMIC_ACQUIRE) != me) {
        stall_answer(c);
        __asm__ volatile("yield");
    }
}

void bkl_unlock(void)
{
    if (!smp_on)
        return;
    __atomic_store_n(&bkl.owner, bkl.owner + 1, __ATOMIC_RELEASE);
}

void smp_stall(cpu_t *c)
{
    if (c == this_cpu() || !c->online)
        return;
    uint32_t seq = c->stall_seq + 1;
    __atomic_store_n(&c->stall_seq, seq, __ATOMIC_RELEASE);
    arch_send_resched(&c->arch); /* takes it out of EL0 or out of wfi */
    while (__atomic_load_n(&c->stall_done, __ATOMIC_ACQUIRE) != seq)
        __asm__ volatile("yield");
}

void kernel_enter(void)
{
    bkl_lock();
    if (current->state == TS_DEAD) /* killed from another CPU while it ran (thread.c) */
        sched_exit_dead();
}

void kernel_exit_user(void)
{
    bkl_unlock();
}
