/*
 * In-OS tests of the virtio-blk driver (blkdrv) and the block protocol, linked into init.
 * Each test spawns a driver in a pool of its own, offers it every virtio-mmio transport of
 * the boot information until one holds a block device, opens a session, and checks reads,
 * writes, requests in flight and errors against the disk made by make-test-disk.sh (every
 * 8-byte word of sector s is blk_pattern(s, word)). Without a block device a test says it
 * skipped and passes; on a disk without that pattern it does not write.
 *
 * Starting and stopping the driver (including resetting a device whose driver does not
 * answer, and parking its IRQ): blkdrv_env.c.
 */
#include "blk_client.h"
#include "blkdrv_env.h"
#include "tests.h"
#include <faultline/bootinfo.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define TEST_SECTORS 8192 /* make-test-disk.sh's size */
#define TEST_PAGES   32
/* The shared buffer and a register window go in the 2 MiB block of init's stack (the stack is
 * its top 16 pages): its page table already exists, so mapping there charges init nothing
 * that outlives the test. */
#define TEST_BUF_VA 0x7fffe00000UL

static uint64_t blk_pattern(uint64_t sector, unsigned word)
{
    return 0xb10c000000000000ULL | sector << 16 | word;
}

typedef struct blk_env {
    blkdrv_env_t blk;
    fl_proc_t drv;
    blk_client_t c;
    bool test_disk; /* the disk has the pattern: writes are allowed */
} blk_env_t;

static blk_env_t env;

/* Checks that sectors [sector, +count) at byte off of the buffer hold the pattern. */
static const char *check_pattern(blk_env_t *e, uint64_t sector, uint64_t count, uint64_t off)
{
    const uint64_t *w = (const uint64_t *)(e->c.buf + off);
    for (uint64_t s = 0; s < count; s++)
        for (unsigned i = 0; i < BLK_SECTOR_SIZE / 8; i++)
            CHECK(w[s * 64 + i] == blk_pattern(sector + s, i),
                  "sector %llu word %u: %#llx, expected %#llx", (unsigned long long)(sector + s), i,
                  (unsigned long long)w[s * 64 + i],
                  (unsigned long long)blk_pattern(sector + s, i));
    return NULL;
}

static void fill_pattern(blk_env_t *e, uint64_t sector, uint64_t count, uint64_t off)
{
    uint64_t *w = (uint64_t *)(e->c.buf + off);
    for (uint64_t s = 0; s < count; s++)
        for (unsigned i = 0; i < BLK_SECTOR_SIZE / 8; i++)
            w[s * 64 + i] = blk_pattern(sector + s, i);
}

/* Runs body with a driver and an open session, or skips; cleans up either way. */
static const char *blk_run(const char *name, const char *(*body)(blk_env_t *))
{
    const char *why;
    long r;

    memset(&env, 0, sizeof(env));
    why = blkdrv_env_start(&env.blk, &env.drv, 0xb10c);
    if (!why && env.blk.dev < 0) {
        printf("blk: %s skipped: no virtio-blk device attached\n", name);
    } else if (!why) {
        r = blk_open(&env.c, env.blk.ep, blkdrv_env_ipc(), fl_self_space(), TEST_BUF_VA,
                     TEST_PAGES);
        if (r < 0)
            why = test_failf("blk_open: %s", fl_strerror(r));
        if (!why && (r = blk_read(&env.c, 0, 1, 0)) < 0)
            why = test_failf("reading sector 0: %s", fl_strerror(r));
        env.test_disk = !why && !check_pattern(&env, 0, 1, 0);
        if (!why && !env.test_disk)
            printf("blk: %s skipped: the disk is not make-test-disk.sh's\n", name);
        if (!why && env.test_disk)
            why = body(&env);
    }
    if (env.c.session)
        blk_close(&env.c);
    blkdrv_env_stop(&env.blk, &env.drv);
    return why;
}

/* --- the tests -------------------------------------------------------------------------------- */

/* Capacity, the pattern in several places and shapes, write + flush + read back. */
static const char *disk_body(blk_env_t *e)
{
    blk_client_t *c = &e->c;

    CHECK(e->blk.capacity == TEST_SECTORS && c->capacity == TEST_SECTORS,
          "capacity %llu (ATTACH) / %llu (INFO), expected %u", (unsigned long long)e->blk.capacity,
          (unsigned long long)c->capacity, TEST_SECTORS);
    CHECK(c->max_sectors >= 8, "at most %u sectors per request", c->max_sectors);
    /* One request as large as allowed, another at a sector-aligned but not page-aligned
     * offset (so it spans pages), and the last sector. */
    memset(c->buf, 0, c->buf_bytes);
    CHECK_EQ(blk_read(c, 0, c->max_sectors, 0), FL_OK);
    const char *why = check_pattern(e, 0, c->max_sectors, 0);
    if (why)
        return why;
    CHECK_EQ(blk_read(c, 1000, 16, 3 * 512), FL_OK);
    if ((why = check_pattern(e, 1000, 16, 3 * 512)))
        return why;
    CHECK_EQ(blk_read(c, TEST_SECTORS - 1, 1, 8192), FL_OK);
    if ((why = check_pattern(e, TEST_SECTORS - 1, 1, 8192)))
        return why;

    /* Write something else, flush, read it back into another place, then restore. */
    uint64_t *w = (uint64_t *)c->buf;
    for (unsigned i = 0; i < 8 * 64; i++)
        w[i] = ~blk_pattern(4096 + i / 64, i % 64);
    CHECK_EQ(blk_write(c, 4096, 8, 0), FL_OK);
    CHECK_EQ(blk_flush(c), FL_OK);
    memset(c->buf + 65536, 0, 8 * 512);
    CHECK_EQ(blk_read(c, 4096, 8, 65536), FL_OK);
    CHECK(memcmp(c->buf, c->buf + 65536, 8 * 512) == 0, "read back differs from what was written");
    CHECK_EQ(blk_read(c, 4095, 1, 65536), FL_OK); /* the neighbours are untouched */
    if ((why = check_pattern(e, 4095, 1, 65536)))
        return why;
    CHECK_EQ(blk_read(c, 4104, 1, 65536), FL_OK);
    if ((why = check_pattern(e, 4104, 1, 65536)))
        return why;
    fill_pattern(e, 4096, 8, 0);
    CHECK_EQ(blk_write(c, 4096, 8, 0), FL_OK);
    memset(c->buf, 0, 8 * 512);
    CHECK_EQ(blk_read(c, 4096, 8, 0), FL_OK);
    return check_pattern(e, 4096, 8, 0);
}

FL_TEST(blk_disk)
{
    return blk_run("blk_disk", disk_body);
}

/* Many requests queued before any is reaped; the driver saw several on the device at once. */
static const char *inflight_body(blk_env_t *e)
{
    enum { N = 24, SECTORS = 8 }; /* 24 x 4 KiB reads into 24 different pages */
    blk_client_t *c = &e->c;
    uint64_t tags[BLK_REAP_MAX], completed, most, errors;
    long results[BLK_REAP_MAX], r = 0;
    unsigned done = 0, seen[N] = {0};

    memset(c->buf, 0, c->buf_bytes);
    for (unsigned i = 0; i < N; i++) {
        r = blk_submit(c, BLK_MSG_READ, 7 * i * SECTORS + 3, SECTORS, i * 4096, 100 + i);
        CHECK(r == FL_OK, "submit %u: %s", i, fl_strerror(r));
    }
    while (done < N) {
        long n = blk_reap(c, tags, results, BLK_REAP_MAX);
        CHECK(n >= 0, "reap: %s", fl_strerror(n));
        for (long k = 0; k < n; k++) {
            unsigned i = (unsigned)(tags[k] - 100);
            CHECK(i < N && !seen[i], "completion with tag %llu", (unsigned long long)tags[k]);
            CHECK(results[k] == FL_OK, "request %u: %s", i, fl_strerror(results[k]));
            seen[i] = 1;
            done++;
        }
        if (n == 0)
            CHECK_OK(r, fl_wait(c->note));
    }
    for (unsigned i = 0; i < N; i++) {
        const char *why = check_pattern(e, 7 * i * SECTORS + 3, SECTORS, i * 4096);
        if (why)
            return why;
    }
    CHECK_EQ(blk_stats(e->blk.ep, &completed, &most, &errors), FL_OK);
    CHECK(most >= 2, "at most %llu request(s) were on the device at once",
          (unsigned long long)most);
    CHECK(errors == 0, "%llu device errors", (unsigned long long)errors);
    printf("blk: %u requests queued at once; up to %llu on the device together\n", N,
           (unsigned long long)most);

    /* Past the session's limit the driver says "later", and takes requests again after a
     * reap. */
    for (unsigned i = 0; i < BLK_SESSION_MAX; i++)
        CHECK_EQ(blk_submit(c, BLK_MSG_READ, i, 1, 0, 500 + i), FL_OK);
    CHECK_EQ(blk_submit(c, BLK_MSG_READ, 0, 1, 0, 999), FL_EAGAIN);
    for (unsigned i = 0; i < BLK_SESSION_MAX; i++)
        CHECK_EQ(blk_wait(c, 500 + i), FL_OK);
    CHECK_EQ(blk_read(c, 77, 1, 0), FL_OK);
    return check_pattern(e, 77, 1, 0);
}

FL_TEST(blk_inflight)
{
    return blk_run("blk_inflight", inflight_body);
}

/* A boot argument "blk.ioerror=R,W" says QEMU fails reads of sector R and writes of sector W
 * (blkdebug, test/blk.cmake). */
static int ioerror_sectors(uint64_t *rd, uint64_t *wr)
{
    char args[sizeof(fl_bootinfo->bootargs) + 1];
    unsigned long long a, b;
    memcpy(args, fl_bootinfo->bootargs, sizeof(fl_bootinfo->bootargs));
    args[sizeof(args) - 1] = '\0';
    const char *p = strstr(args, "blk.ioerror=");
    if (!p || sscanf(p + 12, "%llu,%llu", &a, &b) != 2)
        return 0;
    *rd = a;
    *wr = b;
    return 1;
}

/* Requests the driver refuses, and device errors: each is an error for the client only. */
static const char *errors_body(blk_env_t *e)
{
    blk_client_t *c = &e->c;
    uint64_t cap = c->capacity, rd, wr;
    const char *why;

    CHECK_EQ(blk_submit(c, BLK_MSG_READ, cap, 1, 0, 1), FL_ERANGE);
    CHECK_EQ(blk_submit(c, BLK_MSG_READ, cap - 1, 2, 0, 1), FL_ERANGE);
    CHECK_EQ(blk_submit(c, BLK_MSG_WRITE, ~0ULL - 1, 4, 0, 1), FL_ERANGE);
    CHECK_EQ(blk_submit(c, BLK_MSG_READ, 0, 0, 0, 1), FL_EINVAL);
    CHECK_EQ(blk_submit(c, BLK_MSG_READ, 0, c->max_sectors + 1, 0, 1), FL_EINVAL);
    CHECK_EQ(blk_submit(c, BLK_MSG_READ, 0, 1, 100, 1), FL_EINVAL);
    CHECK_EQ(blk_submit(c, BLK_MSG_READ, 0, 2, c->buf_bytes - 512, 1), FL_EINVAL);
    CHECK_EQ(blk_submit(c, 0xb10c77, 0, 1, 0, 1), FL_EINVAL);
    /* Session requests through the owner's handle, and INFO / OPEN mistakes. */
    fl_msg_t m = {.tag = FL_TAG(BLK_MSG_READ, 4, 0), .w = {0, 1, 0, 1}};
    CHECK_EQ(fl_call(e->blk.ep, &m), 0);
    CHECK_EQ((long)m.w[0], FL_EPERM);
    m = (fl_msg_t){.tag = FL_TAG(BLK_MSG_OPEN, 3, 0), .w = {TEST_BUF_VA, 1, 1}};
    CHECK_EQ(fl_call(e->blk.ep, &m), 0);
    CHECK_EQ((long)m.w[0], FL_EINVAL); /* no handles */
    /* The driver still works, and nothing reached the device. */
    CHECK_EQ(blk_read(c, 5, 2, 0), FL_OK);
    if ((why = check_pattern(e, 5, 2, 0)))
        return why;

    if (!ioerror_sectors(&rd, &wr)) {
        printf("blk: blk_errors: no blk.ioerror= boot argument, device errors not tested\n");
        return NULL;
    }
    uint64_t completed, most, errors;
    CHECK_EQ(blk_read(c, rd, 1, 0), FL_EIO);
    CHECK_EQ(blk_read(c, rd - 1, 1, 0), FL_OK);
    if ((why = check_pattern(e, rd - 1, 1, 0)))
        return why;
    fill_pattern(e, wr, 1, 0);
    CHECK_EQ(blk_write(c, wr, 1, 0), FL_EIO);
    CHECK_EQ(blk_read(c, wr, 1, 0), FL_OK); /* reads of that sector are fine */
    if ((why = check_pattern(e, wr, 1, 0)))
        return why;
    /* A failing request among good ones in flight fails alone. */
    CHECK_EQ(blk_submit(c, BLK_MSG_READ, rd - 8, 8, 0, 1), FL_OK);
    CHECK_EQ(blk_submit(c, BLK_MSG_READ, rd, 1, 8192, 2), FL_OK);
    CHECK_EQ(blk_submit(c, BLK_MSG_READ, rd + 1, 8, 16384, 3), FL_OK);
    CHECK_EQ(blk_wait(c, 3), FL_OK);
    CHECK_EQ(blk_wait(c, 2), FL_EIO);
    CHECK_EQ(blk_wait(c, 1), FL_OK);
    if ((why = check_pattern(e, rd - 8, 8, 0)) || (why = check_pattern(e, rd + 1, 8, 16384)))
        return why;
    CHECK_EQ(blk_stats(e->blk.ep, &completed, &most, &errors), FL_OK);
    CHECK(errors == 3, "the driver counted %llu device errors, expected 3",
          (unsigned long long)errors);
    printf("blk: device errors on sectors %llu (read) and %llu (write) reported as FL_EIO\n",
           (unsigned long long)rd, (unsigned long long)wr);
    return NULL;
}

FL_TEST(blk_errors)
{
    return blk_run("blk_errors", errors_body);
}

/* Sessions end cleanly: a closed session's handle is refused, a new one works, the buffer's
 * frames come back (the runner checks), and OPEN refuses a buffer that is too big. */
static const char *session_body(blk_env_t *e)
{
    blk_client_t *c = &e->c, c2;
    fl_handle_t old = c->session;
    long r;

    CHECK_EQ(blk_submit(c, BLK_MSG_READ, 0, 1, 0, 1), FL_OK);
    CHECK_EQ(blk_close(c), FL_EBUSY); /* a request is still queued */
    CHECK_EQ(blk_wait(c, 1), FL_OK);
    c->session = 0; /* blk_close below closes our copy; keep it to test it */
    fl_msg_t m = {.tag = FL_TAG(BLK_MSG_CLOSE, 0, 0)};
    CHECK_EQ(fl_call(old, &m), 0);
    CHECK_EQ((long)m.w[0], FL_OK);
    fl_handle_close(c->note);
    c->note = 0;
    CHECK_EQ(blk_submit(&(blk_client_t){.session = old}, BLK_MSG_READ, 0, 1, 0, 1), FL_ENOENT);
    fl_handle_close(old);
    r = blk_open(&c2, e->blk.ep, blkdrv_env_ipc(), fl_self_space(), TEST_BUF_VA,
                 BLK_BUF_MAX_PAGES + 1);
    CHECK_EQ(r, FL_EINVAL);
    CHECK_EQ(blk_open(c, e->blk.ep, blkdrv_env_ipc(), fl_self_space(), TEST_BUF_VA, 4), FL_OK);
    CHECK_EQ(blk_read(c, 2, 8, 0), FL_OK);
    return check_pattern(e, 2, 8, 0);
}

FL_TEST(blk_session)
{
    return blk_run("blk_session", session_body);
}
