/*
 * The big kernel lock and the stall handshake (docs/design.md, "SMP and locking"). The lock is
 * a test-and-test-and-set spinlock, not a ticket lock: under a hypervisor (or QEMU) whose
 * host has fewer cores than the guest has vCPUs, a ticket lock hands the kernel to a waiter
 * whose vCPU may not be running and every other CPU waits for it (lock-holder convoys); here
 * whichever waiting CPU runs takes it. While waiting, a CPU answers stall requests: the lock
 * holder is then waiting for exactly that answer and changes nothing the answer reads.
 */
#include <arch/vspace.h>
#include <kernel/cpu.h>
#include <kernel/space.h>
#include <kernel/thread.h>

cpu_t cpus[MAX_CPUS];
unsigned cpus_online = 1;
bool smp_on;

static uint32_t bkl;         /* 1: held */
static uint32_t bkl_waiters; /* CPUs spinning for it: a newcomer lets them go first */

#define BKL_DEFER_SPINS                                                                            \
    2000 /* how long a newcomer defers (bounded: a waiter's vCPU may be                            \
            descheduled by the host) */

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
    /* Without this a CPU that releases and retakes the lock in a loop (a thread yielding
     * alone on its CPU) can starve a waiter for long: the waiter's exchange must land in the
     * few instructions between the two. */
    for (unsigned n = 0; n < BKL_DEFER_SPINS && __atomic_load_n(&bkl_waiters, __ATOMIC_RELAXED);
         n++) {
        stall_answer(c);
        __asm__ volatile("yield");
    }
    if (!__atomic_exchange_n(&bkl, 1, __ATOMIC_ACQUIRE))
        return;
    __atomic_fetch_add(&bkl_waiters, 1, __ATOMIC_RELAXED);
    while (__atomic_exchange_n(&bkl, 1, __ATOMIC_ACQUIRE)) {
        while (__atomic_load_n(&bkl, __ATOMIC_RELAXED)) {
            stall_answer(c);
            __asm__ volatile("yield");
        }
    }
    __atomic_fetch_sub(&bkl_waiters, 1, __ATOMIC_RELAXED);
}

void bkl_unlock(void)
{
    if (!smp_on)
        return;
    __atomic_store_n(&bkl, 0, __ATOMIC_RELEASE);
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

void kernel_enter_smp(void)
{
    bkl_lock();
    if (current->state == TS_DEAD) /* killed from another CPU while it ran (thread.c) */
        sched_exit_dead();
}

void kernel_exit_user(void)
{
    sched_reap(); /* a thread that died here: not left until this CPU next enters the kernel */
    bkl_unlock();
}
