/*
 * The per-CPU pointer: TPIDR_EL1 holds the address of the running CPU's cpu_t
 * (kernel/include/kernel/cpu.h), whose first member is this arch_cpu_t. EL0 cannot read
 * TPIDR_EL1 (Arm ARM D19.2 "TPIDR_EL1, EL1 Software Thread ID Register"), so the pointer never
 * leaks to user space. entry.S uses the fields at the ARCH_CPU_* offsets.
 */
#ifndef ARCH_PERCPU_H
#define ARCH_PERCPU_H

#define ARCH_CPU_OVF_SP    16 /* offsetof(arch_cpu_t, ovf_sp) */
#define ARCH_CPU_OVF_STACK 24 /* offsetof(arch_cpu_t, ovf_stack) */

#ifndef __ASSEMBLER__
#include <stdint.h>

typedef struct arch_cpu {
    uint32_t id;         /* logical CPU number: 0 is the boot CPU */
    uint32_t gic_target; /* GICv2: this CPU interface's bit in GICD_ITARGETSR / GICD_SGIR */
    uint64_t mpidr;      /* affinity (MPIDR_EL1 Aff3..Aff0), for GICv3 routing and SGIs */
    uint64_t ovf_sp;     /* entry.S: the sp at a kernel stack overflow */
    uint64_t ovf_stack;  /* entry.S: top of this CPU's overflow stack */
    uintptr_t gicr;      /* GICv3: this CPU's redistributor */
} arch_cpu_t;

_Static_assert(__builtin_offsetof(arch_cpu_t, ovf_sp) == ARCH_CPU_OVF_SP, "entry.S offset");
_Static_assert(__builtin_offsetof(arch_cpu_t, ovf_stack) == ARCH_CPU_OVF_STACK, "entry.S offset");

/* volatile: a thread switch can move the caller to another CPU between two reads (a
 * memory-input trick as Linux's __my_cpu_offset uses is not safe here: with LTO the compiler
 * sees that nothing writes the dummy input and would reuse a read across a switch). */
static inline void *arch_percpu(void)
{
    void *p;
    __asm__ volatile("mrs %0, tpidr_el1" : "=r"(p));
    return p;
}

static inline void arch_percpu_set(void *p)
{
    __asm__ volatile("msr tpidr_el1, %0" ::"r"(p) : "memory");
}

static inline arch_cpu_t *arch_cpu(void)
{
    return (arch_cpu_t *)arch_percpu();
}

/* Overflow stacks, one per CPU (kstack.c). */
void arch_percpu_init(arch_cpu_t *a, unsigned id, uint64_t mpidr);

/* Sends the reschedule SGI to the CPU a describes (gic.c). */
void arch_send_resched(const arch_cpu_t *a);
#endif

#endif
