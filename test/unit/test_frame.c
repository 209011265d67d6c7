/* The frame allocator (kernel/frame.c): counts, exhaustion, double free, reservations. */
#include <criterion/criterion.h>
#include <faultline/errors.h>
#include <kernel/frame.h>
#include <stdlib.h>

static frame_alloc_t fa;
static uint64_t bits_a[16], bits_b[16];

#define BASE_A 0x40000000UL
#define BASE_B 0x80000000UL

static void setup(void)
{
    frame_init(&fa);
    cr_assert_eq(frame_add_range(&fa, BASE_A, 100, bits_a), FL_OK);
    cr_assert_eq(frame_add_range(&fa, BASE_B, 30, bits_b), FL_OK);
    cr_assert_eq(fa.free, 0, "ranges start in use");
    cr_assert_eq(frame_mark_free(&fa, BASE_A, 100 * FRAME_SIZE), 100);
    cr_assert_eq(frame_mark_free(&fa, BASE_B, 30 * FRAME_SIZE), 30);
}

TestSuite(frame, .init = setup);

Test(frame, counts)
{
    cr_assert_eq(fa.total, 130);
    cr_assert_eq(fa.free, 130);
}

Test(frame, alloc_all_then_exhausted_then_free_all)
{
    uint64_t got[130];
    for (int i = 0; i < 130; i++) {
        cr_assert_eq(frame_alloc(&fa, &got[i]), FL_OK, "alloc %d", i);
        cr_assert_eq(got[i] % FRAME_SIZE, 0);
        cr_assert_not(frame_is_free(&fa, got[i]));
        for (int j = 0; j < i; j++)
            cr_assert_neq(got[i], got[j], "frame handed out twice");
    }
    uint64_t pa;
    cr_assert_eq(frame_alloc(&fa, &pa), FL_ENOMEM);
    cr_assert_eq(fa.free, 0);
    for (int i = 0; i < 130; i++)
        cr_assert_eq(frame_free(&fa, got[i]), FL_OK);
    cr_assert_eq(fa.free, 130);
}

Test(frame, double_free_detected_and_harmless)
{
    uint64_t pa;
    cr_assert_eq(frame_alloc(&fa, &pa), FL_OK);
    cr_assert_eq(frame_free(&fa, pa), FL_OK);
    cr_assert_eq(frame_free(&fa, pa), FL_EBUSY);
    cr_assert_eq(fa.free, 130, "the count did not drift");
}

Test(frame, bad_free)
{
    cr_assert_eq(frame_free(&fa, BASE_A + 1), FL_EINVAL, "unaligned");
    cr_assert_eq(frame_free(&fa, 0x1000), FL_EINVAL, "not managed");
    cr_assert_eq(frame_free(&fa, BASE_A + 100 * FRAME_SIZE), FL_EINVAL, "one past the range");
}

Test(frame, reservations_clip_to_ranges)
{
    /* A reservation straddling the end of range A and beyond managed memory. */
    cr_assert_eq(frame_mark_used(&fa, BASE_A + 98 * FRAME_SIZE, 100 * FRAME_SIZE), 2);
    cr_assert_eq(fa.free, 128);
    cr_assert_not(frame_is_free(&fa, BASE_A + 99 * FRAME_SIZE));
    cr_assert(frame_is_free(&fa, BASE_A + 97 * FRAME_SIZE));
    /* Unaligned start covers the partial frame. */
    cr_assert_eq(frame_mark_used(&fa, BASE_B + 10, 1), 1);
    cr_assert_not(frame_is_free(&fa, BASE_B));
    cr_assert_eq(frame_mark_used(&fa, BASE_B + 10, 1), 0, "already in use: no change");
}

Test(frame, contiguous_and_aligned)
{
    uint64_t pa;
    cr_assert_eq(frame_alloc_contig(&fa, 4, 4 * FRAME_SIZE, &pa), FL_OK);
    cr_assert_eq(pa % (4 * FRAME_SIZE), 0);
    for (int i = 0; i < 4; i++)
        cr_assert_not(frame_is_free(&fa, pa + i * FRAME_SIZE));
    cr_assert_eq(fa.free, 126);
    cr_assert_eq(frame_alloc_contig(&fa, 200, FRAME_SIZE, &pa), FL_ENOMEM);
    cr_assert_eq(frame_alloc_contig(&fa, 1, 3 * FRAME_SIZE, &pa), FL_EINVAL);
    cr_assert_eq(frame_alloc_contig(&fa, 0, FRAME_SIZE, &pa), FL_EINVAL);
    /* Fragment range B: every other frame used; a 2-frame run must come from range A. */
    for (int i = 0; i < 30; i += 2)
        frame_mark_used(&fa, BASE_B + i * FRAME_SIZE, FRAME_SIZE);
    frame_mark_used(&fa, BASE_A, 100 * FRAME_SIZE);
    cr_assert_eq(frame_alloc_contig(&fa, 2, FRAME_SIZE, &pa), FL_ENOMEM, "no 2-frame run left");
}

Test(frame, add_range_validation)
{
    uint64_t bits[4];
    cr_assert_eq(frame_add_range(&fa, BASE_A + 50 * FRAME_SIZE, 10, bits), FL_EINVAL, "overlap");
    cr_assert_eq(frame_add_range(&fa, 0x1001, 10, bits), FL_EINVAL, "unaligned");
    cr_assert_eq(frame_add_range(&fa, 0x1000, 0, bits), FL_EINVAL, "empty");
    /* count * FRAME_SIZE wraps to 0 (issue 11: range arithmetic is overflow-checked). */
    cr_assert_eq(frame_add_range(&fa, 0x10000000, 1UL << 52, bits), FL_EINVAL, "count wraps");
    cr_assert_eq(frame_add_range(&fa, 0xfffffffffff00000UL, 0x200, bits), FL_EINVAL, "end wraps");
    for (int i = 0; i < FRAME_MAX_RANGES - 2; i++)
        cr_assert_eq(frame_add_range(&fa, 0x100000UL * (i + 1), 1, bits + 0), FL_OK);
    cr_assert_eq(frame_add_range(&fa, 0x900000, 1, bits), FL_EFULL);
}
