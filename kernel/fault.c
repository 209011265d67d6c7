/*
 * Fault forwarding, the heart of faultline. An EL0 data or instruction abort is decoded, the
 * cases the kernel can settle alone are settled (a stale TLB entry, a cleared access flag),
 * and everything else is sent to the thread's pager as if the thread had called it. The
 * pager's reply maps and resumes in the same kernel entry. The fault path holds no lock while
 * it waits: the thread is simply blocked, like any caller.
 */
#include <arch/arch.h>
#include <arch/context.h>
#include <arch/fastpath_offsets.h>
#include <arch/fault_decode.h>
#include <arch/memlayout.h>
#include <arch/vspace.h>
#include <faultline/errors.h>
#include <faultline/fault.h>
#include <faultline/ipc.h>
#include <kernel/asid.h>
#include <kernel/fastpath.h>
#include <kernel/fault.h>
#include <kernel/fault_reply.h>
#include <kernel/ipc.h>
#include <kernel/page.h>
#include <kernel/printk.h>

static const char *const access_names[] = {"read", "write", "exec"};
static const char *const fail_names[] = {
    "?", "no region", "no permission", "guard page", "out of memory", "bus error", "refused"};

static const char *const exception_names[] = {"undefined instruction",    "PC alignment fault",
                                              "SP alignment fault",       "breakpoint",
                                              "floating-point exception", "system exception"};

static void report(thread_t *t, const char *what, const char *why)
{
    uint64_t *m = t->fault_msg;
    const char *end = t->fault_in_syscall ? "the system call fails" : "thread stopped";
    unsigned kind = FL_FAULT_KIND(m[4]);
    /* Aborts no mapping can fix are exceptions with a memory fault's kind: print those as
     * memory faults, with their address. */
    if (FL_TAG_LABEL(m[0]) == FL_LABEL_EXCEPTION && kind >= FL_EXC_UNDEFINED) {
        const char *name = kind >= FL_EXC_UNDEFINED && kind <= FL_EXC_SYSTEM
                               ? exception_names[kind - FL_EXC_UNDEFINED]
                               : "exception";
        printk("fault: thread %u (space %u): %s at pc %#lx (ESR %#lx): %s; %s\n", t->id,
               t->space->id, name, (unsigned long)m[2], (unsigned long)m[3], why, end);
        return;
    }
    unsigned access = FL_FAULT_ACCESS(m[4]);
    printk("fault: thread %u (space %u): %s %s at %#lx, pc %#lx (ESR %#lx): %s; %s\n", t->id,
           t->space->id, what, access < 3 ? access_names[access] : "?", (unsigned long)m[1],
           (unsigned long)m[2], (unsigned long)m[3], why, end);
}

static void stop(thread_t *t)
{
    t->in_fault = false;
    if (t->fault_in_syscall) { /* a syscall's copy: the syscall fails, the thread goes on */
        t->fault_in_syscall = false;
        t->tf->elr += ARCH_SYSCALL_INSN_SIZE; /* past the svc it was rewound to */
        t->tf->x[0] = (uint64_t)(int64_t)FL_EFAULT;
        if (t != current)
            sched_ready(t);
        return;
    }
    t->space->exit_status = -1;
    thread_kill(t);
}

void fault_async(trap_frame_t *tf, const char *what, const char *detail)
{
    thread_t *t = current;
    printk("fault: thread %u (space %u): %s at pc %#lx (ESR %#lx): %s; thread stopped\n", t->id,
           t->space->id, what, (unsigned long)tf->elr, (unsigned long)tf->esr, detail);
    stop(t);
    sched_switch();
}

void fault_abandon(thread_t *client, const char *why)
{
    report(client, "unresolved", why);
    stop(client);
}

void fault_timed_out(thread_t *client, const char *why)
{
    report(client, "unresolved", why);
    if (client->fault_in_syscall) {
        stop(client);
        client->tf->x[0] = (uint64_t)(int64_t)FL_ETIMEDOUT; /* the call fails, with the reason */
        return;
    }
    client->in_fault = false;
    client->space->exit_status = FL_ETIMEDOUT; /* the typed reason, if the process ends */
    thread_kill(client);
}

/* Builds the pending fault message of t. */
static void set_message(thread_t *t, const fault_decoded_t *d, uint64_t pc, uint64_t esr)
{
    t->fault_msg[5] = t->tf->sp_el0; /* for stack-growth decisions */
    t->fault_seq++;
    t->fault_msg[0] = FL_TAG(d->to_pager ? FL_LABEL_PAGE_FAULT : FL_LABEL_EXCEPTION, 4, 0);
    t->fault_msg[1] = d->addr;
    t->fault_msg[2] = pc;
    t->fault_msg[3] = esr;
    t->fault_msg[4] = FL_FAULT_INFO(d->access, d->kind, d->level, d->flags, t->fault_seq);
}

/*
 * Settles what needs nobody else: a stale TLB entry, a TLB conflict, a cleared access flag.
 * Which status codes may be settled is esr.c's table; fault_settle() decides. The fault is
 * remembered, and the same fault again at once (same PC, address, kind, access) is forwarded
 * instead: invalidating did not help, and retrying again would loop in the kernel forever.
 */
static bool settle_locally(thread_t *t, const fault_decoded_t *d)
{
    vs_mapping_t m = {0};

    if (d->is_memory && (d->flags & FL_FAULT_FAR_VALID) && d->addr < USER_TOP)
        vspace_lookup(t->space->root, d->addr & PAGE_MASK, &m);
    switch (fault_settle(d, t->tf->elr, m.valid, m.prot, t->settled)) {
    case FAULT_FORWARD: return false;
    case FAULT_SET_AF: vspace_set_accessed(t->space->root, d->addr & PAGE_MASK); return true;
    case FAULT_RETRY_PAGE:
        vspace_flush_page(asid_of(t->space->asid_ctx), d->addr & PAGE_MASK);
        return true;
    case FAULT_RETRY_ASID: vspace_flush_asid(asid_of(t->space->asid_ctx)); return true;
    }
    return false;
}

/* Sends the current thread's pending fault message to its pager and waits for the answer,
 * on a kernel stack that holds nothing but the thread's trap frame. */
static void send_syscall_fault(void)
{
    thread_t *t = current;
    fastpath_fault(t->pager, t->pager_badge); /* returns only if the pager is not waiting */
    ipc_send(t->pager, t->pager_badge, true);
    if (sched_work_pending())
        sched_preempt_point();
}

bool fault_user_copy(const esr_info_t *e, uint64_t far)
{
    thread_t *t = current;
    fault_decoded_t d;

    if (t->kernel || !e->far_valid || far >= USER_TOP)
        return false;
    fault_decode(e, far, false, 0, &d);
    if (settle_locally(t, &d))
        return true;
    /* Only a system call can be restarted, and only for a fault a pager could fix; the
     * kernel's other copies (the faulting instruction in fault_handle) just fail. */
    if (!d.to_pager || !t->pager || t->pager->closed || !arch_trap_is_syscall(t->tf))
        return false;
    /* Never block inside a system call: rewind the thread to its svc and drop everything
     * the call did on the kernel stack (system calls act only after their copies in, and
     * their copies out change nothing, so nothing is undone). The thread is now a thread
     * that faulted at its svc: every path that resumes a faulting thread (the slow reply,
     * the fast path's direct switch) returns it to user space, where the call runs again. */
    d.flags |= FL_FAULT_SYSCALL;
    t->tf->elr -= ARCH_SYSCALL_INSN_SIZE;
    set_message(t, &d, t->tf->elr, e->raw);
    t->in_fault = true;
    t->fault_in_syscall = true;
    fault_deadline_arm(t, t->pager);
    arch_restart_user(t->tf, send_syscall_fault);
}

/* Decodes the abort in tf: the common ones (a translation or permission fault for a pager,
 * FAR valid) through the table fastpath.S uses, built from the decoder at boot, the rest
 * through esr_decode and fault_decode (always with fl.fastpath=off: the reference). *e is
 * decoded only then (its fsc_name names a status no pager gets). */
static void decode(const trap_frame_t *tf, esr_info_t *e, fault_decoded_t *d)
{
    uint32_t insn = 0;
    /* Only a read fault can be the read half of an atomic: look at the instruction then. The
     * peek is the kernel's own access: if it faults, no pager hears of it, the atomic check is
     * just skipped (a message for it would name the wrong PC and claim a system call). */
    if (fastpath_mode != FP_MODE_OFF &&
        fault_decode_fast(fastpath_fault_info, tf->esr, tf->far, d)) {
        e->fsc_name = NULL;
        /* A read here is a data abort without CM (the table's conditions). */
        if (d->access == FL_FAULT_READ && arch_peek_user32(&insn, tf->elr) == 0)
            fault_decode_atomic(d, insn);
        return;
    }
    esr_decode(tf->esr, e);
    bool have_insn = e->cls == ESR_CLASS_DATA_ABORT && !e->wnr && !e->cm &&
                     arch_peek_user32(&insn, tf->elr) == 0;
    fault_decode(e, tf->far, have_insn, insn, d);
}

void fault_handle(trap_frame_t *tf)
{
    thread_t *t = current;
    esr_info_t e;
    fault_decoded_t d;

    decode(tf, &e, &d);

    if (settle_locally(t, &d))
        return;
    set_message(t, &d, tf->elr, tf->esr);
    if (d.to_pager && (d.flags & FL_FAULT_FAR_VALID) && d.addr >= USER_TOP) {
        /* No pager can map kernel memory: say so without asking one. */
        report(t, "bad", "kernel address");
        stop(t);
        sched_switch();
        return;
    }
    endpoint_t *ep = d.to_pager ? t->pager : t->exc_handler;
    if (!ep) {
        /* An abort no mapping can fix names its fault status code (e.g. an exclusive or atomic
         * access the memory does not support). */
        report(t, "bad",
               d.to_pager    ? "no pager"
               : d.is_memory ? e.fsc_name
                             : "no exception handler");
        stop(t);
        sched_switch();
        return;
    }
    t->in_fault = true;
    uint64_t badge = d.to_pager ? t->pager_badge : t->exc_badge;
    fault_deadline_arm(t, ep);
    fastpath_fault(ep, badge); /* returns only if the pager is not waiting */
    ipc_send(ep, badge, true);
    /* Back here once resolved: resume with the registers untouched. */
}

/* Drops the references pin_sources took on the first n source frames. */
static void unpin_sources(const vs_mapping_t *src, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        if (src[i].counted)
            page_unref(src[i].pa);
}

/* Takes a reference on every counted source frame; on failure none is left taken. */
static int pin_sources(const vs_mapping_t *src, uint64_t n, const char **why)
{
    for (uint64_t i = 0; i < n; i++) {
        if (src[i].counted && !page_ref(src[i].pa)) {
            unpin_sources(src, i);
            *why = "a pager frame is mapped too often";
            return FL_EFULL;
        }
    }
    return FL_OK;
}

/*
 * Applies a checked map reply: looks up and checks every source page, makes sure every source
 * frame holds a reference that no step of the reply can drop, and only then changes PTEs.
 * A source frame's reference is normally the pager's own mapping of it, which a reply into
 * another space never touches. A pager may also answer into its own space, with overlapping
 * ranges: then mapping destination page i can replace source page j > i, and frame j, its last
 * mapping gone, would be freed right there, mapped at destination j anyway, and reused as a
 * page table while still mapped. So in that case the reply takes a reference on every source
 * frame before the first PTE changes and drops them after the last. Either way the reply maps
 * exactly the frames the source range held when the pager replied.
 */
static int map_reply(thread_t *pager, thread_t *client, const fault_reply_t *r, const char **why)
{
    vs_mapping_t src[FL_FAULT_MAP_MAX];
    bool pin = client->space == pager->space; /* only then can a PTE change drop a source */
    int err = FL_OK;

    for (uint64_t i = 0; i < r->pages; i++) { /* never more than the pager has */
        vs_mapping_t *m = &src[i];
        vspace_lookup(pager->space->root, r->pager_va + i * PAGE_SIZE, m);
        if (!m->valid) {
            *why = "pager page not mapped";
            return FL_ENOENT;
        }
        if ((m->prot & r->prot) != r->prot) {
            *why = "more rights than the pager has";
            return FL_EPERM;
        }
    }
    if (pin && (err = pin_sources(src, r->pages, why)))
        return err;
    for (uint64_t i = 0; i < r->pages && !err; i++) {
        const vs_mapping_t *m = &src[i];
        unsigned flags = (m->counted ? 0 : VS_NOREF) | (m->device ? VS_DEVICE : 0) |
                         VS_PAGER; /* only a pager may change it now (space_pagers.c) */
        if (space_map_frame(client->space, r->client_va + i * PAGE_SIZE, m->pa, r->prot, flags)) {
            err = FL_ENOMEM;
            *why = "out of memory for page tables";
        }
    }
    if (pin)
        unpin_sources(src, r->pages);
    return err;
}

int fault_apply(thread_t *pager, thread_t *client, bool *resume)
{
    fault_reply_t r;
    const char *why = 0;
    uint64_t w[4] = {pager->tf->x[2], pager->tf->x[3], pager->tf->x[4], pager->tf->x[5]};
    int err = fault_reply_check(pager->tf->x[1], w, USER_TOP, &r, &why);

    if (!err && r.action == FL_FAULT_REPLY_MAP)
        err = map_reply(pager, client, &r, &why);
    *resume = false;
    if (err) {
        report(client, "unresolved", why);
        stop(client);
        return err;
    }
    if (r.action == FL_FAULT_REPLY_FAIL) {
        report(client, "bad", fail_names[r.reason]);
        stop(client);
        return FL_OK;
    }
    client->in_fault = false;
    client->fault_in_syscall = false; /* it runs its svc again */
    *resume = true;
    return FL_OK;
}

int fault_resolve(thread_t *pager, thread_t *client)
{
    bool resume;
    int err = fault_apply(pager, client, &resume);
    if (resume)
        sched_ready(client);
    return err;
}
