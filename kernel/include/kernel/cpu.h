/*
 * Per-CPU state (docs/design.md, "SMP and locking"), reached through TPIDR_EL1. Fields of the
 * running CPU are touched only by that CPU, except where a comment says otherwise; everything
 * named "shared" is accessed under the big kernel lock only.
 */
#ifndef KERNEL_CPU_H
#define KERNEL_CPU_H

#include <arch/memlayout.h>
#include <arch/percpu.h>
#include <stdbool.h>
#include <stdint.h>

#define CPU_PRIORITIES 32 /* THREAD_PRIORITIES */

struct thread;
struct space;

typedef struct cpu {
    arch_cpu_t arch; /* first: entry.S reaches it through TPIDR_EL1 */
    struct thread *cur;
    struct thread *idle;
    struct thread *fpu_owner;   /* whose FP/SIMD state this CPU's registers hold */
    struct thread *zombie;      /* died while current; freed once off its stack */
    struct space *active_space; /* whose tables TTBR0 holds (NULL: none) */
    bool need_resched;          /* shared: other CPUs set it before an SGI */
    bool online;
    uint32_t runq_bits;                      /* shared: bit p: runq[p] is not empty */
    struct thread *runq[CPU_PRIORITIES];     /* shared: ready threads, circular lists */
    volatile uint32_t stall_seq, stall_done; /* stall handshake (bkl.c) */
    uint64_t fast_faults, fast_replies;      /* faults and map replies fastpath.S did alone */
} __attribute__((aligned(64))) cpu_t;

extern cpu_t cpus[MAX_CPUS];
extern unsigned cpus_online; /* set before the scheduler starts */
extern bool smp_on;          /* more than one CPU runs threads: the BKL is taken */

static inline cpu_t *this_cpu(void)
{
    return (cpu_t *)arch_percpu();
}

static inline unsigned cpu_id(void)
{
    return this_cpu()->arch.id;
}

/* The big kernel lock (bkl.c). A no-op while only one CPU runs threads. */
void bkl_lock(void);
void bkl_unlock(void);
/* Holding the BKL: makes cpu c enter the kernel and wait, and returns once it does (it then
 * runs no user code until it gets the lock; if its TTBR0 holds a dead space, it drops it). */
void smp_stall(cpu_t *c);
/* Kernel entry from EL0: takes the BKL; if this CPU's thread was killed meanwhile, leaves it.
 * One CPU: nothing to do (one load and a branch on the system-call path). */
void kernel_enter_smp(void);
static inline void kernel_enter(void)
{
    if (__builtin_expect(smp_on, 0))
        kernel_enter_smp();
}
/* entry.S, on every return to EL0: releases the BKL. */
void kernel_exit_user(void);

#endif
