/* System calls on pools, address spaces and memory (decode, then act: see syscall.c). */
#include <arch/arch.h>
#include <arch/context.h>
#include <arch/memlayout.h>
#include <arch/vspace.h>
#include <faultline/errors.h>
#include <faultline/ipc.h>
#include <kernel/asid.h>
#include <kernel/boot.h>
#include <kernel/checked.h>
#include <kernel/ipc.h>
#include <kernel/irq.h>
#include <kernel/page.h>
#include <kernel/panic.h>
#include <kernel/pool_revoke.h>
#include <kernel/region.h>
#include <kernel/syscall_impl.h>
#include <kernel/thread.h>

/* Who may change [va, +pages) of s (see kernel/space_pagers.c): FL_EPAGER when a page there
 * was mapped by s's pager and the caller is not that pager. *mark (if given) gets VS_PAGER
 * when the caller is s's pager, so what it maps is protected in turn. */
static long pager_pages_check(space_t *s, uint64_t va, uint64_t pages, unsigned *mark)
{
    space_pager_role_t role = space_pager_role(s);
    if (mark)
        *mark = role == SPACE_PAGER_CALLER ? VS_PAGER : 0;
    if (role != SPACE_PAGER_OTHER)
        return FL_OK;
    for (uint64_t i = 0; i < pages; i++) {
        vs_mapping_t m;
        vspace_lookup(s->root, va + i * PAGE_SIZE, &m);
        if (m.pager)
            return FL_EPAGER;
    }
    return FL_OK;
}

long sys_pool_create(trap_frame_t *tf)
{
    handle_entry_t *e;
    long err = handle_lookup(current->space->handles, (fl_handle_t)tf->x[0], FL_OBJ_POOL,
                             FL_RIGHT_WRITE, &e);
    if (err)
        return err;
    pool_t *parent = e->obj;
    uint32_t rights = e->rights & FL_RIGHTS_ALL; /* a child never gives more than its parent */
    if (tf->x[1] == 0)
        return FL_EINVAL;
    if (!pool_can_create(parent, tf->x[1]))
        return FL_ENOMEM; /* the quota and the pool object itself must fit in what is free */
    pool_t *p = pool_create(parent, tf->x[1]);
    if (!p)
        return FL_ENOMEM;
    long h = give(p, FL_OBJ_POOL, rights, 0);
    kobj_put(&p->obj); /* the handle is its only reference (or it goes again on FL_EFULL) */
    return h;
}

long sys_pool_info(trap_frame_t *tf)
{
    pool_t *p;
    long err = lookup((fl_handle_t)tf->x[0], FL_OBJ_POOL, FL_RIGHT_READ, (void **)&p);
    if (err)
        return err;
    tf->x[1] = p->limit;
    return (long)p->used;
}

long sys_pool_revoke(trap_frame_t *tf)
{
    pool_t *p;
    long err = lookup((fl_handle_t)tf->x[0], FL_OBJ_POOL, FL_RIGHT_MANAGE, (void **)&p);
    if (err)
        return err;
    kobj_get(&p->obj); /* held across the walk whatever it closes */
    err = pool_revoke(p);
    kobj_put(&p->obj);
    return err;
}

long sys_space_create(trap_frame_t *tf)
{
    pool_t *p;
    long err = lookup((fl_handle_t)tf->x[0], FL_OBJ_POOL, FL_RIGHT_WRITE, (void **)&p);
    if (err)
        return err;
    space_t *s = space_create(p);
    return s ? give_new(s, FL_OBJ_SPACE) : FL_ENOMEM;
}

long sys_space_destroy(trap_frame_t *tf)
{
    space_t *s;
    long err = lookup((fl_handle_t)tf->x[0], FL_OBJ_SPACE, FL_RIGHT_MANAGE, (void **)&s);
    if (err)
        return err;
    space_kill(s, -1);
    return FL_OK;
}

long sys_vm_alloc(trap_frame_t *tf)
{
    space_t *s;
    uint64_t va = tf->x[1], pages = tf->x[2], prot = tf->x[3];
    long err = space_arg(tf, &s);
    if (err)
        return err;
    if (!pages_ok(va, pages) || !prot_ok(prot))
        return FL_EINVAL;
    uint64_t pa;
    unsigned p, mark = space_pager_role(s) == SPACE_PAGER_CALLER ? VS_PAGER : 0;
    for (uint64_t i = 0; i < pages; i++)
        if (space_lookup(s, va + i * PAGE_SIZE, &pa, &p))
            return FL_EEXIST;
    for (uint64_t i = 0; i < pages; i++) {
        pa = pool_frame_alloc(s->pool);
        if (pa) {
            page_set_owner(pa, s->pool->id);
            page_ref(pa); /* held across the map, so a failed map frees it */
            err = space_map_frame(s, va + i * PAGE_SIZE, pa, (unsigned)prot, mark);
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

long sys_vm_map(trap_frame_t *tf)
{
    space_t *s;
    uint64_t dst = tf->x[1], src = tf->x[2], pages = tf->x[3], prot = tf->x[4];
    long err = space_arg(tf, &s);
    if (err)
        return err;
    if (!pages_ok(dst, pages) || !pages_ok(src, pages) || !prot_ok(prot))
        return FL_EINVAL;
    unsigned mark;
    if ((err = pager_pages_check(s, dst, pages, &mark)))
        return err;
    /* Every source page is checked before anything changes (one page: right where it is
     * mapped, below, before the first change). */
    for (uint64_t i = 0; i < pages && pages > 1; i++) {
        vs_mapping_t m;
        vspace_lookup(current->space->root, src + i * PAGE_SIZE, &m);
        if (!m.valid)
            return FL_ENOENT;
        if ((prot & m.prot) != prot)
            return FL_EPERM; /* never more than the caller itself has */
    }
    /* Each source page is looked up again right before it is mapped, so only a frame that is
     * mapped at the source at that moment is used, and space_map_frame takes its reference
     * before the old destination mapping goes: no frame is ever mapped after it was freed.
     * Within one space, overlapping ranges are walked as memmove walks them (backwards when
     * the destination lies above the source), so every source page is read before it is
     * replaced and the call maps what the source range held when it began. */
    bool backwards = s == current->space && dst > src;
    for (uint64_t k = 0; k < pages; k++) {
        uint64_t i = backwards ? pages - 1 - k : k;
        vs_mapping_t m;
        vspace_lookup(current->space->root, src + i * PAGE_SIZE, &m);
        if (!m.valid || (prot & m.prot) != prot) {
            BUG_ON(pages > 1); /* checked above, and not replaced yet */
            return m.valid ? FL_EPERM : FL_ENOENT;
        }
        unsigned flags = (m.counted ? 0 : VS_NOREF) | (m.device ? VS_DEVICE : 0) | mark;
        if (space_map_frame(s, dst + i * PAGE_SIZE, m.pa, (unsigned)prot, flags)) {
            while (k--)
                space_unmap(s, dst + (backwards ? pages - 1 - k : k) * PAGE_SIZE);
            return FL_ENOMEM;
        }
    }
    return FL_OK;
}

long sys_vm_unmap(trap_frame_t *tf)
{
    space_t *s;
    long err = space_arg(tf, &s);
    if (err)
        return err;
    if (!pages_ok(tf->x[1], tf->x[2]))
        return FL_EINVAL;
    if ((err = pager_pages_check(s, tf->x[1], tf->x[2], NULL)))
        return err;
    for (uint64_t i = 0; i < tf->x[2]; i++)
        space_unmap(s, tf->x[1] + i * PAGE_SIZE);
    return FL_OK;
}

long sys_vm_protect(trap_frame_t *tf)
{
    space_t *s;
    uint64_t va = tf->x[1], pages = tf->x[2], prot = tf->x[3];
    long err = space_arg(tf, &s);
    if (err)
        return err;
    if (!pages_ok(va, pages) || !prot_ok(prot))
        return FL_EINVAL;
    if ((err = pager_pages_check(s, va, pages, NULL)))
        return err;
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

long sys_region_map(trap_frame_t *tf)
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
        !checked_range_in(off, size, 0, r->size))
        return FL_EINVAL;
    if (((prot & FL_PROT_WRITE) && !r->writable) || (r->device && (prot & FL_PROT_EXEC)))
        return FL_EPERM;
    unsigned mark;
    if ((err = pager_pages_check(s, va, size / PAGE_SIZE, &mark)))
        return err;
    unsigned flags = VS_NOREF | (r->device ? VS_DEVICE : 0) | mark;
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

long sys_vm_harvest(trap_frame_t *tf)
{
    space_t *s;
    uint64_t va = tf->x[1], pages = tf->x[2], out = tf->x[3];
    uint64_t bits[512 / 64] = {0};
    long err = space_arg(tf, &s);
    if (err)
        return err;
    if (!pages_ok(va, pages) || pages > 512 || !user_range_ok(out, (pages + 63) / 64 * 8))
        return FL_EINVAL;
    /* Harvesting clears access flags: fault the output in first (a fault restarts the call),
     * so the bits are never lost to a copy out that fails half-way. */
    err = arch_copy_to_user((void *)out, bits, (pages + 63) / 64 * 8);
    if (err)
        return err;
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

long sys_vm_phys(trap_frame_t *tf)
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

long sys_space_watch(trap_frame_t *tf)
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
    /* Several watchers (a parent, a pager, a supervisor): the same notification again only
     * changes its bits. */
    int slot = -1;
    for (int i = 0; i < FL_SPACE_WATCHERS; i++) {
        if (s->watch[i] == n) {
            s->watch_bits[i] = tf->x[2];
            return FL_OK;
        }
        if (!s->watch[i] && slot < 0)
            slot = i;
    }
    if (slot < 0)
        return FL_EFULL;
    kobj_get(&n->obj);
    s->watch[slot] = n;
    s->watch_bits[slot] = tf->x[2];
    return FL_OK;
}

long sys_space_status(trap_frame_t *tf)
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
