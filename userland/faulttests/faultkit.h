/*
 * The fault tests' harness. A test builds a child: a fresh address space holding only the
 * pages of fault_asm.S's routines (at the same addresses as in init, so init's labels name
 * the child's instructions), a mailbox page shared with init, and one thread that runs a
 * routine. The test itself is the pager: every message the child causes (page faults,
 * exceptions, its final "done") arrives on one endpoint, told apart by badge, and the test
 * checks every field of each fault message before it replies.
 *
 * A fresh space per child keeps table levels predictable (only the code, mailbox and what the
 * test maps exist) and keeps the frame count honest: destroying the space frees its tables.
 *
 * Child address space:
 *   fk_text_start..fk_text_end   the routines, R+X (below 2 MiB past 0x400000: L1[0], L2[2])
 *   FK_MBOX_VA                   the mailbox, RW (L1[2], L2[0], L3[0])
 *   FK_DATA_VA ..+16 pages       where tests fault and map (same level-3 table as the mailbox)
 */
#ifndef FAULTTESTS_FAULTKIT_H
#define FAULTTESTS_FAULTKIT_H

#include "fault_asm.h"
#include "tests.h"
#include <faultline/fault.h>
#include <stdint.h>

#define FK_MBOX_VA 0x80000000UL
#define FK_DATA_VA (FK_MBOX_VA + 0x10000UL)

/* Addresses with no table at the given level in a child (see above). */
#define FK_VA_LEVEL0 0x100000000000UL        /* L0[32]: no level-1 table */
#define FK_VA_LEVEL1 0x4000000000UL          /* L0[0] exists, L1[256] empty */
#define FK_VA_LEVEL2 0x20000000UL            /* L1[0] exists (code), L2[256] empty */
#define FK_VA_LEVEL3 (FK_MBOX_VA + 0x3000UL) /* the mailbox's level-3 table, empty entry */

/* ESR_EL1 exception classes (Arm ARM D17.2.37, ESR_EL1.EC). */
#define FK_EC_UNKNOWN     0x00u
#define FK_EC_IABT_LOWER  0x20u
#define FK_EC_PC_ALIGN    0x22u
#define FK_EC_DABT_LOWER  0x24u
#define FK_EC_DABT_SAME   0x25u
#define FK_EC_BRK_AARCH64 0x3cu

/* Badges: child i's pager handle, exception-handler handle and done handle. */
#define FK_BADGE_PAGER(i) (0xfa0000u + (i))
#define FK_BADGE_EXC(i)   (0xec0000u + (i))
#define FK_BADGE_DONE(i)  (0xd00000u + (i))

typedef struct fk_mbox {
    uint64_t addr, ep, arg, arg2, result, result2;
} fk_mbox_t;

/* Child options. */
#define FK_PAGER 1u /* the test endpoint is the child's pager */
#define FK_EXC   2u /* the test endpoint is the child's exception handler */

typedef struct fk_child {
    fl_proc_t proc;    /* space and thread, registered for the runner's cleanup */
    fl_handle_t watch; /* notification signalled (bit 0) when the child's process ends */
    fk_mbox_t *mbox;   /* init's view of the child's mailbox page */
    unsigned index;    /* which badges */
    uint32_t seq;      /* sequence number of the last fault seen */
    int registered;    /* proc is on the runner's cleanup list */
} fk_child_t;

/* The pages a test pager hands out (init's bss, RW): FL_FAULT_MAP_MAX of them. */
extern uint8_t fk_pages[FL_FAULT_MAP_MAX][FL_PAGE_SIZE];

/* Creates the test endpoint (all rights). Call first in each test. */
const char *fk_setup(void);
fl_handle_t fk_endpoint(void);

/* The pool the next children's spaces (their tables, thread, objects) are charged to; 0 (the
 * default) is init's own. */
extern fl_handle_t fk_child_pool;

/* Builds child index (0..3) to run entry with the mailbox given; the thread is not started.
 * Children are static: an index is free again after fk_child_free. */
const char *fk_child_new(fk_child_t **out, unsigned index, const void *entry, const fk_mbox_t *mbox,
                         unsigned flags);
/* Maps pages of init's own [src, +pages) at va in the child with prot. */
const char *fk_child_map(fk_child_t *c, uint64_t va, const void *src, unsigned pages,
                         unsigned prot);
const char *fk_child_start(fk_child_t *c);
/* Destroys the child's process and frees its index. */
void fk_child_free(fk_child_t *c);
/* Gives child c a copy of init's handle h with rights; returns its value there (or error). */
long fk_child_give(fk_child_t *c, fl_handle_t h, uint32_t rights);

/* What a fault message must say. */
typedef struct fk_want {
    uint32_t label; /* FL_LABEL_PAGE_FAULT or FL_LABEL_EXCEPTION */
    uint64_t addr, pc;
    unsigned access, kind, flags;
    int level;
    unsigned ec; /* ESR_EL1.EC */
} fk_want_t;

/* Receives the next message on the test endpoint. */
const char *fk_recv(fl_msg_t *m);
/* Checks that m is child c's next fault, exactly as w says (tag, badge, address, PC,
 * ESR class and fault status, access, kind, level, flags, sequence number). */
const char *fk_check_fault(fk_child_t *c, const fl_msg_t *m, const fk_want_t *w);
/* fk_recv + fk_check_fault. */
const char *fk_expect_fault(fk_child_t *c, fl_msg_t *m, const fk_want_t *w);
/* Receives child c's done message (so no fault came in between; m gets it) and lets the child
 * exit by answering it. */
const char *fk_expect_done(fk_child_t *c, fl_msg_t *m);
/* The same, but the child stays alive (blocked in its done call) until fk_release(). */
const char *fk_expect_done_held(fk_child_t *c, fl_msg_t *m);
const char *fk_release(void);
/* test_failf("%s: %s", what, why) for a why that may be test_failf's own buffer. */
const char *fk_fail(const char *what, const char *why);
/* Waits (at most about a second) for c's process to end, and checks its exit status. */
const char *fk_expect_end(fk_child_t *c, long status);
/* 1 if c's process is still alive. */
int fk_alive(fk_child_t *c);

/* Reply messages. */
fl_msg_t fk_reply_map(uint64_t client_va, const void *pager_va, uint64_t pages, unsigned prot);
fl_msg_t fk_reply_resume(void);
fl_msg_t fk_reply_fail(unsigned reason);

/* Fills fk_pages[i] with the words seed + j (j = word index). */
void fk_fill(unsigned i, uint64_t seed);

/* The routines of fault_asm.S and their labelled instructions. */
extern const char fk_text_start[], fk_text_end[], fk_exec_page[];
extern const char fk_read[], fk_insn_read[], fk_write[], fk_insn_write[];
extern const char fk_exec[], fk_insn_exec[];
extern const char fk_touch_pages[], fk_insn_touch_read[], fk_insn_touch_write[];
extern const char fk_ldxr[], fk_insn_ldxr[], fk_ldadd[], fk_insn_ldadd[], fk_cas[], fk_insn_cas[];
extern const char fk_udf[], fk_insn_udf[], fk_brk[], fk_insn_brk[];
extern const char fk_branch[], fk_insn_branch[];
extern const char fk_syscall[], fk_insn_svc1[], fk_insn_svc2[];
extern const char fk_svc[], fk_insn_svc[];
extern const char fk_pager_hold[], fk_fpu[], fk_insn_fpu[], fk_fp_exit[];

#define FK_PC(sym) ((uint64_t)(uintptr_t)(sym))

#endif
