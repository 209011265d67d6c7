/* Helpers for the pager tests and demo; see harness.h. */
#include <faultline/fault.h>
#include <fl/runtime.h>
#include <fl/thread.h>
#include <stdio.h>

#include "harness.h"
#include "tests.h"

static const char *fail(const char *what, long err)
{
    static char buf[128];
    snprintf(buf, sizeof(buf), "%s: %s", what, fl_strerror(err));
    return buf;
}

const char *pg_start(pg_env_t *e, uint64_t frames, const char *args, int tracked)
{
    long r;
    e->ep = e->ntf = e->pool = 0;
    e->pager = (fl_proc_t){0};
    if ((r = fl_endpoint_create()) < 0)
        return fail("endpoint", r);
    e->ep = tracked ? test_handle(r) : (fl_handle_t)r;
    if ((r = fl_notification_create()) < 0)
        return fail("notification", r);
    e->ntf = tracked ? test_handle(r) : (fl_handle_t)r;
    fl_handle_t pool = fl_pool();
    if (frames) {
        if ((r = fl_pool_create(fl_pool(), frames)) < 0)
            return fail("pool", r);
        e->pool = pool = tracked ? test_handle(r) : (fl_handle_t)r;
    }
    fl_spawn_args_t a = {
        .args = args,
        .pool = pool,
        .priority = FL_PRIORITY_DEFAULT,
        .give_pool = pool,
        .give_pool_rights = FL_RIGHT_READ | FL_RIGHT_WRITE,
        .nhandles = 1,
        .handles = {e->ep},
        .rights = {FL_RIGHT_READ | FL_RIGHT_WRITE | FL_RIGHT_GRANT},
    };
    const char *err = "?";
    if (tracked)
        test_proc(&e->pager);
    if ((r = fl_spawn_initrd(&a, &e->pager, &err)) < 0)
        return fail(err, r);
    return NULL;
}

const char *pg_spawn(pg_env_t *e, fl_proc_t *p, const char *args, uint64_t bits, uint64_t stack_max,
                     int tracked)
{
    fl_spawn_args_t a = {
        .args = args,
        .pool = fl_pool(),
        .priority = FL_PRIORITY_DEFAULT,
        .give_pool = fl_pool(),
        .give_pool_rights = FL_RIGHT_READ | FL_RIGHT_WRITE | FL_RIGHT_GRANT, /* fork gives it */
        .pager = e->ep,
        .pager_notify = e->ntf,
        .pager_notify_bits = bits,
        .stack_max = stack_max,
    };
    const char *err = "?";
    if (tracked)
        test_proc(p);
    long r = fl_spawn_initrd(&a, p, &err);
    return r < 0 ? fail(err, r) : NULL;
}

const char *pg_wait(pg_env_t *e, fl_proc_t *p, uint64_t bits, long *status)
{
    long r = fl_proc_wait(p, e->ntf, bits, status);
    return r < 0 ? fail("wait", r) : NULL;
}

void pg_stop(pg_env_t *e)
{
    fl_proc_destroy(&e->pager);
    if (e->ep)
        fl_handle_close(e->ep);
    if (e->ntf)
        fl_handle_close(e->ntf);
    if (e->pool)
        fl_handle_close(e->pool);
    e->ep = e->ntf = e->pool = 0;
}

const char *pg_reason_name(unsigned reason)
{
    switch (reason) {
    case FL_FAULT_FAIL_NO_REGION: return "no region";
    case FL_FAULT_FAIL_PERMISSION: return "no permission";
    case FL_FAULT_FAIL_GUARD: return "guard";
    case FL_FAULT_FAIL_NO_MEMORY: return "out of memory";
    case FL_FAULT_FAIL_BUS: return "bus error";
    }
    return "other";
}
