/*
 * Fault deadlines: a pager endpoint may be given a number of timer ticks within which every
 * fault sent to it must be answered (FL_SYS_ENDPOINT_SET, FL_EP_FAULT_DEADLINE; the same call
 * sets the endpoint's other pager attribute, FL_EP_SPACE_EVENTS). A live but stuck pager then
 * fails its clients' faults with a log line naming it, instead of hanging them forever: the
 * thread's exception handler gets the fault as FL_EXC_FAULT_FAILED (reason
 * FL_FAULT_FAIL_TIMEDOUT); without one the thread is stopped and its process ends with
 * FL_ETIMEDOUT, and a system call's copy fails with FL_ETIMEDOUT.
 *
 * Armed faults sit on one list (each thread holds a reference while on it). The timer tick
 * walks it only when it is not empty, and drops entries whose fault was answered meanwhile
 * (the thread is no longer in that fault), so no resolution path has to disarm anything.
 */
#include <arch/arch.h>
#include <faultline/errors.h>
#include <faultline/fault.h>
#include <faultline/ipc.h>
#include <faultline/syscall.h>
#include <kernel/fault.h>
#include <kernel/format.h>
#include <kernel/ipc.h>
#include <kernel/printk.h>
#include <kernel/syscall_impl.h>

static thread_t *armed; /* the list, through deadline_next */

void fault_deadline_arm(thread_t *t, endpoint_t *ep)
{
    if (!ep->deadline)
        return;
    t->fault_deadline = arch_timer_ticks() + ep->deadline;
    t->deadline_ticks = ep->deadline;
    t->deadline_seq = t->fault_seq;
    if (t->deadline_linked)
        return;
    kobj_get(&t->obj);
    t->deadline_linked = true;
    t->deadline_next = armed;
    armed = t;
}

/* Whether t still waits for the fault its deadline was armed for. */
static bool still_waiting(const thread_t *t)
{
    return t->state != TS_DEAD && t->in_fault && t->fault_seq == t->deadline_seq &&
           (t->state == TS_SEND || t->state == TS_REPLY);
}

static void expire(thread_t *t)
{
    char why[112];
    bool page_fault = FL_TAG_LABEL(t->fault_msg[0]) == FL_LABEL_PAGE_FAULT;
    const char *who = page_fault ? "pager" : "exception handler";
    if (t->state == TS_REPLY && t->replier)
        fmt_snprintf(why, sizeof(why), "its %s (thread %u, space %u) did not answer in %lu ticks",
                     who, t->replier->id, t->replier->space->id, (unsigned long)t->deadline_ticks);
    else
        fmt_snprintf(why, sizeof(why), "no %s took it from its endpoint (badge %#lx) in %lu ticks",
                     who, (unsigned long)t->send_badge, (unsigned long)t->deadline_ticks);
    ipc_withdraw_fault(t);
    endpoint_t *h = t->exc_handler;
    if (t->fault_in_syscall || !h || h->closed || !page_fault) { /* an exception stays failed */
        fault_timed_out(t, why);
        return;
    }
    /* The exception handler decides (recover, deliver a signal-like upcall, or fail it): it
     * gets the page fault back as FL_EXC_FAULT_FAILED, with the reason where the level was. */
    uint64_t info = t->fault_msg[4];
    printk("fault: thread %u (space %u): unresolved fault at %#lx, pc %#lx: %s; passed to its "
           "exception handler\n",
           t->id, t->space->id, (unsigned long)t->fault_msg[1], (unsigned long)t->fault_msg[2],
           why);
    t->fault_msg[0] = FL_TAG(FL_LABEL_EXCEPTION, 4, 0);
    t->fault_msg[4] = FL_FAULT_INFO(FL_FAULT_ACCESS(info), FL_EXC_FAULT_FAILED,
                                    FL_FAULT_FAIL_TIMEDOUT, FL_FAULT_FLAGS(info), ++t->fault_seq);
    ipc_send_fault_of(t, h, t->exc_badge);
    fault_deadline_arm(t, h);
}

void fault_deadline_tick(void)
{
    uint64_t now = arch_timer_ticks();
    thread_t **p = &armed;
    while (*p) {
        thread_t *t = *p;
        bool waiting = still_waiting(t);
        if (waiting && now < t->fault_deadline) {
            p = &t->deadline_next;
            continue;
        }
        *p = t->deadline_next; /* unlink first: expiring may end t's process */
        t->deadline_linked = false;
        t->deadline_next = NULL;
        if (waiting)
            expire(t);
        kobj_put(&t->obj);
    }
}

long sys_endpoint_set(trap_frame_t *tf)
{
    endpoint_t *ep;
    uint64_t v = tf->x[2];
    long err = lookup((fl_handle_t)tf->x[0], FL_OBJ_ENDPOINT, FL_RIGHT_MANAGE, (void **)&ep);
    if (err)
        return err;
    switch (tf->x[1]) {
    case FL_EP_FAULT_DEADLINE:
        if (v > FL_DEADLINE_MAX_TICKS)
            return FL_ERANGE;
        ep->deadline = v; /* faults already waiting keep the deadline they were sent with */
        return FL_OK;
    case FL_EP_SPACE_EVENTS:
        if (v > 1)
            return FL_EINVAL;
        ep->want_events = v;
        return FL_OK;
    default: return FL_EINVAL;
    }
}
