/*
 * The fault demo (see demo_faults.h). Init spawns faultdemo one priority below itself, so it
 * can make itself faultdemo's pager before faultdemo runs, then serves its faults: pages come
 * from init's own bss (zeroed, then filled with a pattern), mapped with one reply each; the
 * first fault of pages 2-5 maps all four; page 6 gets a line of text; anything outside the
 * region is refused, which stops faultdemo.
 */
#include "demo_faults.h"
#include <faultline/fault.h>
#include <fl/runtime.h>
#include <fl/spawn.h>
#include <fl/syscall.h>
#include <fl/thread.h>
#include <stdio.h>
#include <string.h>

#define DEMO_BADGE_PAGER 0xdf
#define DEMO_BADGE_EXIT  0xde /* faultdemo's exit message (fl/start.h) */
#define DEMO_BADGE_END   0xdd /* the watcher: faultdemo's process has ended */

static const char demo_text[] = "faultdemo: this line came from a page mapped during the call\n";
_Static_assert(sizeof(demo_text) - 1 == DEMO_TEXT_LEN, "DEMO_TEXT_LEN is the text's length");

static uint8_t demo_pages[DEMO_PAGES][FL_PAGE_SIZE] __attribute__((aligned(FL_PAGE_SIZE)));

static const char *const access_names[] = {"read", "write", "exec"};
static const char *const kind_names[] = {"?",         "translation",  "permission", "access flag",
                                         "alignment", "address size", "external",   "other"};

/* Prints one fault and builds the reply. */
static fl_msg_t serve(const fl_msg_t *m)
{
    uint64_t addr = m->w[0], info = m->w[3];
    unsigned access = FL_FAULT_ACCESS(info), kind = FL_FAULT_KIND(info);
    unsigned flags = FL_FAULT_FLAGS(info);
    printf("demo: fault %u: %s at %#llx, pc %#llx: %s fault, level %d%s (ESR %#llx)",
           FL_FAULT_SEQ(info), access < 3 ? access_names[access] : "?", (unsigned long long)addr,
           (unsigned long long)m->w[1], kind < 8 ? kind_names[kind] : "?", FL_FAULT_LEVEL(info),
           flags & FL_FAULT_SYSCALL ? ", in a system call" : "", (unsigned long long)m->w[2]);

    if (addr < DEMO_VA || addr >= DEMO_VA + DEMO_PAGES * FL_PAGE_SIZE) {
        printf(" -> refused\n");
        return (fl_msg_t){.tag = FL_TAG(FL_FAULT_REPLY_FAIL, 1, 0), .w = {FL_FAULT_FAIL_NO_REGION}};
    }
    unsigned first = (unsigned)((addr - DEMO_VA) / FL_PAGE_SIZE), pages = 1;
    if (first == DEMO_AHEAD_FIRST)
        pages = DEMO_AHEAD;
    for (unsigned i = first; i < first + pages; i++) {
        uint64_t *words = (uint64_t *)demo_pages[i];
        memset(words, 0, FL_PAGE_SIZE);
        words[0] = 0x1000 * (i + 1);
    }
    if (first == DEMO_TEXT_PAGE)
        memcpy(demo_pages[first], demo_text, DEMO_TEXT_LEN);
    unsigned prot = FL_PROT_READ | (access == FL_FAULT_WRITE ? FL_PROT_WRITE : 0);
    printf(" -> map %u page%s %s\n", pages, pages > 1 ? "s" : "",
           prot & FL_PROT_WRITE ? "read-write" : "read-only");
    return (fl_msg_t){
        .tag = FL_TAG(FL_FAULT_REPLY_MAP, 4, 0),
        .w = {DEMO_VA + first * FL_PAGE_SIZE, (uint64_t)(uintptr_t)demo_pages[first], pages, prot}};
}

typedef struct {
    fl_handle_t watch, end;
} watcher_t;

/* FL_SYS_SPACE_STATUS: 1 and the exit status once the process has ended. */
static long demo_space_status(fl_handle_t space, long *status)
{
    register uint64_t x0 __asm__("x0") = space;
    register uint64_t x1 __asm__("x1") = 0;
    register uint64_t x8 __asm__("x8") = FL_SYS_SPACE_STATUS;
    __asm__ volatile("svc #0" : "+r"(x0), "+r"(x1), "+r"(x8) : : "memory");
    if ((long)x0 == 1)
        *status = (long)x1;
    return (long)x0;
}

/* Tells the pager loop when faultdemo's process ends, however it ends (the kernel may stop it
 * without asking the pager), so the loop never waits for a process that is gone. */
static void watcher(void *arg)
{
    watcher_t *w = arg;
    fl_msg_t m = {.tag = FL_TAG(1, 0, 0)};
    if (fl_wait(w->watch) > 0)
        fl_send(w->end, &m);
}

int demo_faults_run(void)
{
    static watcher_t w;
    unsigned faults = 0;
    long status = 0;
    int ok = 0;
    fl_thread_t wt = {.slot = -1};
    fl_proc_t proc = {0};
    const char *err = NULL;
    long ep = fl_endpoint_create(), pager = -1, end = -1, watch = fl_notification_create(), r;

    printf("demo: faultdemo touches pages nobody mapped; init is its pager\n");
    if (ep < 0 || watch < 0) {
        printf("demo: cannot create the endpoint: %s\n", fl_strerror(ep < 0 ? ep : watch));
        goto out;
    }
    /* The pager is set before faultdemo starts (fl_spawn does it): with several CPUs the
     * child runs at once on another one, and its first fault came before a pager set after
     * the spawn about once in a hundred runs (its lower priority only orders one CPU). */
    pager = fl_handle_mint((fl_handle_t)ep, DEMO_BADGE_PAGER, FL_RIGHT_WRITE);
    if (pager < 0) {
        printf("demo: cannot mint the pager endpoint: %s\n", fl_strerror(pager));
        goto out;
    }
    fl_spawn_args_t a = {.args = "faultdemo",
                         .pool = fl_pool(),
                         .priority = FL_PRIORITY_DEFAULT - 1,
                         .parent = (fl_handle_t)ep,
                         .parent_badge = DEMO_BADGE_EXIT,
                         .fault_handler = (fl_handle_t)pager};
    if ((r = fl_spawn_initrd(&a, &proc, &err)) < 0) {
        printf("demo: cannot spawn faultdemo: %s (%s)\n", err, fl_strerror(r));
        goto out;
    }
    /* (a process that has ended already is reported at once) */
    r = FL_SYSCALL3(FL_SYS_SPACE_WATCH, proc.space, watch, 1);
    if (r >= 0)
        r = end = fl_handle_mint((fl_handle_t)ep, DEMO_BADGE_END, FL_RIGHT_WRITE);
    if (r >= 0) {
        w = (watcher_t){(fl_handle_t)watch, (fl_handle_t)end};
        r = fl_thread_spawn(&wt, watcher, &w, FL_PRIORITY_DEFAULT);
    }
    if (r < 0) {
        printf("demo: cannot become faultdemo's pager: %s\n", fl_strerror(r));
        goto out;
    }
    for (;;) {
        fl_msg_t m;
        if ((r = fl_recv((fl_handle_t)ep, &m)) < 0) {
            printf("demo: receive failed: %s\n", fl_strerror(r));
            break;
        }
        if (m.badge == DEMO_BADGE_END) {
            demo_space_status(proc.space, &status);
            printf("demo: faultdemo's process ended with status %ld\n", status);
            ok = faults == DEMO_FAULTS && status == -1;
            break;
        }
        if (m.badge == DEMO_BADGE_EXIT) {
            printf("demo: faultdemo exited with %d\n", (int)m.w[0]);
            fl_space_destroy(proc.space); /* it waits for this; the watcher reports the end */
            continue;
        }
        if (m.badge != DEMO_BADGE_PAGER || FL_TAG_LABEL(m.tag) != FL_LABEL_PAGE_FAULT)
            continue;
        fl_msg_t reply = serve(&m);
        faults++;
        if ((r = fl_reply(&reply)) < 0)
            printf("demo: the kernel refused the reply: %s\n", fl_strerror(r));
    }
out:
    fl_proc_destroy(&proc); /* a watcher still waiting wakes up */
    if (ep > 0)
        fl_handle_close((fl_handle_t)ep); /* and its report, if nobody took it, fails */
    if (wt.slot >= 0)
        fl_thread_join(&wt);
    if (end > 0)
        fl_handle_close((fl_handle_t)end);
    if (pager > 0)
        fl_handle_close((fl_handle_t)pager);
    if (watch > 0)
        fl_handle_close((fl_handle_t)watch);
    return ok ? 0 : -1;
}

void demo_faults(void)
{
    demo_faults_run();
}
