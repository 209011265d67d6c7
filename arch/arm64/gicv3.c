/* GICv3 (Arm GIC Architecture Specification v3/v4, chapter 12 "GIC Programmers' model"):
 * distributor for SPIs, this CPU's redistributor for SGIs/PPIs, CPU interface via ICC_*_EL1. */
#include <arch/arch.h>
#include <arch/gic.h>
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

static uintptr_t gicd, gicr; /* gicr: this CPU's redistributor */

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

static int v3_init(const platform_t *plat)
{
    gicd = (uintptr_t)arch_map_device(plat->gicd.base, plat->gicd.size);
    uintptr_t rbase = (uintptr_t)arch_map_device(plat->gicr.base, plat->gicr.size);
    gicr = find_redistributor(rbase, plat->gicr.size);
    if (!gicr) {
        printk("gic: no redistributor for this CPU\n");
        return FL_ENOENT;
    }

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

static void v3_enable(unsigned intid)
{
    if (intid < 32) {
        mmio_write32(gicr + GICR_ISENABLER0, 1u << intid);
    } else {
        uint64_t mpidr = sysreg_read(mpidr_el1);
        /* GICD_IROUTER<n>: route to this CPU by affinity (Interrupt_Routing_Mode 0). */
        *(volatile uint64_t *)(gicd + GICD_IROUTER + 8 * intid) = mpidr & 0xff00ffffffUL;
        mmio_write32(gicd + GICD_ISENABLER + 4 * (intid / 32), 1u << (intid % 32));
    }
}

static void v3_disable(unsigned intid)
{
    if (intid < 32)
        mmio_write32(gicr + GICR_ICENABLER0, 1u << intid);
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

const gic_ops_t gicv3_ops = {v3_init, v3_enable, v3_disable, v3_ack, v3_eoi};
