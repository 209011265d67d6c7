/* System calls on endpoints, notifications and interrupts (decode, then act: see syscall.c). */
#include <arch/arch.h>
#include <arch/context.h>
#include <arch/memlayout.h>
#include <arch/vspace.h>
#include <faultline/errors.h>
#include <faultline/ipc.h>
#include <kernel/asid.h>
#include <kernel/boot.h>
#include <kernel/ipc.h>
#include <kernel/irq.h>
#include <kernel/page.h>
#include <kernel/region.h>
#include <kernel/syscall_impl.h>
#include <kernel/thread.h>

long sys_endpoint_create(trap_frame_t *tf)
{
    (void)tf;
    endpoint_t *ep = kobj_alloc(current->space->pool, FL_OBJ_ENDPOINT, sizeof(endpoint_t));
    return ep ? give_new(ep, FL_OBJ_ENDPOINT) : FL_ENOMEM;
}

long sys_notification_create(trap_frame_t *tf)
{
    (void)tf;
    notification_t *n =
        kobj_alloc(current->space->pool, FL_OBJ_NOTIFICATION, sizeof(notification_t));
    return n ? give_new(n, FL_OBJ_NOTIFICATION) : FL_ENOMEM;
}

/* Checks the outgoing message described by the tag in x1. */
static long check_message(trap_frame_t *tf)
{
    uint64_t tag = tf->x[1];
    unsigned words = FL_TAG_WORDS(tag), handles = FL_TAG_HANDLES(tag);
    if (words > FL_MSG_MAX_WORDS || handles > FL_MSG_MAX_HANDLES || (tag & 0xf80))
        return FL_EINVAL;
    if (!(words > FL_MSG_REG_WORDS || handles))
        return FL_OK;
    if (!current->ipcbuf_va)
        return FL_EINVAL;
    fl_ipc_buffer_t *b = ipc_buffer(current);
    if (!b)
        return FL_EFAULT; /* registered, but its page is not mapped writable now */
    if (handles) {
        for (unsigned i = 0; i < handles; i++) {
            handle_entry_t *e;
            long err = handle_lookup(current->space->handles, b->handles[i], FL_OBJ_NONE,
                                     FL_RIGHT_GRANT, &e);
            if (err)
                return err;
        }
    }
    return FL_OK;
}

static long endpoint_arg(trap_frame_t *tf, uint32_t need, endpoint_t **ep, uint64_t *badge)
{
    handle_entry_t *e;
    long err =
        handle_lookup(current->space->handles, (fl_handle_t)tf->x[0], FL_OBJ_ENDPOINT, need, &e);
    if (err)
        return err;
    *ep = e->obj;
    *badge = e->badge;
    return FL_OK;
}

static long sys_send_or_call(trap_frame_t *tf, bool call)
{
    endpoint_t *ep;
    uint64_t badge;
    long err = endpoint_arg(tf, FL_RIGHT_WRITE, &ep, &badge);
    if (!err)
        err = check_message(tf);
    if (err)
        return err;
    return ipc_send(ep, badge, call);
}

long sys_send(trap_frame_t *tf)
{
    return sys_send_or_call(tf, false);
}

long sys_call(trap_frame_t *tf)
{
    return sys_send_or_call(tf, true);
}

long sys_recv(trap_frame_t *tf)
{
    endpoint_t *ep;
    uint64_t badge;
    long err = endpoint_arg(tf, FL_RIGHT_READ, &ep, &badge);
    if (err)
        return err;
    return ipc_recv(ep);
}

long sys_reply(trap_frame_t *tf)
{
    long err = check_message(tf);
    if (err)
        return err;
    return ipc_reply();
}

long sys_reply_recv(trap_frame_t *tf)
{
    endpoint_t *ep;
    uint64_t badge;
    long err = endpoint_arg(tf, FL_RIGHT_READ, &ep, &badge);
    if (!err)
        err = check_message(tf);
    if (err)
        return err;
    ipc_reply(); /* a caller that went away is no reason not to serve the next one */
    return ipc_recv(ep);
}

long sys_signal(trap_frame_t *tf)
{
    notification_t *n;
    long err = lookup((fl_handle_t)tf->x[0], FL_OBJ_NOTIFICATION, FL_RIGHT_WRITE, (void **)&n);
    if (err)
        return err;
    if (tf->x[1] == 0 || (tf->x[1] >> 63))
        return FL_EINVAL; /* bit 63 would read as an error from wait */
    notification_signal(n, tf->x[1]);
    return FL_OK;
}

static long sys_wait_or_poll(trap_frame_t *tf, bool block)
{
    notification_t *n;
    long err = lookup((fl_handle_t)tf->x[0], FL_OBJ_NOTIFICATION, FL_RIGHT_READ, (void **)&n);
    if (err)
        return err;
    return notification_wait(n, block);
}

long sys_wait(trap_frame_t *tf)
{
    return sys_wait_or_poll(tf, true);
}

long sys_poll(trap_frame_t *tf)
{
    return sys_wait_or_poll(tf, false);
}

long sys_irq_bind(trap_frame_t *tf)
{
    irq_t *irq;
    notification_t *n;
    long err = lookup((fl_handle_t)tf->x[0], FL_OBJ_IRQ, FL_RIGHT_MANAGE, (void **)&irq);
    if (!err && tf->x[1] == 0) {
        irq_unbind(irq); /* the notification (and its pool) is free to go */
        return FL_OK;
    }
    if (!err)
        err = lookup((fl_handle_t)tf->x[1], FL_OBJ_NOTIFICATION, FL_RIGHT_WRITE, (void **)&n);
    if (err)
        return err;
    if (tf->x[2] == 0 || (tf->x[2] >> 63))
        return FL_EINVAL;
    return irq_bind(irq, n, tf->x[2]);
}

long sys_irq_ack(trap_frame_t *tf)
{
    irq_t *irq;
    long err = lookup((fl_handle_t)tf->x[0], FL_OBJ_IRQ, FL_RIGHT_MANAGE, (void **)&irq);
    if (err)
        return err;
    irq_ack(irq);
    return FL_OK;
}
