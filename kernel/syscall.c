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
#include <kernel/boot.h>
#include <kernel/asid.h>
#include <kernel/ipc.h>
#include <kernel/irq.h>
#include <kernel/page.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/region.h>
#include <kernel/syscall.h>
#include <kernel/thread.h>

#define MAX_PAGES_PER_CALL (1u << 16)
#define PROT_MASK          (FL_PROT_READ | FL_PROT_WRITE | FL_PROT_EXEC)

typedef long (*syscall_fn)(trap_frame_t *tf);

bool user_range_ok(uint64_t va, uint64_t len)
{
    return va < USER_TOP && len <= USER_TOP - va;
}

static bool pages_ok(uint64_t va, uint64_t pages)
{
    return !(va & (PAGE_SIZE - 1)) && pages > 0 && pages <= MAX_PAGES_PER_CALL &&
           user_range_ok(va, pages * PAGE_SIZE);
}

static bool prot_ok(uint64_t prot)
{
    return (prot & ~(uint64_t)PROT_MASK) == 0 && (prot & FL_PROT_READ);
}

static long lookup(fl_handle_t h, fl_obj_type_t type, uint32_t need, void **obj)
{
    handle_entry_t *e;
    long err = handle_lookup(current->space->handles, h, type, need, &e);
    if (err == FL_OK)
        *obj = e->obj;
    return err;
}

/* Installs obj (taking a new reference) in the caller's table; returns the handle. */
static long give(void *obj, fl_obj_type_t type, uint32_t rights, uint64_t badge)
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
static long give_new(void *obj, fl_obj_type_t type)
{
    long h = give(obj, type, FL_RIGHTS_ALL, 0);
    kobj_put(obj);
    return h;
}

/* --- debugging and system ------------------------------------------------------------- */

static long sys_debug_write(trap_frame_t *tf)
{
    uint64_t buf = tf->x[0], len = tf->x[1];
    char chunk[128];
    if (len > 4096 || !user_range_ok(buf, len))
        return FL_EINVAL;
    for (uint64_t done = 0; done < len;) {
        uint64_t n = len - done < sizeof(chunk) ? len - done : sizeof(chunk);
        if (arch_copy_from_user(chunk, (const void *)(buf + done), n))
            return FL_EFAULT;
        for (uint64_t i = 0; i < n; i++) {
            if (chunk[i] == '\n')
                arch_console_putc('\r');
            arch_console_putc(chunk[i]);
        }
        done += n;
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
    kobj_t *o = old.obj;
    /* A thread that was never started and can no longer be named would never run. */
    if (o->type == FL_OBJ_THREAD && ((thread_t *)o)->state == TS_STOPPED && o->refs == 2)
        thread_kill((thread_t *)o);
    kobj_handle_closed(o, old.rights);
    kobj_put(o);
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

static long sys_pool_create(trap_frame_t *tf)
{
    pool_t *parent;
    long err = lookup((fl_handle_t)tf->x[0], FL_OBJ_POOL, FL_RIGHT_WRITE, (void **)&parent);
    if (err)
        return err;
    if (tf->x[1] == 0)
        return FL_EINVAL;
    if (tf->x[1] + 1 > parent->limit - parent->used)
        return FL_ENOMEM; /* the quota and the pool object itself must fit in what is free */
    pool_t *p = pool_create(parent, tf->x[1]);
    return p ? give_new(p, FL_OBJ_POOL) : FL_ENOMEM;
}

static long sys_pool_info(trap_frame_t *tf)
{
    pool_t *p;
    long err = lookup((fl_handle_t)tf->x[0], FL_OBJ_POOL, FL_RIGHT_READ, (void **)&p);
    if (err)
        return err;
    tf->x[1] = p->limit;
    return (long)p->used;
}

static long sys_space_create(trap_frame_t *tf)
{
    pool_t *p;
    long err = lookup((fl_handle_t)tf->x[0], FL_OBJ_POOL, FL_RIGHT_WRITE, (void **)&p);
    if (err)
        return err;
    space_t *s = space_create(p);
    return s ? give_new(s, FL_OBJ_SPACE) : FL_ENOMEM;
}

static long sys_space_destroy(trap_frame_t *tf)
{
    space_t *s;
    long err = lookup((fl_handle_t)tf->x[0], FL_OBJ_SPACE, FL_RIGHT_MANAGE, (void **)&s);
    if (err)
        return err;
    space_kill(s, -1);
    return FL_OK;
}

static long space_arg(trap_frame_t *tf, space_t **s)
{
    long err = lookup((fl_handle_t)tf->x[0], FL_OBJ_SPACE, FL_RIGHT_MAP, (void **)s);
    if (!err && (*s)->dead)
        err = FL_EPEER;
    return err;
}

static long sys_vm_alloc(trap_frame_t *tf)
{
    space_t *s;
    uint64_t va = tf->x[1], pages = tf->x[2], prot = tf->x[3];
    long err = space_arg(tf, &s);
    if (err)
        return err;
    if (!pages_ok(va, pages) || !prot_ok(prot))
        return FL_EINVAL;
    uint64_t pa;
    unsigned p;
    for (uint64_t i = 0; i < pages; i++)
        if (space_lookup(s, va + i * PAGE_SIZE, &pa, &p))
            return FL_EEXIST;
    for (uint64_t i = 0; i < pages; i++) {
        pa = pool_frame_alloc(s->pool);
        if (pa) {
            page_set_owner(pa, s->pool->id);
            page_ref(pa); /* held across the map, so a failed map frees it */
            err = space_map_frame(s, va + i * PAGE_SIZE, pa, (unsigned)prot, 0);
            page_unref(pa);
        }
        if (!pa || err) {
            while (i--)
                space_unmap(s, va + i * PAGE_SIZE);
            return FL_ENOMEM;
        }
    }
    return FL_OK;
}

static long sys_vm_map(trap_frame_t *tf)
{
    space_t *s;
    uint64_t dst = tf->x[1], src = tf->x[2], pages = tf->x[3], prot = tf->x[4];
    long err = space_arg(tf, &s);
    if (err)
        return err;
    if (!pages_ok(dst, pages) || !pages_ok(src, pages) || !prot_ok(prot))
        return FL_EINVAL;
    for (uint64_t i = 0; i < pages; i++) {
        vs_mapping_t m;
        vspace_lookup(current->space->root, src + i * PAGE_SIZE, &m);
        if (!m.valid)
            return FL_ENOENT;
        if ((prot & m.prot) != prot)
            return FL_EPERM; /* never more than the caller itself has */
    }
    for (uint64_t i = 0; i < pages; i++) {
        vs_mapping_t m;
        vspace_lookup(current->space->root, src + i * PAGE_SIZE, &m);
        unsigned flags = (m.counted ? 0 : VS_NOREF) | (m.device ? VS_DEVICE : 0);
        if (space_map_frame(s, dst + i * PAGE_SIZE, m.pa, (unsigned)prot, flags)) {
            while (i--)
                space_unmap(s, dst + i * PAGE_SIZE);
            return FL_ENOMEM;
        }
    }
    return FL_OK;
}

static long sys_vm_unmap(trap_frame_t *tf)
{
    space_t *s;
    long err = space_arg(tf, &s);
    if (err)
        return err;
    if (!pages_ok(tf->x[1], tf->x[2]))
        return FL_EINVAL;
    for (uint64_t i = 0; i < tf->x[2]; i++)
        space_unmap(s, tf->x[1] + i * PAGE_SIZE);
    return FL_OK;
}

static long sys_vm_protect(trap_frame_t *tf)
{
    space_t *s;
    uint64_t va = tf->x[1], pages = tf->x[2], prot = tf->x[3];
    long err = space_arg(tf, &s);
    if (err)
        return err;
    if (!pages_ok(va, pages) || !prot_ok(prot))
        return FL_EINVAL;
    for (uint64_t i = 0; i < pages; i++) {
        uint64_t pa;
        unsigned p;
        if (!space_lookup(s, va + i * PAGE_SIZE, &pa, &p))
            return FL_ENOENT;
        if ((prot & p) != prot)
            return FL_EPERM; /* protect only removes rights; adding them is a new map */
    }
    for (uint64_t i = 0; i < pages; i++)
        space_protect(s, va + i * PAGE_SIZE, (unsigned)prot);
    return FL_OK;
}

static long sys_region_map(trap_frame_t *tf)
{
    space_t *s;
    region_t *r;
    uint64_t off = tf->x[2], va = tf->x[3], size = tf->x[4], prot = tf->x[5];
    long err = space_arg(tf, &s);
    if (!err)
        err = lookup((fl_handle_t)tf->x[1], FL_OBJ_REGION,
                     FL_RIGHT_MAP | ((prot & FL_PROT_WRITE) ? FL_RIGHT_WRITE : 0), (void **)&r);
    if (err)
        return err;
    if ((off | size) & (PAGE_SIZE - 1) || !pages_ok(va, size / PAGE_SIZE) || !prot_ok(prot) ||
        off > r->size || size > r->size - off)
        return FL_EINVAL;
    if (((prot & FL_PROT_WRITE) && !r->writable) || (r->device && (prot & FL_PROT_EXEC)))
        return FL_EPERM;
    unsigned flags = VS_NOREF | (r->device ? VS_DEVICE : 0);
    for (uint64_t i = 0; i < size / PAGE_SIZE; i++) {
        if (space_map_frame(s, va + i * PAGE_SIZE, r->pa + off + i * PAGE_SIZE, (unsigned)prot,
                            flags)) {
            while (i--)
                space_unmap(s, va + i * PAGE_SIZE);
            return FL_ENOMEM;
        }
    }
    return FL_OK;
}

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
    uint64_t va = tf->x[0], pa;
    unsigned prot;
    if (va == 0) {
        if (current->ipcbuf_pa)
            page_unref(current->ipcbuf_pa);
        current->ipcbuf_pa = current->ipcbuf_va = 0;
        return FL_OK;
    }
    if ((va & (PAGE_SIZE - 1)) || !user_range_ok(va, PAGE_SIZE))
        return FL_EINVAL;
    vs_mapping_t m;
    vspace_lookup(current->space->root, va, &m);
    if (!m.valid || !(m.prot & FL_PROT_WRITE) || !m.counted)
        return FL_EFAULT;
    (void)pa;
    (void)prot;
    if (!page_ref(m.pa)) /* pinned: the kernel writes it through the linear map */
        return FL_EFULL;
    if (current->ipcbuf_pa)
        page_unref(current->ipcbuf_pa);
    current->ipcbuf_pa = m.pa;
    current->ipcbuf_va = va;
    return FL_OK;
}

/* --- IPC ----------------------------------------------------------------------------------- */

static long sys_endpoint_create(trap_frame_t *tf)
{
    (void)tf;
    endpoint_t *ep = kobj_alloc(current->space->pool, FL_OBJ_ENDPOINT, sizeof(endpoint_t));
    return ep ? give_new(ep, FL_OBJ_ENDPOINT) : FL_ENOMEM;
}

static long sys_notification_create(trap_frame_t *tf)
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
    if ((words > FL_MSG_REG_WORDS || handles) && !current->ipcbuf_pa)
        return FL_EINVAL;
    if (handles) {
        fl_ipc_buffer_t *b = arch_phys_to_virt(current->ipcbuf_pa);
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

static long sys_send(trap_frame_t *tf)
{
    return sys_send_or_call(tf, false);
}

static long sys_call(trap_frame_t *tf)
{
    return sys_send_or_call(tf, true);
}

static long sys_recv(trap_frame_t *tf)
{
    endpoint_t *ep;
    uint64_t badge;
    long err = endpoint_arg(tf, FL_RIGHT_READ, &ep, &badge);
    if (err)
        return err;
    return ipc_recv(ep);
}

static long sys_reply(trap_frame_t *tf)
{
    long err = check_message(tf);
    if (err)
        return err;
    return ipc_reply();
}

static long sys_reply_recv(trap_frame_t *tf)
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

static long sys_signal(trap_frame_t *tf)
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

static long sys_wait(trap_frame_t *tf)
{
    return sys_wait_or_poll(tf, true);
}

static long sys_poll(trap_frame_t *tf)
{
    return sys_wait_or_poll(tf, false);
}

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

static long sys_vm_harvest(trap_frame_t *tf)
{
    space_t *s;
    uint64_t va = tf->x[1], pages = tf->x[2], out = tf->x[3];
    uint64_t bits[512 / 64] = {0};
    long err = space_arg(tf, &s);
    if (err)
        return err;
    if (!pages_ok(va, pages) || pages > 512 || !user_range_ok(out, (pages + 63) / 64 * 8))
        return FL_EINVAL;
    long accessed = 0;
    for (uint64_t i = 0; i < pages; i++) {
        vs_mapping_t m;
        if (vspace_harvest(s->root, asid_of(s->asid_ctx), va + i * PAGE_SIZE, &m) && m.accessed) {
            bits[i / 64] |= 1UL << (i % 64);
            accessed++;
        }
    }
    err = arch_copy_to_user((void *)out, bits, (pages + 63) / 64 * 8);
    return err ? err : accessed;
}

static long sys_irq_bind(trap_frame_t *tf)
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

static long sys_irq_ack(trap_frame_t *tf)
{
    irq_t *irq;
    long err = lookup((fl_handle_t)tf->x[0], FL_OBJ_IRQ, FL_RIGHT_MANAGE, (void **)&irq);
    if (err)
        return err;
    irq_ack(irq);
    return FL_OK;
}

static long sys_vm_phys(trap_frame_t *tf)
{
    space_t *s;
    pool_t *p;
    long err = space_arg(tf, &s);
    if (!err)
        err = lookup((fl_handle_t)tf->x[2], FL_OBJ_POOL, FL_RIGHT_MANAGE, (void **)&p);
    if (err)
        return err;
    if (!user_range_ok(tf->x[1], 1))
        return FL_EINVAL;
    vs_mapping_t m;
    vspace_lookup(s->root, tf->x[1] & PAGE_MASK, &m);
    if (!m.valid)
        return FL_ENOENT;
    if (!m.counted || page_owner(m.pa) != p->id)
        return FL_EPERM; /* only frames of a pool the caller manages */
    return (long)(m.pa | (tf->x[1] & (PAGE_SIZE - 1)));
}

static long sys_space_watch(trap_frame_t *tf)
{
    space_t *s;
    notification_t *n;
    long err = lookup((fl_handle_t)tf->x[0], FL_OBJ_SPACE, FL_RIGHT_READ, (void **)&s);
    if (!err)
        err = lookup((fl_handle_t)tf->x[1], FL_OBJ_NOTIFICATION, FL_RIGHT_WRITE, (void **)&n);
    if (err)
        return err;
    if (tf->x[2] == 0 || (tf->x[2] >> 63))
        return FL_EINVAL;
    if (s->dead) {
        notification_signal(n, tf->x[2]);
        return FL_OK;
    }
    kobj_get(&n->obj);
    if (s->watch)
        kobj_put(&s->watch->obj);
    s->watch = n;
    s->watch_bits = tf->x[2];
    return FL_OK;
}

static long sys_space_status(trap_frame_t *tf)
{
    space_t *s;
    long err = lookup((fl_handle_t)tf->x[0], FL_OBJ_SPACE, FL_RIGHT_READ, (void **)&s);
    if (err)
        return err;
    if (!s->dead)
        return 0;
    tf->x[1] = (uint64_t)(int64_t)s->exit_status;
    return 1;
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
