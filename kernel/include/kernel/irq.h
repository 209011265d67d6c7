/*
 * IRQ objects: one device interrupt handed to a user driver. When it fires the kernel masks it,
 * signals the bound notification, and leaves it masked until the driver acknowledges it, so a
 * level-triggered device cannot storm while its driver works.
 */
#ifndef KERNEL_IRQ_H
#define KERNEL_IRQ_H

#include <kernel/ipc.h>

typedef struct irq {
    kobj_t obj;
    unsigned intid;
    notification_t *ntf; /* holds a reference; NULL until bound */
    uint64_t bits;
} irq_t;

/* An IRQ object for intid (an SPI the DTB gave a device); NULL if taken or out of memory. */
irq_t *irq_create(pool_t *pool, unsigned intid);
int irq_bind(irq_t *irq, notification_t *n, uint64_t bits);
void irq_ack(irq_t *irq);
/* Masks the line and lets go of the notification. */
void irq_unbind(irq_t *irq);

#endif
