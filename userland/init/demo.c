/*
 * The demo: init spawns pong (a server) and ping (a client whose endpoint handle carries a
 * badge), lets them exchange a few messages, and waits for both to report their exit.
 */
#include "demo_faults.h"
#include "demo_pager.h"
#include "init.h"
#include <faultline/exit.h>
#include <fl/pingpong.h>
#include <fl/runtime.h>
#include <fl/spawn.h>
#include <fl/syscall.h>
#include <fl/thread.h>
#include <stdio.h>

#define BADGE_PING 0xb0b
#define CHILD_PONG 1
#define CHILD_PING 2

/* Receives exit messages on ep until the child with this badge reports; returns its status. */
static long wait_exit(fl_handle_t ep, uint64_t badge)
{
    fl_msg_t m;
    for (;;) {
        long r = fl_recv(ep, &m);
        if (r < 0)
            return r;
        if (FL_TAG_LABEL(m.tag) == FL_START_MSG_EXIT && m.badge == badge)
            return (long)(int)m.w[0];
        printf("init: unexpected message %#llx from badge %#llx\n", (unsigned long long)m.tag,
               (unsigned long long)m.badge);
    }
}

int demo_run(void)
{
    fl_proc_t pong = {0}, ping = {0};
    const char *err = NULL;
    int status = FL_EXIT_TEST_FAILED;
    long server = fl_endpoint_create(), reports = fl_endpoint_create(), client = -1, r;

    printf("init: demo: ping and pong exchange messages; pong sees ping's badge %#x\n", BADGE_PING);
    if (server < 0 || reports < 0) {
        printf("init: cannot create endpoints\n");
        goto out;
    }
    client = fl_handle_mint((fl_handle_t)server, BADGE_PING, FL_RIGHT_WRITE | FL_RIGHT_GRANT);
    if (client < 0) {
        printf("init: cannot mint a badged handle: %s\n", fl_strerror(client));
        goto out;
    }

    fl_spawn_args_t a = {
        .args = "pong",
        .pool = fl_pool(),
        .priority = FL_PRIORITY_DEFAULT,
        .parent = (fl_handle_t)reports,
        .parent_badge = CHILD_PONG,
        .nhandles = 1,
        .handles = {(fl_handle_t)server},
        .rights = {FL_RIGHT_READ},
    };
    if ((r = fl_spawn_initrd(&a, &pong, &err)) < 0) {
        printf("init: cannot start pong: %s (%s)\n", err, fl_strerror(r));
        goto out;
    }
    a.args = "ping 3 0xb0b";
    a.parent_badge = CHILD_PING;
    a.handles[0] = (fl_handle_t)client;
    a.rights[0] = FL_RIGHT_WRITE;
    if ((r = fl_spawn_initrd(&a, &ping, &err)) < 0) {
        printf("init: cannot start ping: %s (%s)\n", err, fl_strerror(r));
        goto out;
    }

    long ping_status = wait_exit((fl_handle_t)reports, CHILD_PING);
    printf("init: ping exited with status %ld\n", ping_status);
    fl_msg_t quit = {.tag = FL_TAG(PONG_MSG_QUIT, 0, 0)};
    r = fl_call((fl_handle_t)server, &quit);
    long pong_status = r < 0 ? r : wait_exit((fl_handle_t)reports, CHILD_PONG);
    printf("init: pong served %llu pings and exited with status %ld\n",
           (unsigned long long)quit.w[0], pong_status);
    printf("init: fault demo: init is the pager of faultdemo; one line per fault\n");
    int faults_ok = demo_faults_run() == 0;
    int pager_ok = demo_pager() == 0;
    /* Storage: the same programs the tests use, run as a demo (they print what they do). With
     * no disk attached the swap part says it skipped. */
    printf("init: storage demo: files of the initrd mapped through the pager's page cache, and "
           "a working set four times the pager's memory swapped to the virtio-blk disk\n");
    int storage_ok =
        tests_run("files_map_equals_initrd,files_page_cache_shared,swap_working_set") == 0;
    if (ping_status == 0 && pong_status == 0 && faults_ok && pager_ok && storage_ok)
        status = FL_EXIT_PASS;
    printf("init: demo %s\n", status == FL_EXIT_PASS ? "done" : "FAILED");

out:
    fl_proc_destroy(&ping);
    fl_proc_destroy(&pong);
    if (client >= 0)
        fl_handle_close((fl_handle_t)client);
    if (server >= 0)
        fl_handle_close((fl_handle_t)server);
    if (reports >= 0)
        fl_handle_close((fl_handle_t)reports);
    return status;
}
