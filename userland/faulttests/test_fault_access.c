/*
 * What a fault message says, field by field: read, write and execute faults at every table
 * level, permission faults (write to read-only, execute from non-executable), a misaligned
 * exclusive load (alignment fault) and atomic read-modify-writes (one fault, reported as a
 * write). The test is the pager; it answers each fault with a map and checks the child goes on
 * with the right data.
 */
#include "faultkit.h"
#include <stdio.h>

static const uint64_t level_va[4] = {FK_VA_LEVEL0, FK_VA_LEVEL1, FK_VA_LEVEL2, FK_VA_LEVEL3};
static const char *const access_name[3] = {"read", "write", "exec"};

/* A fault by access at level_va[level] + an offset in a fresh child 0, answered by mapping
 * fk_pages[0] (or, to execute, fk_exec_page) there; the child goes on with the right data. */
static const char *fault_at_level(unsigned access, int level)
{
    static const uint64_t offset[3] = {0x238, 0x2f0, 0};
    uint64_t page = level_va[level], addr = page + offset[access];
    uint64_t seed = 0x5eed0000ULL + ((uint64_t)level << 12), magic = 0xab0de000ULL + level;
    fk_mbox_t mb = {.addr = addr, .arg = magic};
    const void *entry = access == FL_FAULT_READ    ? fk_read
                        : access == FL_FAULT_WRITE ? fk_write
                                                   : fk_exec;
    fk_want_t w = {.label = FL_LABEL_PAGE_FAULT,
                   .addr = addr,
                   .pc = access == FL_FAULT_READ    ? FK_PC(fk_insn_read)
                         : access == FL_FAULT_WRITE ? FK_PC(fk_insn_write)
                                                    : addr,
                   .access = access,
                   .kind = FL_FAULT_TRANSLATION,
                   .level = level,
                   .flags = FL_FAULT_FAR_VALID,
                   .ec = access == FL_FAULT_EXEC ? FK_EC_IABT_LOWER : FK_EC_DABT_LOWER};
    fk_child_t *c;
    fl_msg_t m;
    const char *why;

    fk_fill(0, seed);
    if ((why = fk_child_new(&c, 0, entry, &mb, FK_PAGER)) || (why = fk_child_start(c)) ||
        (why = fk_expect_fault(c, &m, &w)))
        return why;
    m = access == FL_FAULT_EXEC ? fk_reply_map(page, fk_exec_page, 1, FL_PROT_READ | FL_PROT_EXEC)
                                : fk_reply_map(page, fk_pages[0], 1, FL_PROT_READ | FL_PROT_WRITE);
    CHECK_EQ(fl_reply(&m), FL_OK);
    if ((why = fk_expect_done(c, &m)))
        return why;
    uint64_t want = access == FL_FAULT_READ    ? seed + offset[0] / 8
                    : access == FL_FAULT_WRITE ? magic
                                               : FK_EXEC_MAGIC;
    CHECK(m.w[0] == want, "the child got %#llx, expected %#llx", (unsigned long long)m.w[0],
          (unsigned long long)want);
    if (access == FL_FAULT_WRITE)
        CHECK(((uint64_t *)fk_pages[0])[offset[1] / 8] == magic,
              "the child's write did not reach the pager's page");
    if ((why = fk_expect_end(c, 0)))
        return why;
    fk_child_free(c);
    return NULL;
}

/* Read, write and execute faults on unmapped pages at each table level: translation faults
 * with the level of the missing table, PC and address exact. */
FL_TEST(pf_levels)
{
    const char *why;

    if ((why = fk_setup()))
        return why;
    for (unsigned access = FL_FAULT_READ; access <= FL_FAULT_EXEC; access++)
        for (int level = 0; level < 4; level++)
            if ((why = fault_at_level(access, level))) {
                char what[64];
                snprintf(what, sizeof(what), "%s at level %d (%#llx)", access_name[access], level,
                         (unsigned long long)level_va[level]);
                return fk_fail(what, why);
            }
    return NULL;
}

/* Permission faults at level 3: a write to a read-only page (mapping it writable resolves
 * it), and a jump into a mapped page without execute right (PC = FAR = the page; replacing
 * the mapping with an executable page resolves it). */
FL_TEST(pf_permission)
{
    const uint64_t addr = FK_DATA_VA + 0x40, magic = 0x0f0e0d0c0b0a0908ULL;
    fk_mbox_t mb = {.addr = addr, .arg = magic};
    fk_want_t w = {
        FL_LABEL_PAGE_FAULT, addr, FK_PC(fk_insn_write), FL_FAULT_WRITE, FL_FAULT_PERMISSION,
        FL_FAULT_FAR_VALID,  3,    FK_EC_DABT_LOWER};
    fk_child_t *c;
    fl_msg_t m;
    const char *why;

    fk_fill(0, 0x1000);
    if ((why = fk_setup()) || (why = fk_child_new(&c, 0, fk_write, &mb, FK_PAGER)) ||
        (why = fk_child_map(c, FK_DATA_VA, fk_pages[0], 1, FL_PROT_READ)) ||
        (why = fk_child_start(c)) || (why = fk_expect_fault(c, &m, &w)))
        return fk_fail("write to read-only", why);
    m = fk_reply_map(FK_DATA_VA, fk_pages[0], 1, FL_PROT_READ | FL_PROT_WRITE);
    CHECK_EQ(fl_reply(&m), FL_OK);
    if ((why = fk_expect_done(c, &m)))
        return fk_fail("write to read-only", why);
    CHECK(m.w[0] == magic && ((uint64_t *)fk_pages[0])[8] == magic,
          "after the upgrade the child read %#llx, the page holds %#llx",
          (unsigned long long)m.w[0], (unsigned long long)((uint64_t *)fk_pages[0])[8]);
    if ((why = fk_expect_end(c, 0)))
        return why;
    fk_child_free(c);

    fk_mbox_t mx = {.addr = FK_DATA_VA};
    fk_want_t wx = {FL_LABEL_PAGE_FAULT, FK_DATA_VA,         FK_DATA_VA, FL_FAULT_EXEC,
                    FL_FAULT_PERMISSION, FL_FAULT_FAR_VALID, 3,          FK_EC_IABT_LOWER};
    if ((why = fk_child_new(&c, 0, fk_exec, &mx, FK_PAGER)) ||
        (why = fk_child_map(c, FK_DATA_VA, fk_pages[1], 1, FL_PROT_READ | FL_PROT_WRITE)) ||
        (why = fk_child_start(c)) || (why = fk_expect_fault(c, &m, &wx)))
        return fk_fail("execute from non-executable", why);
    m = fk_reply_map(FK_DATA_VA, fk_exec_page, 1, FL_PROT_READ | FL_PROT_EXEC);
    CHECK_EQ(fl_reply(&m), FL_OK);
    if ((why = fk_expect_done(c, &m)))
        return fk_fail("execute from non-executable", why);
    CHECK(m.w[0] == FK_EXEC_MAGIC, "the child got %#llx", (unsigned long long)m.w[0]);
    return fk_expect_end(c, 0);
}

/* Unaligned accesses: a plain LDR to Normal memory does not fault (SCTLR_EL1.A is 0); an
 * exclusive load always needs alignment, so LDXR at an odd address takes an alignment fault
 * (no level). As a load-exclusive it is reported as an atomic write. Resuming without a fix
 * faults again with the next sequence number; a fail reply stops the thread. */
FL_TEST(pf_misaligned)
{
    const uint64_t addr = FK_MBOX_VA + 0x101;
    fk_mbox_t mb = {.addr = addr};
    fk_want_t w = {FL_LABEL_PAGE_FAULT,
                   addr,
                   FK_PC(fk_insn_ldxr),
                   FL_FAULT_WRITE,
                   FL_FAULT_ALIGNMENT,
                   FL_FAULT_FAR_VALID | FL_FAULT_ATOMIC,
                   -1,
                   FK_EC_DABT_LOWER};
    fk_child_t *plain, *c;
    fl_msg_t m;
    const char *why;

    if ((why = fk_setup()) || (why = fk_child_new(&plain, 0, fk_read, &mb, FK_PAGER)))
        return why;
    for (unsigned i = 0; i < 8; i++)
        ((uint8_t *)plain->mbox)[0x101 + i] = (uint8_t)(0x11 * (i + 1));
    if ((why = fk_child_start(plain)) || (why = fk_expect_done(plain, &m)))
        return fk_fail("unaligned LDR", why);
    CHECK(m.w[0] == 0x8877665544332211ULL, "unaligned LDR read %#llx", (unsigned long long)m.w[0]);
    if ((why = fk_expect_end(plain, 0)))
        return why;

    if ((why = fk_child_new(&c, 1, fk_ldxr, &mb, FK_PAGER)) || (why = fk_child_start(c)) ||
        (why = fk_expect_fault(c, &m, &w)))
        return fk_fail("unaligned LDXR", why);
    m = fk_reply_resume();
    CHECK_EQ(fl_reply(&m), FL_OK);
    if ((why = fk_expect_fault(c, &m, &w)))
        return fk_fail("unaligned LDXR again", why);
    m = fk_reply_fail(FL_FAULT_FAIL_BUS);
    CHECK_EQ(fl_reply(&m), FL_OK);
    return fk_expect_end(c, -1);
}

/* Atomic read-modify-writes on an unmapped page: one fault, reported as a write (flag
 * FL_FAULT_ATOMIC when the hardware reported the read half), so one writable map suffices.
 * LDXR/STXR everywhere; LDADD and CAS when the CPU has LSE (Armv8.1), found out by running
 * one LDADD with the test as exception handler: an UNDEF means no LSE. */
static const char *atomic_once(fk_child_t *c, const void *insn, uint64_t addr, unsigned page)
{
    fl_msg_t m;
    const char *why;

    if ((why = fk_child_start(c)) || (why = fk_recv(&m)))
        return why;
    fk_want_t w = {FL_LABEL_PAGE_FAULT,
                   addr,
                   FK_PC(insn),
                   FL_FAULT_WRITE,
                   FL_FAULT_TRANSLATION,
                   FL_FAULT_FAR_VALID | FL_FAULT_ATOMIC,
                   3,
                   FK_EC_DABT_LOWER};
    /* The architecture lets the abort report either half: QEMU's parallel (MTTCG, several
     * vCPUs) atomics report the write half (WnR 1), so the kernel has no read half to flag. */
    if ((why = fk_check_fault(c, &m, &w))) {
        w.flags = FL_FAULT_FAR_VALID;
        if (fk_check_fault(c, &m, &w))
            return why;
    }
    m = fk_reply_map(addr & ~(uint64_t)(FL_PAGE_SIZE - 1), fk_pages[page], 1,
                     FL_PROT_READ | FL_PROT_WRITE);
    CHECK_EQ(fl_reply(&m), FL_OK);
    return fk_expect_done(c, &m); /* no second fault before it */
}

FL_TEST(pf_atomic)
{
    const uint64_t base = 0x1000;
    fk_child_t *c;
    fl_msg_t m;
    const char *why;

    if ((why = fk_setup()))
        return why;
    /* LDXR/STXR increment. */
    fk_fill(0, base);
    fk_mbox_t mb = {.addr = FK_DATA_VA + 0x10};
    if ((why = fk_child_new(&c, 0, fk_ldxr, &mb, FK_PAGER)) ||
        (why = atomic_once(c, fk_insn_ldxr, mb.addr, 0)))
        return fk_fail("LDXR/STXR", why);
    CHECK(((uint64_t *)fk_pages[0])[2] == base + 3 && c->mbox->result == base + 3,
          "LDXR/STXR: the page holds %#llx, the child saw %#llx",
          (unsigned long long)((uint64_t *)fk_pages[0])[2], (unsigned long long)c->mbox->result);
    if ((why = fk_expect_end(c, 0)))
        return why;

    /* Does this CPU have LSE? */
    fk_mbox_t probe = {.addr = FK_MBOX_VA + 0x800, .arg = 1};
    if ((why = fk_child_new(&c, 1, fk_ldadd, &probe, FK_PAGER | FK_EXC)) ||
        (why = fk_child_start(c)) || (why = fk_recv(&m)))
        return why;
    if (FL_TAG_LABEL(m.tag) == FL_LABEL_EXCEPTION) {
        fk_want_t undef = {
            FL_LABEL_EXCEPTION, 0, FK_PC(fk_insn_ldadd), FL_FAULT_READ, FL_EXC_UNDEFINED, 0, -1,
            FK_EC_UNKNOWN};
        if ((why = fk_check_fault(c, &m, &undef)))
            return fk_fail("LSE probe", why);
        m = fk_reply_fail(FL_FAULT_FAIL_OTHER);
        CHECK_EQ(fl_reply(&m), FL_OK);
        printf("pf_atomic: no LSE atomics on this CPU (LDADD is UNDEFINED): LDADD/CAS part "
               "skipped\n");
        return fk_expect_end(c, -1);
    }
    CHECK(m.tag == FL_TAG(FK_LABEL_DONE, 2, 0) && m.w[0] == 0 && m.w[1] == 1,
          "LSE probe: tag %#llx w0 %#llx w1 %#llx", (unsigned long long)m.tag,
          (unsigned long long)m.w[0], (unsigned long long)m.w[1]);
    if ((why = fk_release()) || (why = fk_expect_end(c, 0)))
        return why;
    printf("pf_atomic: LSE atomics present: LDADD and CAS on unmapped pages checked\n");

    /* LDADD on an unmapped page. */
    fk_fill(1, base << 4);
    fk_mbox_t add = {.addr = FK_DATA_VA + 0x1000 + 0x20, .arg = 5};
    if ((why = fk_child_new(&c, 2, fk_ldadd, &add, FK_PAGER)) ||
        (why = atomic_once(c, fk_insn_ldadd, add.addr, 1)))
        return fk_fail("LDADD", why);
    CHECK(c->mbox->result == (base << 4) + 4 && c->mbox->result2 == (base << 4) + 9 &&
              ((uint64_t *)fk_pages[1])[4] == (base << 4) + 9,
          "LDADD: old %#llx new %#llx", (unsigned long long)c->mbox->result,
          (unsigned long long)c->mbox->result2);
    if ((why = fk_expect_end(c, 0)))
        return why;

    /* CAS on an unmapped page. */
    fk_fill(2, base << 8);
    fk_mbox_t cas = {.addr = FK_DATA_VA + 0x2000 + 0x30, .arg = (base << 8) + 6, .arg2 = 0xca5};
    if ((why = fk_child_new(&c, 3, fk_cas, &cas, FK_PAGER)) ||
        (why = atomic_once(c, fk_insn_cas, cas.addr, 2)))
        return fk_fail("CAS", why);
    CHECK(c->mbox->result == (base << 8) + 6 && ((uint64_t *)fk_pages[2])[6] == 0xca5,
          "CAS: found %#llx, the page holds %#llx", (unsigned long long)c->mbox->result,
          (unsigned long long)((uint64_t *)fk_pages[2])[6]);
    return fk_expect_end(c, 0);
}
