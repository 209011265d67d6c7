/*
 * Per-CPU set-up of every control register that decides what EL0 may do. Their reset values
 * are architecturally UNKNOWN on real hardware (QEMU happens to zero most of them), so a
 * register the kernel never writes is a hole: with CNTKCTL_EL1.EL0VTEN set by chance, a user
 * thread could reprogram the virtual timer, which is the scheduler tick. arch_cpu_init runs on
 * the boot CPU before kmain and on each secondary before it parks (start.S), after the MMU and
 * SCTLR_EL1 are set (SCTLR_KERNEL in boot_enable_mmu writes that whole register).
 *
 * What EL0 gets: reads of CNTVCT_EL0 and CNTFRQ_EL0 (time without a system call), TPIDR_EL0
 * (its TLS pointer, switched per thread), FP/SIMD (enabled lazily per thread, CPACR_EL1.FPEN),
 * DC ZVA and CTR_EL0 (SCTLR_EL1.DZE/UCT). Everything else traps to the kernel and reaches the
 * thread's exception handler: the timers, SVE and SME, the debug communications channel, the
 * PMU (except the one counter the benchmark reads when booted with fl.bench, pmu.c), the
 * activity monitors. References are to the Arm ARM (DDI 0487) register descriptions.
 */
#include <arch/arch.h>
#include <arch/sysreg.h>
#include <arch/sysreg_bits.h>

_Static_assert((SCTLR_KERNEL & SCTLR_EL0_OFF) == 0, "SCTLR_EL1 bits EL0 must not get are clear");

/* CNTKCTL_EL1 ("CNTKCTL_EL1, Counter-timer Kernel Control Register"). */
#define CNTKCTL_EL0PCTEN (1u << 0) /* EL0 reads CNTPCT_EL0 */
#define CNTKCTL_EL0VCTEN (1u << 1) /* EL0 reads CNTVCT_EL0 (and, with either, CNTFRQ_EL0) */
#define CNTKCTL_EVNTEN   (1u << 2) /* event stream */
#define CNTKCTL_EL0VTEN  (1u << 8) /* EL0 accesses CNTV_CTL/CVAL/TVAL_EL0: the tick */
#define CNTKCTL_EL0PTEN  (1u << 9) /* EL0 accesses CNTP_CTL/CVAL/TVAL_EL0 */
#define CNTKCTL_EL0      CNTKCTL_EL0VCTEN

/* CPACR_EL1 ("CPACR_EL1, Architectural Feature Access Control Register"): 0 traps
 * FP/SIMD (FPEN, bits [21:20], switched on lazily per thread by fpu.c), SVE (ZEN, bits [17:16],
 * EC 0x19) and SME (SMEN, bits [25:24], EC 0x1D) at EL0 and EL1; TTA (bit 28) is left 0, trace
 * registers are not accessible from EL0 anyway. The kernel does not switch SVE or SME state,
 * so neither may ever be enabled for a thread. */
#define CPACR_EL1_INIT 0u

/* MDSCR_EL1 ("MDSCR_EL1, Monitor Debug System Control Register"): TDCC (bit 12) traps
 * EL0 access to the debug communications channel (MDCCSR_EL0, DBGDTR*_EL0), a channel to an
 * external debugger that would bypass IPC; MDE, KDE and SS are 0: no hardware breakpoints,
 * watchpoints or software step, so none can fire on the kernel's or another thread's behalf. */
#define MDSCR_TDCC (1u << 12)

/* ID_AA64DFR0_EL1.PMUVer (bits [11:8]) and ID_AA64PFR0_EL1.AMU (bits [47:44]): writing a
 * register of an absent feature is UNDEFINED, so these two are written only when present. */
static bool has_pmu(void)
{
    unsigned v = (sysreg_read(id_aa64dfr0_el1) >> 8) & 0xf;
    return v != 0 && v != 0xf; /* 0xf: IMPLEMENTATION DEFINED, not the architected PMU */
}

static bool has_amu(void)
{
    return ((sysreg_read(id_aa64pfr0_el1) >> 44) & 0xf) != 0;
}

void arch_cpu_init(void)
{
    sysreg_write(cntkctl_el1, CNTKCTL_EL0);
    sysreg_write(cntv_ctl_el0, 0); /* timers off until arch_timer_start (boot CPU only) */
    sysreg_write(cntp_ctl_el0, 0);
    sysreg_write(cpacr_el1, CPACR_EL1_INIT);
    sysreg_write(mdscr_el1, MDSCR_TDCC);
    sysreg_write(tpidrro_el0, 0); /* read-only thread pointer: unused, reads as 0 */
    sysreg_write(tpidr_el0, 0);   /* switched per thread (arch_tls_switch) */
    if (has_pmu())
        sysreg_write(pmuserenr_el0, 0); /* arch_pmu_init opens one counter for fl.bench */
    if (has_amu())
        sysreg_write(S3_3_C13_C2_3, 0); /* AMUSERENR_EL0: activity monitors trap at EL0 */
    isb();
}
