/* ASID allocator; see asid.h. */
#include <kernel/asid.h>

static bool is_used(const asid_alloc_t *a, uint32_t asid)
{
    return (a->used[asid / 64] >> (asid % 64)) & 1;
}

static void set_used(asid_alloc_t *a, uint32_t asid, bool on)
{
    if (on)
        a->used[asid / 64] |= 1UL << (asid % 64);
    else
        a->used[asid / 64] &= ~(1UL << (asid % 64));
}

void asid_init(asid_alloc_t *a, unsigned bits)
{
    a->generation = 1;
    a->max = (1u << bits) - 1;
    a->next = 1;
    a->flush_pending = 0;
    a->online = 1;
    for (unsigned c = 0; c < ASID_CPUS; c++)
        a->active[c] = a->reserved[c] = 0;
    for (unsigned i = 0; i < sizeof(a->used) / sizeof(a->used[0]); i++)
        a->used[i] = 0;
}

/* A new generation: only the ASIDs live on some CPU stay taken (as reserved), and every CPU
 * flushes its TLB before its next switch. */
static void rollover(asid_alloc_t *a)
{
    a->generation++;
    for (unsigned i = 0; i < sizeof(a->used) / sizeof(a->used[0]); i++)
        a->used[i] = 0;
    for (unsigned c = 0; c < ASID_CPUS; c++) {
        uint64_t live = a->active[c];
        a->active[c] = 0;
        if (live) /* with none activated since the last rollover, the reserved one is live */
            a->reserved[c] = live;
        if (a->reserved[c])
            set_used(a, asid_of(a->reserved[c]), true);
    }
    /* Only CPUs that run threads: a bit for a CPU that never comes up would stay set and send
     * every later switch down the slow path. */
    a->flush_pending = __atomic_load_n(&a->online, __ATOMIC_RELAXED) & ((1u << ASID_CPUS) - 1);
    a->next = 1;
}

void asid_cpu_online(asid_alloc_t *a, unsigned cpu)
{
    if (cpu < ASID_CPUS)
        __atomic_or_fetch(&a->online, 1u << cpu, __ATOMIC_RELAXED);
}

/* A space whose old-generation value is some CPU's reserved one keeps its number. */
static bool keep_reserved(asid_alloc_t *a, uint64_t old, uint64_t *fresh)
{
    bool hit = false;
    *fresh = (a->generation << 16) | asid_of(old);
    for (unsigned c = 0; c < ASID_CPUS; c++) {
        if (a->reserved[c] == old) {
            a->reserved[c] = *fresh;
            hit = true;
        }
    }
    return hit;
}

static uint64_t allocate(asid_alloc_t *a)
{
    for (unsigned round = 0; round < 2; round++) {
        for (uint32_t tries = 0; tries < a->max; tries++) {
            uint32_t cand = a->next;
            a->next = a->next == a->max ? 1 : a->next + 1;
            if (!is_used(a, cand)) {
                set_used(a, cand, true);
                return (a->generation << 16) | cand;
            }
        }
        rollover(a);
    }
    return 0; /* unreachable while max > ASID_CPUS: a rollover leaves a free ASID */
}

bool asid_activate(asid_alloc_t *a, unsigned cpu, uint64_t *ctx)
{
    if (!*ctx || asid_generation(*ctx) != a->generation) {
        uint64_t fresh;
        if (*ctx && keep_reserved(a, *ctx, &fresh))
            *ctx = fresh;
        else
            *ctx = allocate(a);
    }
    a->active[cpu] = *ctx;
    bool flush = (a->flush_pending >> cpu) & 1;
    a->flush_pending &= ~(1u << cpu);
    return flush;
}

void asid_release(asid_alloc_t *a, uint64_t ctx)
{
    if (!ctx)
        return;
    if (asid_generation(ctx) == a->generation)
        set_used(a, asid_of(ctx), false);
    for (unsigned c = 0; c < ASID_CPUS; c++) {
        if (a->active[c] == ctx)
            a->active[c] = 0;
        if (a->reserved[c] == ctx)
            a->reserved[c] = 0;
    }
}
