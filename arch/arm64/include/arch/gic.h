/* Generic Interrupt Controller, v2 or v3 as the DTB says (gic.c picks the driver). */
#ifndef ARCH_GIC_H
#define ARCH_GIC_H

#include <stdint.h>
#include <kernel/platform.h>

#define GIC_SPURIOUS 1023

#define GIC_SGI_RESCHED 0 /* SGI 0: look at your run queue / stall request (kernel/bkl.c) */

struct arch_cpu;

typedef struct gic_ops {
    int (*init)(const platform_t *plat); /* distributor, then the boot CPU's interface */
    int (*cpu_init)(void);               /* the calling CPU's interface (secondaries) */
    void (*send_sgi)(const struct arch_cpu *to, unsigned sgi);
    void (*enable)(unsigned intid);
    void (*disable)(unsigned intid);
    unsigned (*ack)(void);
    void (*eoi)(unsigned intid);
} gic_ops_t;

extern const gic_ops_t gicv2_ops, gicv3_ops;

typedef void (*irq_handler_t)(unsigned intid);

/* Routes intid to handler and enables it at the distributor (or redistributor for PPIs). */
void gic_route(unsigned intid, irq_handler_t handler);
/* Masks / unmasks one interrupt at the distributor (user-driven interrupts: see irq.c). */
void gic_mask(unsigned intid);
void gic_unmask(unsigned intid);
/* The calling CPU's GIC CPU interface or redistributor, and its SGI and timer PPI. */
int gic_cpu_init(void);
/* Called from the IRQ vector: acknowledge, dispatch, end of interrupt, until none pending. */
void gic_handle_irq(void);

#endif
