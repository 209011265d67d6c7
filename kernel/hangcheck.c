/*
 * The hang check (boot argument fl.hangcheck=SECONDS, off by default): a diagnostic for lost
 * wakeups. The kernel has no timed waits, so once every CPU idles with an empty run queue
 * while threads exist, only a device interrupt or a fault deadline can ever make one of them
 * ready again. When that lasts SECONDS, this prints each CPU's scheduler state (with the GIC's
 * view of its SGIs and PPIs where the GIC can tell) and what every thread waits for, once per
 * such episode. It runs on CPU 0's timer tick, under the big kernel lock, and costs a loop over
 * the CPUs per tick while enabled; nothing when off. A system waiting for console input is
 * idle too: enable it only where something should always be running (tests, demos).
 */
#include <arch/gic.h>
#include <kernel/bootargs.h>
#include <kernel/cpu.h>
#include <kernel/hangcheck.h>
#include <kernel/ipc.h>
#include <kernel/printk.h>
#include <kernel/space.h>
#include <kernel/thread.h>

#define TICKS_PER_SECOND 100 /* arch_timer_start's rate (kernel/boot.c, arch/arm64/smp.c) */

static uint64_t limit; /* ticks of idling before the report; 0: off */
static uint64_t idled; /* ticks every CPU has idled in a row */
static bool reported;  /* this episode was reported */

void hangcheck_init(const char *bootargs)
{
    char v[8];
    if (!bootargs_get(bootargs, "fl.hangcheck", v, sizeof(v)))
        return;
    unsigned s = 0;
    for (const char *c = v; *c >= '0' && *c <= '9' && s < 100000; c++)
        s = s * 10 + (unsigned)(*c - '0');
    limit = (uint64_t)(s ? s : 10) * TICKS_PER_SECOND;
    printk("hangcheck: on, reports after %lu s with every CPU idle\n",
           (unsigned long)(limit / TICKS_PER_SECOND));
}

static const char *state_name(thread_state_t s)
{
    switch (s) {
    case TS_STOPPED: return "stopped (never started)";
    case TS_READY: return "ready";
    case TS_RUNNING: return "running";
    case TS_SEND: return "waits to send";
    case TS_RECV: return "waits to receive";
    case TS_REPLY: return "waits for a reply";
    case TS_NOTIFY_WAIT: return "waits on a notification";
    case TS_DEAD: return "dead";
    }
    return "?";
}

static void report(void)
{
    unsigned n = 0;
    for (thread_t *t = thread_live_first(); t; t = t->live_next)
        n++;
    printk("hangcheck: every CPU idle for %lu s, %u threads, none ready: a lost wakeup, or "
           "user threads waiting for each other\n",
           (unsigned long)(limit / TICKS_PER_SECOND), n);
    for (unsigned i = 0; i < cpus_online; i++) {
        cpu_t *c = &cpus[i];
        uint32_t pend, act, en;
        printk("hangcheck: cpu %u: %s, run queues %#x, need_resched %u, stall %u/%u, space %u", i,
               c->cur == c->idle ? "idle" : "busy", c->runq_bits, (unsigned)c->need_resched,
               c->stall_seq, c->stall_done, c->active_space ? c->active_space->id : 0);
        if (gic_banked_state(&c->arch, &pend, &act, &en))
            printk(", SGI/PPI pending %#x active %#x enabled %#x", pend, act, en);
        printk("\n");
    }
    for (thread_t *t = thread_live_first(); t; t = t->live_next) {
        printk("hangcheck: thread %u (space %u, prio %u, cpu %u, affinity %#x): %s", t->id,
               t->space ? t->space->id : 0, t->prio, t->cpu, t->affinity, state_name(t->state));
        if (t->state == TS_SEND || t->state == TS_RECV)
            printk(" on endpoint %p (badge %#lx)", (void *)t->ep, (unsigned long)t->send_badge);
        if (t->state == TS_REPLY && t->replier)
            printk(" from thread %u", t->replier->id);
        if (t->state == TS_NOTIFY_WAIT && t->ntf)
            printk(" %p (bits %#lx)", (void *)t->ntf, (unsigned long)t->ntf->bits);
        if (t->in_fault)
            printk(", in a fault at %#lx", (unsigned long)t->fault_msg[1]);
        if (t->reply_to)
            printk(", owes thread %u a reply", t->reply_to->id);
        printk("\n");
    }
}

void hangcheck_tick(void)
{
    bool all_idle = thread_live_first() != NULL;
    for (unsigned i = 0; i < cpus_online && all_idle; i++)
        all_idle = cpus[i].cur == cpus[i].idle && !cpus[i].runq_bits;
    if (!all_idle) {
        idled = 0;
        reported = false;
        return;
    }
    if (++idled >= limit && !reported) {
        reported = true;
        report();
    }
}

bool hangcheck_on(void)
{
    return limit != 0;
}
