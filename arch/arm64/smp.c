/*
 * Secondary CPUs: started with PSCI CPU_ON (Arm DEN0022 "Power State Coordination Interface"),
 * they enable the MMU on the kernel's tables, take exceptions on the kernel's vectors, and
 * park. The scheduler runs on the boot CPU only for now (docs/design.md: known gaps); parking
 * them shows that PSCI and per-CPU boot work on this machine. Their GIC CPU interface
 * (GICv3 redistributor and ICC_* registers, GICv2 GICC) is not set up, and they keep
 * interrupts masked: no interrupt is routed to them.
 */
#include <arch/arch.h>
#include <arch/memlayout.h>
#include <arch/sysreg.h>
#include <arch/sysreg_bits.h>
#include <kernel/printk.h>

extern char secondary_entry[];
static volatile unsigned online_mask;

uint64_t psci_cpu_on(const platform_t *plat, uint64_t mpidr, uint64_t entry, uint64_t ctx);

void smp_secondary_main(unsigned cpu)
{
    /* The identity map served to turn the MMU on; user space lives in TTBR0 later. */
    sysreg_write(tcr_el1, sysreg_read(tcr_el1) | TCR_EPD0);
    isb();
    __asm__ volatile("tlbi vmalle1\n dsb nsh\n isb" ::: "memory");
    __atomic_or_fetch(&online_mask, 1u << cpu, __ATOMIC_RELEASE);
    for (;;)
        wfi(); /* interrupts stay masked: nothing is routed here yet */
}

void arch_smp_start(const platform_t *plat)
{
    uint64_t self = sysreg_read(mpidr_el1) & 0xff00ffffffUL;
    uint64_t entry = arch_kimage_phys() + ((uint64_t)secondary_entry - KIMAGE_VA);

    if (plat->psci_method == PSCI_METHOD_NONE || !plat->psci_fn_cpu_on)
        return;
    for (unsigned i = 0; i < plat->cpu_count && i < MAX_CPUS; i++) {
        if (plat->cpu_mpidr[i] == self)
            continue;
        int64_t rc = (int64_t)psci_cpu_on(plat, plat->cpu_mpidr[i], entry, i);
        if (rc != 0) {
            printk("smp: cpu %u (MPIDR %#lx): PSCI CPU_ON failed (%ld)\n", i,
                   (unsigned long)plat->cpu_mpidr[i], (long)rc);
            continue;
        }
        /* Wait for it (bounded): under TCG a CPU comes up within a few million instructions. */
        for (unsigned spin = 0; spin < 50000000 && !(online_mask & (1u << i)); spin++)
            __asm__ volatile("yield");
        printk("smp: cpu %u (MPIDR %#lx) %s\n", i, (unsigned long)plat->cpu_mpidr[i],
               (online_mask & (1u << i)) ? "online, parked" : "did not come up");
    }
}
