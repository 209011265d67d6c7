/*
 * The one interface generic kernel code uses to reach the architecture and the platform's
 * devices (seL4's Arch_ convention). Everything behind it lives in arch/arm64/.
 */
#ifndef ARCH_ARCH_H
#define ARCH_ARCH_H

#include <stdbool.h>
#include <stdint.h>
#include <kernel/platform.h>

/* Every EL0-visible control register of the calling CPU set to a defined value (cpu_init.c);
 * start.S calls it on each CPU once its MMU is on. */
void arch_cpu_init(void);

/* Boot. kimage_pa is where the loader put the image. */
void arch_early_init(uint64_t kimage_pa);
uint64_t arch_kimage_phys(void);
uint64_t arch_kimage_size(void);

/* Console: the DTB's PL011, or, when the DTB cannot be read, the emergency console (the PL011
 * at the address QEMU virt always uses) so that the failure can be reported at all. */
void arch_console_init(const platform_t *plat);
void arch_console_emergency(void);
void arch_console_putc(char c);

/* Memory: the linear map of all RAM, device windows, and the end of the boot identity map. */
int arch_mmu_init(const platform_t *plat);
/* RAM through the linear map (valid once arch_mmu_init has run). */
static inline void *arch_phys_to_virt(uint64_t pa)
{
    return (void *)(pa + 0xffff000000000000UL); /* LINEAR_BASE, memlayout.h */
}
uint64_t arch_virt_to_phys(const void *va);
void *arch_map_device(uint64_t pa, uint64_t size);
/* Zeroes one 4 KiB page (DC ZVA when the CPU allows it: a block per instruction). */
void arch_zero_page(void *va);
/* Readable bytes at a physical address through the boot identity map (before arch_mmu_init). */
uint64_t arch_boot_readable(uint64_t pa);

/* Interrupts and the tick. */
int arch_irq_init(const platform_t *plat);
void arch_timer_start(const platform_t *plat, unsigned hz);
uint64_t arch_timer_ticks(void);
void arch_irq_unmask(void);
void arch_irq_mask(void);
void arch_cpu_idle(void); /* wait for an interrupt */

/* Power and exit status. With semihosting enabled (fl.exit=semihost), arch_halt ends QEMU with
 * code; otherwise it powers off through PSCI, or stops the CPU when there is no PSCI. */
void arch_power_init(const platform_t *plat, bool semihosting);
__attribute__((noreturn)) void arch_halt(int code);

/* Instruction counting for benchmarks (pmu.c); EL0 may read the counters if user_access. */
void arch_pmu_init(bool user_access);
uint64_t arch_pmu_instructions(void);

/* The boot CPU's per-CPU block (TPIDR_EL1), first thing in kmain. */
void arch_percpu_boot(void *cpu0);
/* Start the other CPUs the DTB lists; they wait until arch_smp_release (the boot CPU entered
 * the scheduler), then schedule too. Sets cpus_online and smp_on. */
void arch_smp_start(const platform_t *plat);
void arch_smp_release(void);

/* Debugging. */
void arch_backtrace_here(void);
void arch_selftest_kernel_fault(void);

/* Called by arch code on each timer tick. */
void kernel_tick(void);

#endif
