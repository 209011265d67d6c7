/*
 * The PMU as an instruction counter for benchmarks (Arm ARM D13 "The Performance Monitors
 * Extension"). Under QEMU with -icount shift=0, event 0x08 INST_RETIRED counts guest
 * instructions exactly (PLATFORM.md). Counter 0 counts instructions at EL0 and EL1, the cycle
 * counter runs too. EL0 may read the event counters (not write them, nor read the cycle counter)
 * only when the kernel was booted with fl.bench; otherwise every EL0 PMU access traps.
 */
#include <arch/arch.h>
#include <arch/sysreg.h>

#define PMU_EVENT_INST_RETIRED 0x08
#define PMCR_E                 (1u << 0) /* enable */
#define PMCR_P                 (1u << 1) /* reset event counters */
#define PMCR_C                 (1u << 2) /* reset cycle counter */
#define PMCR_LC                (1u << 6) /* 64-bit cycle counter */
/* PMUSERENR_EL0.ER (bit 3) alone: EL0 may read the event counters (the benchmark reads
 * PMEVCNTR0_EL0, userland/bench/bench.h) but not write any PMU register (EN, bit 0, would let it
 * stop or reset the counters) nor read the cycle counter (CR) or increment (SW). */
#define PMUSERENR_ER (1u << 3)

void arch_pmu_init(bool user_access)
{
    uint64_t dfr0 = sysreg_read(id_aa64dfr0_el1);
    unsigned pmuver = (dfr0 >> 8) & 0xf;
    if (pmuver == 0 || pmuver == 0xf)
        return;                                           /* no architected PMU */
    sysreg_write(pmevtyper0_el0, PMU_EVENT_INST_RETIRED); /* P = U = 0: EL1 and EL0 */
    sysreg_write(pmccfiltr_el0, 0);
    sysreg_write(pmcntenset_el0, (1UL << 31) | 1UL);
    sysreg_write(pmcr_el0, PMCR_E | PMCR_P | PMCR_C | PMCR_LC);
    sysreg_write(pmuserenr_el0, user_access ? PMUSERENR_ER : 0);
    isb();
}

uint64_t arch_pmu_instructions(void)
{
    return sysreg_read(pmevcntr0_el0);
}
