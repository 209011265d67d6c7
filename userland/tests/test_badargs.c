/*
 * Hostile arguments (xv6 usertests' spirit): every system call number, and numbers past the
 * table, called with handles that are 0, 0xffffffff, closed, of the wrong type or missing a
 * right; pointers that are unmapped, read-only, misaligned or in kernel space; and values out
 * of range. Each must come back with its documented error, and the system must carry on.
 * badargs_unchanged checks that a rejected call changed nothing.
 *
 * The expected errors follow faultline/errors.h and the checks in kernel/syscall.c: a handle
 * that names nothing is FL_EBADH, the wrong object FL_ETYPE, a missing right FL_EPERM, a
 * malformed or out-of-range value (including an address outside user space) FL_EINVAL, and a
 * user pointer the kernel cannot copy through FL_EFAULT. Where the ABI leaves the choice open
 * (a kernel address given as a buffer) both FL_EINVAL and FL_EFAULT are accepted.
 */
#include "tests.h"
#include <fl/layout.h>
#include <stdio.h>

#define KADDR   0xffff000040000000ULL /* the kernel's linear map */
#define KIMAGE  0xffffffff80000000ULL /* the kernel image */
#define UTOP    FL_USER_TOP
#define NOWHERE 0x3000380000ULL /* user space, never mapped (inside the warmed scratch block) */
#define PROBE   0x3000300000ULL /* badargs_unchanged's pages, same block */
#define BADH    0xffffffffULL

typedef struct {
    uint64_t nr;
    uint64_t a[6];
    long want, alt; /* alt: a second acceptable result, or 1 for none */
    int line;
} bad_call_t;

extern char _end[]; /* user.ld: the end of .bss */

static const char rodata_page[4096] __attribute__((aligned(4096))) = {1};

/* Every case, built at run time because handle values are. */
#define MAX_CASES 256
#define CASE2(nr_, want_, alt_, ...)                                                               \
    do {                                                                                           \
        if (n < MAX_CASES)                                                                         \
            cases[n] = (bad_call_t){.nr = (nr_),                                                   \
                                    .a = {__VA_ARGS__},                                            \
                                    .want = (want_),                                               \
                                    .alt = (alt_),                                                 \
                                    .line = __LINE__};                                             \
        n++;                                                                                       \
    } while (0)
#define CASE(nr_, want_, ...) CASE2(nr_, want_, 1, __VA_ARGS__)

const char *test_badargs_syscalls(void)
{
    static bad_call_t cases[MAX_CASES];
    static fl_sysinfo_t info_buf;
    static char buf[64] __attribute__((aligned(16)));
    fl_handle_t ep, ep_ro, ep_wo, ep_nogrant, ntf, ntf_ro, ntf_wo, closed, space, sp_map_only,
        sp_read, pool, pool_ro, sub;
    unsigned n = 0;
    long r;

    CHECK_OK(r, fl_endpoint_create());
    ep = test_handle(r);
    CHECK_OK(r, fl_handle_dup(ep, FL_RIGHT_READ));
    ep_ro = test_handle(r);
    CHECK_OK(r, fl_handle_dup(ep, FL_RIGHT_WRITE));
    ep_wo = test_handle(r);
    CHECK_OK(r, fl_handle_dup(ep, FL_RIGHT_READ | FL_RIGHT_WRITE));
    ep_nogrant = test_handle(r);
    CHECK_OK(r, fl_notification_create());
    ntf = test_handle(r);
    CHECK_OK(r, fl_handle_dup(ntf, FL_RIGHT_READ));
    ntf_ro = test_handle(r);
    CHECK_OK(r, fl_handle_dup(ntf, FL_RIGHT_WRITE));
    ntf_wo = test_handle(r);
    CHECK_OK(r, fl_notification_create());
    closed = (fl_handle_t)r;
    CHECK_EQ(fl_handle_close(closed), FL_OK);
    space = fl_self_space();
    CHECK_OK(r, fl_handle_dup(space, FL_RIGHT_MAP | FL_RIGHT_READ));
    sp_map_only = test_handle(r);
    CHECK_OK(r, fl_handle_dup(space, FL_RIGHT_READ));
    sp_read = test_handle(r);
    pool = fl_pool();
    CHECK_OK(r, fl_handle_dup(pool, FL_RIGHT_READ));
    pool_ro = test_handle(r);
    CHECK_OK(r, fl_pool_create(pool, 8));
    sub = test_handle(r);
    fl_handle_t initrd = fl_bootinfo ? fl_bootinfo->initrd : 0;
    fl_handle_t self_thread = fl_bootinfo ? fl_bootinfo->self_thread : 0;
    const uint64_t rw = FL_PROT_READ | FL_PROT_WRITE, ro = FL_PROT_READ;
    const uint64_t text = FL_PROGRAM_BASE, rodata = (uint64_t)(uintptr_t)rodata_page;
    /* The last 8 bytes of the page holding the end of .bss: the page after it is unmapped. */
    const uint64_t straddle = (((uint64_t)(uintptr_t)_end + 4095) & ~4095ULL) - 8;

    /* 0 debug_write(buf, len) */
    CASE2(FL_SYS_DEBUG_WRITE, FL_EINVAL, FL_EFAULT, KADDR, 8);
    CASE2(FL_SYS_DEBUG_WRITE, FL_EINVAL, FL_EFAULT, UTOP - 4, 8);
    CASE(FL_SYS_DEBUG_WRITE, FL_EFAULT, NOWHERE, 8);
    CASE(FL_SYS_DEBUG_WRITE, FL_EINVAL, (uint64_t)(uintptr_t)buf, 1ULL << 40);
    CASE(FL_SYS_DEBUG_WRITE, FL_EINVAL, (uint64_t)(uintptr_t)buf, ~0ULL);
    CASE(FL_SYS_DEBUG_WRITE, 0, (uint64_t)(uintptr_t)buf + 1, 0); /* misaligned, empty: fine */
    /* 1 system_info(out) */
    CASE2(FL_SYS_SYSTEM_INFO, FL_EFAULT, FL_EINVAL, KADDR);
    CASE2(FL_SYS_SYSTEM_INFO, FL_EFAULT, FL_EINVAL, KIMAGE);
    CASE2(FL_SYS_SYSTEM_INFO, FL_EFAULT, FL_EINVAL, UTOP - 8);
    CASE(FL_SYS_SYSTEM_INFO, FL_EFAULT, 0);
    CASE(FL_SYS_SYSTEM_INFO, FL_EFAULT, NOWHERE);
    CASE(FL_SYS_SYSTEM_INFO, FL_EFAULT, rodata);
    CASE(FL_SYS_SYSTEM_INFO, FL_EFAULT, text);
    CASE(FL_SYS_SYSTEM_INFO, FL_EFAULT, straddle); /* its end is on an unmapped page */
    CASE(FL_SYS_SYSTEM_INFO, 0, (uint64_t)(uintptr_t)&info_buf);
    /* 2 system_exit(status, root pool): anything but MANAGE on the root pool is refused */
    CASE(FL_SYS_SYSTEM_EXIT, FL_EBADH, 0, 0);
    CASE(FL_SYS_SYSTEM_EXIT, FL_EBADH, 0, BADH);
    CASE(FL_SYS_SYSTEM_EXIT, FL_EBADH, 0, closed);
    CASE(FL_SYS_SYSTEM_EXIT, FL_ETYPE, 0, ep);
    CASE(FL_SYS_SYSTEM_EXIT, FL_EPERM, 0, pool_ro);
    CASE(FL_SYS_SYSTEM_EXIT, FL_EPERM, 0, sub);
    /* 3 handle_close(h) */
    CASE(FL_SYS_HANDLE_CLOSE, FL_EBADH, 0);
    CASE(FL_SYS_HANDLE_CLOSE, FL_EBADH, BADH);
    CASE(FL_SYS_HANDLE_CLOSE, FL_EBADH, closed);
    /* 4 handle_dup(h, rights) */
    CASE(FL_SYS_HANDLE_DUP, FL_EBADH, 0, FL_RIGHTS_ALL);
    CASE(FL_SYS_HANDLE_DUP, FL_EBADH, BADH, FL_RIGHTS_ALL);
    CASE(FL_SYS_HANDLE_DUP, FL_EBADH, closed, FL_RIGHTS_ALL);
    /* 5 handle_info(h) */
    CASE(FL_SYS_HANDLE_INFO, FL_EBADH, 0);
    CASE(FL_SYS_HANDLE_INFO, FL_EBADH, BADH);
    CASE(FL_SYS_HANDLE_INFO, FL_EBADH, closed);
    /* 6 handle_mint(ep, badge, rights) */
    CASE(FL_SYS_HANDLE_MINT, FL_EBADH, 0, 1, FL_RIGHTS_ALL);
    CASE(FL_SYS_HANDLE_MINT, FL_EBADH, closed, 1, FL_RIGHTS_ALL);
    CASE(FL_SYS_HANDLE_MINT, FL_ETYPE, ntf, 1, FL_RIGHTS_ALL);
    CASE(FL_SYS_HANDLE_MINT, FL_EPERM, ep_nogrant, 1, FL_RIGHTS_ALL);
    /* 7 handle_give(space, h, rights) */
    CASE(FL_SYS_HANDLE_GIVE, FL_EBADH, 0, ep, FL_RIGHTS_ALL);
    CASE(FL_SYS_HANDLE_GIVE, FL_EBADH, closed, ep, FL_RIGHTS_ALL);
    CASE(FL_SYS_HANDLE_GIVE, FL_ETYPE, ep, ep, FL_RIGHTS_ALL);
    CASE(FL_SYS_HANDLE_GIVE, FL_EPERM, sp_map_only, ep, FL_RIGHTS_ALL);
    CASE(FL_SYS_HANDLE_GIVE, FL_EBADH, space, 0, FL_RIGHTS_ALL);
    CASE(FL_SYS_HANDLE_GIVE, FL_EBADH, space, BADH, FL_RIGHTS_ALL);
    CASE(FL_SYS_HANDLE_GIVE, FL_EPERM, space, ep_nogrant, FL_RIGHTS_ALL);
    /* 8 pool_create(parent, frames) */
    CASE(FL_SYS_POOL_CREATE, FL_EBADH, 0, 1);
    CASE(FL_SYS_POOL_CREATE, FL_ETYPE, ep, 1);
    CASE(FL_SYS_POOL_CREATE, FL_EPERM, pool_ro, 1);
    CASE(FL_SYS_POOL_CREATE, FL_EINVAL, pool, 0);
    CASE(FL_SYS_POOL_CREATE, FL_ENOMEM, sub, 9); /* more than the parent has free */
    CASE(FL_SYS_POOL_CREATE, FL_ENOMEM, pool, 1ULL << 62);
    /* 9 pool_info(pool) */
    CASE(FL_SYS_POOL_INFO, FL_EBADH, 0);
    CASE(FL_SYS_POOL_INFO, FL_EBADH, closed);
    CASE(FL_SYS_POOL_INFO, FL_ETYPE, ntf);
    /* 10 space_create(pool) */
    CASE(FL_SYS_SPACE_CREATE, FL_EBADH, 0);
    CASE(FL_SYS_SPACE_CREATE, FL_EBADH, BADH);
    CASE(FL_SYS_SPACE_CREATE, FL_ETYPE, space);
    CASE(FL_SYS_SPACE_CREATE, FL_EPERM, pool_ro);
    /* 11 space_destroy(space) */
    CASE(FL_SYS_SPACE_DESTROY, FL_EBADH, 0);
    CASE(FL_SYS_SPACE_DESTROY, FL_EBADH, closed);
    CASE(FL_SYS_SPACE_DESTROY, FL_ETYPE, pool);
    CASE(FL_SYS_SPACE_DESTROY, FL_EPERM, sp_map_only);
    /* 12 vm_alloc(space, vaddr, pages, prot) */
    CASE(FL_SYS_VM_ALLOC, FL_EBADH, 0, PROBE, 1, rw);
    CASE(FL_SYS_VM_ALLOC, FL_ETYPE, ep, PROBE, 1, rw);
    CASE(FL_SYS_VM_ALLOC, FL_ETYPE, pool, PROBE, 1, rw);
    CASE(FL_SYS_VM_ALLOC, FL_EPERM, sp_read, PROBE, 1, rw);
    CASE(FL_SYS_VM_ALLOC, FL_EINVAL, space, PROBE + 1, 1, rw);
    CASE(FL_SYS_VM_ALLOC, FL_EINVAL, space, PROBE + 0x800, 1, rw);
    CASE(FL_SYS_VM_ALLOC, FL_EINVAL, space, KADDR, 1, rw);
    CASE(FL_SYS_VM_ALLOC, FL_EINVAL, space, UTOP, 1, rw);
    CASE(FL_SYS_VM_ALLOC, FL_EINVAL, space, UTOP - 4096, 2, rw);
    CASE(FL_SYS_VM_ALLOC, FL_EINVAL, space, PROBE, 0, rw);
    CASE(FL_SYS_VM_ALLOC, FL_EINVAL, space, PROBE, 1ULL << 52, rw); /* pages * 4096 wraps */
    CASE(FL_SYS_VM_ALLOC, FL_EINVAL, space, PROBE, 1, 0);
    CASE(FL_SYS_VM_ALLOC, FL_EINVAL, space, PROBE, 1, 8);
    CASE(FL_SYS_VM_ALLOC, FL_EINVAL, space, PROBE, 1, FL_PROT_WRITE); /* no READ */
    CASE(FL_SYS_VM_ALLOC, FL_EEXIST, space, text, 1, rw);
    /* 13 vm_map(space, dst, src, pages, prot) */
    CASE(FL_SYS_VM_MAP, FL_EBADH, 0, PROBE, text, 1, ro);
    CASE(FL_SYS_VM_MAP, FL_ETYPE, ntf, PROBE, text, 1, ro);
    CASE(FL_SYS_VM_MAP, FL_EINVAL, space, PROBE, KADDR, 1, ro);
    CASE(FL_SYS_VM_MAP, FL_EINVAL, space, KADDR, text, 1, ro);
    CASE(FL_SYS_VM_MAP, FL_EINVAL, space, PROBE + 8, text, 1, ro);
    CASE(FL_SYS_VM_MAP, FL_EINVAL, space, PROBE, text + 8, 1, ro);
    CASE(FL_SYS_VM_MAP, FL_EINVAL, space, PROBE, text, 0, ro);
    CASE(FL_SYS_VM_MAP, FL_EINVAL, space, PROBE, text, 1, 0x10);
    CASE(FL_SYS_VM_MAP, FL_ENOENT, space, PROBE, NOWHERE, 1, ro);
    CASE(FL_SYS_VM_MAP, FL_EPERM, space, PROBE, text, 1, rw); /* more than the source has */
    CASE(FL_SYS_VM_MAP, FL_EPERM, space, PROBE, rodata, 1, ro | FL_PROT_EXEC);
    /* 14 vm_unmap(space, vaddr, pages) */
    CASE(FL_SYS_VM_UNMAP, FL_EBADH, 0, PROBE, 1);
    CASE(FL_SYS_VM_UNMAP, FL_ETYPE, ep, PROBE, 1);
    CASE(FL_SYS_VM_UNMAP, FL_EPERM, sp_read, PROBE, 1);
    CASE(FL_SYS_VM_UNMAP, FL_EINVAL, space, PROBE + 4, 1);
    CASE(FL_SYS_VM_UNMAP, FL_EINVAL, space, KADDR, 1);
    CASE(FL_SYS_VM_UNMAP, FL_EINVAL, space, PROBE, 0);
    CASE(FL_SYS_VM_UNMAP, FL_EINVAL, space, UTOP - 4096, 2);
    /* 15 vm_protect(space, vaddr, pages, prot) */
    CASE(FL_SYS_VM_PROTECT, FL_EBADH, closed, text, 1, ro);
    CASE(FL_SYS_VM_PROTECT, FL_EINVAL, space, text + 4, 1, ro);
    CASE(FL_SYS_VM_PROTECT, FL_EINVAL, space, KIMAGE, 1, ro);
    CASE(FL_SYS_VM_PROTECT, FL_EINVAL, space, text, 1, 0);
    CASE(FL_SYS_VM_PROTECT, FL_ENOENT, space, NOWHERE, 1, ro);
    CASE(FL_SYS_VM_PROTECT, FL_EPERM, space, text, 1, rw | FL_PROT_EXEC); /* adds WRITE */
    CASE(FL_SYS_VM_PROTECT, FL_EPERM, space, rodata, 1, rw);
    /* 16 region_map(space, region, offset, vaddr, size, prot) */
    CASE(FL_SYS_REGION_MAP, FL_EBADH, space, 0, 0, PROBE, 4096, ro);
    CASE(FL_SYS_REGION_MAP, FL_ETYPE, space, ep, 0, PROBE, 4096, ro);
    CASE(FL_SYS_REGION_MAP, FL_EBADH, 0, initrd ? initrd : BADH, 0, PROBE, 4096, ro);
    if (initrd) {
        CASE(FL_SYS_REGION_MAP, FL_EINVAL, space, initrd, 1, PROBE, 4096, ro);
        CASE(FL_SYS_REGION_MAP, FL_EINVAL, space, initrd, 0, PROBE, 100, ro);
        CASE(FL_SYS_REGION_MAP, FL_EINVAL, space, initrd, 0, PROBE + 4, 4096, ro);
        CASE(FL_SYS_REGION_MAP, FL_EINVAL, space, initrd, 0, KADDR, 4096, ro);
        CASE(FL_SYS_REGION_MAP, FL_EINVAL, space, initrd, 1ULL << 40, PROBE, 4096, ro);
        CASE(FL_SYS_REGION_MAP, FL_EINVAL, space, initrd, ~0ULL & ~0xfffULL, PROBE, 4096, ro);
        CASE(FL_SYS_REGION_MAP, FL_EPERM, space, initrd, 0, PROBE, 4096, rw);
    }
    /* 17 thread_create(space, entry, stack, arg, priority) */
    CASE(FL_SYS_THREAD_CREATE, FL_EBADH, 0, text, PROBE, 0, 1);
    CASE(FL_SYS_THREAD_CREATE, FL_ETYPE, ep, text, PROBE, 0, 1);
    CASE(FL_SYS_THREAD_CREATE, FL_EPERM, sp_map_only, text, PROBE, 0, 1);
    CASE(FL_SYS_THREAD_CREATE, FL_EINVAL, space, KIMAGE, PROBE, 0, 1);
    CASE(FL_SYS_THREAD_CREATE, FL_EINVAL, space, text + 2, PROBE, 0, 1);
    CASE(FL_SYS_THREAD_CREATE, FL_EINVAL, space, text, PROBE + 8, 0, 1);
    CASE(FL_SYS_THREAD_CREATE, FL_EINVAL, space, text, KADDR, 0, 1);
    CASE(FL_SYS_THREAD_CREATE, FL_ERANGE, space, text, PROBE, 0, 32);
    CASE(FL_SYS_THREAD_CREATE, FL_ERANGE, space, text, PROBE, 0, FL_PRIORITY_DEFAULT + 1);
    CASE(FL_SYS_THREAD_CREATE, FL_ERANGE, space, text, PROBE, 0, ~0ULL);
    /* 18 thread_start(thread) */
    CASE(FL_SYS_THREAD_START, FL_EBADH, 0);
    CASE(FL_SYS_THREAD_START, FL_EBADH, closed);
    CASE(FL_SYS_THREAD_START, FL_ETYPE, ep);
    if (self_thread)
        CASE(FL_SYS_THREAD_START, FL_EBUSY, self_thread); /* already running */
    /* 19 thread_exit(status) takes no handle or pointer: nothing to reject. 20 yield: none. */
    CASE(FL_SYS_YIELD, FL_OK, BADH, KADDR, ~0ULL, 1, 2, 3);
    /* 21 thread_set_ipc_buffer(vaddr) */
    CASE(FL_SYS_THREAD_SET_IPC_BUFFER, FL_EINVAL, PROBE + 8);
    CASE(FL_SYS_THREAD_SET_IPC_BUFFER, FL_EINVAL, KADDR);
    CASE(FL_SYS_THREAD_SET_IPC_BUFFER, FL_EINVAL, UTOP);
    CASE(FL_SYS_THREAD_SET_IPC_BUFFER, FL_EFAULT, NOWHERE);
    CASE(FL_SYS_THREAD_SET_IPC_BUFFER, FL_EFAULT, rodata);
    CASE(FL_SYS_THREAD_SET_IPC_BUFFER, FL_EFAULT, text);
    CASE(FL_SYS_THREAD_SET_IPC_BUFFER, FL_OK, 0); /* none: allowed */
    /* 22 endpoint_create() has no arguments; 23 send(ep, tag, w0..w3) */
    CASE(FL_SYS_SEND, FL_EBADH, 0, FL_TAG(1, 0, 0));
    CASE(FL_SYS_SEND, FL_EBADH, BADH, FL_TAG(1, 0, 0));
    CASE(FL_SYS_SEND, FL_EBADH, closed, FL_TAG(1, 0, 0));
    CASE(FL_SYS_SEND, FL_ETYPE, ntf, FL_TAG(1, 0, 0));
    CASE(FL_SYS_SEND, FL_EPERM, ep_ro, FL_TAG(1, 0, 0));
    CASE(FL_SYS_SEND, FL_EINVAL, ep, FL_TAG(1, 65, 0));       /* more words than exist */
    CASE(FL_SYS_SEND, FL_EINVAL, ep, FL_TAG(1, 5, 0));        /* buffer words, no IPC buffer */
    CASE(FL_SYS_SEND, FL_EINVAL, ep, FL_TAG(1, 0, 5));        /* more handles than exist */
    CASE(FL_SYS_SEND, FL_EINVAL, ep, FL_TAG(1, 0, 1));        /* a handle, no IPC buffer */
    CASE(FL_SYS_SEND, FL_EINVAL, ep, FL_TAG(1, 0, 0) | 0x80); /* reserved tag bits */
    /* 24 recv(ep) */
    CASE(FL_SYS_RECV, FL_EBADH, 0);
    CASE(FL_SYS_RECV, FL_EBADH, closed);
    CASE(FL_SYS_RECV, FL_ETYPE, ntf);
    CASE(FL_SYS_RECV, FL_EPERM, ep_wo);
    /* 25 call(ep, tag, w0..w3) */
    CASE(FL_SYS_CALL, FL_EBADH, 0, FL_TAG(1, 0, 0));
    CASE(FL_SYS_CALL, FL_ETYPE, space, FL_TAG(1, 0, 0));
    CASE(FL_SYS_CALL, FL_EPERM, ep_ro, FL_TAG(1, 0, 0));
    CASE(FL_SYS_CALL, FL_EINVAL, ep, FL_TAG(1, 127, 0));
    CASE(FL_SYS_CALL, FL_EINVAL, ep, FL_TAG(1, 0, 15));
    /* 26 reply(tag, w0..w3): x0 unused */
    CASE(FL_SYS_REPLY, FL_EPEER, 0, FL_TAG(1, 0, 0)); /* nobody to reply to */
    CASE(FL_SYS_REPLY, FL_EINVAL, 0, FL_TAG(1, 100, 0));
    /* 27 reply_recv(ep, tag, w0..w3): only failures that stop it before it blocks */
    CASE(FL_SYS_REPLY_RECV, FL_EBADH, 0, FL_TAG(1, 0, 0));
    CASE(FL_SYS_REPLY_RECV, FL_ETYPE, ntf, FL_TAG(1, 0, 0));
    CASE(FL_SYS_REPLY_RECV, FL_EPERM, ep_wo, FL_TAG(1, 0, 0));
    CASE(FL_SYS_REPLY_RECV, FL_EINVAL, ep, FL_TAG(1, 0, 9));
    /* 28 notification_create() has no arguments; 29 signal(ntf, bits) */
    CASE(FL_SYS_SIGNAL, FL_EBADH, 0, 1);
    CASE(FL_SYS_SIGNAL, FL_EBADH, closed, 1);
    CASE(FL_SYS_SIGNAL, FL_ETYPE, ep, 1);
    CASE(FL_SYS_SIGNAL, FL_EPERM, ntf_ro, 1);
    CASE(FL_SYS_SIGNAL, FL_EINVAL, ntf, 0);
    CASE(FL_SYS_SIGNAL, FL_EINVAL, ntf, 1ULL << 63); /* would read as an error from wait */
    /* 30 wait(ntf), 31 poll(ntf) */
    CASE(FL_SYS_WAIT, FL_EBADH, 0);
    CASE(FL_SYS_WAIT, FL_EBADH, BADH);
    CASE(FL_SYS_WAIT, FL_ETYPE, ep);
    CASE(FL_SYS_WAIT, FL_EPERM, ntf_wo);
    CASE(FL_SYS_POLL, FL_EBADH, closed);
    CASE(FL_SYS_POLL, FL_ETYPE, pool);
    CASE(FL_SYS_POLL, FL_EPERM, ntf_wo);
    /* 32 irq_bind(irq, ntf, bits), 33 irq_ack(irq): init holds no IRQ handle here */
    CASE(FL_SYS_IRQ_BIND, FL_EBADH, 0, ntf, 1);
    CASE(FL_SYS_IRQ_BIND, FL_ETYPE, ep, ntf, 1);
    CASE(FL_SYS_IRQ_ACK, FL_EBADH, 0);
    CASE(FL_SYS_IRQ_ACK, FL_ETYPE, ntf);
    /* Past the table. */
    CASE(FL_SYS_COUNT, FL_ENOSYS, 0);
    CASE(FL_SYS_COUNT + 1, FL_ENOSYS, 0);
    CASE(1000, FL_ENOSYS, 0);
    CASE(1ULL << 32, FL_ENOSYS, 0);
    CASE(~0ULL, FL_ENOSYS, 0);

    CHECK(n <= MAX_CASES, "%u cases: raise MAX_CASES", n);
    unsigned bad = 0;
    int first_line = 0;
    for (unsigned i = 0; i < n; i++) {
        const bad_call_t *c = &cases[i];
        long got = fl_syscall6(c->nr, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4], c->a[5]);
        if (got == c->want || got == c->alt)
            continue;
        if (got > 0 && c->want < 0 && got <= 0xffffffffL)
            fl_handle_close((fl_handle_t)got); /* it wrongly made a handle: do not leak it */
        printf("badargs: line %d: syscall %lld (%#llx, %#llx, %#llx, ...) = %ld (%s), "
               "expected %ld (%s)\n",
               c->line, (long long)c->nr, (unsigned long long)c->a[0], (unsigned long long)c->a[1],
               (unsigned long long)c->a[2], got, fl_strerror(got), c->want, fl_strerror(c->want));
        if (!bad++)
            first_line = c->line;
    }
    CHECK(bad == 0, "%u of %u calls returned the wrong result (first: test_badargs.c line %d)", bad,
          n, first_line);

    /* And the system carries on. */
    CHECK_OK(r, fl_endpoint_create());
    CHECK_EQ(fl_handle_close((fl_handle_t)r), FL_OK);
    CHECK_EQ(fl_signal(ntf, 3), FL_OK);
    CHECK_EQ(fl_poll(ntf), 3);
    return NULL;
}

const char *test_badargs_unchanged(void)
{
    fl_handle_t space = fl_self_space();
    fl_sysinfo_t a, b;
    volatile uint64_t *second = (volatile uint64_t *)(PROBE + 4096);

    /* PROBE unmapped, PROBE + 4096 mapped and holding a value. */
    CHECK_EQ(fl_vm_alloc(space, PROBE + 4096, 1, FL_PROT_READ | FL_PROT_WRITE), FL_OK);
    *second = 0x5a5a;
    /* An allocation that collides on its second page adds nothing on its first. */
    CHECK_EQ(fl_vm_alloc(space, PROBE, 2, FL_PROT_READ | FL_PROT_WRITE), FL_EEXIST);
    CHECK_EQ(fl_vm_protect(space, PROBE, 1, FL_PROT_READ), FL_ENOENT);
    CHECK(*second == 0x5a5a, "the existing page changed");
    /* A protect that fails on one page changes none. */
    CHECK_EQ(fl_vm_protect(space, PROBE, 2, FL_PROT_READ), FL_ENOENT);
    CHECK_EQ(fl_vm_protect(space, PROBE + 4096, 2, FL_PROT_READ), FL_ENOENT);
    *second = 0xa5a5; /* still writable, or init dies here */
    /* A map whose source is half missing maps nothing. */
    CHECK_EQ(fl_vm_map(space, PROBE + 0x10000, PROBE, 2, FL_PROT_READ), FL_ENOENT);
    CHECK_EQ(fl_vm_map(space, PROBE + 0x10000, PROBE + 4096, 2, FL_PROT_READ), FL_ENOENT);
    CHECK_EQ(fl_vm_protect(space, PROBE + 0x10000, 1, FL_PROT_READ), FL_ENOENT);
    CHECK_EQ(fl_vm_unmap(space, PROBE + 4096, 1), FL_OK);
    CHECK_EQ(fl_vm_protect(space, PROBE + 4096, 1, FL_PROT_READ), FL_ENOENT);

    /* A refused thread_create makes no thread. */
    CHECK_EQ(fl_system_info(&a), FL_OK);
    CHECK_EQ(fl_thread_create(space, FL_PROGRAM_BASE, PROBE, 0, 99), FL_ERANGE);
    CHECK_EQ(fl_system_info(&b), FL_OK);
    CHECK(a.threads == b.threads, "threads %llu -> %llu after a refused create",
          (unsigned long long)a.threads, (unsigned long long)b.threads);
    return NULL;
}
