/*
 * Program entry for EL0 (replaces picolibc's crt0, which writes CPACR_EL1 and is UNDEF here).
 *
 * The kernel (for init) or fl_spawn (for everyone else) enters _start with sp = the top of a
 * mapped stack and x0 = the address of the boot information page or the process start page.
 * Segments are loaded in place, so .data needs no copy; .bss is zeroed here even though the
 * loader gives zeroed pages, so a program never depends on that.
 *
 * TLS (picolibc's errno and friends) uses the local-exec model: a variable lives at
 * TPIDR_EL0 + __arm64_tls_tcb_offset + its offset in the PT_TLS segment. The .tdata template
 * stays read-only in the rodata segment (userland/user.ld); the first thread's block is
 * __fl_main_tls in .bss, filled from the template by picolibc's _init_tls.
 */
    .section .text.init.enter, "ax"
    .global _start
    .type _start, %function
_start:
    mov x19, x0 /* the start argument survives the calls below in a callee-saved register */
    mov x29, #0 /* end of the frame-pointer chain */
    mov x30, #0

    adrp x0, __bss_start
    add x0, x0, :lo12:__bss_start
    adrp x1, __bss_end
    add x1, x1, :lo12:__bss_end
1:  cmp x0, x1
    b.hs 2f
    str xzr, [x0], #8 /* the linker script keeps both ends 8-byte aligned */
    b 1b
2:
    adrp x0, __fl_main_tls
    add x0, x0, :lo12:__fl_main_tls
    bl _init_tls /* copy .tdata, zero .tbss */
    adrp x0, __fl_main_tls
    add x0, x0, :lo12:__fl_main_tls
    bl _set_tls /* TPIDR_EL0 = block - __arm64_tls_tcb_offset */

    mov x0, x19
    bl fl_runtime_start /* never returns */
    brk #0
    .size _start, . - _start

/*
 * First instruction of a thread made by fl_thread_spawn (thread.c): x0 = its control block,
 * { fn, arg, tls, done } (fl_thread_cb_t), sp = the top of its stack. After fn returns, the
 * thread signals `done` and exits without touching its stack again, so the joiner may unmap
 * the stack as soon as it sees the signal. The numbers are FL_SYS_SIGNAL and
 * FL_SYS_THREAD_EXIT (thread.c checks them with _Static_assert).
 */
    .text
    .global fl_thread_entry
    .type fl_thread_entry, %function
fl_thread_entry:
    mov x29, #0
    mov x30, #0
    mov x19, x0
    ldr x0, [x19, #16]
    bl _set_tls
    ldr x1, [x19, #0]
    ldr x0, [x19, #8]
    blr x1
    ldr w0, [x19, #24]
    mov x1, #1
    mov x8, #29 /* FL_SYS_SIGNAL (done, 1) */
    svc #0
    mov x0, #0
    mov x8, #19 /* FL_SYS_THREAD_EXIT (0) */
    svc #0
    brk #1
    .size fl_thread_entry, . - fl_thread_entry
