/* Starts the SDK's reference pager, then a client on it, and reports the client's status. */
#include <faultline/types.h>
#include <fl/runtime.h>
#include <fl/spawn.h>
#include <fl/syscall.h>
#include <fl/thread.h>
#include <stdio.h>

static int fail(const char *what, long r, const char *err)
{
    printf("sdk-ref: FAIL (%s: %ld %s)\n", what, r, err ? err : "");
    return 1;
}

int main(void)
{
    const char *err = NULL;
    fl_proc_t pager, client;
    long ep = fl_endpoint_create(), ntf = fl_notification_create(), r, status = -99;
    if (ep < 0 || ntf < 0)
        return fail("create", ep < 0 ? ep : ntf, NULL);
    fl_spawn_args_t pa = {
        .args = "pager",
        .pool = fl_pool(),
        .priority = FL_PRIORITY_DEFAULT,
        .give_pool = fl_pool(), /* the frames it hands out */
        .give_pool_rights = FL_RIGHT_READ | FL_RIGHT_WRITE,
        .nhandles = 1,
        .handles = {(fl_handle_t)ep},
        .rights = {FL_RIGHT_READ | FL_RIGHT_WRITE | FL_RIGHT_GRANT},
    };
    if ((r = fl_spawn_initrd(&pa, &pager, &err)) < 0)
        return fail("spawn pager", r, err);
    fl_spawn_args_t ca = {
        .args = "refclient",
        .pool = fl_pool(),
        .priority = FL_PRIORITY_DEFAULT,
        .pager = (fl_handle_t)ep, /* its whole memory belongs to the reference pager */
        .pager_notify = (fl_handle_t)ntf,
        .pager_notify_bits = 1,
    };
    if ((r = fl_spawn_initrd(&ca, &client, &err)) < 0)
        return fail("spawn refclient", r, err);
    if ((r = fl_proc_wait(&client, (fl_handle_t)ntf, 1, &status)) < 0)
        return fail("wait", r, NULL);
    printf("sdk-ref: %s (refclient exit %ld)\n", status == 0 ? "PASS" : "FAIL", status);
    return status == 0 ? 0 : 1;
}
