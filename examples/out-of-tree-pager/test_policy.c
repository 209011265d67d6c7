/*
 * Host tests of the pattern pager's policy (policy.c), on libpager's simulated MMU: rd() and
 * wr() (<pager/sim_test.h>) access a byte like a CPU, faulting through pager_fault() until the
 * simulated MMU allows it; policy_fault() is called directly to check the answers pager.c sends.
 */
#include <criterion/criterion.h>
#include <faultline/fault.h>
#include <pager/sim_test.h>

#include "layout.h"
#include "policy.h"

static env_t e;
static client_t c;

/* The simulated backend's frames are buffers: fill them as pager.c fills its own pages. */
static int sim_file_read(void *ctx, uint64_t file_id, uint64_t offset, uint64_t frame)
{
    (void)file_id;
    policy_fill(sim_frame_data(ctx, frame), offset);
    return 0;
}

static void setup(void)
{
    pager_config_t cfg;
    sim_init(&e.sim);
    e.sim.ops.file_read = sim_file_read;
    policy_config(&cfg);
    cr_assert_eq(pager_create(&e.sim.ops, &e.sim, &cfg, &e.pager), 0);
    c = client_new(&e);
    cr_assert_eq(policy_space_init(c.space), 0);
}

static void teardown(void)
{
    client_free(&c);
    env_fini(&e); /* every frame came back, no misuse of the backend */
}

TestSuite(policy, .init = setup, .fini = teardown);

static uint64_t rd64(uint64_t addr)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i++)
        v |= (uint64_t)rd(&c, addr + i) << (8 * i);
    return v;
}

Test(policy, pattern_reads_back)
{
    for (uint64_t i = 0; i < PATTERN_PAGES * PG / 8; i += 61)
        cr_assert_eq(rd64(PATTERN_BASE + 8 * i), pattern_word(i), "word %llu",
                     (unsigned long long)i);
    cr_assert_eq(stats(&c).major, PATTERN_PAGES, "one file read per page");
}

Test(policy, a_fault_maps_the_faulting_page_read_only)
{
    policy_answer_t a;
    uint64_t addr = PATTERN_BASE + 3 * PG + 100;
    cr_assert_eq(policy_fault(c.space, addr, FL_FAULT_READ, &a), 0);
    cr_assert(a.map);
    cr_assert_eq(a.page, PATTERN_BASE + 3 * PG);
    cr_assert_eq(a.prot, PAGER_PROT_READ);
    const uint64_t *w = (const uint64_t *)sim_frame_data(&e.sim, a.frame);
    cr_assert_eq(w[0], pattern_word(3 * PG / 8));
    /* Again (the kernel lost the mapping, say): the same frame, not a second read. */
    policy_answer_t again;
    cr_assert_eq(policy_fault(c.space, addr, FL_FAULT_READ, &again), 0);
    cr_assert(again.map);
    cr_assert_eq(again.frame, a.frame);
    cr_assert_eq(stats(&c).major, 1);
}

Test(policy, pattern_is_read_only)
{
    policy_answer_t a;
    cr_assert_eq(policy_fault(c.space, PATTERN_BASE + 8, FL_FAULT_WRITE, &a), 0);
    cr_assert_not(a.map);
    cr_assert_eq(a.fail, FL_FAULT_FAIL_PERMISSION);
    cr_assert_eq(policy_fault(c.space, PATTERN_BASE, FL_FAULT_EXEC, &a), 0);
    cr_assert_eq(a.fail, FL_FAULT_FAIL_PERMISSION);
}

Test(policy, scratch_is_zero_then_keeps_writes)
{
    for (unsigned p = 0; p < SCRATCH_PAGES; p++) {
        cr_assert_eq(rd(&c, SCRATCH_BASE + p * PG + p), 0);
        wr(&c, SCRATCH_BASE + p * PG + p, (uint8_t)(p + 1));
    }
    for (unsigned p = 0; p < SCRATCH_PAGES; p++)
        cr_assert_eq(rd(&c, SCRATCH_BASE + p * PG + p), p + 1);
    cr_assert_eq(stats(&c).zero_fills, SCRATCH_PAGES, "one frame per page, no zero page");
    cr_assert_eq(e.sim.in_use, SCRATCH_PAGES);
}

Test(policy, outside_the_regions_is_refused)
{
    policy_answer_t a;
    uint64_t outside[] = {0x10000, PATTERN_BASE - 1, PATTERN_BASE + PATTERN_PAGES * PG,
                          SCRATCH_BASE + SCRATCH_PAGES * PG};
    for (unsigned i = 0; i < sizeof(outside) / sizeof(outside[0]); i++) {
        cr_assert_eq(policy_fault(c.space, outside[i], FL_FAULT_READ, &a), 0);
        cr_assert_not(a.map, "%#llx", (unsigned long long)outside[i]);
        cr_assert_eq(a.fail, FL_FAULT_FAIL_NO_REGION);
    }
}
