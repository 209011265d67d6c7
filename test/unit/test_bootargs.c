/* Kernel command-line lookup (kernel/bootargs.c). */
#include <criterion/criterion.h>
#include <kernel/bootargs.h>

Test(bootargs, get_values)
{
    char v[16];
    const char *args = "fl.exit=semihost  fl.ticks=12 quiet";
    cr_assert(bootargs_get(args, "fl.exit", v, sizeof(v)));
    cr_assert_str_eq(v, "semihost");
    cr_assert(bootargs_get(args, "fl.ticks", v, sizeof(v)));
    cr_assert_str_eq(v, "12");
    cr_assert(bootargs_get(args, "quiet", v, sizeof(v)));
    cr_assert_str_eq(v, "");
    cr_assert_not(bootargs_get(args, "fl", v, sizeof(v)), "a prefix of a key is not the key");
    cr_assert_not(bootargs_get(args, "missing", v, sizeof(v)));
    cr_assert_not(bootargs_get("", "fl.exit", v, sizeof(v)));
}

Test(bootargs, last_wins_and_too_long_refused)
{
    char v[4];
    cr_assert(bootargs_get("a=1 a=2", "a", v, sizeof(v)));
    cr_assert_str_eq(v, "2");
    cr_assert_not(bootargs_get("a=1234", "a", v, sizeof(v)), "value does not fit");
    cr_assert(bootargs_get("a=123", "a", v, sizeof(v)));
}

Test(bootargs, has)
{
    cr_assert(bootargs_has("x fl.exit=semihost", "fl.exit=semihost"));
    cr_assert(bootargs_has("x fl.exit=semihost", "fl.exit"));
    cr_assert_not(bootargs_has("x fl.exit=semihosting", "fl.exit=semihost"));
    cr_assert_not(bootargs_has("xfl.exit", "fl.exit"));
}
