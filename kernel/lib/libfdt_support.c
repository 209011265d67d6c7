/* Symbols Debian's libfdt.a expects from its environment (PLATFORM.md). It is built with the
 * stack protector, so it needs a guard value and a failure hook. */
#include <kernel/panic.h>
#include <stdint.h>

uintptr_t __stack_chk_guard = 0x595e9fbd94fda766UL;

__attribute__((noreturn)) void __stack_chk_fail(void)
{
    panic("stack smashing detected in libfdt");
}
