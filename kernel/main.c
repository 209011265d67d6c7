/*
 * faultline kernel entry. The kernel keeps mechanism (address spaces, threads, IPC, frames)
 * and leaves memory policy to user-level pagers. Boot: learn the machine from the DTB, map
 * RAM, hand out frames, start the tick, then run.
 */
#include <arch/arch.h>
#include <arch/kstack.h>
#include <kernel/bootargs.h>
#include <kernel/cpu.h>
#include <kernel/fastpath.h>
#include <kernel/hangcheck.h>
#include <kernel/boot.h>
#include <kernel/panic.h>
#include <kernel/platform.h>
#include <kernel/printk.h>

static platform_t platform;

/* Before the console is known: report on the emergency console, then stop. */
static __attribute__((noreturn)) void boot_fail_early(const char *what, const char *detail)
{
    arch_console_emergency();
    printk("faultline: cannot boot: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    printk("faultline: halted\n");
    arch_halt(FL_EXIT_BOOT_FAILED);
}

static void print_platform(const platform_t *p)
{
    printk("dtb: %lu bytes\n", (unsigned long)p->dtb_size);
    for (unsigned i = 0; i < p->mem_count; i++)
        printk("memory: %#lx-%#lx (%lu MiB)\n", p->mem[i].base, p->mem[i].base + p->mem[i].size,
               p->mem[i].size >> 20);
    for (unsigned i = 0; i < p->reserved_count; i++)
        printk("reserved: %#lx-%#lx\n", p->reserved[i].base,
               p->reserved[i].base + p->reserved[i].size);
    printk("uart: %s at %#lx\n", p->uart_compat, p->uart.base);
    if (p->gic_version == 2)
        printk("gic: v2, distributor %#lx, cpu interface %#lx\n", p->gicd.base, p->gicc.base);
    else
        printk("gic: v3, distributor %#lx, redistributors %#lx\n", p->gicd.base, p->gicr.base);
    printk("timer: virtual INTID %u, physical INTID %u\n", p->timer_virt_intid,
           p->timer_phys_intid);
    static const char *const methods[] = {"none", "hvc", "smc"};
    printk("psci: %s\n", methods[p->psci_method]);
    printk("cpus: %u\n", p->cpu_count);
    if (p->has_initrd)
        printk("initrd: %#lx-%#lx\n", p->initrd_start, p->initrd_end);
    else
        printk("initrd: none\n");
    printk("virtio-mmio: %u transports\n", p->virtio_count);
    printk("bootargs: \"%s\"\n", p->bootargs);
}

void kmain(uint64_t dtb_pa, uint64_t kimage_pa)
{
    const char *err = 0;

    arch_percpu_boot(&cpus[0]);
    arch_early_init(kimage_pa);
    if (dtb_pa == 0)
        boot_fail_early("no device tree", "x0 was 0 at entry (boot the Image, not the ELF)");
    uint64_t readable = arch_boot_readable(dtb_pa);
    if (readable == 0)
        boot_fail_early("device tree is outside the boot map", 0);
    if (platform_from_dtb((const void *)dtb_pa, readable, &platform, &err) != 0)
        boot_fail_early("bad device tree", err);

    arch_console_init(&platform);
    printk("\nfaultline: an arm64 microkernel with user-level pagers\n");
    print_platform(&platform);

    bool semihost = bootargs_has(platform.bootargs, "fl.exit=semihost");
    arch_power_init(&platform, semihost);

    arch_pmu_init(bootargs_has(platform.bootargs, "fl.bench"));
    if (arch_mmu_init(&platform) != 0)
        panic("cannot build the kernel page tables");
    boot_frames_init(&platform, dtb_pa);

    if (bootargs_has(platform.bootargs, "fl.selftest=kfault")) {
        printk("selftest: taking a deliberate kernel data abort\n");
        arch_selftest_kernel_fault();
    }

    if (bootargs_has(platform.bootargs, "fl.selftest=kstack"))
        arch_selftest_kstack_overflow();

    if (arch_irq_init(&platform) != 0)
        panic("no usable interrupt controller");
    arch_smp_start(&platform);
    fastpath_init(platform.bootargs); /* after smp_start: the paths differ with several CPUs */
    hangcheck_init(platform.bootargs);
    arch_timer_start(&platform, 100);
    /* IRQs are on from here while boot_run builds init: the tick is the only interrupt enabled
     * yet, and its handler only counts (there is no current thread). sched_start masks them
     * again; from then on the kernel runs masked except in the idle loop (docs/design.md). */
    arch_irq_unmask();

    boot_run(&platform);
}
