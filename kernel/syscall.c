/*
 * System calls. Each handler first checks everything it was given (handles, rights, ranges,
 * alignment, user pointers) and only then acts, so a rejected call changes nothing
 * (seL4's decode-then-perform). Results go to x0; IPC results are written by ipc.c.
 */
#include <arch/arch.h>
#include <arch/context.h>
#include <arch/memlayout.h>
#include <arch/vspace.h>
#include <faultline/bootinfo.h>
#include <faultline/errors.h>
#include <faultline/ipc.h>
#include <faultline/syscall.h>
#include <kernel/fastpath.h>
#include <kernel/boot.h>
#include <kernel/checked.h>
#include <kernel/asid.h>
#include <kernel/ipc.h>
#include <kernel/irq.h>
#include <kernel/page.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/region.h>
#include <kernel/syscall.h>
#include <kernel/syscall_impl.h>
#include <kernel/thread.h>

typedef long (*syscall_fn)(trap_frame_t *tf);

bool user_range_ok(uint64_t va, uint64_t len)
{
    return va < USER_TOP && checked_range_in(va, len, 0, USER_TOP);
}

/* --- debugging and system ------------------------------------------------------------- */

#define DEBUG_WRITE_MAX 4096

/* The whole text is copied in before the first character goes out: a copy that faults
 * restarts the call (fault.c), which must not print a part twice. */
static long sys_debug_write(trap_frame_t *tf)
{
    uint64_t buf = tf->x[0], len = tf->x[1];
    char text[DEBUG_WRITE_MAX];
    if (len > DEBUG_WRITE_MAX || !user_range_ok(buf, len))
        return FL_EINVAL;
    if (arch_copy_from_user(text, (const void *)buf, len))
        return FL_EFAULT;
    for (uint64_t i = 0; i < len; i++) {
        if (text[i] == '\n')
            arch_console_putc('\r');
        arch_console_putc(text[i]);
    }
    return (long)len;
}

static long sys_system_info(trap_frame_t *tf)
{
    fl_sysinfo_t info = {kernel_frames.total, kernel_frames.free, arch_timer_ticks(),
                         thread_count()};
    if (!user_range_ok(tf->x[0], sizeof(info)))
        return FL_EFAULT;
    return arch_copy_to_user((void *)tf->x[0], &info, sizeof(info));
}

static long sys_system_exit(trap_frame_t *tf)
{
    pool_t *p;
    long err = lookup((fl_handle_t)tf->x[1], FL_OBJ_POOL, FL_RIGHT_MANAGE, (void **)&p);
    if (err)
        return err;
    if (p != pool_root())
        return FL_EPERM;
    fastpath_report();
    printk("faultline: system exit requested with status %d after %lu timer ticks\n", (int)tf->x[0],
           (unsigned long)arch_timer_ticks());
    arch_halt((int)tf->x[0]);
}

/* --- handles ------------------------------------------------------------------------------ */

static long sys_handle_close(trap_frame_t *tf)
{
    handle_entry_t old;
    long err = handle_remove(current->space->handles, (fl_handle_t)tf->x[0], &old);
    if (err)
        return err;
    space_handle_dropped(old.obj, old.rights);
    return FL_OK;
}

static long sys_handle_dup(trap_frame_t *tf)
{
    handle_entry_t *e;
    long err = handle_lookup(current->space->handles, (fl_handle_t)tf->x[0], FL_OBJ_NONE, 0, &e);
    if (err)
        return err;
    return give(e->obj, e->type, e->rights & (uint32_t)tf->x[1], e->badge);
}

static long sys_handle_info(trap_frame_t *tf)
{
    handle_entry_t *e;
    long err = handle_lookup(current->space->handles, (fl_handle_t)tf->x[0], FL_OBJ_NONE, 0, &e);
    if (err)
        return err;
    return (long)e->type | ((long)e->rights << 8);
}

static long sys_handle_mint(trap_frame_t *tf)
{
    handle_entry_t *e;
    long err = handle_lookup(current->space->handles, (fl_handle_t)tf->x[0], FL_OBJ_ENDPOINT,
                             FL_RIGHT_GRANT, &e);
    if (err)
        return err;
    if (e->badge)
        return FL_EPERM; /* a badged handle cannot be re-badged: no impersonating clients */
    return give(e->obj, FL_OBJ_ENDPOINT, e->rights & (uint32_t)tf->x[2], tf->x[1]);
}

static long sys_handle_give(trap_frame_t *tf)
{
    space_t *s;
    handle_entry_t *e;
    fl_handle_t h;
    long err = lookup((fl_handle_t)tf->x[0], FL_OBJ_SPACE, FL_RIGHT_MANAGE, (void **)&s);
    if (!err)
        err = handle_lookup(current->space->handles, (fl_handle_t)tf->x[1], FL_OBJ_NONE,
                            FL_RIGHT_GRANT, &e);
    if (err)
        return err;
    if (s->dead)
        return FL_EPEER;
    err = handle_install(s->handles, e->obj, e->type, e->rights & (uint32_t)tf->x[2], e->badge, &h);
    if (err)
        return err;
    kobj_get(e->obj);
    kobj_handle_opened(e->obj, e->rights & (uint32_t)tf->x[2]);
    return h;
}

/* --- pools, spaces, memory ------------------------------------------------------------------ */

/* --- threads --------------------------------------------------------------------------------- */

static long sys_thread_create(trap_frame_t *tf)
{
    space_t *s;
    long err = lookup((fl_handle_t)tf->x[0], FL_OBJ_SPACE, FL_RIGHT_MANAGE, (void **)&s);
    if (err)
        return err;
    if (s->dead)
        return FL_EPEER;
    if (tf->x[1] >= USER_TOP || tf->x[2] >= USER_TOP || (tf->x[2] & 15) || (tf->x[1] & 3))
        return FL_EINVAL;
    if (tf->x[4] >= THREAD_PRIORITIES || tf->x[4] > current->prio)
        return FL_ERANGE; /* no thread can make a thread that outranks it */
    if (!handle_room(current->space->handles, 1))
        return FL_EFULL;
    thread_t *t = thread_create(s, tf->x[1], tf->x[2], tf->x[3], (unsigned)tf->x[4]);
    if (!t)
        return FL_ENOMEM;
    return give_new(t, FL_OBJ_THREAD);
}

static long sys_thread_start(trap_frame_t *tf)
{
    thread_t *t;
    long err = lookup((fl_handle_t)tf->x[0], FL_OBJ_THREAD, FL_RIGHT_MANAGE, (void **)&t);
    if (err)
        return err;
    if (t->state != TS_STOPPED)
        return FL_EBUSY;
    thread_start(t);
    return FL_OK;
}

static long sys_thread_exit(trap_frame_t *tf)
{
    current->space->exit_status = (int)tf->x[0];
    thread_kill(current);
    return FL_OK; /* the dispatcher switches away from the dead thread */
}

static long sys_yield(trap_frame_t *tf)
{
    (void)tf;
    sched_yield();
    return FL_OK;
}

static long sys_thread_set_ipc_buffer(trap_frame_t *tf)
{
    uint64_t va = tf->x[0];
    if (va == 0) {
        current->ipcbuf_va = 0;
        return FL_OK;
    }
    if ((va & (PAGE_SIZE - 1)) || !user_range_ok(va, PAGE_SIZE))
        return FL_EINVAL;
    vs_mapping_t m;
    vspace_lookup(current->space->root, va, &m);
    if (!m.valid || !(m.prot & FL_PROT_WRITE) || !m.counted)
        return FL_EFAULT;
    current->ipcbuf_va = va; /* no pin: ipc_buffer() looks the page up at each use */
    return FL_OK;
}

/* Checks, then sets t's CPU mask (docs/syscalls.md, THREAD_AFFINITY); x1 = the CPU t runs
 * on, is queued on or last ran on, x2 = the number of CPUs online. */
static long sys_thread_affinity(trap_frame_t *tf)
{
    thread_t *t = current;
    if ((fl_handle_t)tf->x[0] != FL_HANDLE_INVALID) {
        long err = lookup((fl_handle_t)tf->x[0], FL_OBJ_THREAD, FL_RIGHT_MANAGE, (void **)&t);
        if (err)
            return err;
    }
    uint32_t online = (uint32_t)((1UL << cpus_online) - 1);
    uint64_t want = tf->x[1] & online;
    if (tf->x[1] && !want)
        return FL_EINVAL; /* no CPU it could run on */
    if (t->state == TS_DEAD)
        return FL_EPEER;
    long old = t->affinity;
    tf->x[1] = t->cpu;
    tf->x[2] = cpus_online;
    if (want)
        sched_set_affinity(t, (uint32_t)want);
    return old;
}

/* --- IPC ----------------------------------------------------------------------------------- */

static long sys_thread_set_handler(trap_frame_t *tf)
{
    thread_t *t;
    endpoint_t *ep = NULL;
    uint64_t badge = 0;
    long err = lookup((fl_handle_t)tf->x[0], FL_OBJ_THREAD, FL_RIGHT_MANAGE, (void **)&t);
    if (err)
        return err;
    if (tf->x[1] != FL_HANDLER_PAGER && tf->x[1] != FL_HANDLER_EXCEPTION)
        return FL_EINVAL;
    if (tf->x[2]) {
        handle_entry_t *e;
        err = handle_lookup(current->space->handles, (fl_handle_t)tf->x[2], FL_OBJ_ENDPOINT,
                            FL_RIGHT_WRITE, &e);
        if (err)
            return err;
        ep = e->obj;
        badge = e->badge;
    }
    if (t->state == TS_DEAD)
        return FL_EPEER;
    if (tf->x[1] == FL_HANDLER_PAGER && (err = space_pagers_update(t->space, t, ep, badge)))
        return err; /* FL_EFULL: too many distinct pagers in one space; nothing changed */
    endpoint_t **slot = tf->x[1] == FL_HANDLER_PAGER ? &t->pager : &t->exc_handler;
    if (ep)
        kobj_get(&ep->obj);
    if (*slot)
        kobj_put(&(*slot)->obj);
    *slot = ep;
    if (tf->x[1] == FL_HANDLER_PAGER)
        t->pager_badge = badge;
    else
        t->exc_badge = badge;
    return FL_OK;
}

static const syscall_fn syscalls[FL_SYS_COUNT] = {
    [FL_SYS_DEBUG_WRITE] = sys_debug_write,
    [FL_SYS_SYSTEM_INFO] = sys_system_info,
    [FL_SYS_SYSTEM_EXIT] = sys_system_exit,
    [FL_SYS_HANDLE_CLOSE] = sys_handle_close,
    [FL_SYS_HANDLE_DUP] = sys_handle_dup,
    [FL_SYS_HANDLE_INFO] = sys_handle_info,
    [FL_SYS_HANDLE_MINT] = sys_handle_mint,
    [FL_SYS_HANDLE_GIVE] = sys_handle_give,
    [FL_SYS_POOL_CREATE] = sys_pool_create,
    [FL_SYS_POOL_INFO] = sys_pool_info,
    [FL_SYS_SPACE_CREATE] = sys_space_create,
    [FL_SYS_SPACE_DESTROY] = sys_space_destroy,
    [FL_SYS_VM_ALLOC] = sys_vm_alloc,
    [FL_SYS_VM_MAP] = sys_vm_map,
    [FL_SYS_VM_UNMAP] = sys_vm_unmap,
    [FL_SYS_VM_PROTECT] = sys_vm_protect,
    [FL_SYS_REGION_MAP] = sys_region_map,
    [FL_SYS_THREAD_CREATE] = sys_thread_create,
    [FL_SYS_THREAD_START] = sys_thread_start,
    [FL_SYS_THREAD_EXIT] = sys_thread_exit,
    [FL_SYS_YIELD] = sys_yield,
    [FL_SYS_THREAD_SET_IPC_BUFFER] = sys_thread_set_ipc_buffer,
    [FL_SYS_ENDPOINT_CREATE] = sys_endpoint_create,
    [FL_SYS_SEND] = sys_send,
    [FL_SYS_RECV] = sys_recv,
    [FL_SYS_CALL] = sys_call,
    [FL_SYS_REPLY] = sys_reply,
    [FL_SYS_REPLY_RECV] = sys_reply_recv,
    [FL_SYS_NOTIFICATION_CREATE] = sys_notification_create,
    [FL_SYS_SIGNAL] = sys_signal,
    [FL_SYS_WAIT] = sys_wait,
    [FL_SYS_POLL] = sys_poll,
    [FL_SYS_IRQ_BIND] = sys_irq_bind,
    [FL_SYS_IRQ_ACK] = sys_irq_ack,
    [FL_SYS_THREAD_SET_HANDLER] = sys_thread_set_handler,
    [FL_SYS_VM_HARVEST] = sys_vm_harvest,
    [FL_SYS_VM_PHYS] = sys_vm_phys,
    [FL_SYS_SPACE_WATCH] = sys_space_watch,
    [FL_SYS_SPACE_STATUS] = sys_space_status,
    [FL_SYS_FAULT_REGS_GET] = sys_fault_regs_get,
    [FL_SYS_FAULT_REGS_SET] = sys_fault_regs_set,
    [FL_SYS_THREAD_ID] = sys_thread_id,
    [FL_SYS_FAULT_REPLY] = sys_fault_reply,
    [FL_SYS_FAULT_WAKE] = sys_fault_wake,
    [FL_SYS_ENDPOINT_SET] = sys_endpoint_set,
    [FL_SYS_THREAD_AFFINITY] = sys_thread_affinity,
    [FL_SYS_POOL_REVOKE] = sys_pool_revoke,
};

void syscall_dispatch(trap_frame_t *tf)
{
    uint64_t nr = tf->x[8];
    long ret = nr < FL_SYS_COUNT && syscalls[nr] ? syscalls[nr](tf) : FL_ENOSYS;
    if (current->state == TS_DEAD)
        sched_switch(); /* never returns: the thread is gone */
    if (ret != IPC_BLOCKED)
        tf->x[0] = (uint64_t)ret;
}
