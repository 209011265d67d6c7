/* Overflow-checked arithmetic (kernel/include/kernel/checked.h): every quota and range check
 * of the kernel goes through these, so each must refuse exactly the cases that wrap. */
#include <criterion/criterion.h>
#include <kernel/checked.h>

#define MAX UINT64_MAX

Test(checked, add_and_mul)
{
    uint64_t r;
    cr_assert(checked_add(1, 2, &r) && r == 3);
    cr_assert(checked_add(MAX - 1, 1, &r) && r == MAX);
    cr_assert(!checked_add(MAX, 1, &r));
    cr_assert(!checked_add(1, MAX, &r));
    cr_assert(!checked_add(MAX, MAX, &r));
    cr_assert(checked_mul(0, MAX, &r) && r == 0);
    cr_assert(checked_mul(1ULL << 32, (1ULL << 32) - 1, &r) && r == MAX - ((1ULL << 32) - 1));
    cr_assert(!checked_mul(1ULL << 32, 1ULL << 32, &r));
    cr_assert(!checked_mul(MAX, 2, &r));
}

/* The exploit of issue 11: a pool with 64 frames, 2 used, asked for 2^64 - 1 more. */
Test(checked, fits_refuses_the_wrap)
{
    cr_assert(!checked_fits(2, MAX, 64));
    cr_assert(!checked_fits(2, MAX - 1, 64));
    cr_assert(!checked_fits(1, MAX, MAX));
    cr_assert(checked_fits(2, 62, 64));
    cr_assert(!checked_fits(2, 63, 64));
    cr_assert(checked_fits(0, 0, 0));
    cr_assert(checked_fits(0, MAX, MAX));
}

Test(checked, range_in)
{
    const uint64_t top = 1ULL << 48;
    cr_assert(checked_range_in(0, top, 0, top));
    cr_assert(checked_range_in(top - 4096, 4096, 0, top));
    cr_assert(!checked_range_in(top - 4096, 8192, 0, top));
    cr_assert(!checked_range_in(top, 0, 0, top - 1));
    cr_assert(checked_range_in(top, 0, 0, top)); /* empty, at the end */
    cr_assert(!checked_range_in(4096, MAX, 0, top));
    cr_assert(!checked_range_in(MAX - 4095, 4096, 0, MAX)); /* end = 2^64: wraps to 0 */
    cr_assert(!checked_range_in(100, 10, 200, 300));        /* below lo */
    cr_assert(checked_range_in(200, 100, 200, 300));
}

Test(checked, span_and_align)
{
    uint64_t r;
    cr_assert(checked_span(0x1000, 16, 4096, &r) && r == 0x11000);
    cr_assert(!checked_span(0x1000, 1ULL << 52, 4096, &r));
    cr_assert(!checked_span(MAX - 4095, 1, 4096, &r));
    cr_assert(checked_align_up(0, 4096, &r) && r == 0);
    cr_assert(checked_align_up(1, 4096, &r) && r == 4096);
    cr_assert(checked_align_up(4096, 4096, &r) && r == 4096);
    cr_assert(checked_align_up(MAX - 4095, 4096, &r) && r == MAX - 4095);
    cr_assert(!checked_align_up(MAX - 4094, 4096, &r));
    cr_assert(!checked_align_up(MAX, 4096, &r));
}
