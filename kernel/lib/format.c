/* Freestanding printf core shared by printk and snprintf; see format.h. */
#include <kernel/format.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct {
    fmt_sink_t sink;
    void *ctx;
    int count;
} out_t;

static void put(out_t *o, char c)
{
    o->sink(c, o->ctx);
    o->count++;
}

static void pad(out_t *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

static void put_number(out_t *o, uint64_t v, bool negative, unsigned base, bool upper, int width,
                       bool left, bool zero)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int len = 0;

    do {
        tmp[len++] = digits[v % base];
        v /= base;
    } while (v);
    int total = len + (negative ? 1 : 0);
    if (!left && !zero)
        pad(o, ' ', width - total);
    if (negative)
        put(o, '-');
    if (!left && zero)
        pad(o, '0', width - total);
    while (len)
        put(o, tmp[--len]);
    if (left)
        pad(o, ' ', width - total);
}

int fmt_format(fmt_sink_t sink, void *ctx, const char *fmt, va_list ap)
{
    out_t o = {sink, ctx, 0};

    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        fmt++;
        bool left = false, zero = false, alt = false;
        for (;; fmt++) {
            if (*fmt == '-')
                left = true;
            else if (*fmt == '#')
                alt = true;
            else if (*fmt == '0')
                zero = true;
            else
                break;
        }
        int width = 0, precision = -1;
        if (*fmt == '*') {
            width = va_arg(ap, int);
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        if (*fmt == '.') {
            fmt++;
            precision = 0;
            if (*fmt == '*') {
                precision = va_arg(ap, int);
                fmt++;
            }
            while (*fmt >= '0' && *fmt <= '9')
                precision = precision * 10 + (*fmt++ - '0');
        }
        int lng = 0; /* 0: int, 1: long, 2: long long, -1: short */
        for (;; fmt++) {
            if (*fmt == 'l')
                lng++;
            else if (*fmt == 'z')
                lng = 1;
            else if (*fmt == 'h')
                lng = -1;
            else
                break;
        }
        switch (*fmt) {
        case 'd':
        case 'i': {
            int64_t v = lng >= 2   ? va_arg(ap, long long)
                        : lng == 1 ? va_arg(ap, long)
                                   : va_arg(ap, int);
            if (lng < 0)
                v = (short)v;
            bool neg = v < 0;
            put_number(&o, neg ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, neg, 10, false, width,
                       left, zero);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            uint64_t v = lng >= 2   ? va_arg(ap, unsigned long long)
                         : lng == 1 ? va_arg(ap, unsigned long)
                                    : va_arg(ap, unsigned);
            if (lng < 0)
                v = (unsigned short)v;
            if (alt && *fmt != 'u') {
                put(&o, '0');
                put(&o, 'x');
                width -= 2;
            }
            put_number(&o, v, false, *fmt == 'u' ? 10 : 16, *fmt == 'X', width, left, zero);
            break;
        }
        case 'p':
            put(&o, '0');
            put(&o, 'x');
            put_number(&o, (uintptr_t)va_arg(ap, void *), false, 16, false, 16, false, true);
            break;
        case 'c':
            if (!left)
                pad(&o, ' ', width - 1);
            put(&o, (char)va_arg(ap, int));
            if (left)
                pad(&o, ' ', width - 1);
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            int len = 0;
            while (s[len] && (precision < 0 || len < precision))
                len++;
            if (!left)
                pad(&o, ' ', width - len);
            for (int i = 0; i < len; i++)
                put(&o, s[i]);
            if (left)
                pad(&o, ' ', width - len);
            break;
        }
        case '%': put(&o, '%'); break;
        case '\0': return o.count; /* a lone '%' at the end */
        default:
            put(&o, '%');
            put(&o, *fmt);
            break;
        }
    }
    return o.count;
}

typedef struct {
    char *buf;
    size_t n, pos;
} buf_t;

static void buf_sink(char c, void *ctx)
{
    buf_t *b = ctx;
    if (b->pos + 1 < b->n)
        b->buf[b->pos] = c;
    b->pos++;
}

int fmt_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
    buf_t b = {buf, n, 0};
    int len = fmt_format(buf_sink, &b, fmt, ap);
    if (n)
        buf[b.pos < n ? b.pos : n - 1] = '\0';
    return len;
}

int fmt_snprintf(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int len = fmt_vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return len;
}
