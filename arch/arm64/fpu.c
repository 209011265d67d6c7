/* Context setup and the lazy FP/SIMD switch (CPACR_EL1.FPEN, D17.2.30). */
#include <arch/context.h>
#include <arch/sysreg.h>

extern char arch_kernel_trampoline[];

void arch_context_init_kernel(arch_context_t *ctx, void (*fn)(void), uint64_t stack_top)
{
    *ctx = (arch_context_t){0};
    ctx->x19_x28[0] = (uint64_t)fn;
    ctx->lr = (uint64_t)arch_kernel_trampoline;
    ctx->sp = stack_top;
}

void arch_fpu_enable(int on)
{
    uint64_t cpacr = sysreg_read(cpacr_el1);
    uint64_t want = on ? (cpacr | (3UL << 20)) : (cpacr & ~(3UL << 20));
    if (want != cpacr) {
        sysreg_write(cpacr_el1, want);
        isb();
    }
}
