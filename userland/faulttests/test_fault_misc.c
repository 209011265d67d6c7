/*
 * Access harvesting, faults the kernel takes on a thread's behalf while copying a system
 * call's buffer (FL_FAULT_SYSCALL), and exceptions that are not memory faults (undefined
 * instruction, breakpoint, PC alignment) going to the exception handler. (SP alignment is not
 * tested: QEMU does not implement the SCTLR_EL1.SA0 check.) Also: FP/SIMD registers across a
 * fault, and the fault demo run as a test.
 */
#include "demo_faults.h"
#include "faultkit.h"
#include <string.h>

/* FL_SYS_VM_HARVEST reports exactly the pages touched since the last harvest: fresh mappings
 * count as touched; then the client reads pages 0, 3, 5 and writes page 6 of 8 (the access
 * flag faults this causes are the kernel's: the pager sees none); a second harvest finds
 * nothing. Pages past the mapped ones read as 0. */
FL_TEST(pf_harvest)
{
    const unsigned n = 8;
    const uint64_t reads = 0x29, writes = 0x40;
    fk_mbox_t mb = {.addr = FK_DATA_VA, .arg = n, .arg2 = reads | writes << 32};
    uint64_t bitmap = ~0ULL, sum = 0;
    fk_child_t *c;
    fl_msg_t m;
    const char *why;

    for (unsigned i = 0; i < n; i++) {
        fk_fill(i, 0x100ULL * (i + 1));
        if (reads >> i & 1)
            sum += 0x100ULL * (i + 1);
    }
    if ((why = fk_setup()) || (why = fk_child_new(&c, 0, fk_touch_pages, &mb, FK_PAGER)) ||
        (why = fk_child_map(c, FK_DATA_VA, fk_pages[0], n, FL_PROT_READ | FL_PROT_WRITE)))
        return why;
    CHECK_EQ(fl_vm_harvest(c->proc.space, FK_DATA_VA, n + 2, &bitmap), n);
    CHECK(bitmap == 0xff, "fresh mappings: bitmap %#llx, expected 0xff",
          (unsigned long long)bitmap);
    CHECK_EQ(fl_vm_harvest(c->proc.space, FK_DATA_VA, n + 2, &bitmap), 0);
    CHECK(bitmap == 0, "harvested twice: bitmap %#llx", (unsigned long long)bitmap);

    if ((why = fk_child_start(c)) || (why = fk_expect_done_held(c, &m)))
        return why;
    CHECK(m.w[0] == sum, "the child summed %#llx, expected %#llx", (unsigned long long)m.w[0],
          (unsigned long long)sum);
    CHECK(((uint64_t *)fk_pages[6])[1] == 6, "the child's write to page 6 is missing");
    CHECK_EQ(fl_vm_harvest(c->proc.space, FK_DATA_VA, n + 2, &bitmap), 4);
    CHECK(bitmap == (reads | writes), "after the client ran: bitmap %#llx, expected %#llx",
          (unsigned long long)bitmap, (unsigned long long)(reads | writes));
    CHECK_EQ(fl_vm_harvest(c->proc.space, FK_DATA_VA, n + 2, &bitmap), 0);
    CHECK(bitmap == 0, "harvested again: bitmap %#llx", (unsigned long long)bitmap);
    if ((why = fk_release()))
        return why;
    return fk_expect_end(c, 0);
}

/* FL_SYS_DEBUG_WRITE of a buffer on a page nobody mapped yet: the kernel's copy faults, the
 * pager gets the fault with FL_FAULT_SYSCALL (PC = the svc, ESR from EL1) and the call
 * succeeds after a map reply. A second call on another unmapped page gets a fail reply: the
 * call returns FL_EFAULT and the thread goes on. */
FL_TEST(pf_syscall)
{
    static const char text[] = "faulttests: printed from a page the pager mapped during the call\n";
    const uint64_t len = sizeof(text) - 1, off = 0x10;
    const uint64_t second = FK_DATA_VA + FL_PAGE_SIZE + 0x20;
    fk_mbox_t mb = {.addr = FK_DATA_VA + off, .arg = len, .arg2 = second};
    fk_want_t w = {FL_LABEL_PAGE_FAULT,
                   FK_DATA_VA + off,
                   FK_PC(fk_insn_svc1),
                   FL_FAULT_READ,
                   FL_FAULT_TRANSLATION,
                   FL_FAULT_FAR_VALID | FL_FAULT_SYSCALL,
                   3,
                   FK_EC_DABT_SAME};
    fk_child_t *c;
    fl_msg_t m;
    const char *why;

    memset(fk_pages[5], 0, FL_PAGE_SIZE);
    memcpy(fk_pages[5] + off, text, len);
    if ((why = fk_setup()) || (why = fk_child_new(&c, 0, fk_syscall, &mb, FK_PAGER)) ||
        (why = fk_child_start(c)) || (why = fk_expect_fault(c, &m, &w)))
        return why;
    m = fk_reply_map(FK_DATA_VA, fk_pages[5], 1, FL_PROT_READ);
    CHECK_EQ(fl_reply(&m), FL_OK);
    w.addr = second;
    w.pc = FK_PC(fk_insn_svc2);
    if ((why = fk_expect_fault(c, &m, &w)))
        return fk_fail("second call", why);
    m = fk_reply_fail(FL_FAULT_FAIL_NO_REGION);
    CHECK_EQ(fl_reply(&m), FL_OK);
    if ((why = fk_expect_done(c, &m)))
        return why;
    CHECK(m.w[0] == len, "the first call returned %ld, expected %llu", (long)m.w[0],
          (unsigned long long)len);
    CHECK(m.w[1] == (uint64_t)(int64_t)FL_EFAULT, "the second call returned %ld (%s)", (long)m.w[1],
          fl_strerror((long)m.w[1]));
    return fk_expect_end(c, 0);
}

/* One exception in a fresh child 0 (exception handler: the test; pager too, which must not
 * see it); the message is checked against w; then the reply (resume: the instruction runs
 * again and raises the same exception, with the next sequence number) and a fail reply. */
static const char *exception_case(const char *what, const void *entry, uint64_t addr,
                                  const fk_want_t *w, uint32_t iss)
{
    fk_mbox_t mb = {.addr = addr};
    fk_child_t *c;
    fl_msg_t m;
    const char *why;

    if ((why = fk_child_new(&c, 0, entry, &mb, FK_PAGER | FK_EXC)) || (why = fk_child_start(c)) ||
        (why = fk_expect_fault(c, &m, w)))
        return fk_fail(what, why);
    CHECK((m.w[2] & 0x1ffffff) == iss, "%s: ESR %#llx, ISS expected %#x", what,
          (unsigned long long)m.w[2], iss);
    m = fk_reply_resume();
    CHECK_EQ(fl_reply(&m), FL_OK);
    if ((why = fk_expect_fault(c, &m, w)))
        return fk_fail("resumed", why);
    m = fk_reply_fail(FL_FAULT_FAIL_OTHER);
    CHECK_EQ(fl_reply(&m), FL_OK);
    if ((why = fk_expect_end(c, -1)))
        return fk_fail(what, why);
    fk_child_free(c);
    return NULL;
}

FL_TEST(pf_exceptions)
{
    const uint64_t misaligned_pc = FK_PC(fk_insn_udf) + 2;
    const fk_want_t udf = {.label = FL_LABEL_EXCEPTION,
                           .pc = FK_PC(fk_insn_udf),
                           .kind = FL_EXC_UNDEFINED,
                           .level = -1,
                           .ec = FK_EC_UNKNOWN};
    const fk_want_t brk = {.label = FL_LABEL_EXCEPTION,
                           .pc = FK_PC(fk_insn_brk),
                           .kind = FL_EXC_BREAKPOINT,
                           .level = -1,
                           .ec = FK_EC_BRK_AARCH64};
    const fk_want_t pc = {.label = FL_LABEL_EXCEPTION,
                          .addr = misaligned_pc,
                          .pc = misaligned_pc,
                          .kind = FL_EXC_PC_ALIGN,
                          .flags = FL_FAULT_FAR_VALID,
                          .level = -1,
                          .ec = FK_EC_PC_ALIGN};
    fk_child_t *c;
    const char *why;

    if ((why = fk_setup()) || (why = exception_case("udf", fk_udf, 0, &udf, 0)) ||
        (why = exception_case("brk", fk_brk, 0, &brk, 0x42)) ||
        (why = exception_case("pc alignment", fk_branch, misaligned_pc, &pc, 0)))
        return why;

    /* No exception handler (a pager does not count): the thread is stopped. */
    fk_mbox_t mb = {0};
    if ((why = fk_child_new(&c, 0, fk_udf, &mb, FK_PAGER)) || (why = fk_child_start(c)) ||
        (why = fk_expect_end(c, -1)))
        return fk_fail("udf without a handler", why);
    return NULL;
}

/* FP/SIMD registers survive a page fault, also when the pager uses them before it answers
 * (the kernel switches FP state lazily), and also after a thread died owning the FP unit
 * (first, a child loads q0 and exits at once). */
FL_TEST(pf_fpu)
{
    const uint64_t lo = 0x0123456789abcdefULL, hi = 0xfedcba9876543210ULL;
    fk_mbox_t mb = {.addr = FK_DATA_VA, .arg = lo, .arg2 = hi};
    fk_want_t w = {
        FL_LABEL_PAGE_FAULT, FK_DATA_VA, FK_PC(fk_insn_fpu), FL_FAULT_READ, FL_FAULT_TRANSLATION,
        FL_FAULT_FAR_VALID,  3,          FK_EC_DABT_LOWER};
    fk_child_t *c;
    fl_msg_t m;
    const char *why;

    if ((why = fk_setup()) || (why = fk_child_new(&c, 0, fk_fp_exit, &mb, 0)) ||
        (why = fk_child_start(c)) || (why = fk_expect_end(c, 0)))
        return fk_fail("FP owner exits", why);
    fk_child_free(c);
    for (int use_fp = 0; use_fp < 2; use_fp++) {
        if ((why = fk_setup()) || (why = fk_child_new(&c, 0, fk_fpu, &mb, FK_PAGER)) ||
            (why = fk_child_start(c)) || (why = fk_expect_fault(c, &m, &w)))
            return why;
        if (use_fp)
            __asm__ volatile("movi v0.16b, #0xee\n\tmovi v1.16b, #0x11" ::: "v0", "v1");
        m = fk_reply_map(FK_DATA_VA, fk_pages[0], 1, FL_PROT_READ);
        CHECK_EQ(fl_reply(&m), FL_OK);
        if ((why = fk_expect_done(c, &m)))
            return why;
        CHECK(m.w[0] == lo && m.w[1] == hi,
              "pager %s FP: q0 came back as %#018llx:%016llx, expected %#018llx:%016llx",
              use_fp ? "using" : "not using", (unsigned long long)m.w[1],
              (unsigned long long)m.w[0], (unsigned long long)hi, (unsigned long long)lo);
        if ((why = fk_expect_end(c, 0)))
            return why;
        fk_child_free(c);
    }
    return NULL;
}

/* The fault demo runs to its end (faultdemo stopped at the refused page) and leaks nothing. */
FL_TEST(pf_demo)
{
    CHECK(demo_faults_run() == 0, "the demo did not go as planned (see its lines above)");
    return NULL;
}
