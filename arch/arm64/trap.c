/*
 * C side of the exception vectors (entry.S). Interrupts go to the GIC driver; synchronous
 * exceptions are decoded with the ESR tables (esr.c). Any exception the kernel takes from
 * itself is a kernel bug: print everything decoded, then panic.
 */
#include <arch/arch.h>
#include <arch/esr.h>
#include <arch/gic.h>
#include <arch/trap_frame.h>
#include <kernel/panic.h>
#include <kernel/printk.h>

enum { VEC_SYNC, VEC_IRQ, VEC_FIQ, VEC_SERROR };
static const char *const vec_names[] = {"synchronous", "IRQ", "FIQ", "SError"};

static void dump_frame(const trap_frame_t *tf, const esr_info_t *e)
{
    printk("  ESR_EL1  %#010lx  EC %#04x %s, IL %d, ISS %#x\n", (unsigned long)e->raw, e->ec,
           e->ec_name, e->il, e->iss);
    if (e->cls == ESR_CLASS_DATA_ABORT || e->cls == ESR_CLASS_INSTR_ABORT) {
        printk("  fault    %s (%s), ", esr_fault_kind_name(e->kind), e->fsc_name);
        if (e->level != ESR_LEVEL_NONE)
            printk("level %d, ", e->level);
        printk("%s access, WnR %d CM %d S1PTW %d EA %d\n", esr_access_name(e->access), e->wnr,
               e->cm, e->s1ptw, e->ea);
        if (e->fnv)
            printk("  FAR_EL1  not valid (FnV)\n");
        else
            printk("  FAR_EL1  %#018lx\n", (unsigned long)tf->far);
    } else {
        printk("  FAR_EL1  %#018lx\n", (unsigned long)tf->far);
    }
    printk("  ELR_EL1  %#018lx  SPSR_EL1 %#010lx  SP_EL0 %#018lx\n", (unsigned long)tf->elr,
           (unsigned long)tf->spsr, (unsigned long)tf->sp_el0);
    for (int i = 0; i < 31; i += 2) {
        if (i == 30)
            printk("  x30 %016lx\n", (unsigned long)tf->x[30]);
        else
            printk("  x%-2d %016lx  x%-2d %016lx\n", i, (unsigned long)tf->x[i], i + 1,
                   (unsigned long)tf->x[i + 1]);
    }
}

static __attribute__((noreturn)) void kernel_exception(trap_frame_t *tf, unsigned kind,
                                                       bool from_el0)
{
    esr_info_t e;

    esr_decode(tf->esr, &e);
    printk("\n*** %s exception from %s: %s\n", vec_names[kind], from_el0 ? "EL0" : "EL1",
           e.ec_name);
    dump_frame(tf, &e);
    panic("unhandled %s exception at %#lx (ESR %#lx)", vec_names[kind], (unsigned long)tf->elr,
          (unsigned long)tf->esr);
}

void trap_entry(trap_frame_t *tf, unsigned kind, bool from_el0)
{
    switch (kind) {
    case VEC_IRQ: gic_handle_irq(); return;
    case VEC_SYNC:
        /* User space arrives with issue 3; until then every synchronous exception is fatal. */
        kernel_exception(tf, kind, from_el0);
    default: kernel_exception(tf, kind, from_el0);
    }
}

void arch_selftest_kernel_fault(void)
{
    /* Between the linear map and the device windows: no L0 entry, so a level 0 translation
     * fault on a write, with this exact FAR. */
    *(volatile uint64_t *)0xffff7fffdead0000UL = 0xfa017;
}
