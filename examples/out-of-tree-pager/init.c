/*
 * init of the example's initrd (the kernel starts the program named init): starts the pattern
 * pager and a client whose pager it is, waits for the client's exit, asks the pager for its
 * counters, prints one PASS or FAIL line, and returns 0 or 1, which ends the system with that
 * status (faultline-run exits with it).
 */
#include <faultline/types.h>
#include <fl/runtime.h>
#include <fl/spawn.h>
#include <fl/start.h>
#include <fl/syscall.h>
#include <fl/thread.h>
#include <stdio.h>

#include "layout.h"

static int fail(const char *what, long r, const char *err)
{
    printf("out-of-tree-pager: FAIL (%s: %ld %s)\n", what, r, err ? err : "");
    return 1;
}

int main(void)
{
    const char *err = NULL;
    fl_proc_t pager, client;
    long ep = fl_endpoint_create(), reports = fl_endpoint_create(), r;
    if (ep < 0 || reports < 0)
        return fail("endpoint_create", ep < 0 ? ep : reports, NULL);
    /* The client's threads send faults through a badged, send-only handle to the endpoint. */
    long minted = fl_handle_mint((fl_handle_t)ep, PATTERN_BADGE, FL_RIGHT_WRITE);
    if (minted < 0)
        return fail("handle_mint", minted, NULL);

    fl_spawn_args_t pa = {
        .args = "pattern_pager",
        .pool = fl_pool(),
        .priority = FL_PRIORITY_DEFAULT,
        .nhandles = 1,
        .handles = {(fl_handle_t)ep}, /* its start handle 0: receives the faults */
        .rights = {FL_RIGHT_READ},
    };
    if ((r = fl_spawn_initrd(&pa, &pager, &err)) < 0)
        return fail("spawn pattern_pager", r, err);
    fl_spawn_args_t ca = {
        .args = "pattern_client",
        .pool = fl_pool(),
        .priority = FL_PRIORITY_DEFAULT,
        .parent = (fl_handle_t)reports, /* its exit status arrives there */
        .parent_badge = 1,
        .fault_handler = (fl_handle_t)minted,
    };
    if ((r = fl_spawn_initrd(&ca, &client, &err)) < 0)
        return fail("spawn pattern_client", r, err);

    fl_msg_t m;
    do {
        if ((r = fl_recv((fl_handle_t)reports, &m)) < 0)
            return fail("recv", r, NULL);
    } while (FL_TAG_LABEL(m.tag) != FL_START_MSG_EXIT);
    long status = (long)(int)m.w[0];

    m = (fl_msg_t){.tag = FL_TAG(PATTERN_QUIT, 0, 0)};
    if ((r = fl_call((fl_handle_t)ep, &m)) < 0)
        return fail("call pattern_pager", r, NULL);
    int pass = status == 0 && m.w[0] == PATTERN_PAGES + SCRATCH_PAGES && m.w[1] == 0 &&
               m.w[2] == PATTERN_PAGES;
    printf("out-of-tree-pager: %s (client exit %ld; pager mapped %llu pages, refused %llu)\n",
           pass ? "PASS" : "FAIL", status, (unsigned long long)m.w[0], (unsigned long long)m.w[1]);
    return pass ? 0 : 1;
}
