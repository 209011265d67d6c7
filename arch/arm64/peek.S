/*
 * The kernel's own read of a user word (the instruction at a faulting PC, fault.c). Unlike the
 * user copies in context.S, whose faults go to the thread's pager on behalf of a system call,
 * a fault here is only recovered: trap.c recognises arch_peek_user32_load and resumes at the
 * exception-table fixup without telling anyone.
 */
#define FL_EFAULT (-5) /* faultline/errors.h, which is C only */

    .text
/* long arch_peek_user32(uint32_t *dst, uint64_t uaddr) */
    .globl  arch_peek_user32
    .globl  arch_peek_user32_load
    .type   arch_peek_user32, %function
arch_peek_user32:
arch_peek_user32_load:
    ldtr    w2, [x1]                        /* unprivileged: EL0's permissions apply */
    str     w2, [x0]
    mov     x0, #0
    ret
1:  mov     x0, #FL_EFAULT
    ret
    .size   arch_peek_user32, . - arch_peek_user32

    .pushsection __extable, "a"
    .balign 8
    .quad   arch_peek_user32_load, 1b
    .popsection
