/*
 * Structure offsets and constants the assembly fast path (arch/arm64/fastpath.S) uses. The
 * numbers are written out because an assembler cannot see C types; kernel/fastpath.c checks
 * each one against the C definitions with _Static_assert, so a change to thread_t, space_t,
 * handle_entry_t, endpoint_t or asid_alloc_t that moves a field fails the build there.
 */
#ifndef ARCH_FASTPATH_OFFSETS_H
#define ARCH_FASTPATH_OFFSETS_H

/* thread_t */
#define FP_T_CTX_LR      112 /* ctx.lr, with ctx.sp right after it */
#define FP_T_CTX_SP      120
#define FP_T_TF          128
#define FP_T_SPACE       176
#define FP_T_STATE       192 /* 32-bit enum */
#define FP_T_PRIO        196 /* 32-bit */
#define FP_T_SLICE       200 /* 32-bit */
#define FP_T_QNEXT       208 /* qprev right after it */
#define FP_T_QPREV       216
#define FP_T_EP          224
#define FP_T_REPLY_TO    256
#define FP_T_REPLIER     264
#define FP_T_TLS         272
#define FP_T_ID          288 /* 32-bit */
#define FP_T_PAGER       296
#define FP_T_PAGER_BADGE 312
#define FP_T_IN_FAULT    328 /* bool, fault_in_syscall (bool) right after it */
#define FP_T_FAULT_MSG   336 /* uint64_t[6] */
#define FP_T_FAULT_SEQ   384 /* 32-bit */
#define FP_T_SETTLED     448 /* uint64_t[3] */
#define FP_T_CPU         480 /* 32-bit */
#define FP_T_AFFINITY    484 /* 32-bit */

/* space_t */
#define FP_S_ROOT     24
#define FP_S_ASID_CTX 32
#define FP_S_HANDLES  48
#define FP_S_DEAD     68 /* bool */

/* handle_entry_t, handle_table_t */
#define FP_HE_SIZE   24
#define FP_HE_OBJ    0
#define FP_HE_BADGE  8
#define FP_HE_RIGHTS 16  /* 32-bit */
#define FP_HE_GEN    20  /* 16-bit */
#define FP_HE_TYPE   22  /* 8-bit */
#define FP_HANDLES   128 /* HANDLE_TABLE_SIZE */

/* endpoint_t */
#define FP_EP_SENDERS   24
#define FP_EP_RECEIVERS 32
#define FP_EP_CLOSED    44 /* bool */
#define FP_EP_DEADLINE  48
#define FP_EP_EVENTS    64 /* queued pager events (FL_LABEL_SPACE_ENDED) */

/* page_meta_t (kernel/include/kernel/page.h): counts are 32-bit, frames 4 KiB */
#define FP_PM_FIRST_BASE  0
#define FP_PM_FIRST_COUNT 8
#define FP_PM_REFS        16

/* asid_alloc_t */
#define FP_AS_GENERATION    0
#define FP_AS_FLUSH_PENDING 16 /* 32-bit */
#define FP_AS_ACTIVE        24 /* active[0]: the path runs only while CPU 0 is the only one */

/* cpu_t (kernel/include/kernel/cpu.h), reached through TPIDR_EL1 */
#define FP_CPU_CUR          40
#define FP_CPU_FPU_OWNER    56
#define FP_CPU_ZOMBIE       64
#define FP_CPU_ACTIVE_SPACE 72
#define FP_CPU_RUNQ_BITS    84 /* 32-bit */
#define FP_CPU_ID           0  /* arch.id, 32-bit */
#define FP_CPU_FAST_FAULTS  352
#define FP_CPU_FAST_REPLIES 360

/* thread_state_t values, and the rest */
#define FP_TS_RUNNING      2
#define FP_TS_RECV         4
#define FP_TS_REPLY        5
#define FP_TIMESLICE       2 /* TIMESLICE_TICKS */
#define FP_OBJ_ENDPOINT    3 /* FL_OBJ_ENDPOINT */
#define FP_RIGHT_READ_BIT  0 /* FL_RIGHT_READ = 1 << 0 */
#define FP_RIGHT_WRITE_BIT 1 /* FL_RIGHT_WRITE = 1 << 1 */
#define FP_MSG_REG_WORDS   4 /* FL_MSG_REG_WORDS */
#define FP_SYS_HANDLE_INFO 5 /* faultline/syscall.h */
#define FP_SYS_CALL        25
#define FP_SYS_REPLY_RECV  27
#define FP_SYS_COUNT       47 /* FL_SYS_COUNT: numbers at or above it are unknown */

/* The fault path: memory layout, descriptor bits (arch/pte.h), message tags */
#define FP_USER_TOP_SHIFT   48     /* USER_TOP = 1 << 48 */
#define FP_LINEAR_BASE_HI   0xffff /* LINEAR_BASE = 0xffff << 48 */
#define FP_PTE_ADDR_MASK    0x0000fffffffff000
#define FP_PTE_VALID_BIT    0
#define FP_PTE_AP_EL0_BIT   6
#define FP_PTE_AP_RO_BIT    7
#define FP_PTE_UXN_BIT      54
#define FP_PTE_SW_NOREF_BIT 55         /* vspace.c's software bit */
#define FP_PTE_ATTRIDX_MASK 0x1c       /* AttrIndx; 0 is Normal memory */
#define FP_TAG_PAGE_FAULT   0xfa010004 /* FL_TAG(FL_LABEL_PAGE_FAULT, 4, 0) */
#define FP_TAG_REPLY_MAP    0xfa100004 /* FL_TAG(FL_FAULT_REPLY_MAP, 4, 0) */
#define FP_PROT_WRITE_BIT   1
#define FP_FAULT_WRITE      1
#define FP_FAULT_EXEC       2
#define FP_ESR_MUST_BE_ZERO 0x780 /* FAULT_FAST_MUST_BE_ZERO */

/* fastpath_mode (kernel/fastpath.c): which fast paths run, from fl.fastpath= */
#define FP_MODE_ASM 0 /* default: this file, then the C fast path for what it declines */
#define FP_MODE_C   1 /* fl.fastpath=c: the C fast path only */
#define FP_MODE_OFF 2 /* fl.fastpath=off: neither, the general path (ipc.c) for everything */

/* fastpath_calls[] entries: what fastpath.S does with a call number */
#define FP_CALL_GENERAL        0 /* save the rest of the frame, syscall_dispatch */
#define FP_CALL_LEAF           1 /* partial frame, syscall_leaf */
#define FP_CALL_CALL           2 /* the CALL fast path */
#define FP_CALL_REPLY_RECV     3 /* the REPLY_RECV fast path */
#define FP_CALL_C              4 /* fl.fastpath=c: the C fast path, then syscall_dispatch */
#define FP_CALL_CALL_SMP       5 /* the CALL fast path on several CPUs (under the lock) */
#define FP_CALL_REPLY_RECV_SMP 6 /* the REPLY_RECV fast path on several CPUs */

#endif
