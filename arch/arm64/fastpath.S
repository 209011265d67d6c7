/*
 * The assembly fast path for system calls from EL0 (issue 13 item 4). The vector for
 * synchronous exceptions from AArch64 EL0 comes here with x0/x1 saved in a trap frame on the
 * kernel stack. This file saves only what each case needs:
 *
 * - HANDLE_INFO (a system call that only reads kernel state and answers in x0): the handler in
 *   kernel/syscall_leaf.c is compiled to preserve x9-x29, so x0-x9 and x30 are all that is
 *   saved and restored; x10-x29, SP_EL0, ELR and SPSR never leave the CPU. An unknown number
 *   (FL_ENOSYS) is answered here.
 * - CALL and REPLY_RECV with a registers-only message (tag: no handles, at most 4 words) to a
 *   thread that is already waiting: the whole frame is saved (the caller blocks, and a blocked
 *   thread is always resumed through its frame), the checks of kernel/fastpath.c are done in
 *   a few loads, the message is copied into the other thread's frame and this file switches
 *   straight to it. A REPLY_RECV that answers a fault with a one-page map reply applies it
 *   here; any other fault reply is fault_apply()'s in C (fastpath_fault_reply).
 * - A translation or permission fault for the thread's pager, when a pager thread waits: the
 *   message goes straight into that thread's frame (fault_handle() and fastpath_fault() in C).
 * - Anything else: the rest of the frame is saved and C takes over (entry.S el0_svc_partial,
 *   el0_sync_partial), the C fast path first for CALL and REPLY_RECV, then the general path.
 *
 * What this path declines, kernel/fastpath.c, fault.c and ipc.c do with the same result: they
 * are the reference. fl.fastpath=c turns this file off (the C fast path only), fl.fastpath=off
 * both.
 *
 * Locking (SMP): these paths read and write scheduler and IPC state (current, run-queue bits,
 * endpoint queues, other threads' frames). Each is assembled twice (macros fault_path,
 * svc_paths, switch_path; smp 0 or 1): without a lock while one CPU runs threads, and under
 * the big kernel lock with several (lock_kernel right after the frame is saved; trap_return
 * drops it, a decline drops it before the C entry takes it again). fastpath_init
 * (kernel/fastpath.c) chooses through fastpath_calls and fastpath_faults. The per-CPU state
 * (current, zombie, run-queue bits, FPU owner, active space, the counters) is this CPU's
 * block, through TPIDR_EL1 (kernel/include/kernel/cpu.h; offsets FP_CPU_*), read once per
 * call into x25 (saved in the frame, kept across C calls).
 */
#include <arch/fastpath_offsets.h>
#include <arch/trap_frame.h>
#include <arch/trap_save.h>


/* x25 = this CPU's block (TPIDR_EL1), \reg = current. */
    .macro  current_load reg
    mrs     x25, tpidr_el1
    ldr     \reg, [x25, #FP_CPU_CUR]
    .endm
    .macro  current_store reg
    str     \reg, [x25, #FP_CPU_CUR]
    .endm


/* x13 = the endpoint named by handle w0 in space x10's table with right \bit, x12 = its
 * badge; otherwise to \fail. Uses x11, x14. handle_find() in C. */
    .macro  endpoint_of bit, fail
    ldr     x10, [x10, #FP_S_HANDLES]
    and     w11, w0, #0xff
    sub     w11, w11, #1                    /* slot 0 wraps to a huge index */
    cmp     w11, #FP_HANDLES - 1
    b.hi    \fail
    mov     w14, #FP_HE_SIZE
    umaddl  x10, w11, w14, x10
    ldr     x13, [x10, #FP_HE_OBJ]
    cbz     x13, \fail
    ldrh    w14, [x10, #FP_HE_GEN]
    cmp     w14, w0, lsr #8                 /* the whole rest of the handle: no stray bits */
    b.ne    \fail
    ldrb    w14, [x10, #FP_HE_TYPE]
    cmp     w14, #FP_OBJ_ENDPOINT
    b.ne    \fail
    ldr     w14, [x10, #FP_HE_RIGHTS]
    tbz     w14, #\bit, \fail
    ldr     x12, [x10, #FP_HE_BADGE]
    .endm

/* Thread \t may run now instead of the current thread x9: its priority is at least the
 * caller's and that of every ready thread (the run queue bits). Uses x14, x15, x16. */
    .macro  may_run t, fail
    ldr     w14, [\t, #FP_T_PRIO]
    ldr     w15, [x9, #FP_T_PRIO]
    cmp     w14, w15
    b.lo    \fail
    ldr     w15, [x25, #FP_CPU_RUNQ_BITS]
    cbz     w15, 1f
    clz     w15, w15
    mov     w16, #31
    sub     w15, w16, w15
    cmp     w14, w15
    b.lo    \fail
1:
    .endm

/* Thread \t's space can be switched to without the ASID allocator: the same space as x9's,
 * or a live one whose ASID is of the current generation (space_activate's common case).
 * space_activate also declines while any bit of the flush-pending mask is set; on the one CPU
 * this path runs on that test is not needed: only asid_activate() rolls the generation over,
 * and it clears this CPU's bit in the same call (the flush is done there), so a space whose
 * ASID is of the current generation never meets a flush still due on this CPU. The bits of
 * CPUs that never started stay set after a rollover and are no reason to decline.
 * Uses x14, x15, x16. */
    .macro  space_ready t, fail
    ldr     x14, [x9, #FP_T_SPACE]
    ldr     x15, [\t, #FP_T_SPACE]
    cmp     x14, x15
    b.eq    1f
    ldrb    w16, [x15, #FP_S_DEAD]
    cbnz    w16, \fail
    ldr     x16, [x15, #FP_S_ASID_CTX]
    adrp    x14, space_asids
    ldr     x14, [x14, :lo12:space_asids + FP_AS_GENERATION]
    cmp     x14, x16, lsr #16
    b.ne    \fail
1:
    .endm

/* Several CPUs (\smp 1): the big kernel lock, and what kernel_enter() checks (a thread killed
 * from another CPU while it ran ends here). Only after the whole frame is saved: C may run.
 * x0-x5 (the message) come back from the frame. */
    .macro  lock_kernel smp
    .if \smp
    bl      kernel_enter_smp
    ldp     x0, x1, [sp, #TF_X(0)]
    ldp     x2, x3, [sp, #TF_X(2)]
    ldp     x4, x5, [sp, #TF_X(4)]
    .endif
    .endm

/* may_run, and on several CPUs also thread_may_run_here(): \t's affinity allows this CPU. */
    .macro  may_run_on smp, t, fail
    may_run \t, \fail
    .if \smp
    ldr     w14, [\t, #FP_T_AFFINITY]
    ldr     w15, [x25, #FP_CPU_ID]
    lsr     w14, w14, w15
    tbz     w14, #0, \fail
    .endif
    .endm

/* space_ready on one CPU. On several, the switch hands the space over through
 * space_activate() (the ASID allocator's per-CPU state): only a dead space declines. */
    .macro  space_ready_on smp, t, fail
    .if \smp
    ldr     x14, [\t, #FP_T_SPACE]
    ldrb    w16, [x14, #FP_S_DEAD]
    cbnz    w16, \fail
    .else
    space_ready \t, \fail
    .endif
    .endm

/* take_receiver() in C: x17 = the first thread waiting on endpoint x13, if the endpoint is
 * open, that thread owes no reply and it may run now instead of x9; otherwise to \fail. */
    .macro  waiting_receiver smp, fail
    ldrb    w14, [x13, #FP_EP_CLOSED]
    cbnz    w14, \fail
    ldr     x17, [x13, #FP_EP_RECEIVERS]
    cbz     x17, \fail                      /* nobody waiting: the sender queues (ipc.c) */
    ldr     x14, [x17, #FP_T_REPLY_TO]
    cbnz    x14, \fail                      /* owing a reply: ipc.c settles the old caller */
    may_run_on \smp, x17, \fail
    space_ready_on \smp, x17, \fail
    .endm

/* Calls C function \fn (arguments already in x0, x1) keeping x9, x13 and x17 (the current
 * thread, the endpoint, the other thread) in callee-saved x19-x21 (all saved in the frame). */
    .macro  call_keeping fn
    mov     x19, x9
    mov     x20, x13
    mov     x21, x17
    bl      \fn
    mov     x9, x19
    mov     x13, x20
    mov     x17, x21
    .endm

/* One more for this CPU's counter at \field (fastpath_report()). */
    .macro  count field
    ldr     x14, [x25, #\field]
    add     x14, x14, #1
    str     x14, [x25, #\field]
    .endm

/* \out = the level-3 entry for user address \va in the tables at physical address \root,
 * \slot = its address (kernel VA); to \absent when a level 0-2 entry is not valid. walk() in
 * arch/arm64/vspace.c, without the allocation. Uses x14, x15. */
    .macro  walk_leaf root, va, out, slot, absent
    ubfx    x14, \va, #39, #9
    orr     x15, \root, #(FP_LINEAR_BASE_HI << 48)   /* arch_phys_to_virt: PAs < 2^48 */
    ldr     \out, [x15, x14, lsl #3]
    tbz     \out, #FP_PTE_VALID_BIT, \absent
    and     x15, \out, #FP_PTE_ADDR_MASK
    orr     x15, x15, #(FP_LINEAR_BASE_HI << 48)
    ubfx    x14, \va, #30, #9
    ldr     \out, [x15, x14, lsl #3]
    tbz     \out, #FP_PTE_VALID_BIT, \absent
    and     x15, \out, #FP_PTE_ADDR_MASK
    orr     x15, x15, #(FP_LINEAR_BASE_HI << 48)
    ubfx    x14, \va, #21, #9
    ldr     \out, [x15, x14, lsl #3]
    tbz     \out, #FP_PTE_VALID_BIT, \absent
    and     x15, \out, #FP_PTE_ADDR_MASK
    orr     x15, x15, #(FP_LINEAR_BASE_HI << 48)
    ubfx    x14, \va, #12, #9
    add     \slot, x15, x14, lsl #3
    ldr     \out, [\slot]
    .endm

/* Takes thread \t (x17) off the head of endpoint x13's receive queue. Uses x14, x15. */
    .macro  dequeue_receiver
    ldr     x14, [x17, #FP_T_QNEXT]
    cmp     x14, x17
    b.ne    1f
    str     xzr, [x13, #FP_EP_RECEIVERS]
    b       2f
1:  ldr     x15, [x17, #FP_T_QPREV]
    str     x14, [x15, #FP_T_QNEXT]
    str     x15, [x14, #FP_T_QPREV]
    str     x14, [x13, #FP_EP_RECEIVERS]
2:  stp     xzr, xzr, [x17, #FP_T_QNEXT]
    str     xzr, [x17, #FP_T_EP]
    .endm

/* The message in x1 (tag, words at most 4) and x2-x5 into the frame at \to, as the receiver
 * sees it: x0 = 0, x1 = tag, the words (0 beyond the count: nothing of the sender leaks),
 * x6 = \badge, x7 = x8 = 0 (a fault message's SP and thread id). copy_message() in C. Uses
 * x14, x20-x24. */
    .macro  copy_message to, badge
    and     w14, w1, #0x7f
    cmp     w14, #1
    csel    x21, x2, xzr, hs
    cmp     w14, #2
    csel    x22, x3, xzr, hs
    cmp     w14, #3
    csel    x23, x4, xzr, hs
    cmp     w14, #4
    csel    x24, x5, xzr, hs
    stp     xzr, x1, [\to, #TF_X(0)]
    stp     x21, x22, [\to, #TF_X(2)]
    stp     x23, x24, [\to, #TF_X(4)]
    stp     \badge, xzr, [\to, #TF_X(6)]
    str     xzr, [\to, #TF_X(8)]
    .endm

/* fastpath_calls[n]: what the entry does with call number n (FP_CALL_*); fastpath_init()
 * (kernel/fastpath.c) fills it for the mode. 0 for every other call: C. */
    .data
    .globl  fastpath_calls
fastpath_calls:
    .fill   FP_SYS_COUNT, 1, 0

    .text
    .balign 64
    .globl  fastpath_el0_sync
fastpath_el0_sync:
    stp     x2, x3, [sp, #TF_X(2)]
    stp     x4, x5, [sp, #TF_X(4)]
    stp     x6, x7, [sp, #TF_X(6)]
    stp     x8, x9, [sp, #TF_X(8)]
    mrs     x7, esr_el1                     /* x7 is saved; the frame gets ESR from it */
    lsr     x9, x7, #26
    cmp     x9, #0x15                       /* EC: SVC from AArch64 */
    b.ne    .Lnot_svc
    cmp     x8, #FP_SYS_COUNT
    b.hs    .Lunknown
    adr     x9, fastpath_calls              /* what to do with each call number */
    ldrb    w9, [x9, x8]
    cbz     w9, el0_svc_partial             /* most calls: entry.S, syscall.c */
    cmp     w9, #FP_CALL_CALL
    b.eq    .Lcall0
    b.lo    .Lleaf
    cmp     w9, #FP_CALL_REPLY_RECV
    b.eq    .Lreply_recv0
    cmp     w9, #FP_CALL_C
    b.eq    el0_svc_partial_c               /* fl.fastpath=c: the C fast path first */
    cmp     w9, #FP_CALL_CALL_SMP
    b.eq    .Lcall1
    b       .Lreply_recv1

/* An unknown number: FL_ENOSYS, nothing else changes (x7-x9 were used). */
.Lunknown:
    adrp    x9, fastpath_mode
    ldrb    w9, [x9, :lo12:fastpath_mode]
    cbnz    w9, el0_svc_partial             /* fl.fastpath=c or off: syscall.c */
    mov     x0, #-10                        /* FL_ENOSYS */
    ldp     x6, x7, [sp, #TF_X(6)]
    ldp     x8, x9, [sp, #TF_X(8)]
    add     sp, sp, #TF_SIZE
    eret

/* HANDLE_INFO: syscall_leaf.c answers on the registers alone (it preserves x9-x29); x1-x8
 * and x30 come back from the frame. It makes no scheduling work, so nothing else is due. */
.Lleaf:
    str     x30, [sp, #TF_X(30)]
    bl      syscall_leaf_handle_info        /* in range: no linker veneer (x16/x17 kept) */
    ldr     x1, [sp, #TF_X(1)]
    ldp     x2, x3, [sp, #TF_X(2)]
    ldp     x4, x5, [sp, #TF_X(4)]
    ldp     x6, x7, [sp, #TF_X(6)]
    ldp     x8, x9, [sp, #TF_X(8)]
    ldr     x30, [sp, #TF_X(30)]
    add     sp, sp, #TF_SIZE
    eret

/* The fault delivery (see .Lnot_svc), for one CPU (\smp 0) or several (1, under the lock). */
    .macro  fault_path smp
.Lfault\smp:
    save_x10_to_spsr                        /* x21 = SP_EL0, x22 = ELR */
    mrs     x24, far_el1
    stp     x7, x24, [sp, #TF_ESR]
    mov     x27, x7                         /* ESR from here on (x7 is not kept by C calls) */
    lock_kernel \smp
    lsr     x10, x24, #FP_USER_TOP_SHIFT
    cbnz    x10, .Lfault_decline\smp            /* a kernel address: reported in C */
    and     x10, x27, #0x7f                 /* FAULT_FAST_INDEX: WnR, status code, EC */
    tbnz    x27, #28, 1f                    /* EC 0x24 (data abort) has bit 2 set, 0x20 not */
    orr     x10, x10, #0x80
1:  adrp    x11, fastpath_fault_info
    add     x11, x11, :lo12:fastpath_fault_info
    ldr     w26, [x11, x10, lsl #2]         /* FL_FAULT_INFO without the sequence number */
    cbz     w26, .Lfault_decline\smp
    tst     x10, #0xc0
    b.ne    2f
    /* A read: fault_handle() looks at the instruction (the read half of an atomic is
     * reported as a write). The kernel's own unprivileged read, as arch_peek_user32 (peek.S;
     * trap.c never forwards a fault here, the exception table resumes at the decline). Only
     * bits 29-24 of 0x08 or 0x38 can be an atomic (insn_is_atomic_rmw, which decides those). */
    .if \smp
    .globl  fastpath_peek_insn_smp
fastpath_peek_insn_smp:
    .else
    .globl  fastpath_peek_insn
fastpath_peek_insn:
    .endif
    ldtr    w0, [x22]
    ubfx    w1, w0, #24, #6
    cmp     w1, #0x08
    b.eq    1f
    cmp     w1, #0x38
    b.ne    2f
1:  bl      insn_is_atomic_rmw
    cbnz    w0, .Lfault_decline\smp
2:  current_load x9
    ldr     x10, [x25, #FP_CPU_ZOMBIE]
    cbnz    x10, .Lfault_decline\smp
    /* take_receiver() on the thread's pager endpoint, which has no deadline to arm */
    ldr     x13, [x9, #FP_T_PAGER]
    cbz     x13, .Lfault_decline\smp
    ldr     x14, [x13, #FP_EP_DEADLINE]
    cbnz    x14, .Lfault_decline\smp
    waiting_receiver \smp, .Lfault_decline\smp
    /* settle_locally(): forwarded only if nothing the thread needs is mapped (else a stale
     * TLB entry may be the cause, and C settles it): no entry, a write to a read-only page,
     * an instruction fetch from a user page without execute rights. */
    ldr     x10, [x9, #FP_T_SPACE]
    ldr     x10, [x10, #FP_S_ROOT]
    walk_leaf x10, x24, x11, x12, .Lfault_forward\smp
    tbz     x11, #FP_PTE_VALID_BIT, .Lfault_forward\smp
    and     w14, w26, #0xff                 /* the access */
    cmp     w14, #FP_FAULT_WRITE
    b.ne    3f
    tbnz    x11, #FP_PTE_AP_RO_BIT, .Lfault_forward\smp
    b       .Lfault_decline\smp
3:  cmp     w14, #FP_FAULT_EXEC
    b.ne    .Lfault_decline\smp                 /* a read of a valid page */
    tbz     x11, #FP_PTE_AP_EL0_BIT, .Lfault_decline\smp
    tbnz    x11, #FP_PTE_UXN_BIT, .Lfault_forward\smp
.Lfault_decline\smp:
    .if \smp
    bl      bkl_unlock
    .endif
    b       el0_sync_full

    .pushsection __extable, "a"
    .balign 8
    .if \smp
    .quad   fastpath_peek_insn_smp, .Lfault_decline\smp
    .else
    .quad   fastpath_peek_insn, .Lfault_decline\smp
    .endif
    .popsection

/* Committed: the message (set_message()), then fastpath_fault(): the pager thread x17 gets
 * it in x1-x8, this thread waits for the reply. */
.Lfault_forward\smp:
    stp     xzr, xzr, [x9, #FP_T_SETTLED]   /* forwarded: no settled fault to remember */
    str     xzr, [x9, #FP_T_SETTLED + 16]
    ldr     w14, [x9, #FP_T_FAULT_SEQ]
    add     w14, w14, #1
    str     w14, [x9, #FP_T_FAULT_SEQ]
    orr     x26, x26, x14, lsl #32
    movz    x23, #(FP_TAG_PAGE_FAULT & 0xffff)
    movk    x23, #(FP_TAG_PAGE_FAULT >> 16), lsl #16
    add     x16, x9, #FP_T_FAULT_MSG
    stp     x23, x24, [x16]                 /* tag, address */
    stp     x22, x27, [x16, #16]            /* PC, ESR */
    stp     x26, x21, [x16, #32]            /* info, SP */
    mov     w14, #1
    strb    w14, [x9, #FP_T_IN_FAULT]
    dequeue_receiver
    ldr     x20, [x17, #FP_T_TF]
    stp     xzr, x23, [x20, #TF_X(0)]      /* (dequeue_receiver used x14, x15) */
    stp     x24, x22, [x20, #TF_X(2)]
    stp     x27, x26, [x20, #TF_X(4)]
    ldr     x14, [x9, #FP_T_PAGER_BADGE]
    stp     x14, x21, [x20, #TF_X(6)]
    ldr     w14, [x9, #FP_T_ID]
    str     x14, [x20, #TF_X(8)]
    str     x9, [x17, #FP_T_REPLY_TO]
    str     x17, [x9, #FP_T_REPLIER]
    mov     w14, #FP_TS_REPLY
    str     w14, [x9, #FP_T_STATE]
    count   FP_CPU_FAST_FAULTS
    b       .Lswitch\smp
    .endm

/* CALL and REPLY_RECV, with the fault reply: \smp 0 runs while one CPU runs threads, 1 on
 * several, under the big kernel lock (taken right after the frame is saved, dropped on the way
 * out by trap_return, or before a decline). */
    .macro  svc_paths smp
/* Declined after the whole frame was saved: C, from the C fast path on (on several CPUs
 * the lock is dropped first: the C entry takes it again). */
.Ldecline\smp:
    .if \smp
    bl      bkl_unlock
    .endif
    b       el0_svc_full

/* CALL: x0 = endpoint handle, x1 = tag, x2-x5 = words. */
.Lcall\smp:
    and     w9, w1, #0xffff
    cmp     w9, #FP_MSG_REG_WORDS
    b.hi    el0_svc_partial                 /* handles, more than 4 words or junk bits */
    save_from_x10_svc
    lock_kernel \smp
    current_load x9
    ldr     x10, [x25, #FP_CPU_ZOMBIE]
    cbnz    x10, .Ldecline\smp                  /* a dead thread's stack is freed on the way out */
    ldr     x10, [x9, #FP_T_SPACE]
    endpoint_of FP_RIGHT_WRITE_BIT, .Ldecline\smp
    waiting_receiver \smp, .Ldecline\smp
    /* Committed. Take r (x17) off the head of the receive queue. */
    dequeue_receiver
    ldr     x20, [x17, #FP_T_TF]
    copy_message x20, x12
    str     x9, [x17, #FP_T_REPLY_TO]
    str     x17, [x9, #FP_T_REPLIER]
    mov     w14, #FP_TS_REPLY
    str     w14, [x9, #FP_T_STATE]
    b       .Lswitch\smp

/* REPLY_RECV: reply to the caller this thread owes (x1-x5 the message), then wait on the
 * endpoint x0. */
.Lreply_recv\smp:
    and     w9, w1, #0xffff
    cmp     w9, #FP_MSG_REG_WORDS
    b.hi    el0_svc_partial                 /* handles, more than 4 words or junk bits */
    save_from_x10_svc
    lock_kernel \smp
    current_load x9
    ldr     x10, [x25, #FP_CPU_ZOMBIE]
    cbnz    x10, .Ldecline\smp
    ldr     x10, [x9, #FP_T_SPACE]
    endpoint_of FP_RIGHT_READ_BIT, .Ldecline\smp
    ldrb    w14, [x13, #FP_EP_CLOSED]
    cbnz    w14, .Ldecline\smp
    ldr     x14, [x13, #FP_EP_SENDERS]
    cbnz    x14, .Ldecline\smp                  /* a sender waits: ipc.c receives from it */
    ldr     x14, [x13, #FP_EP_EVENTS]
    cbnz    x14, .Ldecline\smp                  /* a pager event waits: ipc.c delivers it */
    ldr     x17, [x9, #FP_T_REPLY_TO]
    cbz     x17, .Ldecline\smp
    ldr     w14, [x17, #FP_T_STATE]
    cmp     w14, #FP_TS_REPLY
    b.ne    .Ldecline\smp
    ldr     x14, [x17, #FP_T_REPLIER]
    cmp     x14, x9
    b.ne    .Ldecline\smp
    may_run_on \smp, x17, .Ldecline\smp
    ldrb    w14, [x17, #FP_T_IN_FAULT]
    cbnz    w14, .Lfault_reply\smp
    space_ready_on \smp, x17, .Ldecline\smp
    /* Committed. */
    str     xzr, [x9, #FP_T_REPLY_TO]
    str     xzr, [x17, #FP_T_REPLIER]
    ldr     x20, [x17, #FP_T_TF]
    copy_message x20, xzr
.Lqueue_self\smp:
    /* This thread waits on the endpoint x13, at the tail of its receive queue. */
    mov     w14, #FP_TS_RECV
    str     w14, [x9, #FP_T_STATE]
    str     x13, [x9, #FP_T_EP]
    ldr     x14, [x13, #FP_EP_RECEIVERS]
    cbnz    x14, 1f
    stp     x9, x9, [x9, #FP_T_QNEXT]
    str     x9, [x13, #FP_EP_RECEIVERS]
    b       .Lswitch\smp
1:  ldr     x15, [x14, #FP_T_QPREV]
    stp     x14, x15, [x9, #FP_T_QNEXT]
    str     x9, [x15, #FP_T_QNEXT]
    str     x9, [x14, #FP_T_QPREV]
    b       .Lswitch\smp

/* The caller x17 waits on a fault: the reply maps and/or resumes it. The common reply, one
 * page into another space where nothing is mapped yet, is done here; fault_apply() in C does
 * every other (the same code as the C paths: the checks, the pinning of a same-space source
 * frame, replacing a mapping, several pages, execute rights), through fastpath_fault_reply().
 * When the client goes on (resume) this thread receives and the client runs, as above.
 * Otherwise C goes on to the receive. */
.Lfault_reply\smp:
    space_ready_on \smp, x17, .Ldecline\smp
    /* fault_reply_check(): the map label with 4 words, one page, R or RW, both addresses
     * page-aligned user addresses. */
    movz    x14, #(FP_TAG_REPLY_MAP & 0xffff)
    movk    x14, #(FP_TAG_REPLY_MAP >> 16), lsl #16
    cmp     x1, x14
    b.ne    .Lfault_reply_c\smp
    cmp     x4, #1
    b.ne    .Lfault_reply_c\smp
    cmp     x5, #1                          /* FL_PROT_READ */
    ccmp    x5, #3, #4, ne                  /* or FL_PROT_READ | FL_PROT_WRITE */
    b.ne    .Lfault_reply_c\smp
    orr     x14, x2, x3
    tst     x14, #0xfff
    b.ne    .Lfault_reply_c\smp
    lsr     x14, x14, #FP_USER_TOP_SHIFT
    cbnz    x14, .Lfault_reply_c\smp
    /* map_reply(): into another space (a reply into its own needs the pinning) ... */
    ldr     x10, [x9, #FP_T_SPACE]
    ldr     x11, [x17, #FP_T_SPACE]
    cmp     x10, x11
    b.eq    .Lfault_reply_c\smp
    /* ... of a counted Normal-memory page the pager maps with at least the rights given ... */
    ldr     x10, [x10, #FP_S_ROOT]
    walk_leaf x10, x3, x12, x16, .Lfault_reply_c\smp
    tbz     x12, #FP_PTE_VALID_BIT, .Lfault_reply_c\smp
    tbnz    x12, #FP_PTE_SW_NOREF_BIT, .Lfault_reply_c\smp
    tst     x12, #FP_PTE_ATTRIDX_MASK
    b.ne    .Lfault_reply_c\smp
    tbz     x5, #FP_PROT_WRITE_BIT, 1f
    tbnz    x12, #FP_PTE_AP_RO_BIT, .Lfault_reply_c\smp
    /* ... at an address whose tables exist (space_map_frame(), vspace_map(): no table to
     * allocate) and whose entry is not valid or maps another frame (copy-on-write: break
     * before make, then the old frame's reference goes). The same frame again, with other
     * rights, is C's (which TLB entries must go depends on the rights). */
1:  ldr     x10, [x11, #FP_S_ROOT]
    walk_leaf x10, x2, x11, x22, .Lfault_reply_c\smp
    and     x23, x12, #FP_PTE_ADDR_MASK     /* the frame */
    tbz     x11, #FP_PTE_VALID_BIT, 2f
    and     x14, x11, #FP_PTE_ADDR_MASK
    cmp     x14, x23
    b.eq    .Lfault_reply_c\smp
    /* Committed once the mapping's reference on the frame is taken: page_ref() (C), whose
     * common case (the first RAM range) is done here. */
2:  mov     x24, x5
    mov     x26, x2
    mov     x27, x11
    adrp    x14, page_meta
    add     x14, x14, :lo12:page_meta
    ldp     x15, x16, [x14, #FP_PM_FIRST_BASE]
    sub     x15, x23, x15
    lsr     x15, x15, #12
    cmp     x15, x16                        /* below the range wraps to a huge index */
    b.hs    5f
    ldr     x14, [x14, #FP_PM_REFS]
    ldr     w16, [x14, x15, lsl #2]
    cmn     w16, #1
    b.eq    .Lfault_reply_c\smp                 /* the count is full: C fails the reply alike */
    add     w16, w16, #1
    str     w16, [x14, x15, lsl #2]
    tbz     x27, #FP_PTE_VALID_BIT, 3f
6:  str     xzr, [x22]                      /* break: no CPU may use the old entry ... */
    ldr     x14, [x17, #FP_T_SPACE]
    ldr     x14, [x14, #FP_S_ASID_CTX]
    lsr     x15, x26, #12
    bfi     x15, x14, #48, #16              /* the client's ASID (asid_of) */
    dsb     ishst
    tlbi    vale1is, x15
    dsb     ish
    isb
3:  adrp    x14, fastpath_leaf_bits         /* ... before make */
    add     x14, x14, :lo12:fastpath_leaf_bits
    ldr     x14, [x14, x24, lsl #3]
    orr     x14, x14, x23
    str     x14, [x22]                      /* single-copy atomic (vspace.c pte_write) */
    dsb     ishst                           /* no TLB entry to drop: it was not valid */
    isb
    tbz     x27, #FP_PTE_VALID_BIT, 4f
    tbnz    x27, #FP_PTE_SW_NOREF_BIT, 4f
    and     x0, x27, #FP_PTE_ADDR_MASK
    call_keeping page_unref                 /* the replaced frame; freed if it was the last */
4:
    strh    wzr, [x17, #FP_T_IN_FAULT]      /* in_fault, fault_in_syscall: it runs again */
    str     xzr, [x9, #FP_T_REPLY_TO]
    str     xzr, [x17, #FP_T_REPLIER]
    count   FP_CPU_FAST_REPLIES
    b       .Lqueue_self\smp

/* page_ref() in C for a frame outside the first RAM range, then back to the map above. */
5:  mov     x0, x23
    call_keeping page_ref
    cbz     w0, .Lfault_reply_c\smp             /* the count is full: C fails the reply alike */
    tbz     x27, #FP_PTE_VALID_BIT, 3b
    b       6b

.Lfault_reply_c\smp:
    mov     x0, x9
    mov     x1, x17
    call_keeping fastpath_fault_reply       /* the reply is done whatever it returns */
    cbz     w0, .Ldecline\smp             /* not resumed: ipc.c receives (no reply owed now) */
    b       .Lqueue_self\smp
    .endm

/* Switch from the current thread x9 (blocked, frame at sp) to x17 and return to its user
 * context through its frame. switch_user() in C. On several CPUs the address space and the
 * FP/SIMD unit are handed over by the C functions sched_handover() uses (the ASID allocator's
 * per-CPU state, the FP state saved for another CPU), and the return drops the lock. */
    .macro  switch_path smp
.Lswitch\smp:
    adrp    x14, arch_user_trampoline       /* resumed later through its frame */
    add     x14, x14, :lo12:arch_user_trampoline
    mov     x15, sp
    stp     x14, x15, [x9, #FP_T_CTX_LR]
    .if \smp
    ldr     x15, [x17, #FP_T_SPACE]
    ldr     x14, [x25, #FP_CPU_ACTIVE_SPACE]
    mov     x19, x9
    mov     x20, x17
    cmp     x14, x15
    b.eq    1f
    mov     x0, x15
    bl      space_activate
1:  mov     x0, x25
    mov     x1, x19
    mov     x2, x20
    bl      sched_fpu_handover_smp
    mov     x9, x19
    mov     x17, x20
    ldr     w14, [x25, #FP_CPU_ID]
    str     w14, [x17, #FP_T_CPU]
    .else
    ldr     x14, [x9, #FP_T_SPACE]
    ldr     x15, [x17, #FP_T_SPACE]
    cmp     x14, x15
    b.eq    1f
    ldr     x16, [x15, #FP_S_ASID_CTX]      /* of the current generation: space_ready */
    adrp    x14, space_asids
    str     x16, [x14, :lo12:space_asids + FP_AS_ACTIVE] /* active[0]: one CPU */
    str     x15, [x25, #FP_CPU_ACTIVE_SPACE]
    ldr     x14, [x15, #FP_S_ROOT]
    bfi     x14, x16, #48, #16
    msr     ttbr0_el1, x14
    isb
1:  ldr     x14, [x25, #FP_CPU_FPU_OWNER]   /* the FP unit on only for its owner */
    cmp     x14, x9
    cset    w15, eq
    cmp     x14, x17
    cset    w16, eq
    cmp     w15, w16
    b.eq    2f
    mrs     x14, cpacr_el1
    bic     x14, x14, #(3 << 20)
    cbz     w16, 3f
    orr     x14, x14, #(3 << 20)
3:  msr     cpacr_el1, x14
    isb
2:
    .endif
    mov     w14, #FP_TS_RUNNING
    str     w14, [x17, #FP_T_STATE]
    ldr     w14, [x17, #FP_T_SLICE]
    cbnz    w14, 4f
    mov     w14, #FP_TIMESLICE
    str     w14, [x17, #FP_T_SLICE]
4:  current_store x17
    mrs     x14, tpidr_el0
    str     x14, [x9, #FP_T_TLS]
    ldr     x14, [x17, #FP_T_TLS]
    msr     tpidr_el0, x14
    ldr     x14, [x17, #FP_T_TF]
    mov     sp, x14
    .if \smp
    b       trap_return                     /* drops the lock (kernel_exit_user) */
    .else
    b       trap_return_one_cpu             /* no lock to drop: one CPU (see above) */
    .endif
    .endm

/* A data or instruction abort from EL0 (anything else goes to entry.S), x7 = ESR, x9 = EC.
 * A translation or permission fault a pager resolves (fault_fast_table() in C says which),
 * for a thread whose pager has a thread waiting that may run now, goes to that thread here,
 * exactly as fault_handle() and fastpath_fault() in C would send it. Anything else (the
 * kernel settles it, no pager or nobody waiting, a deadline to arm, an atomic's read half,
 * a kernel address) is declined to fault_handle() with the whole frame saved. */
.Lnot_svc:
    cmp     x9, #0x24                       /* data abort from a lower EL */
    b.eq    1f
    cmp     x9, #0x20                       /* instruction abort from a lower EL */
    b.ne    el0_sync_partial                /* a trap: entry.S, trap.c */
1:  adrp    x8, fastpath_faults
    ldrb    w8, [x8, :lo12:fastpath_faults]
    cbz     w8, el0_sync_partial            /* fl.fastpath=c or off */
    tst     x7, #FP_ESR_MUST_BE_ZERO
    b.ne    el0_sync_partial
    tbnz    w8, #1, .Lfault1                /* 2: several CPUs */
    fault_path 0
    fault_path 1
    svc_paths 0
    svc_paths 1
    switch_path 0
    switch_path 1
