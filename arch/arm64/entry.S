/*
 * The exception vector table (Arm ARM D1.10.2 "Exception vectors"): 16 entries of 128 bytes,
 * four for each of current EL with SP_EL0, current EL with SP_ELx, lower EL AArch64 and lower
 * EL AArch32. Every entry saves a full trap_frame_t on the kernel stack and calls trap.c.
 */
#include <arch/memlayout.h>
#include <arch/percpu.h>
#include <arch/trap_frame.h>
#include <arch/trap_save.h>

/* Vector kinds passed to trap_entry() in x1; trap.c names them. */
#define VEC_SYNC   0
#define VEC_IRQ    1
#define VEC_FIQ    2
#define VEC_SERROR 3

    .macro  vector kind, from_el0
    .balign 128
    sub     sp, sp, #TF_SIZE
    stp     x0, x1, [sp, #TF_X(0)]
    mov     x0, #\kind
    mov     x1, #\from_el0
    b       trap_common
    .endm

    .text
    .balign 2048
    .globl  exception_vectors
exception_vectors:
    vector  VEC_SYNC, 0                     /* current EL, SP_EL0: we never run on SP_EL0 */
    vector  VEC_IRQ, 0
    vector  VEC_FIQ, 0
    vector  VEC_SERROR, 0
    .balign 128                             /* current EL, SP_EL1: kernel, synchronous */
    sub     sp, sp, #TF_SIZE
    /* Would the frame land in a kernel stack's guard (bit KSTACK_SHIFT clear: memlayout.h)?
     * Saving it there would fault again, so look first, with only sp and x0 at hand:
     * sp += x0, x0 = sp - x0 (the old sp), test, then undo both. */
    add     sp, sp, x0
    sub     x0, sp, x0
    tbnz    x0, #KSTACK_SHIFT, 1f
    sub     x0, sp, x0
    sub     sp, sp, x0
    b       el1_stack_overflow
1:  sub     x0, sp, x0
    sub     sp, sp, x0
    stp     x0, x1, [sp, #TF_X(0)]
    mov     x0, #VEC_SYNC
    mov     x1, #0
    b       trap_common
    vector  VEC_IRQ, 0
    vector  VEC_FIQ, 0
    vector  VEC_SERROR, 0
    .balign 128                             /* lower EL, AArch64, synchronous: system calls */
    sub     sp, sp, #TF_SIZE
    stp     x0, x1, [sp, #TF_X(0)]
    b       fastpath_el0_sync               /* fastpath.S: saves x2-x9, then here below */
    vector  VEC_IRQ, 1
    vector  VEC_FIQ, 1
    vector  VEC_SERROR, 1
    vector  VEC_SYNC, 1                     /* lower EL, AArch32: not supported, trap.c reports */
    vector  VEC_IRQ, 1
    vector  VEC_FIQ, 1
    vector  VEC_SERROR, 1

    .macro  save_rest
    stp     x2, x3, [sp, #TF_X(2)]
    stp     x4, x5, [sp, #TF_X(4)]
    stp     x6, x7, [sp, #TF_X(6)]
    stp     x8, x9, [sp, #TF_X(8)]
    save_from_x10
    .endm

/* The same for a system call, with x7 = ESR_EL1 (fastpath.S read it; x7 itself is saved):
 * FAR_EL1 means nothing after an SVC, the frame gets 0. */
    .macro  save_from_x10
    save_x10_to_spsr
    mrs     x24, esr_el1
    mrs     x25, far_el1
    stp     x24, x25, [sp, #TF_ESR]
    .endm


/* Synchronous exceptions from EL0 come through fastpath.S, which saves x0-x9 and handles
 * what it can. The rest comes here: a fault or trap (el0_sync_partial), a system call with
 * x0-x9 saved (el0_svc_partial) or with the whole frame saved (el0_svc_full). Each goes to C
 * and back through the scheduler only when it has something to do. */
    .globl  el0_svc_partial, el0_svc_full, el0_sync_partial, el0_sync_full, el0_svc_partial_c
el0_svc_partial_c:
    save_from_x10_svc
    mov     x0, sp
    stp     x29, x22, [sp, #-16]!
    mov     x29, sp
    bl      el0_svc_entry_c
    add     sp, sp, #16
    b       trap_return

el0_svc_full:
    mrs     x22, elr_el1                    /* for the frame record (x22 is saved already) */
    b       1f
el0_svc_partial:
    save_from_x10_svc
1:  mov     x0, sp
    stp     x29, x22, [sp, #-16]!
    mov     x29, sp
    bl      el0_svc_entry
    add     sp, sp, #16
    b       trap_return

el0_sync_partial:
    save_from_x10
el0_sync_full:                              /* fastpath.S: the whole frame is saved */
    mov     x0, sp
    stp     x29, x22, [sp, #-16]!           /* frame record: backtraces cross into EL0 code */
    mov     x29, sp
    bl      el0_sync_entry
    add     sp, sp, #16
    b       trap_return

/* Everything else. x0 = kind, x1 = from EL0 (x0/x1 themselves are already saved). */
trap_common:
    save_rest
    mov     x2, x1
    mov     x1, x0
    mov     x0, sp
    /* A frame record linking to the interrupted code makes backtraces cross the exception. */
    stp     x29, x22, [sp, #-16]!
    mov     x29, sp
    bl      trap_entry
    add     sp, sp, #16
    /* fall through */

/* Restore the trap frame at sp and return from the exception. Also the first entry of every
 * new thread into user space (the scheduler builds a frame and jumps here). A return to EL0
 * (SPSR_EL1.M[3:0] = 0) releases the big kernel lock first (kernel/bkl.c). */
    .globl  trap_return
trap_return:
    adrp    x22, smp_on
    ldrb    w22, [x22, :lo12:smp_on]
    cbz     w22, 1f
    ldr     x23, [sp, #TF_ELR + 8]
    tst     x23, #0xf
    b.ne    1f
    bl      kernel_exit_user
1:
/* The same without the lock test, for fastpath.S, which runs only while smp_on is false. */
    .globl  trap_return_one_cpu
trap_return_one_cpu:
    ldp     x22, x23, [sp, #TF_ELR]
    msr     elr_el1, x22
    msr     spsr_el1, x23
    ldp     x30, x21, [sp, #TF_X(30)]
    msr     sp_el0, x21
    ldp     x0, x1, [sp, #TF_X(0)]
    ldp     x2, x3, [sp, #TF_X(2)]
    ldp     x4, x5, [sp, #TF_X(4)]
    ldp     x6, x7, [sp, #TF_X(6)]
    ldp     x8, x9, [sp, #TF_X(8)]
    ldp     x10, x11, [sp, #TF_X(10)]
    ldp     x12, x13, [sp, #TF_X(12)]
    ldp     x14, x15, [sp, #TF_X(14)]
    ldp     x16, x17, [sp, #TF_X(16)]
    ldp     x18, x19, [sp, #TF_X(18)]
    ldp     x20, x21, [sp, #TF_X(20)]
    ldp     x22, x23, [sp, #TF_X(22)]
    ldp     x24, x25, [sp, #TF_X(24)]
    ldp     x26, x27, [sp, #TF_X(26)]
    ldp     x28, x29, [sp, #TF_X(28)]
    add     sp, sp, #TF_SIZE
    /* SMP: the big kernel lock is dropped here (fastpath.S, KERNEL_EXIT_UNLOCK). */
    eret

/* A synchronous exception from EL1 whose frame would not fit: sp (minus one frame) is in a
 * guard or on a stack outside the stack area. Move to this CPU's overflow stack: x0 goes to
 * SP_EL0 (unused in the kernel), then sp and x0 swap without a scratch register so that sp
 * points at the per-CPU block (TPIDR_EL1, percpu.h), where the old sp is kept; save the
 * frame there and let kstack_overflow(tf, old sp) report (it does not return unless
 * kstack.c finds the stack was not a thread's). */
el1_stack_overflow:
    msr     sp_el0, x0
    mrs     x0, tpidr_el1
    add     sp, sp, x0                      /* swap sp and x0 */
    sub     x0, sp, x0
    sub     sp, sp, x0
    add     x0, x0, #TF_SIZE                /* the sp before the exception */
    str     x0, [sp, #ARCH_CPU_OVF_SP]
    ldr     x0, [sp, #ARCH_CPU_OVF_STACK]
    mov     sp, x0
    mrs     x0, sp_el0
    sub     sp, sp, #TF_SIZE
    stp     x0, x1, [sp, #TF_X(0)]
    save_rest
    mov     x0, sp
    mrs     x1, tpidr_el1
    ldr     x1, [x1, #ARCH_CPU_OVF_SP]
    stp     x29, x22, [sp, #-16]!
    mov     x29, sp
    bl      kstack_overflow
    b       .
