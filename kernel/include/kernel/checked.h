/*
 * Overflow-checked arithmetic for quotas and ranges. Every sum or product that takes a value
 * from user space, a pager or a boot input goes through these, so a wrap can never turn a
 * refusal into a pass: `used + n > limit` with n = 2^64 - 1 is true in mathematics and false
 * in uint64_t. Each helper returns false on overflow and leaves *out unspecified then.
 * Pure inline logic: the kernel and the host tests use the same definitions.
 */
#ifndef KERNEL_CHECKED_H
#define KERNEL_CHECKED_H

#include <stdbool.h>
#include <stdint.h>

/* *out = a + b. */
static inline bool checked_add(uint64_t a, uint64_t b, uint64_t *out)
{
    return !__builtin_add_overflow(a, b, out);
}

/* *out = a * b. */
static inline bool checked_mul(uint64_t a, uint64_t b, uint64_t *out)
{
    return !__builtin_mul_overflow(a, b, out);
}

/* Whether n more units fit in a quota: used + n <= limit, without wrapping. */
static inline bool checked_fits(uint64_t used, uint64_t n, uint64_t limit)
{
    uint64_t sum;
    return checked_add(used, n, &sum) && sum <= limit;
}

/* Whether [base, base + len) lies inside [lo, hi): no wrap, nothing outside. An empty range
 * at base is inside when lo <= base <= hi. */
static inline bool checked_range_in(uint64_t base, uint64_t len, uint64_t lo, uint64_t hi)
{
    uint64_t end;
    return base >= lo && checked_add(base, len, &end) && end <= hi;
}

/* *end = base + count * unit: the end of count units from base (pages, records). */
static inline bool checked_span(uint64_t base, uint64_t count, uint64_t unit, uint64_t *end)
{
    uint64_t len;
    return checked_mul(count, unit, &len) && checked_add(base, len, end);
}

/* *out = x rounded up to a multiple of align (a power of two). */
static inline bool checked_align_up(uint64_t x, uint64_t align, uint64_t *out)
{
    uint64_t sum;
    if (!checked_add(x, align - 1, &sum))
        return false;
    *out = sum & ~(align - 1);
    return true;
}

#endif
