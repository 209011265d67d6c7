/*
 * The IPC loops of the benchmark, in assembly so the user-side instructions of each round trip
 * are few and fixed (3 + 4 in the client, 7 in the server); prototypes and contracts in bench.h.
 * System call numbers: FL_SYS_CALL = 25, FL_SYS_REPLY_RECV = 27 (faultline/syscall.h). The
 * kernel preserves every register but x0..x6 and x8 across an IPC call (docs/syscalls.md).
 */
#define SYS_CALL       25
#define SYS_REPLY_RECV 27

    .text

/* long bench_call_loop(ep x0, tag x1, n x2) */
    .globl bench_call_loop
    .type bench_call_loop, %function
    .balign 16
bench_call_loop:
    mov     x9, x0
    mov     x10, x1
    mov     x11, x2
1:  mov     x0, x9
    mov     x1, x10
    mov     x8, #SYS_CALL
    svc     #0
    cbnz    x0, 2f
    subs    x11, x11, #1
    b.ne    1b
2:  ret
    .size bench_call_loop, . - bench_call_loop

/* long bench_call_timed(ep x0, tag x1, uint64_t t[2] x2) */
    .globl bench_call_timed
    .type bench_call_timed, %function
    .balign 16
bench_call_timed:
    mov     x10, x2
    mov     x8, #SYS_CALL
    isb
    mrs     x9, pmevcntr0_el0
    svc     #0
    isb
    mrs     x11, pmevcntr0_el0
    stp     x9, x11, [x10]
    ret
    .size bench_call_timed, . - bench_call_timed

/* long bench_echo(ep x0, label x1, fl_msg_t *out x2, volatile uint64_t *legs x3) */
    .globl bench_echo
    .type bench_echo, %function
    .balign 16
bench_echo:
    stp     x19, x20, [sp, #-32]!
    stp     x21, x22, [sp, #16]
    mov     x19, x0
    mov     x20, x1
    mov     x21, x2
    mov     x22, x3
    mov     x1, #0                  /* first reply: empty, to the control call */
    cbnz    x22, 2f
1:  mov     x0, x19
    mov     x8, #SYS_REPLY_RECV
    svc     #0
    cbnz    x0, 3f
    cmp     x20, x1, lsr #16
    b.eq    1b                      /* echo: x1..x5 as received */
    b       3f
2:  isb                             /* the same loop, timed */
    mrs     x9, pmevcntr0_el0
    str     x9, [x22, #8]           /* legs[1]: right before the reply */
    mov     x0, x19
    mov     x8, #SYS_REPLY_RECV
    svc     #0
    isb
    mrs     x9, pmevcntr0_el0
    str     x9, [x22]               /* legs[0]: right after the receive */
    cbnz    x0, 3f
    cmp     x20, x1, lsr #16
    b.eq    2b
3:  stp     x1, x2, [x21]
    stp     x3, x4, [x21, #16]
    stp     x5, x6, [x21, #32]
    ldp     x21, x22, [sp, #16]
    ldp     x19, x20, [sp], #32
    ret
    .size bench_echo, . - bench_echo
