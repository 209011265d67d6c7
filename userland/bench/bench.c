/*
 * bench: faultline's deterministic benchmark (docs/benchmarks.md, issue 7). Runs as init of
 * bench-initrd.cpio, spawns benchsrv (the server and pager, bench.h) and measures guest
 * instructions per operation with the PMU. Prints one machine-readable line per row:
 *
 *   BENCH <name> <median> <min> <max> <samples>      instructions per operation
 *   BENCH_SKIP <name> <reason>                        a row that cannot be measured yet
 *   BENCHMEM <key> <value> ...                        frame counts, for the kernel's memory
 *   BENCH_DONE <rows> <failures>
 *
 * Each row runs one warm-up batch, then bench.batches batches (default 9) of bench.iters
 * operations (default 256); a sample is one batch's count divided by its operations. The split
 * legs are single operations, every one a sample. tools/bench turns the lines into tables.
 */
#include "bench.h"
#include "bench_rows.h"
#include <faultline/exit.h>
#include <fl/runtime.h>
#include <fl/spawn.h>
#include <fl/thread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bench_t B;

/* --- results ------------------------------------------------------------------------------- */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

void bench_report(const char *name, uint64_t *s, unsigned n)
{
    if (n == 0) {
        bench_fail(name, "no samples", 0);
        return;
    }
    qsort(s, n, sizeof(*s), cmp_u64);
    printf("BENCH %s %llu %llu %llu %u\n", name, (unsigned long long)s[(n - 1) / 2],
           (unsigned long long)s[0], (unsigned long long)s[n - 1], n);
    B.rows++;
}

void bench_fail(const char *name, const char *what, long err)
{
    printf("BENCH_FAIL %s %s: %s\n", name, what, fl_strerror(err));
    B.failures++;
}

/* One batch's count per operation, rounded to the nearest instruction. */
uint64_t bench_per_op(uint64_t delta, uint64_t ops)
{
    return (delta + ops / 2) / ops;
}

/* A control call to benchsrv; 0 or the error it reported. */
long bench_ctl(uint64_t label, uint64_t a, uint64_t b, uint64_t c)
{
    fl_msg_t m = {.tag = FL_TAG(label, 3, 0), .w = {a, b, c}};
    long r = fl_call(B.ep, &m);
    if (r < 0)
        return r;
    return FL_TAG_LABEL(m.tag) == BENCH_ERR ? (long)m.w[0] : 0;
}

/* --- boot arguments ------------------------------------------------------------------------- */

/* The number after key= in the boot arguments (capped at max), or def if absent or below min. */
static unsigned bootarg_uint(const char *key, unsigned def, unsigned min, unsigned max)
{
    const char *args = fl_bootinfo->bootargs;
    size_t klen = strlen(key), len = strnlen(args, sizeof(fl_bootinfo->bootargs));
    for (size_t i = 0; i + klen < len; i++) {
        if ((i == 0 || args[i - 1] == ' ') && strncmp(args + i, key, klen) == 0 &&
            args[i + klen] == '=') {
            unsigned v = 0;
            for (size_t j = i + klen + 1; j < len && args[j] >= '0' && args[j] <= '9'; j++)
                v = v * 10 + (unsigned)(args[j] - '0');
            return v < min ? def : v > max ? max : v;
        }
    }
    return def;
}

/* --- setup ---------------------------------------------------------------------------------- */

static int start_server(fl_proc_t *srv)
{
    const char *err = "";
    long r = fl_endpoint_create();
    if (r < 0)
        return bench_fail("setup", "endpoint", r), -1;
    B.ep = (fl_handle_t)r;
    fl_spawn_args_t a = {
        .args = "benchsrv",
        .pool = B.pool,
        .priority = FL_PRIORITY_DEFAULT,
        .nhandles = 2,
        .handles = {B.ep, B.space},
        .rights = {FL_RIGHT_READ | FL_RIGHT_WRITE, FL_RIGHT_MAP},
    };
    if ((r = fl_spawn_initrd(&a, srv, &err)) < 0) {
        printf("bench: cannot start benchsrv: %s\n", err);
        return bench_fail("setup", "spawn benchsrv", r), -1;
    }
    /* The page benchsrv stamps with its counter reads. */
    if ((r = fl_vm_alloc(B.space, BENCH_SHARED_VA, 1, FL_PROT_READ | FL_PROT_WRITE)) < 0 ||
        (r = fl_vm_map(srv->space, BENCH_SHARED_VA, BENCH_SHARED_VA, 1,
                       FL_PROT_READ | FL_PROT_WRITE)) < 0)
        return bench_fail("setup", "shared page", r), -1;
    B.shared = (bench_shared_t *)BENCH_SHARED_VA;
    /* bench's own IPC buffer, for the 16-word row; words 4..15 hold a pattern. */
    if ((r = fl_vm_alloc(B.space, BENCH_IPCBUF, 2, FL_PROT_READ | FL_PROT_WRITE)) < 0 ||
        (r = fl_thread_set_ipc_buffer((void *)BENCH_IPCBUF)) < 0)
        return bench_fail("setup", "IPC buffer", r), -1;
    fl_ipc_buffer_t *buf = (fl_ipc_buffer_t *)BENCH_IPCBUF;
    for (unsigned i = 4; i < 16; i++)
        buf->words[i] = 0x1000 + i;
    return 0;
}

int main(void)
{
    const fl_bootinfo_t *bi = fl_bootinfo;
    fl_sysinfo_t info;
    fl_proc_t srv = {0};

    if (!bi) {
        printf("bench: must run as init (boot info missing)\n");
        return FL_EXIT_BOOT_FAILED;
    }
    B.space = bi->self_space;
    B.thread = bi->self_thread;
    B.pool = bi->root_pool;
    B.iters = bootarg_uint("bench.iters", 256, 1, BENCH_MAX_PAGES);
    B.iters =
        (B.iters + BENCH_MAP_AHEAD - 1) & ~(BENCH_MAP_AHEAD - 1); /* whole map-ahead windows */
    B.batches = bootarg_uint("bench.batches", 9, 1, BENCH_MAX_BATCHES);
    B.scale = bootarg_uint("bench.scale", 5, 0, 6);
    /* Which groups of rows run (bits: 1 syscall, 2 IPC, 4 map/unmap, 8 faults, 16 reference
     * pager, 32 swap): a subset keeps an instruction trace of the boot small. */
    unsigned groups = bootarg_uint("bench.groups", 63, 1, 63);

    /* Memory first, before the benchmark allocates anything (the kernel printed its own
     * "frames:" line right after building the allocator). */
    uint64_t used = 0, limit = 0;
    fl_system_info(&info);
    long pr = fl_pool_info(B.pool, &limit);
    used = pr > 0 ? (uint64_t)pr : 0;
    printf("BENCHMEM start total %llu free %llu root_pool_used %llu\n",
           (unsigned long long)info.frames_total, (unsigned long long)info.frames_free,
           (unsigned long long)used);
    printf("BENCH_INFO iters %u batches %u scale %u\n", B.iters, B.batches, B.scale);

    if (start_server(&srv) == 0) {
        if (groups & 1)
            bench_rows_syscall();
        if (groups & 2)
            bench_rows_ipc();
        if (groups & 4)
            bench_rows_vm();
        if (groups & 8)
            bench_rows_fault();
        if (groups & 16)
            bench_rows_ref(); /* before swap_in, whose I/O shifts where later ticks land */
        if (groups & 32)
            bench_rows_swap();
        long r = bench_ctl(BENCH_QUIT, 0, 0, 0);
        if (r < 0)
            bench_fail("teardown", "quit", r);
    }
    if (srv.space)
        fl_proc_destroy(&srv);
    fl_system_info(&info);
    pr = fl_pool_info(B.pool, &limit);
    printf("BENCHMEM end total %llu free %llu root_pool_used %llu\n",
           (unsigned long long)info.frames_total, (unsigned long long)info.frames_free,
           (unsigned long long)(pr > 0 ? pr : 0));
    printf("BENCH_DONE %u %u\n", B.rows, B.failures);
    return B.failures ? FL_EXIT_TEST_FAILED : FL_EXIT_PASS;
}
