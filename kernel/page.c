/* Mapping counts of user frames; see page.h. Two arrays over all managed frames. */
#include <arch/arch.h>
#include <kernel/boot.h>
#include <kernel/page.h>
#include <kernel/panic.h>
#include <kernel/pool.h>

/* The first RAM range, where nearly every frame is, and the counts: read by fastpath.S's map
 * reply too (page_ref's common case there; offsets checked in fastpath.c). */
page_meta_t page_meta;
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
    uint64_t i = (pa - page_meta.first_base) / FRAME_SIZE;
    return pa >= page_meta.first_base && i < page_meta.first_count ? i : index_of_slow(pa);
}

void page_meta_init(void)
{
    uint64_t bytes = kernel_frames.total * (sizeof(*page_meta.refs) + sizeof(*owner));
    uint64_t n = (bytes + FRAME_SIZE - 1) / FRAME_SIZE, pa;
    if (frame_alloc_contig(&kernel_frames, n, FRAME_SIZE, &pa) != 0)
        panic("no memory for page metadata");
    page_meta.refs = arch_phys_to_virt(pa);
    owner = page_meta.refs + kernel_frames.total;
    for (uint64_t i = 0; i < kernel_frames.total; i++)
        page_meta.refs[i] = owner[i] = 0;
    if (kernel_frames.nranges) {
        page_meta.first_base = kernel_frames.range[0].base;
        page_meta.first_count = kernel_frames.range[0].count;
    }
}

void page_set_owner(uint64_t pa, uint32_t pool_id)
{
    uint64_t i = index_of(pa);
    page_meta.refs[i] = 0;
    owner[i] = pool_id;
}

bool page_ref(uint64_t pa)
{
    uint64_t i = index_of(pa);
    if (page_meta.refs[i] == UINT32_MAX)
        return false;
    page_meta.refs[i]++;
    return true;
}

void page_unref(uint64_t pa)
{
    uint64_t i = index_of(pa);
    BUG_ON(page_meta.refs[i] == 0);
    if (--page_meta.refs[i] == 0)
        pool_frame_free(pool_by_id(owner[i]), pa);
}

uint32_t page_owner(uint64_t pa)
{
    return owner[index_of(pa)];
}

uint32_t page_refs(uint64_t pa)
{
    return page_meta.refs[index_of(pa)];
}
