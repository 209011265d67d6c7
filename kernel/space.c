/* Address spaces (processes); see space.h. */
#include <arch/arch.h>
#include <arch/memlayout.h>
#include <arch/vspace.h>
#include <faultline/errors.h>
#include <kernel/asid.h>
#include <kernel/ipc.h>
#include <kernel/page.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/space.h>
#include <kernel/thread.h>

static asid_alloc_t asids;
static bool asids_ready;
static uint32_t next_space_id = 1;

space_t *space_create(pool_t *pool)
{
    if (!asids_ready) {
        asid_init(&asids, vspace_asid_bits());
        asids_ready = true;
    }
    space_t *s = kobj_alloc(pool, FL_OBJ_SPACE, sizeof(space_t) + sizeof(handle_table_t));
    if (!s)
        return NULL;
    s->root = pool_frame_alloc(pool);
    if (!s->root) {
        kobj_put(&s->obj);
        return NULL;
    }
    s->pool = pool;
    kobj_get(&pool->obj);
    s->handles = (handle_table_t *)(s + 1);
    handle_table_init(s->handles);
    s->id = next_space_id++;
    return s;
}

static uint64_t table_alloc(void *ctx)
{
    return pool_frame_alloc(((space_t *)ctx)->pool);
}

static void drop_leaf(const vs_mapping_t *m, void *ctx)
{
    (void)ctx;
    if (m->counted)
        page_unref(m->pa);
}

static void free_table(uint64_t pa, void *ctx)
{
    pool_frame_free(((space_t *)ctx)->pool, pa);
}

void space_activate(space_t *s)
{
    if (!s || s->dead) {
        vspace_activate(0, 0, false);
        return;
    }
    if ((s->asid_ctx >> 16) == asids.generation) { /* the common case: the ASID is current */
        asids.active = s->asid_ctx;
        vspace_activate(s->root, asid_of(s->asid_ctx), false);
        return;
    }
    bool flush = asid_activate(&asids, &s->asid_ctx);
    vspace_activate(s->root, asid_of(s->asid_ctx), flush);
}

int space_map_frame(space_t *s, uint64_t va, uint64_t pa, unsigned prot, unsigned vsflags)
{
    vs_mapping_t old;
    if (!(vsflags & VS_NOREF) && !page_ref(pa))
        return FL_EFULL;
    int err =
        vspace_map(s->root, asid_of(s->asid_ctx), va, pa, prot | vsflags, table_alloc, s, &old);
    if (err) {
        if (!(vsflags & VS_NOREF))
            page_unref(pa);
        return err;
    }
    if (old.valid && old.counted)
        page_unref(old.pa);
    return 0;
}

void space_unmap(space_t *s, uint64_t va)
{
    vs_mapping_t old;
    vspace_unmap(s->root, asid_of(s->asid_ctx), va, &old);
    if (old.valid && old.counted)
        page_unref(old.pa);
}

void space_protect(space_t *s, uint64_t va, unsigned prot)
{
    vspace_protect(s->root, asid_of(s->asid_ctx), va, prot);
}

bool space_lookup(space_t *s, uint64_t va, uint64_t *pa, unsigned *prot)
{
    vs_mapping_t m;
    vspace_lookup(s->root, va, &m);
    if (!m.valid)
        return false;
    *pa = m.pa;
    *prot = m.prot;
    return true;
}

static void teardown(space_t *s, int status)
{
    s->dead = true;
    s->exit_status = status;
    while (s->threads)
        thread_kill(s->threads);
    if (current && current->space == s)
        vspace_activate(0, 0, false); /* no walks of tables about to be freed */
    vspace_teardown(s->root, drop_leaf, free_table, s);
    if (s->asid_ctx) {
        vspace_flush_asid(asid_of(s->asid_ctx)); /* before the ASID can be handed out again */
        asid_release(&asids, s->asid_ctx);
        s->asid_ctx = 0;
    }
    pool_frame_free(s->pool, s->root);
    s->root = 0;
    for (unsigned i = 0; i < HANDLE_TABLE_SIZE; i++) {
        handle_entry_t *e = &s->handles->e[i];
        if (!e->obj)
            continue;
        kobj_t *o = e->obj;
        e->obj = NULL;
        s->handles->used--;
        kobj_handle_closed(o, e->rights);
        kobj_put(o);
    }
    space_pagers_ended(s, s->obj.refs > 0); /* no events for a space nobody refers to */
    for (unsigned i = 0; i < FL_SPACE_WATCHERS; i++) {
        if (!s->watch[i])
            continue;
        notification_signal(s->watch[i], s->watch_bits[i]);
        kobj_put(&s->watch[i]->obj);
        s->watch[i] = NULL;
    }
    if (s->is_root_task) {
        printk("init: process ended with status %d; halting\n", status);
        arch_halt(status);
    }
}

void space_kill(space_t *s, int status)
{
    if (s->dead)
        return;
    kobj_get(&s->obj); /* closing its own handles must not free s under us */
    teardown(s, status);
    kobj_put(&s->obj);
}

void space_destroy_obj(kobj_t *o)
{
    space_t *s = (space_t *)o;
    if (!s->dead)
        teardown(s, 0);
    kobj_put(&s->pool->obj);
}
