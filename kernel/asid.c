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
    a->active = 0;
    a->reserved = 0;
    for (unsigned i = 0; i < sizeof(a->used) / sizeof(a->used[0]); i++)
        a->used[i] = 0;
}

static uint64_t gen_of(uint64_t ctx)
{
    return ctx >> 16;
}

bool asid_activate(asid_alloc_t *a, uint64_t *ctx)
{
    bool flush = false;

    if (*ctx && gen_of(*ctx) == a->generation) {
        a->active = *ctx;
        return false;
    }
    /* A space that was active across a rollover keeps its number in the new generation. */
    if (*ctx && *ctx == a->reserved) {
        *ctx = (a->generation << 16) | asid_of(*ctx);
        a->active = *ctx;
        return false;
    }
    for (uint32_t tries = 0; tries <= a->max; tries++) {
        uint32_t cand = a->next;
        a->next = a->next == a->max ? 1 : a->next + 1;
        if (!is_used(a, cand)) {
            set_used(a, cand, true);
            *ctx = (a->generation << 16) | cand;
            a->active = *ctx;
            return false;
        }
    }
    /* Rollover: a new generation in which only the active ASID stays taken. */
    a->generation++;
    for (unsigned i = 0; i < sizeof(a->used) / sizeof(a->used[0]); i++)
        a->used[i] = 0;
    a->reserved = a->active;
    if (a->active) {
        set_used(a, asid_of(a->active), true);
        a->active = (a->generation << 16) | asid_of(a->active);
    }
    flush = true;
    for (uint32_t cand = 1; cand <= a->max; cand++) {
        if (!is_used(a, cand)) {
            set_used(a, cand, true);
            a->next = cand == a->max ? 1 : cand + 1;
            *ctx = (a->generation << 16) | cand;
            a->active = *ctx;
            return flush;
        }
    }
    return flush; /* unreachable: max >= 2 leaves a free ASID after rollover */
}

void asid_release(asid_alloc_t *a, uint64_t ctx)
{
    if (ctx && gen_of(ctx) == a->generation)
        set_used(a, asid_of(ctx), false);
    if (a->active == ctx)
        a->active = 0;
}
