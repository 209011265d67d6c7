/* printk: formats straight to the console, one character at a time, no buffer to overflow. */
#include <arch/arch.h>
#include <kernel/format.h>
#include <kernel/printk.h>

static void console_sink(char c, void *ctx)
{
    (void)ctx;
    if (c == '\n')
        arch_console_putc('\r');
    arch_console_putc(c);
}

int vprintk(const char *fmt, va_list ap)
{
    return fmt_format(console_sink, 0, fmt, ap);
}

int printk(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintk(fmt, ap);
    va_end(ap);
    return n;
}
