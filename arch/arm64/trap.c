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
#include <faultline/syscall.h>
#include <kernel/cpu.h>
#include <kernel/fastpath.h>
#include <kernel/fault.h>
#include <kernel/syscall.h>
#include <kernel/thread.h>

/* Exception table (context.S): a fault at insn during a user copy resumes at fixup. */
typedef struct {
    uint64_t insn, fixup;
} extable_entry_t;
extern const extable_entry_t __extable_start[], __extable_end[];
/* The kernel's own reads of a user instruction, never forwarded: peek.S, fastpath.S. */
extern const char arch_peek_user32_load[], fastpath_peek_insn[], fastpath_peek_insn_smp[];

/* A data abort at one of the user-copy instructions (they are in the exception table) made
 * for a system call of the current thread: its pager may resolve it. */
static bool is_user_access(const trap_frame_t *tf, const esr_info_t *e)
{
    if (e->cls != ESR_CLASS_DATA_ABORT || tf->elr == (uint64_t)arch_peek_user32_load ||
        tf->elr == (uint64_t)fastpath_peek_insn || tf->elr == (uint64_t)fastpath_peek_insn_smp)
        return false;
    for (const extable_entry_t *x = __extable_start; x < __extable_end; x++)
        if (x->insn == tf->elr)
            return true;
    return false;
}

static bool fixup_user_access(trap_frame_t *tf, const esr_info_t *e)
{
    if (e->cls != ESR_CLASS_DATA_ABORT)
        return false;
    for (const extable_entry_t *x = __extable_start; x < __extable_end; x++) {
        if (x->insn == tf->elr) {
            tf->elr = x->fixup;
            return true;
        }
    }
    return false;
}

enum { VEC_SYNC, VEC_IRQ, VEC_FIQ, VEC_SERROR };
static const char *const vec_names[] = {"synchronous", "IRQ", "FIQ", "SError"};

static void dump_frame(const trap_frame_t *tf, const esr_info_t *e)
{
    printk("  ESR_EL1  %#010lx  EC %#04x %s, IL %d, ISS %#x\n", (unsigned long)e->raw, e->ec,
           e->ec_name, e->il, e->iss);
    if (e->cls == ESR_CLASS_DATA_ABORT || e->cls == ESR_CLASS_INSTR_ABORT) {
        printk("  fault    %s, %s access, WnR %d CM %d S1PTW %d EA %d\n", e->fsc_name,
               esr_access_name(e->access), e->wnr, e->cm, e->s1ptw, e->ea);
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

/* System calls that fastpath.S did not complete (entry.S el0_svc_partial / el0_svc_full). */
void el0_svc_entry(trap_frame_t *tf)
{
    kernel_enter(); /* the BKL; released in entry.S on the way back to EL0 */
    syscall_dispatch(tf);
    if (sched_work_pending())
        sched_preempt_point();
}

/* With fl.fastpath=c, CALL and REPLY_RECV come here (entry.S el0_svc_partial_c). */
void el0_svc_entry_c(trap_frame_t *tf)
{
    kernel_enter();
    fastpath_try(tf);
    syscall_dispatch(tf);
    if (sched_work_pending())
        sched_preempt_point();
}

/* Synchronous exceptions from EL0; entry.S comes here directly. */
void el0_sync_entry(trap_frame_t *tf)
{
    uint8_t ec = (uint8_t)(tf->esr >> 26);

    kernel_enter(); /* the BKL; released in entry.S on the way back to EL0 */
    /* SVC from AArch64 (EC 0x15) never comes here: fastpath.S sends it to el0_svc_entry. */
    if (ec == 0x07) { /* FP/SIMD with the unit off: lazy switch */
        sched_fpu_trap();
    } else {
        fault_handle(tf);
    }
    if (sched_work_pending())
        sched_preempt_point();
}

void trap_entry(trap_frame_t *tf, unsigned kind, bool from_el0)
{
    if (from_el0 && kind != VEC_SYNC)
        kernel_enter(); /* from EL1 the kernel (or the idle thread) holds the BKL already */
    if (kind == VEC_IRQ) {
        gic_handle_irq();
    } else if (from_el0 && kind == VEC_SYNC) {
        el0_sync_entry(tf); /* only AArch32 EL0 could get here, and we never run it */
        return;
    } else if (kind == VEC_SYNC) {
        esr_info_t e;
        esr_decode(tf->esr, &e);
        if (is_user_access(tf, &e) && fault_user_copy(&e, tf->far))
            return; /* resolved: the user access runs again */
        if (!fixup_user_access(tf, &e))
            kernel_exception(tf, kind, from_el0);
        return; /* resumes at the fixup, which returns FL_EFAULT */
    } else if (from_el0) {
        /* An SError (asynchronous abort) or FIQ taken while a user thread ran: whatever caused
         * it, the kernel's own state is intact (it was not running), so stop the thread that
         * was running with a report instead of the whole system. EL0 runs with FIQs masked
         * (SPSR_EL0T), so an FIQ here means something unmasked them. */
        esr_info_t e;
        if (kind == VEC_FIQ)
            tf->esr = 0; /* ESR_EL1 says nothing about an interrupt: do not print a stale one */
        esr_decode(tf->esr, &e);
        fault_async(tf, kind == VEC_SERROR ? "SError (asynchronous abort)" : "FIQ",
                    kind == VEC_SERROR ? e.ec_name : "no FIQ source is configured");
        return; /* not reached when the thread was stopped */
    } else {
        kernel_exception(tf, kind, from_el0);
    }
    if (from_el0)
        sched_preempt_point();
}

void arch_selftest_kernel_fault(void)
{
    /* Between the linear map and the device windows: no L0 entry, so a level 0 translation
     * fault on a write, with this exact FAR. */
    *(volatile uint64_t *)0xffff7fffdead0000UL = 0xfa017;
}
