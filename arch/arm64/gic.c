/* Interrupt dispatch over the GIC driver the DTB selects. */
#include <arch/arch.h>
#include <arch/gic.h>
#include <arch/percpu.h>
#include <arch/sysreg.h>
#include <faultline/errors.h>
#include <kernel/panic.h>
#include <kernel/printk.h>

#define MAX_INTID 1020

static const gic_ops_t *gic;
static irq_handler_t handlers[MAX_INTID];

static void resched_irq(unsigned intid)
{
    (void)intid; /* the sender set what there is to do (kernel/sched.c, kernel/bkl.c) */
}

int arch_irq_init(const platform_t *plat)
{
    gic = plat->gic_version == 3 ? &gicv3_ops : &gicv2_ops;
    int err = gic->init(plat); /* the distributor and the boot CPU's interface */
    if (!err)
        gic_route(GIC_SGI_RESCHED, resched_irq);
    return err;
}

void gic_route(unsigned intid, irq_handler_t handler)
{
    BUG_ON(intid >= MAX_INTID);
    handlers[intid] = handler;
    gic->enable(intid);
}

void gic_mask(unsigned intid)
{
    gic->disable(intid);
}

void gic_unmask(unsigned intid)
{
    gic->enable(intid);
}

int gic_cpu_init(void)
{
    int err = gic->cpu_init();
    if (!err)
        gic_route(GIC_SGI_RESCHED, resched_irq);
    return err;
}

void arch_send_resched(const arch_cpu_t *to)
{
    gic->send_sgi(to, GIC_SGI_RESCHED);
}

void gic_handle_irq(void)
{
    for (;;) {
        unsigned raw = gic->ack();
        unsigned intid = raw & (gic == &gicv2_ops ? 0x3ffu : 0xffffffu);
        if (intid >= MAX_INTID)
            return; /* 1020-1023: spurious or special, nothing to end */
        if (handlers[intid])
            handlers[intid](intid);
        else
            printk("irq: unexpected INTID %u\n", intid);
        gic->eoi(raw);
    }
}

void arch_irq_unmask(void)
{
    irq_enable();
}

void arch_irq_mask(void)
{
    irq_disable();
}

void arch_cpu_idle(void)
{
    wfi();
}
