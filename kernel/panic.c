/* Kernel panic: say what happened, show where, and end the machine with FL_EXIT_PANIC. */
#include <arch/arch.h>
#include <kernel/panic.h>
#include <kernel/printk.h>

void panic(const char *fmt, ...)
{
    va_list ap;

    arch_irq_mask();
    printk("\n*** KERNEL PANIC: ");
    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
    printk("\n");
    arch_backtrace_here();
    printk("*** system halted\n");
    arch_halt(FL_EXIT_PANIC);
}
