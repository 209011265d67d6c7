/*
 * Program start and the picolibc glue: crt0.S calls fl_runtime_start with the start argument;
 * picolibc calls sbrk (malloc), _exit (exit) and writes through stdout/stderr.
 */
#include <errno.h>
#include <fl/layout.h>
#include <fl/runtime.h>
#include <fl/syscall.h>
#include <fl/vm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_ARGS 16

const void *fl_start_arg;
const fl_bootinfo_t *fl_bootinfo;
const fl_start_t *fl_start_page;

extern int main(int argc, char **argv);
extern void __libc_init_array(void);
void fl_runtime_start(uintptr_t arg) __attribute__((noreturn));

/* The handles the process runs with: from the start page, or set again by a forked child,
 * whose copy of the start page still names its parent's handles. */
static fl_runtime_handles_t rt;

fl_runtime_handles_t *fl_runtime_handles(void)
{
    return &rt;
}

fl_handle_t fl_self_space(void)
{
    return rt.self_space;
}

fl_handle_t fl_pool(void)
{
    return rt.pool;
}

fl_handle_t fl_parent(void)
{
    return rt.parent;
}

fl_handle_t fl_pager(void)
{
    return rt.pager;
}

fl_handle_t fl_start_handle(unsigned i)
{
    if (!fl_start_page || i >= fl_start_page->nhandles || i >= FL_START_MAX_HANDLES)
        return FL_HANDLE_INVALID;
    return fl_start_page->handles[i];
}

int fl_initrd(const void **base, size_t *size)
{
    if (!fl_bootinfo || !fl_bootinfo->initrd_vaddr || !fl_bootinfo->initrd_size)
        return FL_ENOENT;
    *base = (const void *)(uintptr_t)fl_bootinfo->initrd_vaddr;
    *size = fl_bootinfo->initrd_size;
    return FL_OK;
}

/* --- console --------------------------------------------------------------------------------- */

static char out_buf[256];
static size_t out_len;

static int console_flush(FILE *f)
{
    (void)f;
    size_t n = out_len;
    out_len = 0;
    if (n > sizeof(out_buf))
        n = sizeof(out_buf); /* two threads raced (see runtime.h): never read past the end */
    if (n)
        fl_debug_write(out_buf, n);
    return 0;
}

static int console_put(char c, FILE *f)
{
    if (out_len >= sizeof(out_buf))
        console_flush(f);
    out_buf[out_len++ % sizeof(out_buf)] = c;
    if (c == '\n' || out_len >= sizeof(out_buf))
        console_flush(f);
    return (unsigned char)c;
}

static int console_get(FILE *f)
{
    (void)f;
    return EOF;
}

static FILE console = FDEV_SETUP_STREAM(console_put, console_get, console_flush, _FDEV_SETUP_RW);
FILE *const stdin = &console;
FILE *const stdout = &console;
FILE *const stderr = &console;

/* --- heap ------------------------------------------------------------------------------------ */

static uintptr_t heap_top = FL_HEAP_BASE;    /* the break */
static uintptr_t heap_mapped = FL_HEAP_BASE; /* pages below this are allocated */

void *sbrk(ptrdiff_t incr)
{
    uintptr_t old = heap_top, new = old + (uintptr_t)incr;
    if (incr < 0 ? new < FL_HEAP_BASE || new > old : new > FL_HEAP_BASE + FL_HEAP_MAX || new < old)
        goto nomem;
    /* With a pager the whole heap is one region it fills on first touch (fl_spawn made it). */
    if (new > heap_mapped && !rt.pager) {
        uint64_t pages = (new - heap_mapped + FL_PAGE_SIZE - 1) / FL_PAGE_SIZE;
        if (fl_vm_alloc(fl_self_space(), heap_mapped, pages, FL_PROT_READ | FL_PROT_WRITE) < 0)
            goto nomem;
        heap_mapped += pages * FL_PAGE_SIZE;
    }
    heap_top = new;
    return (void *)old;
nomem:
    errno = ENOMEM;
    return (void *)-1;
}

/* --- start and exit -------------------------------------------------------------------------- */

void _exit(int status)
{
    console_flush(stdout);
    if (fl_bootinfo)
        fl_system_exit(status, fl_bootinfo->root_pool); /* init's end is the system's end */
    if (fl_parent()) {
        fl_msg_t m = {.tag = FL_TAG(FL_START_MSG_EXIT, 1, 0), .w = {(uint64_t)(int64_t)status}};
        fl_send(fl_parent(), &m);
    }
    fl_thread_exit(status);
}

/* Splits the start page's args into argv (words separated by spaces). */
static int parse_args(char *buf, char **argv)
{
    int argc = 0;
    char *p = buf;
    while (*p && argc < MAX_ARGS) {
        while (*p == ' ')
            *p++ = '\0';
        if (!*p)
            break;
        argv[argc++] = p;
        while (*p && *p != ' ')
            p++;
    }
    argv[argc] = NULL;
    return argc;
}

void fl_runtime_start(uintptr_t arg)
{
    static char args[FL_START_ARGS_MAX];
    static char *argv[MAX_ARGS + 1];
    int argc = 0;

    fl_start_arg = (const void *)arg;
    if (arg && *(const uint64_t *)arg == FL_BOOTINFO_MAGIC) {
        fl_bootinfo = (const fl_bootinfo_t *)arg;
        rt.self_space = fl_bootinfo->self_space;
        rt.pool = fl_bootinfo->root_pool;
        strcpy(args, "init");
    } else if (arg && *(const uint64_t *)arg == FL_START_MAGIC) {
        fl_start_page = (const fl_start_t *)arg;
        rt.self_space = fl_start_page->self_space;
        rt.pool = fl_start_page->pool;
        rt.parent = fl_start_page->parent;
        rt.pager = fl_start_page->pager;
        memcpy(args, fl_start_page->args, sizeof(args));
        args[sizeof(args) - 1] = '\0';
    }
    argc = parse_args(args, argv);
    __libc_init_array();
    exit(main(argc, argv));
}
