/* GICv3 (Arm GIC Architecture Specification v3/v4, chapter 12 "GIC Programmers' model"):
 * distributor for SPIs, this CPU's redistributor for SGIs/PPIs, CPU interface via ICC_*_EL1. */
#include <arch/arch.h>
#include <arch/gic.h>
#include <arch/percpu.h>
#include <arch/sysreg.h>
#include <faultline/errors.h>
#include <kernel/printk.h>

#define GICD_CTLR       0x0000
#define GICD_TYPER      0x0004
#define GICD_ICENABLER  0x0180
#define GICD_ISENABLER  0x0100
#define GICD_IGROUPR    0x0080
#define GICD_IPRIORITYR 0x0400
#define GICD_IROUTER    0x6000
#define GICD_CTLR_RWP   (1u << 31)
#define GICD_CTLR_ARE   (1u << 4)
#define GICD_CTLR_G1    ((1u << 1) | (1u << 0)) /* EnableGrp1(A) in either security view */

#define GICR_TYPER       0x0008
#define GICR_WAKER       0x0014
#define GICR_TYPER_LAST  (1u << 4)
#define GICR_TYPER_VLPIS (1u << 1)
#define GICR_SGI         0x10000 /* SGI_base frame */
#define GICR_IGROUPR0    (GICR_SGI + 0x0080)
#define GICR_ISENABLER0  (GICR_SGI + 0x0100)
#define GICR_ICENABLER0  (GICR_SGI + 0x0180)
#define GICR_IPRIORITYR  (GICR_SGI + 0x0400)

#define PRIORITY_DEFAULT 0xa0u

static uintptr_t gicd;
static uintptr_t gicr_base; /* all redistributors, mapped */
static uint64_t gicr_size;
static uint64_t boot_mpidr; /* SPIs go to the boot CPU */

static void wait_rwp(void)
{
    while (mmio_read32(gicd + GICD_CTLR) & GICD_CTLR_RWP)
        ;
}

/* Finds the redistributor whose GICR_TYPER affinity equals this CPU's MPIDR affinity. */
static uintptr_t find_redistributor(uintptr_t base, uint64_t size)
{
    uint64_t mpidr = sysreg_read(mpidr_el1);
    uint32_t aff = (uint32_t)(((mpidr >> 32) & 0xff) << 24 | (mpidr & 0xffffff));

    for (uintptr_t rd = base; rd < base + size;) {
        uint64_t typer = mmio_read64(rd + GICR_TYPER);
        if ((uint32_t)(typer >> 32) == aff)
            return rd;
        if (typer & GICR_TYPER_LAST)
            break;
        rd += (typer & GICR_TYPER_VLPIS) ? 0x40000 : 0x20000;
    }
    return 0;
}

/* The calling CPU's redistributor (found by affinity) and its ICC_* interface. */
static int v3_cpu_init(void)
{
    uintptr_t gicr = find_redistributor(gicr_base, gicr_size);
    if (!gicr) {
        printk("gic: no redistributor for this CPU\n");
        return FL_ENOENT;
    }
    arch_cpu()->gicr = gicr;

    /* Wake the redistributor: clear ProcessorSleep, wait for ChildrenAsleep to clear. */
    mmio_write32(gicr + GICR_WAKER, mmio_read32(gicr + GICR_WAKER) & ~(1u << 1));
    while (mmio_read32(gicr + GICR_WAKER) & (1u << 2))
        ;
    mmio_write32(gicr + GICR_ICENABLER0, 0xffffffffu);
    mmio_write32(gicr + GICR_IGROUPR0, 0xffffffffu);
    for (unsigned i = 0; i < 32; i += 4)
        mmio_write32(gicr + GICR_IPRIORITYR + i, PRIORITY_DEFAULT * 0x01010101u);

    sysreg_write(icc_sre_el1, sysreg_read(icc_sre_el1) | 1); /* system register interface */
    isb();
    sysreg_write(icc_pmr_el1, 0xf0);
    sysreg_write(icc_bpr1_el1, 0);
    sysreg_write(icc_ctlr_el1, 0); /* EOImode 0: EOIR both drops priority and deactivates */
    sysreg_write(icc_igrpen1_el1, 1);
    isb();
    return FL_OK;
}

static int v3_init(const platform_t *plat)
{
    gicd = (uintptr_t)arch_map_device(plat->gicd.base, plat->gicd.size);
    gicr_base = (uintptr_t)arch_map_device(plat->gicr.base, plat->gicr.size);
    gicr_size = plat->gicr.size;
    boot_mpidr = sysreg_read(mpidr_el1) & 0xff00ffffffUL;

    mmio_write32(gicd + GICD_CTLR, 0);
    wait_rwp();
    unsigned lines = 32 * ((mmio_read32(gicd + GICD_TYPER) & 0x1f) + 1);
    for (unsigned i = 32; i < lines; i += 32) {
        mmio_write32(gicd + GICD_ICENABLER + i / 8, 0xffffffffu);
        mmio_write32(gicd + GICD_IGROUPR + i / 8, 0xffffffffu); /* all Non-secure Group 1 */
    }
    for (unsigned i = 32; i < lines; i += 4)
        mmio_write32(gicd + GICD_IPRIORITYR + i, PRIORITY_DEFAULT * 0x01010101u);
    wait_rwp();
    mmio_write32(gicd + GICD_CTLR, GICD_CTLR_ARE);
    wait_rwp();
    mmio_write32(gicd + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_G1);
    wait_rwp();

    return v3_cpu_init();
}

static void v3_enable(unsigned intid)
{
    if (intid < 32) {
        mmio_write32(arch_cpu()->gicr + GICR_ISENABLER0, 1u << intid);
    } else {
        /* GICD_IROUTER<n>: route to the boot CPU by affinity (Interrupt_Routing_Mode 0). */
        *(volatile uint64_t *)(gicd + GICD_IROUTER + 8 * intid) = boot_mpidr;
        mmio_write32(gicd + GICD_ISENABLER + 4 * (intid / 32), 1u << (intid % 32));
    }
}

static void v3_disable(unsigned intid)
{
    if (intid < 32)
        mmio_write32(arch_cpu()->gicr + GICR_ICENABLER0, 1u << intid);
    else
        mmio_write32(gicd + GICD_ICENABLER + 4 * (intid / 32), 1u << (intid % 32));
}

static unsigned v3_ack(void)
{
    return (unsigned)(sysreg_read(icc_iar1_el1) & 0xffffff);
}

static void v3_eoi(unsigned intid)
{
    sysreg_write(icc_eoir1_el1, intid);
    isb();
}

/* ICC_SGI1R_EL1: Aff3 [55:48], Aff2 [39:32], INTID [27:24], Aff1 [23:16], RS [47:44] and
 * TargetList [15:0] (one bit per Aff0 value within the range RS * 16). */
static void v3_send_sgi(const arch_cpu_t *to, unsigned sgi)
{
    uint64_t m = to->mpidr;
    uint64_t aff0 = m & 0xff;
    uint64_t v = ((m >> 32) & 0xff) << 48 | ((m >> 16) & 0xff) << 32 | (uint64_t)(sgi & 0xf) << 24 |
                 ((m >> 8) & 0xff) << 16 | (aff0 >> 4) << 44 | (1UL << (aff0 & 15));
    dsb(ish); /* what the target should see is visible before it takes the SGI */
    sysreg_write(S3_0_C12_C11_5, v);
    isb();
}

const gic_ops_t gicv3_ops = {v3_init,    v3_cpu_init, v3_send_sgi, v3_enable,
                             v3_disable, v3_ack,      v3_eoi};
