/*
 * Code the fault tests run in child address spaces (see fault_asm.h for the convention). Each
 * faulting instruction carries a global label (fk_insn_*) so a test can check the PC of a
 * fault message exactly, as sel4test does.
 *
 * The routines sit between fk_text_start and fk_text_end, page-aligned, and use nothing
 * outside that range: faultkit.c maps exactly those pages into a child at the same virtual
 * addresses as in init. fk_exec_page lives on a page of its own that is never mapped up front:
 * execute tests let the pager map it wherever the child jumps.
 */
#include "fault_asm.h"

    .arch armv8-a
    .arch_extension lse

    .section .text.fk_child, "ax"
    .balign 4096
    .global fk_text_start
fk_text_start:

/* Calls the mailbox endpoint with FK_LABEL_DONE (result, result2), then exits with status 0. */
    .global fk_done
    .type fk_done, %function
fk_done:
    ldr     x0, [x19, #FK_MB_EP]
    movz    x1, #FK_LABEL_DONE, lsl #16
    movk    x1, #2
    ldr     x2, [x19, #FK_MB_RESULT]
    ldr     x3, [x19, #FK_MB_RESULT2]
    mov     x8, #FK_SYS_CALL
    svc     #0
    mov     x0, #0
    mov     x8, #FK_SYS_THREAD_EXIT
    svc     #0
1:  b       1b
    .size fk_done, . - fk_done

/* result = the word at addr. */
    .global fk_read
    .global fk_insn_read
    .type fk_read, %function
fk_read:
    mov     x19, x0
    ldr     x1, [x19, #FK_MB_ADDR]
fk_insn_read:
    ldr     x2, [x1]
    str     x2, [x19, #FK_MB_RESULT]
    b       fk_done
    .size fk_read, . - fk_read

/* Stores arg at addr; result = the word read back. */
    .global fk_write
    .global fk_insn_write
    .type fk_write, %function
fk_write:
    mov     x19, x0
    ldr     x1, [x19, #FK_MB_ADDR]
    ldr     x2, [x19, #FK_MB_ARG]
fk_insn_write:
    str     x2, [x1]
    ldr     x3, [x1]
    str     x3, [x19, #FK_MB_RESULT]
    b       fk_done
    .size fk_write, . - fk_write

/* Calls addr; the code there (fk_exec_page) sets result and returns. */
    .global fk_exec
    .global fk_insn_exec
    .type fk_exec, %function
fk_exec:
    mov     x19, x0
    ldr     x1, [x19, #FK_MB_ADDR]
fk_insn_exec:
    blr     x1
    b       fk_done
    .size fk_exec, . - fk_exec

/* For i < arg (at most 32) pages from addr: reads the first word of page i when bit i of arg2
 * is set (result = their sum), and writes i at offset 8 when bit 32 + i is set. */
    .global fk_touch_pages
    .global fk_insn_touch_read
    .global fk_insn_touch_write
    .type fk_touch_pages, %function
fk_touch_pages:
    mov     x19, x0
    ldr     x1, [x19, #FK_MB_ADDR]
    ldr     x3, [x19, #FK_MB_ARG]
    ldr     x4, [x19, #FK_MB_ARG2]
    mov     x2, #0
    mov     x5, #0
1:  cmp     x5, x3
    b.hs    4f
    lsr     x6, x4, x5
    tbz     x6, #0, 2f
fk_insn_touch_read:
    ldr     x7, [x1]
    add     x2, x2, x7
2:  add     x6, x5, #32
    lsr     x6, x4, x6
    tbz     x6, #0, 3f
fk_insn_touch_write:
    str     x5, [x1, #8]
3:  add     x1, x1, #4096
    add     x5, x5, #1
    b       1b
4:  str     x2, [x19, #FK_MB_RESULT]
    b       fk_done
    .size fk_touch_pages, . - fk_touch_pages

/* Atomic increment of the word at addr with LDXR/STXR; result = the new value. */
    .global fk_ldxr
    .global fk_insn_ldxr
    .type fk_ldxr, %function
fk_ldxr:
    mov     x19, x0
    ldr     x1, [x19, #FK_MB_ADDR]
1:
fk_insn_ldxr:
    ldxr    x2, [x1]
    add     x2, x2, #1
    stxr    w3, x2, [x1]
    cbnz    w3, 1b
    str     x2, [x19, #FK_MB_RESULT]
    b       fk_done
    .size fk_ldxr, . - fk_ldxr

/* LSE (Armv8.1): LDADD arg to the word at addr; result = the old value, result2 = the new. */
    .global fk_ldadd
    .global fk_insn_ldadd
    .type fk_ldadd, %function
fk_ldadd:
    mov     x19, x0
    ldr     x1, [x19, #FK_MB_ADDR]
    ldr     x2, [x19, #FK_MB_ARG]
fk_insn_ldadd:
    ldadd   x2, x3, [x1]
    str     x3, [x19, #FK_MB_RESULT]
    ldr     x4, [x1]
    str     x4, [x19, #FK_MB_RESULT2]
    b       fk_done
    .size fk_ldadd, . - fk_ldadd

/* LSE: CAS at addr from arg to arg2; result = the value found, result2 = the word after. */
    .global fk_cas
    .global fk_insn_cas
    .type fk_cas, %function
fk_cas:
    mov     x19, x0
    ldr     x1, [x19, #FK_MB_ADDR]
    ldr     x4, [x19, #FK_MB_ARG]
    ldr     x3, [x19, #FK_MB_ARG2]
fk_insn_cas:
    cas     x4, x3, [x1]
    str     x4, [x19, #FK_MB_RESULT]
    ldr     x5, [x1]
    str     x5, [x19, #FK_MB_RESULT2]
    b       fk_done
    .size fk_cas, . - fk_cas

/* Loads q0 from arg/arg2, reads addr (a fault), then stores q0 to result/result2: FP/SIMD
 * registers must survive the fault and whatever the pager did meanwhile. */
    .global fk_fpu
    .global fk_insn_fpu
    .type fk_fpu, %function
fk_fpu:
    mov     x19, x0
    ldr     x1, [x19, #FK_MB_ADDR]
    ldr     q0, [x19, #FK_MB_ARG]
fk_insn_fpu:
    ldr     x2, [x1]
    str     q0, [x19, #FK_MB_RESULT]
    b       fk_done
    .size fk_fpu, . - fk_fpu

/* Loads q0 from arg/arg2 and exits at once: the thread dies owning the FP/SIMD unit. */
    .global fk_fp_exit
    .type fk_fp_exit, %function
fk_fp_exit:
    ldr     q0, [x0, #FK_MB_ARG]
    mov     x0, #0
    mov     x8, #FK_SYS_THREAD_EXIT
    svc     #0
1:  b       1b
    .size fk_fp_exit, . - fk_fp_exit

/* An undefined instruction (permanently UNDEFINED encoding UDF #0). */
    .global fk_udf
    .global fk_insn_udf
    .type fk_udf, %function
fk_udf:
    mov     x19, x0
fk_insn_udf:
    udf     #0
    b       fk_done
    .size fk_udf, . - fk_udf

/* A breakpoint instruction with immediate 0x42 (it appears in the ESR's ISS). */
    .global fk_brk
    .global fk_insn_brk
    .type fk_brk, %function
fk_brk:
    mov     x19, x0
fk_insn_brk:
    brk     #0x42
    b       fk_done
    .size fk_brk, . - fk_brk

/* Branches to addr (a misaligned target gives a PC alignment fault at the target). */
    .global fk_branch
    .global fk_insn_branch
    .type fk_branch, %function
fk_branch:
    mov     x19, x0
    ldr     x1, [x19, #FK_MB_ADDR]
fk_insn_branch:
    br      x1
    .size fk_branch, . - fk_branch

/* FL_SYS_DEBUG_WRITE(addr, arg) -> result; then, if arg2 is not 0, (arg2, arg) -> result2. */
    .global fk_syscall
    .global fk_insn_svc1
    .global fk_insn_svc2
    .type fk_syscall, %function
fk_syscall:
    mov     x19, x0
    ldr     x0, [x19, #FK_MB_ADDR]
    ldr     x1, [x19, #FK_MB_ARG]
    mov     x8, #FK_SYS_DEBUG_WRITE
fk_insn_svc1:
    svc     #0
    str     x0, [x19, #FK_MB_RESULT]
    ldr     x0, [x19, #FK_MB_ARG2]
    cbz     x0, 1f
    ldr     x1, [x19, #FK_MB_ARG]
    mov     x8, #FK_SYS_DEBUG_WRITE
fk_insn_svc2:
    svc     #0
    str     x0, [x19, #FK_MB_RESULT2]
1:  b       fk_done
    .size fk_syscall, . - fk_syscall

/* Any system call: x8 = arg2, x0 = addr, x1 = arg -> result. */
    .global fk_svc
    .global fk_insn_svc
    .type fk_svc, %function
fk_svc:
    mov     x19, x0
    ldr     x0, [x19, #FK_MB_ADDR]
    ldr     x1, [x19, #FK_MB_ARG]
    ldr     x8, [x19, #FK_MB_ARG2]
fk_insn_svc:
    svc     #0
    str     x0, [x19, #FK_MB_RESULT]
    b       fk_done
    .size fk_svc, . - fk_svc

/* A pager that never answers: receives one fault on endpoint handle addr, stores its address
 * in result, signals notification handle arg (bit 0), then waits on the endpoint again. It ends
 * when its endpoint closes or its process is destroyed. */
    .global fk_pager_hold
    .type fk_pager_hold, %function
fk_pager_hold:
    mov     x19, x0
    ldr     x0, [x19, #FK_MB_ADDR]
    mov     x8, #FK_SYS_RECV
    svc     #0
    tbnz    x0, #63, 1f
    str     x2, [x19, #FK_MB_RESULT]
    ldr     x0, [x19, #FK_MB_ARG]
    mov     x1, #1
    mov     x8, #FK_SYS_SIGNAL
    svc     #0
    ldr     x0, [x19, #FK_MB_ADDR]
    mov     x8, #FK_SYS_RECV
    svc     #0
1:  mov     x0, #0
    mov     x8, #FK_SYS_THREAD_EXIT
    svc     #0
2:  b       2b
    .size fk_pager_hold, . - fk_pager_hold

/* Pager-platform tests (test_pager_platform.c). fk_svcs: if addr is not 0, reads the word
 * at addr (result2); then makes the arg system calls described at FK_MB_SVCS (7 words each:
 * number, x0..x4, result out); then, if addr is not 0, reads it again (result). */
    .global fk_svcs
    .global fk_insn_svcs_read
    .type fk_svcs, %function
fk_svcs:
    mov     x19, x0
    ldr     x1, [x19, #FK_MB_ADDR]
    cbz     x1, 1f
fk_insn_svcs_read:
    ldr     x2, [x1]
    str     x2, [x19, #FK_MB_RESULT2]
1:  add     x20, x19, #FK_MB_SVCS
    ldr     x21, [x19, #FK_MB_ARG]
2:  cbz     x21, 3f
    ldr     x8, [x20]
    ldp     x0, x1, [x20, #8]
    ldp     x2, x3, [x20, #24]
    ldr     x4, [x20, #40]
    svc     #0
    str     x0, [x20, #48]
    add     x20, x20, #56
    sub     x21, x21, #1
    b       2b
3:  ldr     x1, [x19, #FK_MB_ADDR]
    cbz     x1, 4f
    ldr     x2, [x1]
    str     x2, [x19, #FK_MB_RESULT]
4:  b       fk_done
    .size fk_svcs, . - fk_svcs

/* An instruction for a handler to emulate: x1 = arg, x2 = arg2, then UDF #FK_EMUL_IMM, which
 * the test's handler treats as "x0 = x1 + x2" (and sets the flags it likes); result = x0,
 * result2 = NZCV after it. */
    .global fk_emul
    .global fk_insn_emul
    .type fk_emul, %function
fk_emul:
    mov     x19, x0
    mov     x0, #0
    ldr     x1, [x19, #FK_MB_ARG]
    ldr     x2, [x19, #FK_MB_ARG2]
    cmp     x1, x1 /* Z and C set: the handler's new flags must replace these */
fk_insn_emul:
    udf     #FK_EMUL_IMM
    str     x0, [x19, #FK_MB_RESULT]
    mrs     x3, nzcv
    str     x3, [x19, #FK_MB_RESULT2]
    b       fk_done
    .size fk_emul, . - fk_emul

    .balign 4096
    .global fk_text_end
fk_text_end:

/* Mapped only by a pager's reply, at the address an execute test jumps to: position
 * independent, it marks the mailbox and returns to fk_exec. */
    .section .text.fk_exec_page, "ax"
    .balign 4096
    .global fk_exec_page
    .type fk_exec_page, %function
fk_exec_page:
    mov     x2, #FK_EXEC_MAGIC
    str     x2, [x19, #FK_MB_RESULT]
    ret
    .size fk_exec_page, . - fk_exec_page
    .balign 4096
