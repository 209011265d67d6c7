/* libfdt_env.h includes <stdlib.h>; the kernel has no allocator behind it. */
#ifndef LIBC_STDLIB_H
#define LIBC_STDLIB_H

#include <stddef.h>

unsigned long strtoul(const char *s, char **end, int base);

#endif
