/*
 * The IPC fast path: call and reply-receive with a registers-only message to a thread that is
 * already waiting, which is what every client call and every page fault round trip is. It
 * checks the conditions in a few loads, copies five registers and switches straight into the
 * other thread's user context, leaving this thread blocked at the user boundary (its kernel
 * stack holds nothing but its trap frame). Every blocked thread is blocked there (a system
 * call whose user copy faults is rewound to its svc: fault.c), so switching straight to any
 * of them through its trap frame is always right. Anything unusual takes the general path in ipc.c,
 * which gives the same result (seL4's fastpath follows the same idea).
 */
#include <arch/context.h>
#include <arch/fastpath_offsets.h>
#include <arch/fault_decode.h>
#include <arch/memlayout.h>
#include <arch/pte.h>
#include <arch/vspace.h>
#include <faultline/errors.h>
#include <faultline/fault.h>
#include <faultline/ipc.h>
#include <faultline/syscall.h>
#include <kernel/asid.h>
#include <kernel/bootargs.h>
#include <kernel/fastpath.h>
#include <kernel/fault.h>
#include <kernel/ipc.h>
#include <kernel/frame.h>
#include <kernel/page.h>
#include <kernel/printk.h>
#include <stddef.h>

uint8_t fastpath_mode = FP_MODE_ASM;
static bool report_counts; /* fl.fastpath= was given: fastpath_report() prints */

extern uint8_t fastpath_calls[FL_SYS_COUNT]; /* arch/arm64/fastpath.S */

/* What the assembly fault path (fastpath.S) reads, filled here from the C code it stands for:
 * whether it runs, the fault message's info word for each abort it may forward
 * (fault_fast_table), and the level-3 entry a map reply of one page writes for each of
 * FL_PROT_READ and FL_PROT_READ | FL_PROT_WRITE (vspace_leaf, without the address). */
uint8_t fastpath_faults;
uint32_t fastpath_fault_info[FAULT_FAST_ENTRIES];
uint64_t fastpath_leaf_bits[4];

void fastpath_init(const char *bootargs)
{
    char v[8];
    if (bootargs_get(bootargs, "fl.fastpath", v, sizeof(v))) {
        report_counts = true;
        if (v[0] == 'o' && v[1] == 'f') /* off */
            fastpath_mode = FP_MODE_OFF;
        else if (v[0] == 'c' && !v[1])
            fastpath_mode = FP_MODE_C;
        printk("fastpath: %s\n", fastpath_mode == FP_MODE_OFF ? "off (general path only)"
                                 : fastpath_mode == FP_MODE_C ? "C only"
                                                              : "assembly and C");
    }
    if (fastpath_mode != FP_MODE_OFF)
        fault_fast_table(fastpath_fault_info); /* fastpath.S's, and fault_handle()'s */
    if (fastpath_mode == FP_MODE_C) {
        fastpath_calls[FL_SYS_CALL] = FP_CALL_C;
        fastpath_calls[FL_SYS_REPLY_RECV] = FP_CALL_C;
        return;
    }
    if (fastpath_mode != FP_MODE_ASM)
        return;
    for (unsigned prot = 0; prot < 4; prot++)
        fastpath_leaf_bits[prot] = vspace_leaf(0, prot | VS_PAGER); /* map_reply()'s */
    /* Several CPUs: fastpath.S's variants that take the big kernel lock (HANDLE_INFO, which
     * saves only x0-x9 and cannot call C, is left to the general path then). */
    fastpath_calls[FL_SYS_CALL] = smp_on ? FP_CALL_CALL_SMP : FP_CALL_CALL;
    fastpath_calls[FL_SYS_REPLY_RECV] = smp_on ? FP_CALL_REPLY_RECV_SMP : FP_CALL_REPLY_RECV;
    if (!smp_on)
        fastpath_calls[FL_SYS_HANDLE_INFO] = FP_CALL_LEAF;
    fastpath_faults = smp_on ? 2 : 1;
}

void fastpath_report(void)
{
    uint64_t faults = 0, replies = 0;
    if (!report_counts)
        return;
    for (unsigned i = 0; i < cpus_online; i++) {
        faults += cpus[i].fast_faults;
        replies += cpus[i].fast_replies;
    }
    printk("fastpath: %lu faults delivered and %lu map replies applied in assembly\n",
           (unsigned long)faults, (unsigned long)replies);
}

/* arch/arm64/fastpath.S reads these structures by offset (arch/fastpath_offsets.h). */
#define FP_CHECK(a, b) _Static_assert((a) == (b), #a " moved: update arch/fastpath_offsets.h")
FP_CHECK(offsetof(thread_t, ctx.lr), FP_T_CTX_LR);
FP_CHECK(offsetof(cpu_t, cur), FP_CPU_CUR);
FP_CHECK(offsetof(cpu_t, fpu_owner), FP_CPU_FPU_OWNER);
FP_CHECK(offsetof(cpu_t, zombie), FP_CPU_ZOMBIE);
FP_CHECK(offsetof(cpu_t, active_space), FP_CPU_ACTIVE_SPACE);
FP_CHECK(offsetof(cpu_t, runq_bits), FP_CPU_RUNQ_BITS);
FP_CHECK(offsetof(asid_alloc_t, flush_pending), FP_AS_FLUSH_PENDING);
FP_CHECK(offsetof(thread_t, ctx.sp), FP_T_CTX_SP);
FP_CHECK(offsetof(thread_t, tf), FP_T_TF);
FP_CHECK(offsetof(thread_t, space), FP_T_SPACE);
FP_CHECK(offsetof(thread_t, state), FP_T_STATE);
FP_CHECK(sizeof(thread_state_t), 4);
FP_CHECK(offsetof(thread_t, prio), FP_T_PRIO);
FP_CHECK(sizeof(((thread_t *)0)->prio), 4);
FP_CHECK(offsetof(thread_t, slice), FP_T_SLICE);
FP_CHECK(sizeof(((thread_t *)0)->slice), 4);
FP_CHECK(offsetof(thread_t, qnext), FP_T_QNEXT);
FP_CHECK(offsetof(thread_t, qprev), FP_T_QPREV);
FP_CHECK(offsetof(thread_t, ep), FP_T_EP);
FP_CHECK(offsetof(thread_t, reply_to), FP_T_REPLY_TO);
FP_CHECK(offsetof(thread_t, replier), FP_T_REPLIER);
FP_CHECK(offsetof(thread_t, tls), FP_T_TLS);
FP_CHECK(offsetof(thread_t, in_fault), FP_T_IN_FAULT);
FP_CHECK(sizeof(((thread_t *)0)->in_fault), 1);
FP_CHECK(offsetof(thread_t, fault_in_syscall), FP_T_IN_FAULT + 1); /* one strh clears both */
FP_CHECK(sizeof(((thread_t *)0)->fault_in_syscall), 1);
FP_CHECK(offsetof(thread_t, pager), FP_T_PAGER);
FP_CHECK(offsetof(thread_t, pager_badge), FP_T_PAGER_BADGE);
FP_CHECK(offsetof(thread_t, fault_msg), FP_T_FAULT_MSG);
FP_CHECK(offsetof(thread_t, fault_seq), FP_T_FAULT_SEQ);
FP_CHECK(sizeof(((thread_t *)0)->fault_seq), 4);
FP_CHECK(offsetof(thread_t, settled), FP_T_SETTLED);
FP_CHECK(offsetof(thread_t, id), FP_T_ID);
FP_CHECK(offsetof(thread_t, cpu), FP_T_CPU);
FP_CHECK(sizeof(((thread_t *)0)->cpu), 4);
FP_CHECK(offsetof(thread_t, affinity), FP_T_AFFINITY);
FP_CHECK(sizeof(((thread_t *)0)->affinity), 4);
FP_CHECK(offsetof(cpu_t, arch.id), FP_CPU_ID);
FP_CHECK(sizeof(((cpu_t *)0)->arch.id), 4);
FP_CHECK(sizeof(((thread_t *)0)->id), 4);
FP_CHECK(offsetof(endpoint_t, deadline), FP_EP_DEADLINE);
FP_CHECK(offsetof(cpu_t, fast_faults), FP_CPU_FAST_FAULTS);
FP_CHECK(offsetof(cpu_t, fast_replies), FP_CPU_FAST_REPLIES);
FP_CHECK(USER_TOP, 1UL << FP_USER_TOP_SHIFT);
FP_CHECK(LINEAR_BASE, (uint64_t)FP_LINEAR_BASE_HI << 48);
FP_CHECK(PTE_ADDR_MASK, FP_PTE_ADDR_MASK);
FP_CHECK(PTE_VALID, 1UL << FP_PTE_VALID_BIT);
FP_CHECK(PTE_AP_EL0, 1UL << FP_PTE_AP_EL0_BIT);
FP_CHECK(PTE_AP_RO, 1UL << FP_PTE_AP_RO_BIT);
FP_CHECK(PTE_UXN, 1UL << FP_PTE_UXN_BIT);
FP_CHECK(PTE_SW_NOREF, 1UL << FP_PTE_SW_NOREF_BIT);
FP_CHECK(PTE_ATTRIDX(7), FP_PTE_ATTRIDX_MASK);
FP_CHECK(FL_TAG(FL_LABEL_PAGE_FAULT, 4, 0), FP_TAG_PAGE_FAULT);
FP_CHECK(FL_TAG(FL_FAULT_REPLY_MAP, 4, 0), FP_TAG_REPLY_MAP);
FP_CHECK(FL_PROT_READ, 1);
FP_CHECK(FL_PROT_WRITE, 1u << FP_PROT_WRITE_BIT);
FP_CHECK(FL_FAULT_WRITE, FP_FAULT_WRITE);
FP_CHECK(FL_FAULT_EXEC, FP_FAULT_EXEC);
FP_CHECK(FAULT_FAST_MUST_BE_ZERO, FP_ESR_MUST_BE_ZERO);
FP_CHECK(offsetof(page_meta_t, first_base), FP_PM_FIRST_BASE);
FP_CHECK(offsetof(page_meta_t, first_count), FP_PM_FIRST_COUNT);
FP_CHECK(offsetof(page_meta_t, refs), FP_PM_REFS);
FP_CHECK(sizeof(*page_meta.refs), 4);
FP_CHECK(FRAME_SIZE, 1u << 12);
FP_CHECK(offsetof(space_t, root), FP_S_ROOT);
FP_CHECK(offsetof(space_t, asid_ctx), FP_S_ASID_CTX);
FP_CHECK(offsetof(space_t, handles), FP_S_HANDLES);
FP_CHECK(offsetof(space_t, dead), FP_S_DEAD);
FP_CHECK(sizeof(handle_entry_t), FP_HE_SIZE);
FP_CHECK(offsetof(handle_table_t, e), 0);
FP_CHECK(offsetof(handle_entry_t, obj), FP_HE_OBJ);
FP_CHECK(offsetof(handle_entry_t, badge), FP_HE_BADGE);
FP_CHECK(offsetof(handle_entry_t, rights), FP_HE_RIGHTS);
FP_CHECK(offsetof(handle_entry_t, gen), FP_HE_GEN);
FP_CHECK(sizeof(((handle_entry_t *)0)->gen), 2);
FP_CHECK(offsetof(handle_entry_t, type), FP_HE_TYPE);
FP_CHECK(HANDLE_TABLE_SIZE, FP_HANDLES);
FP_CHECK(offsetof(endpoint_t, senders), FP_EP_SENDERS);
FP_CHECK(offsetof(endpoint_t, receivers), FP_EP_RECEIVERS);
FP_CHECK(offsetof(endpoint_t, closed), FP_EP_CLOSED);
FP_CHECK(offsetof(endpoint_t, events), FP_EP_EVENTS);
FP_CHECK(offsetof(asid_alloc_t, generation), FP_AS_GENERATION);
FP_CHECK(offsetof(asid_alloc_t, active), FP_AS_ACTIVE);
FP_CHECK(TS_RUNNING, FP_TS_RUNNING);
FP_CHECK(TS_RECV, FP_TS_RECV);
FP_CHECK(TS_REPLY, FP_TS_REPLY);
FP_CHECK(TIMESLICE_TICKS, FP_TIMESLICE);
FP_CHECK(FL_OBJ_ENDPOINT, FP_OBJ_ENDPOINT);
FP_CHECK(FL_RIGHT_READ, 1u << FP_RIGHT_READ_BIT);
FP_CHECK(FL_RIGHT_WRITE, 1u << FP_RIGHT_WRITE_BIT);
FP_CHECK(FL_MSG_REG_WORDS, FP_MSG_REG_WORDS);
FP_CHECK(FL_SYS_HANDLE_INFO, FP_SYS_HANDLE_INFO);
FP_CHECK(FL_SYS_CALL, FP_SYS_CALL);
FP_CHECK(FL_SYS_REPLY_RECV, FP_SYS_REPLY_RECV);
FP_CHECK(FL_SYS_COUNT, FP_SYS_COUNT);
FP_CHECK(FL_ENOSYS, -10);

/* Switch to next's user context; this thread resumes later through its trap frame. */
static __attribute__((noreturn)) void switch_user(thread_t *prev, thread_t *next)
{
    arch_context_init_user(&prev->ctx, prev->tf);
    sched_handover(prev, next);
    arch_return_to_user(next->tf);
}

static endpoint_t *endpoint_of(trap_frame_t *tf, uint32_t need, uint64_t *badge)
{
    handle_table_t *t = current->space->handles;
    fl_handle_t h = (fl_handle_t)tf->x[0];
    unsigned slot = h & 0xff;
    if (slot == 0 || slot > HANDLE_TABLE_SIZE)
        return NULL;
    handle_entry_t *e = &t->e[slot - 1];
    if (!e->obj || (h >> 8) != e->gen || e->type != FL_OBJ_ENDPOINT || (e->rights & need) != need)
        return NULL;
    *badge = e->badge;
    return e->obj;
}

static bool registers_only(uint64_t tag)
{
    return (tag & 0xffff) <= FL_MSG_REG_WORDS; /* no handles, at most 4 words, no junk bits */
}

/* Registers beyond the message's word count read as 0: nothing of the sender leaks. */
static void copy_message(const trap_frame_t *from, trap_frame_t *to, uint64_t badge)
{
    unsigned words = FL_TAG_WORDS(from->x[1]);
    to->x[0] = 0;
    to->x[1] = from->x[1];
    to->x[2] = words > 0 ? from->x[2] : 0;
    to->x[3] = words > 1 ? from->x[3] : 0;
    to->x[4] = words > 2 ? from->x[4] : 0;
    to->x[5] = words > 3 ? from->x[5] : 0;
    to->x[6] = badge;
    to->x[7] = 0;
    to->x[8] = 0;
}

/* Takes the first waiting receiver of ep if it may run now. */
static inline __attribute__((always_inline)) thread_t *take_receiver(endpoint_t *ep, thread_t *self)
{
    thread_t *r = ep->receivers;
    if (ep->closed || !r || r->reply_to || r->prio < self->prio ||
        r->prio < sched_highest_ready() || !thread_may_run_here(r))
        return NULL; /* owing a reply: the general path settles the old caller first */
    if (r->qnext == r) {
        ep->receivers = NULL;
    } else {
        r->qprev->qnext = r->qnext;
        r->qnext->qprev = r->qprev;
        ep->receivers = r->qnext;
    }
    r->qnext = r->qprev = NULL;
    r->ep = NULL;
    return r;
}

int fastpath_fault_reply(thread_t *pager, thread_t *client)
{
    bool resume;
    pager->reply_to = NULL;
    client->replier = NULL;
    fault_apply(pager, client, &resume);
    return resume;
}

void fastpath_fault(endpoint_t *ep, uint64_t badge)
{
    thread_t *self = current, *r;
    if (fastpath_mode == FP_MODE_OFF || this_cpu()->zombie || !(r = take_receiver(ep, self)))
        return;
    trap_frame_t *to = r->tf;
    to->x[0] = 0;
    to->x[1] = self->fault_msg[0];
    to->x[2] = self->fault_msg[1];
    to->x[3] = self->fault_msg[2];
    to->x[4] = self->fault_msg[3];
    to->x[5] = self->fault_msg[4];
    to->x[6] = badge;
    to->x[7] = self->fault_msg[5];
    to->x[8] = self->id;
    r->reply_to = self;
    self->replier = r;
    self->state = TS_REPLY;
    switch_user(self, r);
}

void fastpath_try(trap_frame_t *tf)
{
    thread_t *self = current;
    uint64_t badge;

    if (fastpath_mode == FP_MODE_OFF || this_cpu()->zombie || !registers_only(tf->x[1]))
        return;
    if (tf->x[8] == FL_SYS_CALL) {
        endpoint_t *ep = endpoint_of(tf, FL_RIGHT_WRITE, &badge);
        thread_t *r;
        if (!ep || !(r = take_receiver(ep, self)))
            return;
        copy_message(tf, r->tf, badge);
        r->reply_to = self;
        self->replier = r;
        self->state = TS_REPLY;
        switch_user(self, r);
    }
    if (tf->x[8] == FL_SYS_REPLY_RECV) {
        endpoint_t *ep = endpoint_of(tf, FL_RIGHT_READ, &badge);
        thread_t *c = self->reply_to;
        if (!ep || ep->closed || ep->senders || ep->events || !c || c->state != TS_REPLY ||
            c->replier != self)
            return;
        if (c->prio < self->prio || c->prio < sched_highest_ready() || !thread_may_run_here(c))
            return;
        self->reply_to = NULL;
        c->replier = NULL;
        if (c->in_fault) {
            /* A pager answering a fault: map, then resume the client where it faulted. */
            bool resume;
            fault_apply(self, c, &resume);
            if (!resume)
                return; /* client stopped; the general path goes on to receive */
        } else {
            copy_message(tf, c->tf, 0);
        }
        self->state = TS_RECV;
        self->ep = ep;
        if (!ep->receivers) {
            self->qnext = self->qprev = self;
            ep->receivers = self;
        } else {
            thread_t *h = ep->receivers;
            self->qnext = h;
            self->qprev = h->qprev;
            h->qprev->qnext = self;
            h->qprev = self;
        }
        switch_user(self, c);
    }
}
