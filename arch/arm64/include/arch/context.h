/* Kernel-thread context: the callee-saved registers and stack of a thread switched out. */
#ifndef ARCH_CONTEXT_H
#define ARCH_CONTEXT_H

#include <arch/trap_frame.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct arch_context {
    uint64_t x19_x28[10];
    uint64_t fp, lr, sp;
} arch_context_t;

/* FP/SIMD state (saved lazily: only when another thread wants the FP unit). */
typedef struct arch_fpu {
    __uint128_t q[32];
    uint64_t fpsr, fpcr;
} arch_fpu_t;

void arch_context_switch(arch_context_t *from, arch_context_t *to);
/* Abandons the current kernel stack and returns to user space through the trap frame tf. */
__attribute__((noreturn)) void arch_return_to_user(void *tf);
/* Runs fn on an empty kernel stack (the trap frame tf is all that is kept of the current
 * one), then returns to user space through tf: how a system call abandoned half-way (its
 * user copy faulted) becomes a thread blocked at the user boundary, like any faulting thread. */
__attribute__((noreturn)) void arch_restart_user(void *tf, void (*fn)(void));
/* The trap frame was saved by an SVC (a system call), which rewinding re-executes. */
static inline bool arch_trap_is_syscall(const trap_frame_t *tf)
{
    return (tf->esr >> 26) == 0x15; /* ESR_EL1.EC: SVC from AArch64 */
}
/* ELR after an SVC points past it: the SVC's own address is ELR - 4. */
#define ARCH_SYSCALL_INSN_SIZE 4
/* Prepares ctx so that switching to it returns to user space through the trap frame at tf
 * (callee-saved registers do not matter there). */
static inline void arch_context_init_user(arch_context_t *ctx, void *tf)
{
    extern char arch_user_trampoline[];
    ctx->lr = (uint64_t)arch_user_trampoline;
    ctx->sp = (uint64_t)tf;
}
/* Prepares ctx to run fn(arg) on the stack ending at stack_top (kernel threads: idle). */
void arch_context_init_kernel(arch_context_t *ctx, void (*fn)(void), uint64_t stack_top);

/* The user thread pointer (TPIDR_EL0, TLS) of the thread switched out / in. */
static inline void arch_tls_switch(uint64_t *save, uint64_t load)
{
    uint64_t v;
    __asm__ volatile("mrs %0, tpidr_el0" : "=r"(v));
    *save = v;
    __asm__ volatile("msr tpidr_el0, %0" ::"r"(load));
}

void arch_fpu_save(arch_fpu_t *f);
void arch_fpu_restore(const arch_fpu_t *f);
/* CPACR_EL1.FPEN: enabled, or trapping (EC 0x07) so the first use can switch state in. */
void arch_fpu_enable(int on);

/* Copies between kernel and user memory with unprivileged accesses (LDTR/STTR), so EL0
 * permissions apply; a fault is recovered through the exception table. 0 or FL_EFAULT. */
long arch_copy_from_user(void *dst, const void *usrc, uint64_t n);
long arch_copy_to_user(void *udst, const void *src, uint64_t n);
/* Reads the aligned 32-bit word at uaddr with EL0 permissions for the kernel's own use (the
 * instruction at a faulting PC): a fault is never forwarded to a pager, the call just returns
 * FL_EFAULT. 0 on success. */
long arch_peek_user32(uint32_t *dst, uint64_t uaddr);

#endif
