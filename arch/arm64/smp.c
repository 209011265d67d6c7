/*
 * Secondary CPUs: started with PSCI CPU_ON (Arm DEN0022 "Power State Coordination Interface"),
 * they enable the MMU on the kernel's tables, take exceptions on the kernel's vectors, set up
 * their per-CPU block (TPIDR_EL1), their GIC CPU interface or redistributor and their timer,
 * and enter the scheduler once the boot CPU has (docs/design.md, "SMP and locking"). Logical
 * CPU 0 is the boot CPU; the others are numbered in device-tree order.
 */
#include <arch/arch.h>
#include <arch/gic.h>
#include <arch/memlayout.h>
#include <arch/percpu.h>
#include <arch/sysreg.h>
#include <arch/sysreg_bits.h>
#include <kernel/cpu.h>
#include <kernel/printk.h>
#include <kernel/thread.h>

extern char secondary_entry[];
extern uint8_t kstack_overflow_stack[MAX_CPUS][4096];
static volatile unsigned online_mask;
static const platform_t *platform;

uint64_t psci_cpu_on(const platform_t *plat, uint64_t mpidr, uint64_t entry, uint64_t ctx);

void arch_percpu_init(arch_cpu_t *a, unsigned id, uint64_t mpidr)
{
    a->id = id;
    a->mpidr = mpidr & 0xff00ffffffUL;
    a->ovf_stack = (uint64_t)(kstack_overflow_stack[id] + sizeof(kstack_overflow_stack[id]));
}

void arch_percpu_boot(void *cpu0)
{
    arch_percpu_init(cpu0, 0, sysreg_read(mpidr_el1));
    arch_percpu_set(cpu0);
}

void smp_secondary_main(unsigned id)
{
    arch_percpu_set(&cpus[id]);
    /* The identity map served to turn the MMU on; user space lives in TTBR0 later. */
    sysreg_write(tcr_el1, sysreg_read(tcr_el1) | TCR_EPD0);
    isb();
    __asm__ volatile("tlbi vmalle1\n dsb nsh\n isb" ::: "memory");
    int err = gic_cpu_init();
    __atomic_or_fetch(&online_mask, 1u << id, __ATOMIC_RELEASE);
    if (err)
        for (;;)
            wfi(); /* no interrupt can reach it: it stays out of the scheduler */
    /* Until the boot CPU runs threads (it sends an SGI then; IRQs stay masked here, but a
     * pending one ends wfi). Without init it never does, and this CPU stays parked. */
    while (!__atomic_load_n(&cpus[0].online, __ATOMIC_ACQUIRE) || id >= cpus_online)
        wfi(); /* (a CPU that came up too late is not counted and stays here) */
    sched_init_cpu(id);
    arch_timer_start(platform, 100);
    sched_start();
}

void arch_smp_start(const platform_t *plat)
{
    uint64_t self = sysreg_read(mpidr_el1) & 0xff00ffffffUL;
    uint64_t entry = arch_kimage_phys() + ((uint64_t)secondary_entry - KIMAGE_VA);
    unsigned next = 1;

    platform = plat;
    if (plat->psci_method == PSCI_METHOD_NONE || !plat->psci_fn_cpu_on)
        return;
    for (unsigned i = 0; i < plat->cpu_count && next < MAX_CPUS; i++) {
        if (plat->cpu_mpidr[i] == self)
            continue;
        unsigned id = next;
        arch_percpu_init(&cpus[id].arch, id, plat->cpu_mpidr[i]);
        int64_t rc = (int64_t)psci_cpu_on(plat, plat->cpu_mpidr[i], entry, id);
        if (rc != 0) {
            printk("smp: cpu %u (MPIDR %#lx): PSCI CPU_ON failed (%ld)\n", i,
                   (unsigned long)plat->cpu_mpidr[i], (long)rc);
            continue;
        }
        /* Wait for it (bounded): under TCG a CPU comes up within a few million instructions. */
        for (unsigned spin = 0; spin < 50000000 && !(online_mask & (1u << id)); spin++)
            __asm__ volatile("yield");
        bool up = online_mask & (1u << id);
        printk("smp: cpu %u (MPIDR %#lx) %s\n", id, (unsigned long)plat->cpu_mpidr[i],
               up ? "online" : "did not come up");
        if (!up)
            break; /* ids stay dense: no CPU is started after one that failed */
        next++;
    }
    cpus_online = next;
    smp_on = next > 1;
}

void arch_smp_release(void)
{
    for (unsigned id = 1; id < cpus_online; id++)
        arch_send_resched(&cpus[id].arch);
}
