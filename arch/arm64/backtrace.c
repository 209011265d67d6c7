/* Frame-pointer backtrace (AAPCS64 frame records: [fp] = caller's fp, [fp + 8] = return
 * address). entry.S pushes a record for the interrupted code, so traces cross exceptions. */
#include <arch/arch.h>
#include <arch/memlayout.h>
#include <kernel/printk.h>

#define MAX_FRAMES 24

static bool plausible_fp(uint64_t fp)
{
    return fp >= LINEAR_BASE && (fp & 15) == 0 && fp < UINT64_MAX - 16;
}

void arch_backtrace_here(void)
{
    uint64_t fp = (uint64_t)__builtin_frame_address(0);

    printk("backtrace:\n");
    for (int i = 0; i < MAX_FRAMES && plausible_fp(fp); i++) {
        uint64_t lr = ((const uint64_t *)fp)[1];
        uint64_t next = ((const uint64_t *)fp)[0];
        if (lr == 0)
            break;
        printk("  #%-2d %#018lx\n", i, (unsigned long)lr);
        if (next <= fp && next != 0)
            break; /* the stack grows down: callers' frames are above */
        fp = next;
    }
}
