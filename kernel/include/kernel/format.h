/* printf-style formatting without a libc: %d %i %u %x %X %p %s %c %%, flags '-' '0' '#',
 * width, precision for %s, and the l, ll, z, h length modifiers. */
#ifndef KERNEL_FORMAT_H
#define KERNEL_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*fmt_sink_t)(char c, void *ctx);

/* Formats into sink; returns the number of characters produced. */
int fmt_format(fmt_sink_t sink, void *ctx, const char *fmt, va_list ap);

/* As C's vsnprintf/snprintf: always NUL-terminates when n > 0, returns the full length. */
int fmt_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
