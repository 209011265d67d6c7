/* Ending the machine: semihosting exit (tests), PSCI SYSTEM_OFF, or a stopped CPU. */
#include <arch/arch.h>
#include <arch/sysreg.h>

static psci_method_t psci_method;
static uint32_t psci_system_off;
static bool semihosting;

void arch_power_init(const platform_t *plat, bool use_semihosting)
{
    psci_method = plat->psci_method;
    psci_system_off = plat->psci_fn_system_off;
    semihosting = use_semihosting;
}

/* PSCI calls per the SMC Calling Convention (Arm DEN0028): function ID in x0, result in x0. */
static uint64_t psci_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
    register uint64_t x0 __asm__("x0") = fn;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = a2;
    register uint64_t x3 __asm__("x3") = a3;

    if (psci_method == PSCI_METHOD_HVC)
        __asm__ volatile("hvc #0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x3) : "memory");
    else
        __asm__ volatile("smc #0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x3) : "memory");
    return x0;
}

uint64_t psci_cpu_on(const platform_t *plat, uint64_t mpidr, uint64_t entry, uint64_t ctx)
{
    return psci_call(plat->psci_fn_cpu_on, mpidr, entry, ctx);
}

/* Semihosting SYS_EXIT (0x18) with ADP_Stopped_ApplicationExit: QEMU exits with code. */
static void semihost_exit(int code)
{
    static uint64_t block[2];
    block[0] = 0x20026;
    block[1] = (uint64_t)code;
    register uint64_t x0 __asm__("x0") = 0x18;
    register uint64_t x1 __asm__("x1") = (uint64_t)block;
    __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
}

void arch_halt(int code)
{
    irq_disable();
    if (semihosting)
        semihost_exit(code);
    if (psci_method != PSCI_METHOD_NONE && psci_system_off)
        psci_call(psci_system_off, 0, 0, 0);
    for (;;)
        wfi();
}
