/*
 * memcpy, memmove, memset and the page helpers for every EL0 program.
 *
 * picolibc's archive for aarch64 ships the optimized string routines as empty objects and links
 * its byte-at-a-time C stubs instead; a page copied a byte at a time costs ~16,000 instructions,
 * which dominated every copy-on-write, file and swap fault of the reference pager. These move
 * 64 bytes per iteration with LDP/STP of general registers (unaligned accesses are fine on
 * Normal memory at EL0) and finish with at most six power-of-two steps. Zeroing a page uses
 * DC ZVA when DCZID_EL0 allows it.
 *
 * The symbols fl_string_routines_memcpy/_memset/_memmove sit at the same addresses as the
 * public names, so a build check (tools/check-user-string) can prove which memcpy a program
 * linked.
 */
    .text

/* Copies the x2 & 63 bytes left after the 64-byte loop, forward; x6 = dst, x1 = src. */
.macro copy_tail_forward
    tbz     x2, #5, 1f
    ldp     x7, x8, [x1]
    ldp     x9, x10, [x1, #16]
    add     x1, x1, #32
    stp     x7, x8, [x6]
    stp     x9, x10, [x6, #16]
    add     x6, x6, #32
1:  tbz     x2, #4, 2f
    ldp     x7, x8, [x1], #16
    stp     x7, x8, [x6], #16
2:  tbz     x2, #3, 3f
    ldr     x7, [x1], #8
    str     x7, [x6], #8
3:  tbz     x2, #2, 4f
    ldr     w7, [x1], #4
    str     w7, [x6], #4
4:  tbz     x2, #1, 5f
    ldrh    w7, [x1], #2
    strh    w7, [x6], #2
5:  tbz     x2, #0, 6f
    ldrb    w7, [x1]
    strb    w7, [x6]
6:
.endm

/* void *memcpy(void *dst, const void *src, size_t n) */
    .global memcpy
    .global fl_string_routines_memcpy
    .type memcpy, %function
    .balign 16
memcpy:
fl_string_routines_memcpy:
    mov     x6, x0
.Lforward_copy:
    cmp     x2, #64
    b.lo    9f
8:  ldp     x7, x8, [x1]
    ldp     x9, x10, [x1, #16]
    ldp     x11, x12, [x1, #32]
    ldp     x13, x14, [x1, #48]
    add     x1, x1, #64
    sub     x2, x2, #64
    stp     x7, x8, [x6]
    stp     x9, x10, [x6, #16]
    stp     x11, x12, [x6, #32]
    stp     x13, x14, [x6, #48]
    add     x6, x6, #64
    cmp     x2, #64
    b.hs    8b
9:  copy_tail_forward
    ret
    .size memcpy, . - memcpy

/*
 * void *memmove(void *dst, const void *src, size_t n)
 * Forward when dst <= src or the ranges do not overlap: every step loads its bytes before it
 * stores, and stores land below what is still to be read. Otherwise backward, mirrored.
 */
    .global memmove
    .global fl_string_routines_memmove
    .type memmove, %function
    .balign 16
memmove:
fl_string_routines_memmove:
    mov     x6, x0
    sub     x3, x0, x1              /* dst - src (unsigned) */
    cmp     x3, x2
    b.hs    .Lforward_copy            /* dst < src (wraps to huge) or dst >= src + n */
    add     x1, x1, x2              /* backward: both cursors at the end */
    add     x6, x0, x2
    cmp     x2, #64
    b.lo    9f
8:  ldp     x7, x8, [x1, #-16]
    ldp     x9, x10, [x1, #-32]
    ldp     x11, x12, [x1, #-48]
    ldp     x13, x14, [x1, #-64]
    sub     x1, x1, #64
    sub     x2, x2, #64
    stp     x7, x8, [x6, #-16]
    stp     x9, x10, [x6, #-32]
    stp     x11, x12, [x6, #-48]
    stp     x13, x14, [x6, #-64]
    sub     x6, x6, #64
    cmp     x2, #64
    b.hs    8b
9:  tbz     x2, #5, 1f
    ldp     x7, x8, [x1, #-16]
    ldp     x9, x10, [x1, #-32]
    sub     x1, x1, #32
    stp     x7, x8, [x6, #-16]
    stp     x9, x10, [x6, #-32]
    sub     x6, x6, #32
1:  tbz     x2, #4, 2f
    ldp     x7, x8, [x1, #-16]!
    stp     x7, x8, [x6, #-16]!
2:  tbz     x2, #3, 3f
    ldr     x7, [x1, #-8]!
    str     x7, [x6, #-8]!
3:  tbz     x2, #2, 4f
    ldr     w7, [x1, #-4]!
    str     w7, [x6, #-4]!
4:  tbz     x2, #1, 5f
    ldrh    w7, [x1, #-2]!
    strh    w7, [x6, #-2]!
5:  tbz     x2, #0, 6f
    ldrb    w7, [x1, #-1]
    strb    w7, [x6, #-1]
6:  ret
    .size memmove, . - memmove

/* void *memset(void *dst, int c, size_t n) */
    .global memset
    .global fl_string_routines_memset
    .type memset, %function
    .balign 16
memset:
fl_string_routines_memset:
    mov     x6, x0
    and     x7, x1, #0xff
    orr     x7, x7, x7, lsl #8
    orr     x7, x7, x7, lsl #16
    orr     x7, x7, x7, lsl #32
    cmp     x2, #64
    b.lo    9f
8:  stp     x7, x7, [x6]
    stp     x7, x7, [x6, #16]
    stp     x7, x7, [x6, #32]
    stp     x7, x7, [x6, #48]
    add     x6, x6, #64
    sub     x2, x2, #64
    cmp     x2, #64
    b.hs    8b
9:  tbz     x2, #5, 1f
    stp     x7, x7, [x6]
    stp     x7, x7, [x6, #16]
    add     x6, x6, #32
1:  tbz     x2, #4, 2f
    stp     x7, x7, [x6], #16
2:  tbz     x2, #3, 3f
    str     x7, [x6], #8
3:  tbz     x2, #2, 4f
    str     w7, [x6], #4
4:  tbz     x2, #1, 5f
    strh    w7, [x6], #2
5:  tbz     x2, #0, 6f
    strb    w7, [x6]
6:  ret
    .size memset, . - memset

/*
 * void fl_page_zero(void *page): page is 4 KiB aligned. DC ZVA writes zeros a whole block at a
 * time (DCZID_EL0.BS, 4 << BS bytes) without reading the line; DCZID_EL0.DZP says whether EL0 may
 * use it.
 */
    .global fl_page_zero
    .type fl_page_zero, %function
    .balign 16
fl_page_zero:
    mrs     x3, dczid_el0
    tbnz    x3, #4, 2f              /* DZP: prohibited */
    and     x3, x3, #0xf
    mov     x4, #4
    lsl     x4, x4, x3              /* block size in bytes */
    cmp     x4, #4096
    b.hi    2f
    add     x5, x0, #4096
    lsl     x6, x4, #2              /* four blocks per iteration when they fit in the page */
    cmp     x6, #4096
    b.hi    3f
1:  dc      zva, x0
    add     x1, x0, x4
    dc      zva, x1
    add     x1, x1, x4
    dc      zva, x1
    add     x1, x1, x4
    dc      zva, x1
    add     x0, x0, x6
    cmp     x0, x5
    b.lo    1b
    ret
3:  dc      zva, x0                 /* blocks of 2 or 4 KiB: one at a time */
    add     x0, x0, x4
    cmp     x0, x5
    b.lo    3b
    ret
2:  mov     x1, #0
    mov     x2, #4096
    b       memset
    .size fl_page_zero, . - fl_page_zero

/* void fl_page_copy(void *dst, const void *src): both 4 KiB aligned, not overlapping. 128
 * bytes per iteration in x2-x17 (memcpy's loop moves 64: a copy-on-write fault's largest
 * cost); the loop ends when src reaches the next page boundary. */
    .global fl_page_copy
    .type fl_page_copy, %function
    .balign 16
fl_page_copy:
1:  ldp     x2, x3, [x1]
    ldp     x4, x5, [x1, #16]
    ldp     x6, x7, [x1, #32]
    ldp     x8, x9, [x1, #48]
    ldp     x10, x11, [x1, #64]
    ldp     x12, x13, [x1, #80]
    ldp     x14, x15, [x1, #96]
    ldp     x16, x17, [x1, #112]
    add     x1, x1, #128
    stp     x2, x3, [x0]
    stp     x4, x5, [x0, #16]
    stp     x6, x7, [x0, #32]
    stp     x8, x9, [x0, #48]
    stp     x10, x11, [x0, #64]
    stp     x12, x13, [x0, #80]
    stp     x14, x15, [x0, #96]
    stp     x16, x17, [x0, #112]
    add     x0, x0, #128
    tst     x1, #4095
    b.ne    1b
    ret
    .size fl_page_copy, . - fl_page_copy
