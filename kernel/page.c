/* Mapping counts of user frames; see page.h. Two arrays over all managed frames. */
#include <arch/arch.h>
#include <kernel/boot.h>
#include <kernel/page.h>
#include <kernel/panic.h>
#include <kernel/pool.h>

/* The first RAM range, where nearly every frame is, and the counts: read by fastpath.S's map
 * reply too (page_ref's common case there; offsets checked in fastpath.c). */
page_meta_t page_meta;
#define first_base  page_meta.first_base
#define first_count page_meta.first_count
#define refs        page_meta.refs
static uint32_t *owner; /* pool id (pool.h) */

static uint64_t index_of_slow(uint64_t pa)
{
    uint64_t base = 0;
    for (unsigned i = 0; i < kernel_frames.nranges; i++) {
        const frame_range_t *r = &kernel_frames.range[i];
        if (pa >= r->base && (pa - r->base) / FRAME_SIZE < r->count)
            return base + (pa - r->base) / FRAME_SIZE;
        base += r->count;
    }
    panic("page: %#lx is not managed RAM", (unsigned long)pa);
}

static inline uint64_t index_of(uint64_t pa)
{
    uint64_t i = (pa - first_base) / FRAME_SIZE;
    return pa >= first_base && i < first_count ? i : index_of_slow(pa);
}

void page_meta_init(void)
{
    uint64_t bytes = kernel_frames.total * (sizeof(*refs) + sizeof(*owner));
    uint64_t n = (bytes + FRAME_SIZE - 1) / FRAME_SIZE, pa;
    if (frame_alloc_contig(&kernel_frames, n, FRAME_SIZE, &pa) != 0)
        panic("no memory for page metadata");
    refs = arch_phys_to_virt(pa);
    owner = refs + kernel_frames.total;
    for (uint64_t i = 0; i < kernel_frames.total; i++)
        refs[i] = owner[i] = 0;
    if (kernel_frames.nranges) {
        first_base = kernel_frames.range[0].base;
        first_count = kernel_frames.range[0].count;
    }
}

void page_set_owner(uint64_t pa, uint32_t pool_id)
{
    uint64_t i = index_of(pa);
    refs[i] = 0;
    owner[i] = pool_id;
}

static bool ref_at(uint64_t i)
{
    if (refs[i] == UINT32_MAX)
        return false;
    refs[i]++;
    return true;
}

static __attribute__((noinline)) bool ref_slow(uint64_t pa)
{
    return ref_at(index_of_slow(pa));
}

bool page_ref(uint64_t pa)
{
    uint64_t i = (pa - first_base) / FRAME_SIZE;
    if (pa < first_base || i >= first_count)
        return ref_slow(pa); /* a tail call: the common case needs no stack frame */
    return ref_at(i);
}

static void unref_at(uint64_t i, uint64_t pa)
{
    BUG_ON(refs[i] == 0);
    if (--refs[i] == 0)
        pool_frame_free(pool_by_id(owner[i]), pa);
}

void page_unref(uint64_t pa)
{
    unref_at(index_of(pa), pa);
}

uint32_t page_owner(uint64_t pa)
{
    return owner[index_of(pa)];
}

uint32_t page_refs(uint64_t pa)
{
    return refs[index_of(pa)];
}
