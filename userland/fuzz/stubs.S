/* Entry points for threads the fuzz worker creates in its own space with random calls: they
 * use no stack and no memory, so they are safe wherever the worker's state stands. */
    .text
    .balign 4

/* Ends the thread at once. */
    .global fz_exit_entry
    .type fz_exit_entry, %function
fz_exit_entry:
    mov     x0, #0
    mov     x8, #19 /* FL_SYS_THREAD_EXIT */
    svc     #0
1:  b       1b
    .size fz_exit_entry, . - fz_exit_entry

/* Yields 64 times, then ends. */
    .global fz_yield_entry
    .type fz_yield_entry, %function
fz_yield_entry:
    mov     x9, #64
1:  mov     x8, #20 /* FL_SYS_YIELD */
    svc     #0
    subs    x9, x9, #1
    b.ne    1b
    b       fz_exit_entry
    .size fz_yield_entry, . - fz_yield_entry
