/*
 * Shared by the system-call files (syscall.c, syscall_mem.c, syscall_ipc.c): argument checks
 * and handle helpers, and the handlers the dispatch table names. Not an interface for the rest
 * of the kernel.
 */
#ifndef KERNEL_SYSCALL_IMPL_H
#define KERNEL_SYSCALL_IMPL_H

#include <arch/memlayout.h>
#include <arch/trap_frame.h>
#include <faultline/errors.h>
#include <faultline/types.h>
#include <kernel/checked.h>
#include <kernel/handle.h>
#include <kernel/kobj.h>
#include <kernel/space.h>
#include <kernel/syscall.h>
#include <kernel/thread.h>

#define MAX_PAGES_PER_CALL (1u << 16)
#define PROT_MASK          (FL_PROT_READ | FL_PROT_WRITE | FL_PROT_EXEC)

static inline bool pages_ok(uint64_t va, uint64_t pages)
{
    uint64_t len;
    return !(va & (PAGE_SIZE - 1)) && pages > 0 && pages <= MAX_PAGES_PER_CALL &&
           checked_mul(pages, PAGE_SIZE, &len) && user_range_ok(va, len);
}

static inline bool prot_ok(uint64_t prot)
{
    return (prot & ~(uint64_t)PROT_MASK) == 0 && (prot & FL_PROT_READ);
}

static inline long lookup(fl_handle_t h, fl_obj_type_t type, uint32_t need, void **obj)
{
    handle_entry_t *e;
    long err = handle_lookup(current->space->handles, h, type, need, &e);
    if (err == FL_OK)
        *obj = e->obj;
    return err;
}

/* Installs obj (taking a new reference) in the caller's table; returns the handle. */
static inline long give(void *obj, fl_obj_type_t type, uint32_t rights, uint64_t badge)
{
    fl_handle_t h;
    long err = handle_install(current->space->handles, obj, type, rights, badge, &h);
    if (err)
        return err;
    kobj_get(obj);
    kobj_handle_opened(obj, rights & FL_RIGHTS_ALL);
    return h;
}

/* A freshly created object: the handle becomes its only reference. */
static inline long give_new(void *obj, fl_obj_type_t type)
{
    long h = give(obj, type, FL_RIGHTS_ALL, 0);
    kobj_put(obj);
    return h;
}

static inline long space_arg(trap_frame_t *tf, space_t **s)
{
    long err = lookup((fl_handle_t)tf->x[0], FL_OBJ_SPACE, FL_RIGHT_MAP, (void **)s);
    if (!err && (*s)->dead)
        err = FL_EPEER;
    return err;
}

long sys_pool_create(trap_frame_t *tf);
long sys_pool_info(trap_frame_t *tf);
long sys_pool_revoke(trap_frame_t *tf);
long sys_space_create(trap_frame_t *tf);
long sys_space_destroy(trap_frame_t *tf);
long sys_vm_alloc(trap_frame_t *tf);
long sys_vm_map(trap_frame_t *tf);
long sys_vm_unmap(trap_frame_t *tf);
long sys_vm_protect(trap_frame_t *tf);
long sys_region_map(trap_frame_t *tf);
long sys_vm_harvest(trap_frame_t *tf);
long sys_vm_phys(trap_frame_t *tf);
long sys_space_watch(trap_frame_t *tf);
long sys_space_status(trap_frame_t *tf);
long sys_endpoint_create(trap_frame_t *tf);
long sys_notification_create(trap_frame_t *tf);
long sys_send(trap_frame_t *tf);
long sys_call(trap_frame_t *tf);
long sys_recv(trap_frame_t *tf);
long sys_reply(trap_frame_t *tf);
long sys_reply_recv(trap_frame_t *tf);
long sys_signal(trap_frame_t *tf);
long sys_wait(trap_frame_t *tf);
long sys_poll(trap_frame_t *tf);
long sys_irq_bind(trap_frame_t *tf);
long sys_irq_ack(trap_frame_t *tf);
long sys_fault_regs_get(trap_frame_t *tf); /* fault_regs.c */
long sys_fault_regs_set(trap_frame_t *tf); /* fault_regs.c */
long sys_thread_id(trap_frame_t *tf);      /* fault_regs.c */
long sys_fault_reply(trap_frame_t *tf);    /* fault_async.c */
long sys_fault_wake(trap_frame_t *tf);     /* fault_async.c */
long sys_endpoint_set(trap_frame_t *tf);   /* fault_deadline.c */

#endif
