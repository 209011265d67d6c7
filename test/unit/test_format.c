/* The kernel's printf core (kernel/lib/format.c), checked against the host libc. */
#include <criterion/criterion.h>
#include <kernel/format.h>
#include <stdint.h>
#include <stdio.h>

#define CHECK(...)                                                                                 \
    do {                                                                                           \
        char ours[128], libc[128];                                                                 \
        int n1 = fmt_snprintf(ours, sizeof(ours), __VA_ARGS__);                                    \
        int n2 = snprintf(libc, sizeof(libc), __VA_ARGS__);                                        \
        cr_assert_str_eq(ours, libc);                                                              \
        cr_assert_eq(n1, n2);                                                                      \
    } while (0)

Test(format, integers)
{
    CHECK("%d %d %d", 0, -1, 2147483647);
    CHECK("%i", -2147483647 - 1);
    CHECK("%u %x %X", 4000000000u, 0xdeadbeefu, 0xabcu);
    CHECK("%lx %lu %ld", 0xffffffff80000000UL, 18446744073709551615UL, -5L);
    CHECK("%llx %lld", 0x123456789abcdefULL, -9223372036854775807LL);
    CHECK("%zu", (size_t)12345);
    CHECK("%hd %hu", (short)-3, (unsigned short)65535);
}

Test(format, width_flags)
{
    CHECK("[%5d] [%-5d] [%05d]", 42, 42, 42);
    CHECK("[%08x] [%016lx]", 0xbeefu, 0x1UL);
    CHECK("[%#x] [%#lx] [%#018lx]", 0x10u, 0xffUL, 0x9000000UL);
    CHECK("[%05d]", -42);
    CHECK("[%*d]", 6, 7);
}

Test(format, strings_chars)
{
    CHECK("[%s] [%10s] [%-10s] [%.3s]", "abc", "abc", "abc", "abcdef");
    CHECK("[%c%c] [%3c]", 'o', 'k', 'x');
    CHECK("100%%");
}

Test(format, pointer_is_fixed_width_hex)
{
    char b[64];
    fmt_snprintf(b, sizeof(b), "%p", (void *)0x1234);
    cr_assert_str_eq(b, "0x0000000000001234");
}

Test(format, truncation_and_length)
{
    char b[8];
    int n = fmt_snprintf(b, sizeof(b), "%s", "0123456789");
    cr_assert_eq(n, 10, "returns the full length");
    cr_assert_str_eq(b, "0123456");
    cr_assert_eq(fmt_snprintf(NULL, 0, "%d", 12345), 5);
}

Test(format, null_string)
{
    char b[16];
    const char *volatile null = NULL; /* hidden from the format checker on purpose */
    fmt_snprintf(b, sizeof(b), "%s", null);
    cr_assert_str_eq(b, "(null)");
}
