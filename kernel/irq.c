/* User-driven interrupts; see irq.h. */
#include <arch/gic.h>
#include <faultline/errors.h>
#include <kernel/irq.h>

#define IRQ_MAX 1020

static irq_t *bound[IRQ_MAX];

static void irq_fire(unsigned intid)
{
    irq_t *irq = bound[intid];
    gic_mask(intid); /* until the driver says it is done */
    if (irq && irq->ntf)
        notification_signal(irq->ntf, irq->bits);
}

irq_t *irq_create(pool_t *pool, unsigned intid)
{
    if (intid < 32 || intid >= IRQ_MAX || bound[intid])
        return NULL;
    irq_t *irq = kobj_alloc(pool, FL_OBJ_IRQ, sizeof(irq_t));
    if (!irq)
        return NULL;
    irq->intid = intid;
    bound[intid] = irq;
    return irq;
}

int irq_bind(irq_t *irq, notification_t *n, uint64_t bits)
{
    if (irq->ntf)
        kobj_put(&irq->ntf->obj);
    kobj_get(&n->obj);
    irq->ntf = n;
    irq->bits = bits;
    gic_route(irq->intid, irq_fire);
    return FL_OK;
}

void irq_ack(irq_t *irq)
{
    if (irq->ntf)
        gic_unmask(irq->intid);
}

void irq_unbind(irq_t *irq)
{
    gic_mask(irq->intid);
    if (irq->ntf)
        kobj_put(&irq->ntf->obj);
    irq->ntf = NULL;
}

void irq_destroy_obj(kobj_t *o)
{
    irq_t *irq = (irq_t *)o;
    gic_mask(irq->intid);
    bound[irq->intid] = NULL;
    if (irq->ntf)
        kobj_put(&irq->ntf->obj);
}
