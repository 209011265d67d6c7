/*
 * What user code may do with the CPU's control registers (issue 11, item 10: arch/arm64/
 * cpu_init.c sets every EL0-visible control explicitly, since their reset values are UNKNOWN
 * on hardware). Each access runs in a child whose exception handler is the test: what must
 * trap reaches the handler at exactly that instruction, and the kernel and its tick go on.
 */
#include "faultkit.h"

extern const char fa_text_start[], fa_text_end[], fa_sysreg[], fa_counters[];
extern const char fa_insn_cntv_ctl_w[], fa_insn_cntv_cval_w[], fa_insn_cntv_tval_w[],
    fa_insn_cntv_ctl_r[], fa_insn_cntp_ctl_w[], fa_insn_cntpct_r[], fa_insn_pmu_r[],
    fa_insn_pmcr_w[], fa_insn_dcc_r[], fa_insn_tpidrro_w[], fa_insn_sve[], fa_insn_daif_w[],
    fa_insn_dc_civac[];

#define EC_SYSREG 0x18u /* trapped MSR/MRS/system instruction */
#define EC_SVE    0x19u /* SVE access trap */
#define NONE      0xffu

typedef struct {
    const char *what;
    const char *pc;   /* the labelled instruction */
    unsigned ec, ec2; /* the ESR_EL1.EC expected (ec2: also fine, NONE if not) */
} sysreg_case_t;

/* In the order of fa_sysreg's table (arg = index). */
static const sysreg_case_t sysreg_cases[] = {
    {"write CNTV_CTL_EL0", fa_insn_cntv_ctl_w, EC_SYSREG, NONE},
    {"write CNTV_CVAL_EL0", fa_insn_cntv_cval_w, EC_SYSREG, NONE},
    {"write CNTV_TVAL_EL0", fa_insn_cntv_tval_w, EC_SYSREG, NONE},
    {"read CNTV_CTL_EL0", fa_insn_cntv_ctl_r, EC_SYSREG, NONE},
    {"write CNTP_CTL_EL0", fa_insn_cntp_ctl_w, EC_SYSREG, NONE},
    {"read CNTPCT_EL0", fa_insn_cntpct_r, EC_SYSREG, NONE},
    {"read PMEVCNTR0_EL0", fa_insn_pmu_r, EC_SYSREG, NONE},
    {"write PMCR_EL0", fa_insn_pmcr_w, EC_SYSREG, NONE},
    /* MDCCSR_EL0 (fa_insn_dcc_r, index 8) is not tested: QEMU 7.2 does not implement
     * MDSCR_EL1.TDCC, so the read succeeds there although cpu_init.c sets the trap. */
    {"read MDCCSR_EL0 (skipped)", fa_insn_dcc_r, NONE, NONE},
    /* Not writable at EL0 at all: UNDEFINED (EC 0) on the CPUs we know, a trap otherwise. */
    {"write TPIDRRO_EL0", fa_insn_tpidrro_w, FK_EC_UNKNOWN, EC_SYSREG},
    /* SVE trapped (cpu max) or absent (cortex-a57: UNDEFINED). */
    {"SVE RDVL", fa_insn_sve, EC_SVE, FK_EC_UNKNOWN},
    {"MSR DAIFSet", fa_insn_daif_w, EC_SYSREG, NONE},
    {"DC CIVAC", fa_insn_dc_civac, EC_SYSREG, NONE},
};

/* A child running entry with the arch routines mapped next to the fault kit's. */
static const char *arch_child(fk_child_t **c, const void *entry, const fk_mbox_t *mb,
                              unsigned flags)
{
    const char *why = fk_child_new(c, 0, entry, mb, flags);
    if (why)
        return why;
    unsigned pages = (unsigned)((fa_text_end - fa_text_start) / FL_PAGE_SIZE);
    return fk_child_map(*c, (uint64_t)(uintptr_t)fa_text_start, fa_text_start, pages,
                        FL_PROT_READ | FL_PROT_EXEC);
}

/* The timer tick still advances (at most about five seconds of yielding). */
static const char *tick_runs(const char *after)
{
    uint64_t t0 = test_ticks();
    for (unsigned long i = 0; i < 5000000UL && test_ticks() < t0 + 3; i++)
        fl_yield();
    CHECK(test_ticks() >= t0 + 3, "after %s: the tick stopped at %llu", after,
          (unsigned long long)t0);
    return NULL;
}

static const char *one_sysreg_case(unsigned i)
{
    const sysreg_case_t *k = &sysreg_cases[i];
    fk_mbox_t mb = {.arg = i};
    fk_child_t *c;
    fl_msg_t m;
    const char *why;

    if ((why = arch_child(&c, fa_sysreg, &mb, FK_PAGER | FK_EXC)) || (why = fk_child_start(c)) ||
        (why = fk_recv(&m)))
        return fk_fail(k->what, why);
    unsigned ec = (unsigned)(m.w[2] >> 26) & 0x3f;
    CHECK(m.tag == FL_TAG(FL_LABEL_EXCEPTION, 4, 0) && m.badge == FK_BADGE_EXC(0),
          "%s from EL0 was not trapped: tag %#llx badge %#llx (w0 %#llx)", k->what,
          (unsigned long long)m.tag, (unsigned long long)m.badge, (unsigned long long)m.w[0]);
    CHECK(m.w[1] == FK_PC(k->pc), "%s: exception at pc %#llx, expected %#llx", k->what,
          (unsigned long long)m.w[1], (unsigned long long)FK_PC(k->pc));
    CHECK(ec == k->ec || ec == k->ec2, "%s: ESR %#llx, EC %#x expected %#x", k->what,
          (unsigned long long)m.w[2], ec, k->ec);
    unsigned kind = FL_FAULT_KIND(m.w[3]);
    CHECK(kind == (ec == FK_EC_UNKNOWN ? FL_EXC_UNDEFINED : FL_EXC_SYSTEM), "%s: exception kind %u",
          k->what, kind);
    m = fk_reply_fail(FL_FAULT_FAIL_OTHER);
    CHECK_EQ(fl_reply(&m), FL_OK);
    if ((why = fk_expect_end(c, -1)))
        return fk_fail(k->what, why);
    fk_child_free(c);
    return tick_runs(k->what);
}

/* EL0 cannot touch the virtual timer (the scheduler tick) nor any other control it must not
 * have: each access reaches the exception handler at its instruction, the kernel goes on and
 * the tick still runs. Without an exception handler the thread is stopped and reported. */
FL_TEST(arch_el0_controls_trap)
{
    const char *why;
    fk_child_t *c;

    if ((why = fk_setup()))
        return why;
    for (unsigned i = 0; i < sizeof(sysreg_cases) / sizeof(sysreg_cases[0]); i++)
        if (sysreg_cases[i].ec != NONE && (why = one_sysreg_case(i)))
            return why;

    fk_mbox_t mb = {.arg = 0}; /* CNTV_CTL_EL0 write, nobody to tell */
    if ((why = arch_child(&c, fa_sysreg, &mb, FK_PAGER)) || (why = fk_child_start(c)) ||
        (why = fk_expect_end(c, -1)))
        return fk_fail("timer write without an exception handler", why);
    fk_child_free(c);
    return tick_runs("a child stopped for a timer write");
}

/* What EL0 may read: the virtual counter and its frequency (time without a system call), and
 * TPIDRRO_EL0, which the kernel defines as 0. */
FL_TEST(arch_el0_counters_readable)
{
    fk_mbox_t mb = {0};
    fk_child_t *c;
    fl_msg_t m;
    const char *why;

    if ((why = fk_setup()) || (why = arch_child(&c, fa_counters, &mb, FK_PAGER | FK_EXC)) ||
        (why = fk_child_start(c)) || (why = fk_expect_done_held(c, &m)))
        return why;
    const uint64_t *w = (const uint64_t *)c->mbox;
    CHECK(m.w[0] == 0, "TPIDRRO_EL0 read %#llx, expected 0", (unsigned long long)m.w[0]);
    CHECK(m.w[1] != 0, "CNTFRQ_EL0 read 0");
    CHECK(w[6] != 0 && w[7] >= w[6], "CNTVCT_EL0 read %#llx then %#llx", (unsigned long long)w[6],
          (unsigned long long)w[7]);
    if ((why = fk_release()))
        return why;
    return fk_expect_end(c, 0);
}
