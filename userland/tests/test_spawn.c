/*
 * Processes come and go without leaking: spawning, exiting, destroying a running process,
 * refusing bad images, and running out of a pool's quota half-way through building one.
 * The runner checks the free-frame count around each test; these check it per round too.
 */
#include "tests.h"
#include <lib/cpio.h>
#include <stdio.h>
#include <string.h>

const char *test_spawn_exit_leak(void)
{
    fl_handle_t reports;
    long r, base = 0;

    CHECK_OK(r, fl_endpoint_create());
    reports = test_handle(r);
    for (int round = 0; round < 8; round++) {
        static fl_proc_t p;
        char args[32];
        const char *err = NULL;
        uint64_t badge;
        long status;

        p = (fl_proc_t){0};
        snprintf(args, sizeof(args), "exit_now %d", round + 3);
        r = test_spawn(&p, args, 0, 0, reports, 0x1000 + round, &err);
        CHECK(r == 0, "round %d: cannot spawn: %s (%s)", round, err, fl_strerror(r));
        CHECK_EQ(test_wait_exit(reports, &badge, &status), FL_OK);
        CHECK(badge == 0x1000 + (uint64_t)round && status == round + 3,
              "round %d: exit from badge %#llx with status %ld", round, (unsigned long long)badge,
              status);
        fl_proc_destroy(&p);
        long now = fl_frames_free();
        for (int i = 0; i < 100 && round > 0 && now != base; i++) {
            fl_yield();
            now = fl_frames_free();
        }
        if (round == 0)
            base = now;
        CHECK(now == base, "round %d: %ld frames free, %ld after round 0", round, now, base);
    }

    /* Destroying a process that is still running frees it too. */
    static fl_proc_t spin;
    const char *err = NULL;
    fl_handle_t started;
    CHECK_OK(r, fl_notification_create());
    started = test_handle(r);
    r = test_spawn(&spin, "spinner", started, FL_RIGHT_WRITE, 0, 0, &err);
    CHECK(r == 0, "cannot spawn spinner: %s (%s)", err, fl_strerror(r));
    CHECK_EQ(fl_wait(started), 1);
    fl_proc_destroy(&spin);
    return NULL;
}

const char *test_spawn_bad_images(void)
{
    static uint8_t copy[4096];
    const void *initrd, *image;
    size_t size;
    cpio_entry_t ent;
    fl_proc_t p = {0};
    const char *err = NULL;

    CHECK(fl_initrd(&initrd, &size) == 0, "init has no initrd");
    CHECK_EQ(cpio_find(initrd, size, "exit_now", &ent, &err), FL_OK);
    image = ent.data;
    CHECK(ent.size > sizeof(copy), "exit_now is only %zu bytes", ent.size);

    fl_spawn_args_t a = {.pool = fl_pool(), .priority = FL_PRIORITY_DEFAULT, .args = "bad"};
    /* Not an ELF at all. */
    memset(copy, 0x5a, sizeof(copy));
    a.image = copy;
    a.image_size = sizeof(copy);
    CHECK_EQ(fl_spawn(&a, &p, &err), FL_ECORRUPT);
    /* Truncated: the headers are there, the segments' bytes are not. */
    memcpy(copy, image, sizeof(copy));
    CHECK_EQ(fl_spawn(&a, &p, &err), FL_ECORRUPT);
    /* Truncated inside the ELF header. */
    a.image_size = 40;
    CHECK_EQ(fl_spawn(&a, &p, &err), FL_ECORRUPT);
    /* Another machine. */
    copy[18] = 62; /* EM_X86_64 */
    a.image_size = sizeof(copy);
    CHECK_EQ(fl_spawn(&a, &p, &err), FL_ECORRUPT);
    CHECK(p.space == 0 && p.thread == 0, "a refused spawn left handles %u/%u", p.space, p.thread);
    /* Not in the initrd. */
    a.args = "no-such-program";
    CHECK_EQ(fl_spawn_initrd(&a, &p, &err), FL_ENOENT);
    return NULL;
}

const char *test_spawn_pool_quota(void)
{
    fl_handle_t tiny, big, reports;
    static fl_proc_t p;
    const char *err = NULL;
    uint64_t limit = 0, badge;
    long r, status;

    CHECK_OK(r, fl_endpoint_create());
    reports = test_handle(r);

    /* Too small for a process: the spawn fails part-way and undoes itself. */
    CHECK_OK(r, fl_pool_create(fl_pool(), 6));
    tiny = test_handle(r);
    fl_spawn_args_t a = {
        .args = "exit_now", .pool = tiny, .priority = FL_PRIORITY_DEFAULT, .parent = reports};
    p = (fl_proc_t){0};
    r = fl_spawn_initrd(&a, &p, &err);
    CHECK(r == FL_ENOMEM, "spawn in a 6-frame pool: %ld (%s), %s", r, fl_strerror(r),
          err ? err : "");
    CHECK(p.space == 0, "the failed spawn kept its space handle");
    CHECK_EQ(fl_pool_info(tiny, &limit), 0); /* everything it charged is back */
    CHECK(limit == 6, "pool limit %llu", (unsigned long long)limit);

    /* Big enough: the pool is charged while the process lives, and not after. */
    CHECK_OK(r, fl_pool_create(fl_pool(), 256));
    big = test_handle(r);
    a.pool = big;
    test_proc(&p);
    r = fl_spawn_initrd(&a, &p, &err);
    CHECK(r == 0, "spawn in a 256-frame pool: %s (%s)", err, fl_strerror(r));
    long used;
    CHECK_OK(used, fl_pool_info(big, NULL));
    CHECK(used > 0, "a live process charges nothing to its pool");
    CHECK_EQ(test_wait_exit(reports, &badge, &status), FL_OK);
    fl_proc_destroy(&p);
    CHECK_EQ(fl_pool_info(big, NULL), 0);
    return NULL;
}
