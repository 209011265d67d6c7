/*
 * Hostile clients (issue 11): programs that attack the kernel through its system calls: bad
 * buffers for every call that takes one, faults on kernel addresses, a pool exhausted at each
 * of its allocations, handles closed while other threads are blocked on them. Each case
 * checks the documented answer (docs/syscalls.md, ipc.md); the runner checks the frames.
 */
#include "faultkit.h"
#include <fl/layout.h>
#include <fl/vm.h>
#include <string.h>

#define KADDR  0xffff000040000000ULL
#define KIMAGE 0xffffffff80000000ULL

static const uint64_t ro_words[8] __attribute__((aligned(64))) = {1};

/* User buffers the kernel writes through: read-only, kernel, straddling the top of user
 * space, straddling into an unmapped page, unaligned. */
FL_TEST(hostile_client_buffers)
{
    const uint64_t top = FL_USER_TOP, scratch = 0x3000390000ULL; /* warmed block */
    fl_handle_t self = fl_self_space();
    long r;

    CHECK_OK(r, fl_vm_alloc(self, scratch, 1, FL_PROT_READ | FL_PROT_WRITE));
    const uint64_t edge = scratch + 4096 - 8; /* the next page is unmapped */
    /* VM_HARVEST's bitmap. */
    CHECK_EQ(fl_vm_harvest(self, scratch, 64, (uint64_t *)ro_words), FL_EFAULT);
    CHECK_EQ(fl_vm_harvest(self, scratch, 128, (uint64_t *)edge), FL_EFAULT);
    r = fl_vm_harvest(self, scratch, 1, (uint64_t *)KADDR);
    CHECK(r == FL_EINVAL || r == FL_EFAULT, "harvest into the kernel: %s", fl_strerror(r));
    r = fl_vm_harvest(self, scratch, 1, (uint64_t *)(top - 4));
    CHECK(r == FL_EINVAL || r == FL_EFAULT, "harvest across the top: %s", fl_strerror(r));
    CHECK_EQ(fl_vm_harvest(self, scratch, 1, (uint64_t *)(scratch + 3)), 1); /* unaligned ok */
    /* SYSTEM_INFO. */
    CHECK_EQ(fl_system_info((fl_sysinfo_t *)(edge - 8)), FL_EFAULT);
    CHECK_EQ(fl_system_info((fl_sysinfo_t *)KIMAGE), FL_EFAULT);
    /* DEBUG_WRITE reads. */
    CHECK_EQ(fl_debug_write((const void *)(scratch + 4096), 1), FL_EFAULT);
    r = fl_debug_write((const void *)KIMAGE, 1);
    CHECK(r == FL_EINVAL || r == FL_EFAULT, "printing the kernel image: %s", fl_strerror(r));
    r = fl_debug_write((const void *)(top - 1), 2);
    CHECK(r == FL_EINVAL, "printing across the top: %s", fl_strerror(r));
    /* The IPC buffer: read-only, kernel, unaligned, unmapped, a region mapping. */
    CHECK_EQ(fl_thread_set_ipc_buffer((void *)((uint64_t)(uintptr_t)ro_words & ~0xfffULL)),
             FL_EFAULT);
    CHECK_EQ(fl_thread_set_ipc_buffer((void *)KADDR), FL_EINVAL);
    CHECK_EQ(fl_thread_set_ipc_buffer((void *)(scratch + 8)), FL_EINVAL);
    CHECK_EQ(fl_thread_set_ipc_buffer((void *)(scratch + 4096)), FL_EFAULT);
    if (fl_bootinfo && fl_bootinfo->initrd_vaddr)
        CHECK_EQ(fl_thread_set_ipc_buffer((void *)fl_bootinfo->initrd_vaddr), FL_EFAULT);
    CHECK_EQ(fl_vm_unmap(self, scratch, 1), FL_OK);
    return NULL;
}

/* A child that touches kernel addresses (linear map, image, the highest address, the top of
 * user space) in every way: the kernel stops it itself, the pager never hears of it. */
FL_TEST(hostile_client_kernel_faults)
{
    static const uint64_t addrs[] = {KADDR, KIMAGE, ~0ULL - 7, FL_USER_TOP, 1ULL << 63};
    const void *const fns[] = {fk_read, fk_write, fk_exec, fk_ldxr};
    const char *why;

    if ((why = fk_setup()))
        return why;
    for (unsigned f = 0; f < sizeof(fns) / sizeof(fns[0]); f++)
        for (unsigned i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
            fk_child_t *c;
            fk_mbox_t mb = {.addr = addrs[i], .arg = 0x77};
            if ((why = fk_child_new(&c, 0, fns[f], &mb, FK_PAGER)) || (why = fk_child_start(c)) ||
                (why = fk_expect_end(c, -1)))
                return test_failf("routine %u at %#llx: %s", f, (unsigned long long)addrs[i], why);
            fk_child_free(c);
        }
    return NULL;
}

/* A pool exhausted at each allocation in turn: for every quota from 1 up, build a space with
 * a thread, an extra page table and frames until something says FL_ENOMEM; then everything
 * is closed and the pool is empty again. (SPACE_CREATE is only tried with at least two free
 * frames: with exactly one it panics today, issue 11 item 5, hostile_client_pool_last_frame.) */
FL_TEST(hostile_client_pool_exhaust)
{
    for (uint64_t quota = 1; quota <= 14; quota++) {
        long pool, sp = 0, t = 0, r;
        uint64_t limit = 0;
        CHECK_OK(pool, fl_pool_create(fl_pool(), quota));
        if (quota >= 2) {
            sp = fl_space_create((fl_handle_t)pool);
            CHECK(sp > 0 || sp == FL_ENOMEM, "quota %llu: space: %s", (unsigned long long)quota,
                  fl_strerror(sp));
        }
        if (sp > 0) {
            t = fl_thread_create((fl_handle_t)sp, FL_PROGRAM_BASE, 0x800000, 0,
                                 FL_PRIORITY_DEFAULT);
            CHECK(t > 0 || t == FL_ENOMEM, "quota %llu: thread: %s", (unsigned long long)quota,
                  fl_strerror(t));
            for (unsigned i = 0; i < 8; i++) {
                r = fl_vm_alloc((fl_handle_t)sp, 0x40000000ULL * (i + 1), 1 + i, FL_PROT_READ);
                CHECK(r == 0 || r == FL_ENOMEM, "quota %llu: alloc: %s", (unsigned long long)quota,
                      fl_strerror(r));
            }
            r = fl_pool_create((fl_handle_t)pool, 1);
            CHECK(r > 0 || r == FL_ENOMEM, "quota %llu: sub-pool: %s", (unsigned long long)quota,
                  fl_strerror(r));
            if (r > 0)
                fl_handle_close((fl_handle_t)r);
        }
        long used = fl_pool_info((fl_handle_t)pool, &limit);
        CHECK(used >= 0 && (uint64_t)used <= limit, "quota %llu: used %ld of %llu",
              (unsigned long long)quota, used, (unsigned long long)limit);
        if (t > 0)
            fl_handle_close((fl_handle_t)t);
        if (sp > 0)
            fl_handle_close((fl_handle_t)sp);
        CHECK_EQ(fl_pool_info((fl_handle_t)pool, NULL), 0);
        fl_handle_close((fl_handle_t)pool);
    }
    return NULL;
}

static fl_handle_t blocked_on;
static volatile long blocked_result = 1;

static void recv_blocked(void *arg)
{
    fl_msg_t m;
    (void)arg;
    blocked_result = fl_recv(blocked_on, &m);
}

static void wait_blocked(void *arg)
{
    (void)arg;
    blocked_result = fl_wait(blocked_on);
}

static void call_blocked(void *arg)
{
    fl_msg_t m = {.tag = FL_TAG(1, 0, 0)};
    (void)arg;
    blocked_result = fl_call(blocked_on, &m);
}

/* Closes the handle another thread is blocked on (a receive, a wait, a call nobody takes):
 * the blocked thread wakes with FL_EPEER, and nothing leaks. */
FL_TEST(hostile_client_close_blocked)
{
    const fl_thread_fn fns[] = {recv_blocked, wait_blocked, call_blocked};
    const char *what[] = {"receive", "wait", "call"};
    for (unsigned i = 0; i < 3; i++) {
        fl_thread_t t;
        long h = i == 1 ? fl_notification_create() : fl_endpoint_create();
        CHECK(h > 0, "%s: object: %s", what[i], fl_strerror(h));
        blocked_on = (fl_handle_t)h;
        blocked_result = 1;
        CHECK_EQ(fl_thread_spawn(&t, fns[i], NULL, FL_PRIORITY_DEFAULT), FL_OK);
        for (int k = 0; k < 10; k++)
            fl_yield(); /* it blocks (on one CPU) */
        /* On several CPUs it may run elsewhere, and a yield with nothing else ready here
         * returns at once: give it time to block there too. */
        for (uint64_t until = test_ticks() + 5; test_ticks() < until;)
            fl_yield();
        CHECK(blocked_result == 1, "%s returned %ld before the close", what[i], blocked_result);
        CHECK_EQ(fl_handle_close((fl_handle_t)h), FL_OK);
        CHECK_EQ(fl_thread_join(&t), FL_OK);
        CHECK(blocked_result == FL_EPEER, "%s on a closed handle returned %ld (%s)", what[i],
              blocked_result, fl_strerror(blocked_result));
    }
    return NULL;
}

/* Issue 11 item 5: SPACE_CREATE in a pool with exactly one frame left refuses with FL_ENOMEM
 * (today its error path tears down a half-built space and panics). */
FL_TEST(hostile_client_pool_last_frame)
{
    long pool, sp;
    CHECK_OK(pool, fl_pool_create(fl_pool(), 1));
    test_handle(pool);
    sp = fl_space_create((fl_handle_t)pool);
    CHECK(sp == FL_ENOMEM, "space in a 1-frame pool: %ld (%s)", sp, fl_strerror(sp));
    CHECK_EQ(fl_pool_info((fl_handle_t)pool, NULL), 0);
    return NULL;
}

/* Issue 11 item 2: a pool quota of UINT64_MAX (or one that overflows used + frames + 1) is
 * refused, and a child pool never gets more than its parent has. */
FL_TEST(hostile_client_pool_wrap)
{
    long pool, sp;
    CHECK_OK(pool, fl_pool_create(fl_pool(), 64));
    test_handle(pool);
    CHECK_EQ(fl_pool_create((fl_handle_t)pool, ~0ULL), FL_ENOMEM);
    /* With something charged (a space: 2 frames), used + frames wraps in pool_charge. */
    CHECK_OK(sp, fl_space_create((fl_handle_t)pool));
    test_handle(sp);
    CHECK_EQ(fl_pool_create((fl_handle_t)pool, ~0ULL), FL_ENOMEM);
    CHECK_EQ(fl_pool_create((fl_handle_t)pool, ~0ULL - 1), FL_ENOMEM);
    CHECK_EQ(fl_pool_create((fl_handle_t)pool, 1ULL << 63), FL_ENOMEM);
    CHECK_EQ(fl_handle_close((fl_handle_t)sp), FL_OK);
    CHECK_EQ(fl_pool_info((fl_handle_t)pool, NULL), 0);
    return NULL;
}
