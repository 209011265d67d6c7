/* Bitmap frame allocator; see frame.h. */
#include <faultline/errors.h>
#include <kernel/checked.h>
#include <kernel/frame.h>

void frame_init(frame_alloc_t *fa)
{
    fa->nranges = 0;
    fa->total = 0;
    fa->free = 0;
}

int frame_add_range(frame_alloc_t *fa, uint64_t base, uint64_t count, uint64_t *bits)
{
    uint64_t end;
    if (count == 0 || (base & (FRAME_SIZE - 1)) || !checked_span(base, count, FRAME_SIZE, &end))
        return FL_EINVAL;
    if (fa->nranges == FRAME_MAX_RANGES)
        return FL_EFULL;
    for (unsigned i = 0; i < fa->nranges; i++) {
        const frame_range_t *r = &fa->range[i];
        if (base < r->base + r->count * FRAME_SIZE && r->base < end)
            return FL_EINVAL;
    }
    for (size_t w = 0; w < frame_bitmap_words(count); w++)
        bits[w] = 0;
    fa->range[fa->nranges++] = (frame_range_t){base, count, bits, 0};
    fa->total += count;
    return FL_OK;
}

static frame_range_t *range_of(const frame_alloc_t *fa, uint64_t pa)
{
    for (unsigned i = 0; i < fa->nranges; i++) {
        const frame_range_t *r = &fa->range[i];
        if (pa >= r->base && (pa - r->base) / FRAME_SIZE < r->count)
            return (frame_range_t *)r;
    }
    return NULL;
}

static uint64_t mark(frame_alloc_t *fa, uint64_t pa, uint64_t size, bool to_free)
{
    uint64_t changed = 0;
    uint64_t first = pa & ~(FRAME_SIZE - 1);
    uint64_t last = pa + size < pa ? UINT64_MAX : pa + size; /* exclusive, saturating */

    for (unsigned i = 0; i < fa->nranges; i++) {
        frame_range_t *r = &fa->range[i];
        uint64_t rend = r->base + r->count * FRAME_SIZE;
        uint64_t lo = first > r->base ? first : r->base;
        uint64_t hi = last < rend ? last : rend;
        for (uint64_t a = lo; a < hi; a += FRAME_SIZE) {
            uint64_t idx = (a - r->base) / FRAME_SIZE;
            uint64_t bit = 1UL << (idx % 64);
            bool is_free = r->bits[idx / 64] & bit;
            if (is_free == to_free)
                continue;
            r->bits[idx / 64] ^= bit;
            changed++;
        }
    }
    if (to_free)
        fa->free += changed;
    else
        fa->free -= changed;
    return changed;
}

uint64_t frame_mark_free(frame_alloc_t *fa, uint64_t pa, uint64_t size)
{
    return mark(fa, pa, size, true);
}

uint64_t frame_mark_used(frame_alloc_t *fa, uint64_t pa, uint64_t size)
{
    return mark(fa, pa, size, false);
}

int frame_alloc(frame_alloc_t *fa, uint64_t *pa)
{
    if (fa->free == 0)
        return FL_ENOMEM;
    for (unsigned i = 0; i < fa->nranges; i++) {
        frame_range_t *r = &fa->range[i];
        size_t words = frame_bitmap_words(r->count);
        for (size_t n = 0; n < words; n++) {
            size_t w = (r->hint + n) % words;
            if (!r->bits[w])
                continue;
            unsigned b = (unsigned)__builtin_ctzll(r->bits[w]);
            r->bits[w] &= ~(1UL << b);
            r->hint = w;
            fa->free--;
            *pa = r->base + (w * 64 + b) * FRAME_SIZE;
            return FL_OK;
        }
    }
    return FL_ENOMEM; /* unreachable while free counts agree with the bitmaps */
}

int frame_alloc_contig(frame_alloc_t *fa, uint64_t n, uint64_t align, uint64_t *pa)
{
    if (n == 0 || align < FRAME_SIZE || (align & (align - 1)))
        return FL_EINVAL;
    if (n > fa->free)
        return FL_ENOMEM;
    for (unsigned i = 0; i < fa->nranges; i++) {
        frame_range_t *r = &fa->range[i];
        uint64_t start = (r->base + align - 1) & ~(align - 1);
        uint64_t rend = r->base + r->count * FRAME_SIZE;
        for (; start < rend && n * FRAME_SIZE <= rend - start; start += align) {
            uint64_t k = 0;
            for (; k < n; k++) {
                uint64_t idx = (start - r->base) / FRAME_SIZE + k;
                if (!(r->bits[idx / 64] & (1UL << (idx % 64))))
                    break;
            }
            if (k == n) {
                mark(fa, start, n * FRAME_SIZE, false);
                *pa = start;
                return FL_OK;
            }
        }
    }
    return FL_ENOMEM;
}

int frame_free(frame_alloc_t *fa, uint64_t pa)
{
    frame_range_t *r = range_of(fa, pa);
    if (!r || (pa & (FRAME_SIZE - 1)))
        return FL_EINVAL;
    uint64_t idx = (pa - r->base) / FRAME_SIZE;
    uint64_t bit = 1UL << (idx % 64);
    if (r->bits[idx / 64] & bit)
        return FL_EBUSY;
    r->bits[idx / 64] |= bit;
    fa->free++;
    return FL_OK;
}

bool frame_is_free(const frame_alloc_t *fa, uint64_t pa)
{
    const frame_range_t *r = range_of(fa, pa);
    if (!r)
        return false;
    uint64_t idx = (pa - r->base) / FRAME_SIZE;
    return (r->bits[idx / 64] >> (idx % 64)) & 1;
}
