/*
 * What the fault tests' child code (fault_asm.S) and the C side (faultkit.c, test_*.c) agree
 * on: the mailbox layout, the label of the "done" message and the system call numbers the
 * assembly uses. Included from assembly too, so only #defines here; faultkit.c checks the
 * numbers against the ABI headers with _Static_assert.
 *
 * Child convention: every routine starts with x0 = the child's mailbox (FK_MBOX_VA), keeps it
 * in x19, reads its inputs from the mailbox, and ends in fk_done, which calls the mailbox's
 * endpoint handle with FK_LABEL_DONE (words: result, result2) and, once answered, exits the
 * thread with status 0 (so the test can look at the live process first).
 */
#ifndef FAULTTESTS_FAULT_ASM_H
#define FAULTTESTS_FAULT_ASM_H

/* Mailbox offsets (fk_mbox_t in faultkit.h). */
#define FK_MB_ADDR    0  /* the address the routine works on */
#define FK_MB_EP      8  /* endpoint handle, in the child's table, for the done message */
#define FK_MB_ARG     16 /* routine-specific inputs */
#define FK_MB_ARG2    24
#define FK_MB_RESULT  32 /* routine-specific outputs, also sent in the done message */
#define FK_MB_RESULT2 40
#define FK_MB_SVCS    64 /* fk_svcs: system calls to make, 7 words each */

/* Label of the message fk_done sends (2 words: result, result2). */
#define FK_LABEL_DONE 0xd0e

/* System call numbers used by the assembly (faultline/syscall.h). */
#define FK_SYS_DEBUG_WRITE 0
#define FK_SYS_THREAD_EXIT 19
#define FK_SYS_SEND        23
#define FK_SYS_CALL        25
#define FK_SYS_RECV        24
#define FK_SYS_SIGNAL      29

/* The UDF immediate fk_emul uses (the encoding is 0x0000xxxx: permanently undefined). */
#define FK_EMUL_IMM 0x1234

/* What the page mapped by an execute test stores in result before it returns. */
#define FK_EXEC_MAGIC 0x5ec

#endif
