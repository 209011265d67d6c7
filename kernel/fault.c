/*
 * Fault forwarding, the heart of faultline. An EL0 data or instruction abort is decoded, the
 * cases the kernel can settle alone are settled (a stale TLB entry, a cleared access flag),
 * and everything else is sent to the thread's pager as if the thread had called it. The
 * pager's reply maps and resumes in the same kernel entry. The fault path holds no lock while
 * it waits: the thread is simply blocked, like any caller.
 */
#include <arch/arch.h>
#include <arch/context.h>
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
    const char *end = t->fault_in_kernel ? "the system call fails" : "thread stopped";
    if (FL_TAG_LABEL(m[0]) == FL_LABEL_EXCEPTION) {
        unsigned kind = FL_FAULT_KIND(m[4]);
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
    if (t->fault_in_kernel) { /* a syscall's copy: the syscall fails, the thread goes on */
        t->fault_failed = true;
        if (t != current)
            sched_ready(t);
        return;
    }
    t->space->exit_status = -1;
    thread_kill(t);
}

void fault_abandon(thread_t *client, const char *why)
{
    report(client, "unresolved", why);
    stop(client);
}

void fault_timed_out(thread_t *client, const char *why)
{
    report(client, "unresolved", why);
    if (client->fault_in_kernel) {
        stop(client); /* the system call fails with FL_EFAULT */
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
    t->fault_msg[0] = FL_TAG(d->is_memory ? FL_LABEL_PAGE_FAULT : FL_LABEL_EXCEPTION, 4, 0);
    t->fault_msg[1] = d->addr;
    t->fault_msg[2] = pc;
    t->fault_msg[3] = esr;
    t->fault_msg[4] = FL_FAULT_INFO(d->access, d->kind, d->level, d->flags, t->fault_seq);
}

/* Settles what needs no pager: a stale TLB entry or a cleared access flag. */
static bool settle_locally(thread_t *t, const fault_decoded_t *d)
{
    if (!d->is_memory || !(d->flags & FL_FAULT_FAR_VALID) || d->addr >= USER_TOP)
        return false;
    vs_mapping_t m;
    vspace_lookup(t->space->root, d->addr & PAGE_MASK, &m);
    if (!m.valid)
        return false;
    if (d->kind == FL_FAULT_ACCESS_FLAG) {
        vspace_set_accessed(t->space->root, d->addr & PAGE_MASK); /* software AF */
        return true;
    }
    unsigned need = d->access == FL_FAULT_WRITE  ? FL_PROT_WRITE
                    : d->access == FL_FAULT_EXEC ? FL_PROT_EXEC
                                                 : FL_PROT_READ;
    if ((m.prot & need) == need && d->kind != FL_FAULT_ALIGNMENT && d->kind != FL_FAULT_EXTERNAL) {
        vspace_flush_page(asid_of(t->space->asid_ctx), d->addr & PAGE_MASK); /* stale TLB */
        return true;
    }
    return false;
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
    if (!t->pager || t->pager->closed)
        return false;
    d.flags |= FL_FAULT_SYSCALL;
    set_message(t, &d, t->tf->elr - 4, e->raw);
    t->in_fault = true;
    t->fault_in_kernel = true;
    t->fault_failed = false;
    fault_deadline_arm(t, t->pager);
    ipc_send(t->pager, t->pager_badge, true); /* blocks until the pager answers */
    t->fault_in_kernel = false;
    return !t->fault_failed;
}

void fault_handle(trap_frame_t *tf)
{
    thread_t *t = current;
    esr_info_t e;
    fault_decoded_t d;
    uint32_t insn = 0;

    esr_decode(tf->esr, &e);
    /* Only a read fault can be the read half of an atomic: look at the instruction then. */
    bool have_insn = e.cls == ESR_CLASS_DATA_ABORT && !e.wnr && !e.cm &&
                     arch_copy_from_user(&insn, (const void *)tf->elr, sizeof(insn)) == 0;
    fault_decode(&e, tf->far, have_insn, insn, &d);

    if (settle_locally(t, &d))
        return;
    set_message(t, &d, tf->elr, tf->esr);
    if (d.is_memory && (d.flags & FL_FAULT_FAR_VALID) && d.addr >= USER_TOP) {
        /* No pager can map kernel memory: say so without asking one. */
        report(t, "bad", "kernel address");
        stop(t);
        sched_switch();
        return;
    }
    endpoint_t *ep = d.is_memory ? t->pager : t->exc_handler;
    if (!ep) {
        report(t, "bad", d.is_memory ? "no pager" : "no exception handler");
        stop(t);
        sched_switch();
        return;
    }
    t->in_fault = true;
    uint64_t badge = d.is_memory ? t->pager_badge : t->exc_badge;
    fault_deadline_arm(t, ep);
    fastpath_fault(ep, badge); /* returns only if the pager is not waiting */
    ipc_send(ep, badge, true);
    /* Back here once resolved: resume with the registers untouched. */
}

int fault_apply(thread_t *pager, thread_t *client, bool *resume)
{
    fault_reply_t r;
    const char *why = 0;
    uint64_t w[4] = {pager->tf->x[2], pager->tf->x[3], pager->tf->x[4], pager->tf->x[5]};
    int err = fault_reply_check(pager->tf->x[1], w, USER_TOP, &r, &why);

    if (!err && r.action == FL_FAULT_REPLY_MAP) {
        /* Never more than the pager has: every source page mapped with at least r.prot. */
        vs_mapping_t src[FL_FAULT_MAP_MAX];
        for (uint64_t i = 0; i < r.pages && !err; i++) {
            vs_mapping_t *m = &src[i];
            vspace_lookup(pager->space->root, r.pager_va + i * PAGE_SIZE, m);
            if (!m->valid)
                err = FL_ENOENT, why = "pager page not mapped";
            else if ((m->prot & r.prot) != r.prot)
                err = FL_EPERM, why = "more rights than the pager has";
        }
        for (uint64_t i = 0; i < r.pages && !err; i++) {
            const vs_mapping_t *m = &src[i];
            unsigned flags = (m->counted ? 0 : VS_NOREF) | (m->device ? VS_DEVICE : 0) |
                             VS_PAGER; /* only a pager may change it now (space_pagers.c) */
            if (space_map_frame(client->space, r.client_va + i * PAGE_SIZE, m->pa, r.prot, flags))
                err = FL_ENOMEM, why = "out of memory for page tables";
        }
    }
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
