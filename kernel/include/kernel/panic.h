/* panic() is for kernel bugs only; user mistakes are error codes or faults. */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include <faultline/exit.h>

__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

#define BUG_ON(cond)                                                                               \
    do {                                                                                           \
        if (cond)                                                                                  \
            panic("BUG_ON(%s) at %s:%d", #cond, __FILE__, __LINE__);                               \
    } while (0)

#endif
