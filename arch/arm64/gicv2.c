/* GICv2 (Arm GIC Architecture Specification v2, chapter 4 "Programmers' Model"). */
#include <arch/arch.h>
#include <arch/gic.h>
#include <arch/percpu.h>
#include <arch/sysreg.h>
#include <faultline/errors.h>

#define GICD_CTLR       0x000
#define GICD_TYPER      0x004
#define GICD_ISENABLER  0x100
#define GICD_ICENABLER  0x180
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR  0x800
#define GICD_SGIR       0xf00

#define GICC_CTLR 0x00
#define GICC_PMR  0x04
#define GICC_IAR  0x0c
#define GICC_EOIR 0x10

#define PRIORITY_DEFAULT 0xa0u

static uintptr_t gicd, gicc;
static uint8_t boot_target; /* SPIs go to the boot CPU */

/* The banked part (SGIs and PPIs: GICD_ISENABLER0, IPRIORITYR0-7, ITARGETSR0-7) and the CPU
 * interface are per CPU. GICD_ITARGETSR0..7 read back the calling CPU's own target bit. */
static int v2_cpu_init(void)
{
    mmio_write32(gicd + GICD_ICENABLER, 0xffff0000u); /* PPIs off; SGIs stay as they are */
    for (unsigned i = 0; i < 32; i += 4)
        mmio_write32(gicd + GICD_IPRIORITYR + i, PRIORITY_DEFAULT * 0x01010101u);
    uint32_t t = mmio_read32(gicd + GICD_ITARGETSR);
    arch_cpu()->gic_target = t & 0xff;
    mmio_write32(gicc + GICC_PMR, 0xf0);
    mmio_write32(gicc + GICC_CTLR, 1);
    return FL_OK;
}

static int v2_init(const platform_t *plat)
{
    gicd = (uintptr_t)arch_map_device(plat->gicd.base, plat->gicd.size);
    gicc = (uintptr_t)arch_map_device(plat->gicc.base, plat->gicc.size);

    mmio_write32(gicd + GICD_CTLR, 0);
    unsigned lines = 32 * ((mmio_read32(gicd + GICD_TYPER) & 0x1f) + 1);
    for (unsigned i = 32; i < lines; i += 32)
        mmio_write32(gicd + GICD_ICENABLER + i / 8, 0xffffffffu);
    for (unsigned i = 32; i < lines; i += 4)
        mmio_write32(gicd + GICD_IPRIORITYR + i, PRIORITY_DEFAULT * 0x01010101u);
    mmio_write32(gicd + GICD_CTLR, 1);
    v2_cpu_init();
    boot_target = (uint8_t)arch_cpu()->gic_target;
    if (!boot_target)
        boot_target = 1; /* a uniprocessor GIC reads ITARGETSR as 0 */
    return FL_OK;
}

static void v2_enable(unsigned intid)
{
    if (intid >= 32) /* SPIs go to the boot CPU; SGIs and PPIs are banked per CPU */
        *(volatile uint8_t *)(gicd + GICD_ITARGETSR + intid) = boot_target;
    mmio_write32(gicd + GICD_ISENABLER + 4 * (intid / 32), 1u << (intid % 32));
}

static void v2_disable(unsigned intid)
{
    mmio_write32(gicd + GICD_ICENABLER + 4 * (intid / 32), 1u << (intid % 32));
}

static unsigned v2_ack(void)
{
    return mmio_read32(gicc + GICC_IAR) & 0x1fff; /* CPUID [12:10]: EOIR wants it back */
}

static void v2_eoi(unsigned intid)
{
    mmio_write32(gicc + GICC_EOIR, intid);
}

/* GICD_SGIR: TargetListFilter 0 (the list), CPUTargetList bits [23:16], SGIINTID [3:0]. */
static void v2_send_sgi(const arch_cpu_t *to, unsigned sgi)
{
    dsb(ish); /* what the target should see is visible before it takes the SGI */
    mmio_write32(gicd + GICD_SGIR, (to->gic_target & 0xffu) << 16 | (sgi & 0xf));
}

const gic_ops_t gicv2_ops = {v2_init,    v2_cpu_init, v2_send_sgi, v2_enable,
                             v2_disable, v2_ack,      v2_eoi};
