/* Thread switch, FP/SIMD save/restore, and user copies with fault fixups. */
#define FL_EFAULT (-5) /* faultline/errors.h, which is C only */

    .text
/* void arch_context_switch(arch_context_t *from, arch_context_t *to) */
    .globl  arch_context_switch
arch_context_switch:
    stp     x19, x20, [x0, #0]
    stp     x21, x22, [x0, #16]
    stp     x23, x24, [x0, #32]
    stp     x25, x26, [x0, #48]
    stp     x27, x28, [x0, #64]
    stp     x29, x30, [x0, #80]
    mov     x9, sp
    str     x9, [x0, #96]
    ldp     x19, x20, [x1, #0]
    ldp     x21, x22, [x1, #16]
    ldp     x23, x24, [x1, #32]
    ldp     x25, x26, [x1, #48]
    ldp     x27, x28, [x1, #64]
    ldp     x29, x30, [x1, #80]
    ldr     x9, [x1, #96]
    mov     sp, x9
    ret

/* void arch_return_to_user(trap_frame_t *tf) */
    .globl  arch_return_to_user
arch_return_to_user:
    mov     sp, x0
    b       trap_return

/* void arch_restart_user(trap_frame_t *tf, void (*fn)(void)) */
    .globl  arch_restart_user
arch_restart_user:
    mov     sp, x0
    mov     x29, #0                         /* ends backtraces here */
    blr     x1
    b       trap_return

/* First run of a user thread: sp is its trap frame (see arch_context_init_user). */
    .globl  arch_user_trampoline
arch_user_trampoline:
    b       trap_return

/* First run of a kernel thread: x19 = function. */
    .globl  arch_kernel_trampoline
arch_kernel_trampoline:
    blr     x19
    b       .

    .globl  arch_fpu_save
arch_fpu_save:
    stp     q0, q1, [x0, #0x000]
    stp     q2, q3, [x0, #0x020]
    stp     q4, q5, [x0, #0x040]
    stp     q6, q7, [x0, #0x060]
    stp     q8, q9, [x0, #0x080]
    stp     q10, q11, [x0, #0x0a0]
    stp     q12, q13, [x0, #0x0c0]
    stp     q14, q15, [x0, #0x0e0]
    stp     q16, q17, [x0, #0x100]
    stp     q18, q19, [x0, #0x120]
    stp     q20, q21, [x0, #0x140]
    stp     q22, q23, [x0, #0x160]
    stp     q24, q25, [x0, #0x180]
    stp     q26, q27, [x0, #0x1a0]
    stp     q28, q29, [x0, #0x1c0]
    stp     q30, q31, [x0, #0x1e0]
    mrs     x1, fpsr
    mrs     x2, fpcr
    add     x0, x0, #0x200
    stp     x1, x2, [x0]
    ret

    .globl  arch_fpu_restore
arch_fpu_restore:
    ldp     q0, q1, [x0, #0x000]
    ldp     q2, q3, [x0, #0x020]
    ldp     q4, q5, [x0, #0x040]
    ldp     q6, q7, [x0, #0x060]
    ldp     q8, q9, [x0, #0x080]
    ldp     q10, q11, [x0, #0x0a0]
    ldp     q12, q13, [x0, #0x0c0]
    ldp     q14, q15, [x0, #0x0e0]
    ldp     q16, q17, [x0, #0x100]
    ldp     q18, q19, [x0, #0x120]
    ldp     q20, q21, [x0, #0x140]
    ldp     q22, q23, [x0, #0x160]
    ldp     q24, q25, [x0, #0x180]
    ldp     q26, q27, [x0, #0x1a0]
    ldp     q28, q29, [x0, #0x1c0]
    ldp     q30, q31, [x0, #0x1e0]
    add     x0, x0, #0x200
    ldp     x1, x2, [x0]
    msr     fpsr, x1
    msr     fpcr, x2
    ret

/* An exception-table entry: a fault at \insn resumes at \fixup (trap.c looks them up). */
    .macro  extable insn, fixup
    .pushsection __extable, "a"
    .balign 8
    .quad   \insn, \fixup
    .popsection
    .endm

/* long arch_copy_from_user(void *dst, const void *usrc, uint64_t n) */
    .globl  arch_copy_from_user
arch_copy_from_user:
    cbz     x2, 2f
1:  ldtrb   w3, [x1]
    extable 1b, 9f
    strb    w3, [x0], #1
    add     x1, x1, #1
    subs    x2, x2, #1
    b.ne    1b
2:  mov     x0, #0
    ret

/* long arch_copy_to_user(void *udst, const void *src, uint64_t n) */
    .globl  arch_copy_to_user
arch_copy_to_user:
    cbz     x2, 2f
1:  ldrb    w3, [x1], #1
    sttrb   w3, [x0]
    extable 1b + 4, 9f
    add     x0, x0, #1
    subs    x2, x2, #1
    b.ne    1b
2:  mov     x0, #0
    ret

9:  mov     x0, #FL_EFAULT
    ret
