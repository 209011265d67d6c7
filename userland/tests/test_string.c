/*
 * The runtime's memcpy/memmove/memset/fl_page_* (userland/lib/string.S) against byte-at-a-time
 * references, for every length 0..300 at every source/destination alignment 0..15, overlaps in
 * both directions, and the bytes around each destination left alone.
 */
#include "tests.h"
#include <fl/page.h>
#include <stdint.h>
#include <string.h>

#define SPAN  512
#define GUARD 0xa5

static uint8_t src_buf[SPAN], dst_buf[SPAN], ref_buf[SPAN];
static uint8_t page_a[4096] __attribute__((aligned(4096)));
static uint8_t page_b[4096] __attribute__((aligned(4096)));
static uint8_t pages_c[2][4096] __attribute__((aligned(4096)));

static void fill_pattern(uint8_t *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(i * 131u + seed * 7u + 1u);
}

/* Byte references, written so the compiler cannot turn them into library calls. */
static void ref_move(volatile uint8_t *d, const volatile uint8_t *s, size_t n)
{
    if (d < s)
        for (size_t i = 0; i < n; i++)
            d[i] = s[i];
    else
        for (size_t i = n; i > 0; i--)
            d[i - 1] = s[i - 1];
}

static void ref_set(volatile uint8_t *d, uint8_t c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        d[i] = c;
}

FL_TEST(string_memcpy_memset)
{
    for (size_t n = 0; n <= 300; n++)
        for (unsigned sa = 0; sa < 16; sa++)
            for (unsigned da = 0; da < 16; da++) {
                fill_pattern(src_buf, SPAN, (unsigned)n);
                ref_set(dst_buf, GUARD, SPAN);
                ref_set(ref_buf, GUARD, SPAN);
                ref_move(ref_buf + 32 + da, src_buf + sa, n);
                void *r = memcpy(dst_buf + 32 + da, src_buf + sa, n);
                CHECK(r == dst_buf + 32 + da, "memcpy returned %p", r);
                CHECK(memcmp(dst_buf, ref_buf, SPAN) == 0, "memcpy n=%zu src+%u dst+%u", n, sa, da);
                ref_set(ref_buf + 32 + da, (uint8_t)(n | 0x80), n);
                r = memset(dst_buf + 32 + da, (int)(n | 0x80) + 0x100, n);
                CHECK(r == dst_buf + 32 + da, "memset returned %p", r);
                CHECK(memcmp(dst_buf, ref_buf, SPAN) == 0, "memset n=%zu dst+%u", n, da);
            }
    return NULL;
}

FL_TEST(string_memmove_overlap)
{
    for (size_t n = 0; n <= 300; n += (n < 70 ? 1 : 7))
        for (int shift = -80; shift <= 80; shift++) {
            fill_pattern(dst_buf, SPAN, (unsigned)n + 3);
            fill_pattern(ref_buf, SPAN, (unsigned)n + 3);
            size_t from = 100, to = (size_t)(100 + shift);
            ref_move(ref_buf + to, ref_buf + from, n);
            void *r = memmove(dst_buf + to, dst_buf + from, n);
            CHECK(r == dst_buf + to, "memmove returned %p", r);
            CHECK(memcmp(dst_buf, ref_buf, SPAN) == 0, "memmove n=%zu shift=%d", n, shift);
        }
    return NULL;
}

FL_TEST(string_page_helpers)
{
    fill_pattern(page_a, sizeof(page_a), 9);
    fl_page_copy(page_b, page_a);
    CHECK(memcmp(page_a, page_b, sizeof(page_a)) == 0, "fl_page_copy differs");
    fl_page_zero(page_a);
    for (size_t i = 0; i < sizeof(page_a); i++)
        CHECK(page_a[i] == 0, "fl_page_zero left byte %zu = %u", i, page_a[i]);
    CHECK(page_b[4095] == (uint8_t)(4095 * 131u + 63 + 1), "fl_page_zero wrote past its page");
    /* The copy stops at its page: the next one keeps its bytes. */
    memset(pages_c, 0xa5, sizeof(pages_c));
    fl_page_copy(pages_c[0], page_b);
    CHECK(memcmp(pages_c[0], page_b, 4096) == 0, "fl_page_copy into pages_c differs");
    for (size_t i = 0; i < 4096; i++)
        CHECK(pages_c[1][i] == 0xa5, "fl_page_copy wrote past its page at byte %zu", i);
    return NULL;
}
