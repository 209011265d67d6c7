/* Address spaces (processes); see space.h. */
#include <arch/arch.h>
#include <arch/memlayout.h>
#include <arch/vspace.h>
#include <faultline/errors.h>
#include <kernel/asid.h>
#include <kernel/cpu.h>
#include <kernel/ipc.h>
#include <kernel/page.h>
#include <kernel/panic.h>
#include <kernel/pool_revoke.h>
#include <kernel/printk.h>
#include <kernel/space.h>
#include <kernel/thread.h>

asid_alloc_t space_asids; /* global: the assembly fast path (arch/arm64/fastpath.S) reads it */
static bool asids_ready;
static unsigned asid_bits_limit = ASID_MAX_BITS;
static uint32_t next_space_id = 1;

void space_limit_asid_bits(unsigned bits)
{
    /* After a rollover each CPU may keep one reserved ASID; at least two more must be left
     * to hand out (asid.c relies on one). */
    while (bits < ASID_MAX_BITS && (1u << bits) - 1 < cpus_online + 2)
        bits++;
    asid_bits_limit = bits;
}

unsigned space_asid_bits_limit(void)
{
    return asid_bits_limit;
}

space_t *space_create(pool_t *pool)
{
    if (!asids_ready) {
        unsigned bits = vspace_asid_bits();
        asid_init(&space_asids, bits < asid_bits_limit ? bits : asid_bits_limit);
        asids_ready = true;
    }
    space_t *s = kobj_alloc(pool, FL_OBJ_SPACE, sizeof(space_t) + sizeof(handle_table_t));
    if (!s)
        return NULL;
    pool_revoke_space_added(s);
    /* Everything that cannot fail first: teardown copes with a space that has no root table
     * yet, which is all an allocation failure below can leave. */
    s->pool = pool;
    kobj_get(&pool->obj);
    s->handles = (handle_table_t *)(s + 1);
    handle_table_init(s->handles);
    s->id = next_space_id++;
    s->root = pool_frame_alloc(pool);
    if (!s->root) {
        kobj_put(&s->obj);
        return NULL;
    }
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
    cpu_t *c = this_cpu();
    if (!s || s->dead) {
        vspace_activate(0, 0, false);
        c->active_space = NULL;
        return;
    }
    uint64_t gen = space_asids.generation;
    if (asid_generation(s->asid_ctx) == gen && !space_asids.flush_pending) { /* the common case */
        space_asids.active[c->arch.id] = s->asid_ctx;
        vspace_activate(s->root, asid_of(s->asid_ctx), false);
        c->active_space = s;
        return;
    }
    bool flush = asid_activate(&space_asids, c->arch.id, &s->asid_ctx);
    if (space_asids.generation != gen && asid_bits_limit < ASID_MAX_BITS) /* fl.asid_bits tests */
        printk("asid: rollover on cpu %u, generation %lu\n", c->arch.id,
               (unsigned long)space_asids.generation);
    vspace_activate(s->root, asid_of(s->asid_ctx), flush);
    c->active_space = s;
}

void space_cpu_online(unsigned cpu)
{
    asid_cpu_online(&space_asids, cpu);
}

uint64_t space_asid_generation(void)
{
    return space_asids.generation;
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

/* Ends s: stops its threads, then (with no thread left to walk them) invalidates the ASID's
 * TLB entries, and only then frees page tables and frames, so no CPU can still translate
 * through memory that was handed out again. Also safe on a space whose construction failed
 * half-way (no root table). */
static void teardown(space_t *s, int status)
{
    s->dead = true;
    s->exit_status = status;
    while (s->threads)
        thread_kill(s->threads); /* one running elsewhere is stalled first (thread.c) */
    /* No walks of tables about to be freed: here, and on every CPU whose TTBR0 still holds
     * them (an idle CPU keeps the last space loaded); each drops them when stalled. */
    cpu_t *me = this_cpu();
    if (me->active_space == s)
        space_activate(NULL);
    for (unsigned i = 0; i < cpus_online; i++)
        if (&cpus[i] != me && cpus[i].active_space == s)
            smp_stall(&cpus[i]);
    if (s->asid_ctx) {
        vspace_flush_asid(asid_of(s->asid_ctx)); /* before the tables go, and the ASID */
        asid_release(&space_asids, s->asid_ctx);
        s->asid_ctx = 0;
    }
    if (s->root) {
        vspace_teardown(s->root, drop_leaf, free_table, s);
        pool_frame_free(s->pool, s->root);
        s->root = 0;
    }
    for (unsigned i = 0; i < HANDLE_TABLE_SIZE; i++) {
        handle_entry_t *e = &s->handles->e[i];
        if (!e->obj)
            continue;
        handle_entry_t old = *e;
        e->obj = NULL;
        s->handles->used--;
        space_handle_dropped(old.obj, old.rights);
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
    if (s->dead || s->obj.reap == KOBJ_REAP_KILL)
        return;
    s->exit_status = status;
    kobj_queue_kill(&s->obj); /* holds s until its own handles are closed */
}

void space_kill_now(space_t *s)
{
    if (!s->dead)
        teardown(s, s->exit_status);
}

void space_destroy_obj(kobj_t *o)
{
    space_t *s = (space_t *)o;
    if (!s->dead)
        teardown(s, 0);
    pool_revoke_space_removed(s);
    if (s->pool)
        kobj_put(&s->pool->obj);
}

/* Whether nothing but s itself can ever name s or start one of its threads again: none of
 * its threads was started (or all that were have ended), and every reference to s and to its
 * threads comes from s's own handle table or from its own threads. Such a process is a
 * reference cycle (design.md, "Teardown") and is ended. extra: references the caller holds. */
static bool unreachable(space_t *s, uint32_t extra)
{
    uint32_t own = extra;
    if (s->dead || s->is_root_task || s->obj.reap != KOBJ_REAP_NONE)
        return false;
    for (thread_t *t = s->threads; t; t = t->space_next) {
        if (t->state != TS_STOPPED)
            return false;
        t->collect_refs = 1; /* its being alive */
        t->collect_seen = false;
        own++; /* its reference on s */
    }
    handle_entry_t *e = s->handles->e;
    for (unsigned i = 0; i < HANDLE_TABLE_SIZE; i++) /* dead threads: only handles hold them */
        if (e[i].obj && e[i].type == FL_OBJ_THREAD && ((thread_t *)e[i].obj)->state == TS_DEAD &&
            ((thread_t *)e[i].obj)->space == s)
            ((thread_t *)e[i].obj)->collect_refs = 0, ((thread_t *)e[i].obj)->collect_seen = false;
    for (unsigned i = 0; i < HANDLE_TABLE_SIZE; i++) {
        if (e[i].obj == &s->obj)
            own++;
        else if (e[i].obj && e[i].type == FL_OBJ_THREAD && ((thread_t *)e[i].obj)->space == s)
            ((thread_t *)e[i].obj)->collect_refs++;
    }
    for (thread_t *t = s->threads; t; t = t->space_next)
        if (t->obj.refs != t->collect_refs)
            return false; /* a handle elsewhere can start it */
    for (unsigned i = 0; i < HANDLE_TABLE_SIZE; i++) {
        thread_t *t = e[i].obj;
        if (!t || e[i].type != FL_OBJ_THREAD || t->space != s || t->state != TS_DEAD ||
            t->collect_seen)
            continue;
        t->collect_seen = true;
        if (t->obj.refs == t->collect_refs)
            own++; /* a dead thread only s names: its reference on s is s's own */
    }
    return s->obj.refs == own;
}

void space_collect(space_t *s, uint32_t extra)
{
    if (unreachable(s, extra))
        space_kill(s, 0);
}

space_t *space_of(kobj_t *o)
{
    if (o->type == FL_OBJ_SPACE)
        return (space_t *)o;
    if (o->type == FL_OBJ_THREAD)
        return ((thread_t *)o)->space;
    return NULL;
}

void space_handle_dropped(kobj_t *o, uint32_t rights)
{
    space_t *s = space_of(o);
    if (s)
        kobj_get(&s->obj); /* for the check below, whatever closing o frees */
    /* A thread that was never started and can no longer be named would never run. */
    if (o->type == FL_OBJ_THREAD && ((thread_t *)o)->state == TS_STOPPED && o->refs == 2)
        thread_kill((thread_t *)o);
    kobj_handle_closed(o, rights);
    kobj_put(o);
    if (s) {
        space_collect(s, 1);
        kobj_put(&s->obj);
    }
}
