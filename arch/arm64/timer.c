/* The EL1 virtual timer (Arm ARM D11 "The Generic Timer"): CNTV_CVAL_EL0 compared against
 * CNTVCT_EL0, periodic by advancing the compare value by one period per tick. */
#include <arch/arch.h>
#include <arch/gic.h>
#include <arch/percpu.h>
#include <arch/sysreg.h>

#define CNTV_CTL_ENABLE (1u << 0)

static uint64_t period, ticks;

static void timer_irq(unsigned intid)
{
    (void)intid;
    uint64_t next = sysreg_read(cntv_cval_el0) + period;
    uint64_t now = sysreg_read(cntvct_el0);
    if (next <= now) /* we fell behind (e.g. under a debugger): skip, do not storm */
        next = now + period;
    sysreg_write(cntv_cval_el0, next);
    if (arch_cpu()->id == 0) /* system time: one CPU counts */
        ticks++;
    kernel_tick();
}

/* Each CPU runs its own EL1 virtual timer (a banked PPI) and preempts its own threads. */
void arch_timer_start(const platform_t *plat, unsigned hz)
{
    period = sysreg_read(cntfrq_el0) / hz;
    sysreg_write(cntv_cval_el0, sysreg_read(cntvct_el0) + period);
    sysreg_write(cntv_ctl_el0, CNTV_CTL_ENABLE);
    isb();
    gic_route(plat->timer_virt_intid, timer_irq);
}

uint64_t arch_timer_ticks(void)
{
    return ticks;
}
