/*
 * Registers of a faulted thread, for its exception handler or pager: read them, and give new
 * ones that take effect when the reply resumes the thread (skip a breakpoint, emulate an
 * instruction, divert to a signal-like upcall). Authority is the reply itself: only the
 * thread that received the fault message and still owes its answer can touch the registers,
 * so no thread handle is needed and nobody else's registers can be reached.
 *
 * Only x0..x30, SP_EL0, the PC and the condition flags travel. The exception level, the
 * interrupt masks and every other SPSR bit stay what the kernel set (EL0t, unmasked).
 */
#include <arch/arch.h>
#include <arch/context.h>
#include <arch/memlayout.h>
#include <faultline/errors.h>
#include <faultline/fault.h>
#include <kernel/fault.h>
#include <kernel/fault_regs.h>
#include <kernel/ipc.h>
#include <kernel/syscall_impl.h>

/* The thread whose fault the caller received and has not answered yet. */
static long faulted_client(trap_frame_t *tf, thread_t **out)
{
    thread_t *c = current->reply_to;
    if (tf->x[1] != 0) /* a reply token: any fault the caller's space owes (fault_async.c) */
        return fault_token_client(tf->x[1], out);
    if (!c || c->state != TS_REPLY || c->replier != current || !c->in_fault)
        return FL_EPEER;
    *out = c;
    return FL_OK;
}

long sys_fault_regs_get(trap_frame_t *tf)
{
    thread_t *c;
    fl_regs_t r;
    long err = faulted_client(tf, &c);
    if (err)
        return err;
    if (!user_range_ok(tf->x[0], sizeof(r)))
        return FL_EFAULT;
    for (int i = 0; i < 31; i++)
        r.x[i] = c->tf->x[i];
    r.sp = c->tf->sp_el0;
    r.pc = c->tf->elr;
    r.nzcv = c->tf->spsr & FL_REGS_NZCV_MASK;
    r.thread = c->id;
    return arch_copy_to_user((void *)tf->x[0], &r, sizeof(r));
}

long sys_fault_regs_set(trap_frame_t *tf)
{
    thread_t *c;
    fl_regs_t r;
    long err = faulted_client(tf, &c);
    if (err)
        return err;
    if (!user_range_ok(tf->x[0], sizeof(r)))
        return FL_EFAULT;
    if (arch_copy_from_user(&r, (const void *)tf->x[0], sizeof(r)))
        return FL_EFAULT;
    err = fault_regs_check(&r, USER_TOP);
    if (err)
        return err;
    if (c->fault_in_syscall)
        return FL_EBUSY; /* it is inside a system call: its registers are the call's */
    for (int i = 0; i < 31; i++)
        c->tf->x[i] = r.x[i];
    c->tf->sp_el0 = r.sp;
    c->tf->elr = r.pc;
    c->tf->spsr = (c->tf->spsr & ~(uint64_t)FL_REGS_NZCV_MASK) | r.nzcv;
    return FL_OK;
}

long sys_thread_id(trap_frame_t *tf)
{
    thread_t *t = current;
    if (tf->x[0]) {
        long err = lookup((fl_handle_t)tf->x[0], FL_OBJ_THREAD, FL_RIGHT_READ, (void **)&t);
        if (err)
            return err;
    }
    return t->id;
}
