/* Stacks: growth within the limit, the guard gap, accesses far below SP. */
#include "harness.h"

#define TOP   0x80000000ULL
#define MAX   (64 * PG)
#define GUARD (4 * PG)
#define LIMIT (TOP - MAX)

static int touch(client_t *c, uint64_t addr, uint64_t sp, pager_fault_result_t *r)
{
    uint8_t b = 0xcc;
    return sim_access(c->mmu, c->space, addr, PAGER_ACCESS_WRITE, sp, &b, r, NULL);
}

static uint64_t stack_low(client_t *c)
{
    pager_region_info_t i;
    cr_assert_eq(pager_region_find(c->space, TOP - 1, &i), 0);
    return i.stack_low;
}

Test(stack, grows_within_the_limit)
{
    env_t e;
    env_init(&e, false);
    client_t c = client_new(&e);
    cr_assert_eq(pager_map_stack(c.space, TOP, 2 * PG, MAX, GUARD), 0);
    pager_region_info_t i;
    cr_assert_eq(pager_region_find(c.space, TOP - 1, &i), 0);
    cr_assert_eq(i.backing, PAGER_BACKING_STACK);
    cr_assert_eq(i.start, LIMIT - GUARD);
    cr_assert_eq(i.stack_limit, LIMIT);
    cr_assert_eq(stack_low(&c), TOP - 2 * PG);

    pager_fault_result_t r;
    cr_assert_eq(touch(&c, TOP - 2 * PG, TOP - 2 * PG, &r), 0);
    cr_assert(!r.stack_grew, "inside the initial stack");
    /* a push just below the lowest page, SP just above it */
    cr_assert_eq(touch(&c, TOP - 2 * PG - 16, TOP - 2 * PG - 8, &r), 0);
    cr_assert(r.stack_grew);
    cr_assert_eq(stack_low(&c), TOP - 3 * PG);
    /* several pages at once (a big frame), SP at the access */
    cr_assert_eq(touch(&c, TOP - 10 * PG + 8, TOP - 10 * PG, &r), 0);
    cr_assert_eq(stack_low(&c), TOP - 10 * PG);
    /* the pages in between are committed and fill lazily */
    cr_assert_eq(touch(&c, TOP - 6 * PG, TOP - 10 * PG, &r), 0);
    cr_assert(!r.stack_grew);
    /* down to the limit exactly */
    cr_assert_eq(touch(&c, LIMIT, LIMIT, &r), 0);
    cr_assert_eq(stack_low(&c), LIMIT);
    cr_assert_eq(stats(&c).stack_grows, 3);
    uint8_t b;
    cr_assert_eq(sim_read(c.mmu, c.space, LIMIT, &b), 0);
    cr_assert_eq(b, 0xcc);
    client_free(&c);
    env_fini(&e);
}

Test(stack, guard_gap_and_limit)
{
    env_t e;
    env_init(&e, false);
    client_t c = client_new(&e);
    cr_assert_eq(pager_map_stack(c.space, TOP, PG, MAX, GUARD), 0);
    pager_fault_result_t r;
    /* SP already at the limit: the next push lands in the guard: the stack is full */
    cr_assert_eq(touch(&c, LIMIT - 8, LIMIT, &r), PAGER_BAD_STACK_LIMIT);
    /* a wild pointer into the guard (far from SP, or SP unknown) */
    cr_assert_eq(touch(&c, LIMIT - PG, TOP - 16, &r), PAGER_BAD_GUARD);
    cr_assert_eq(touch(&c, LIMIT - GUARD, 0, &r), PAGER_BAD_GUARD);
    /* below the whole reservation there is nothing */
    cr_assert_eq(touch(&c, LIMIT - GUARD - 8, LIMIT - GUARD, &r), PAGER_BAD_NO_REGION);
    cr_assert_eq(r.outcome, PAGER_FAULT_BAD);
    cr_assert_eq(stack_low(&c), TOP - PG, "bad accesses grow nothing");
    cr_assert_eq(e.sim.in_use, 0);
    cr_assert_eq(stats(&c).bad, 4);
    /* other mappings may not take the growth area or the guard */
    uint64_t a;
    cr_assert_eq(pager_map_anon(c.space, LIMIT, PG, RW, PAGER_MAP_PRIVATE | PAGER_MAP_FIXED, &a),
                 PAGER_EEXIST);
    cr_assert_eq(
        pager_map_anon(c.space, LIMIT - PG, PG, RW, PAGER_MAP_PRIVATE | PAGER_MAP_FIXED, &a),
        PAGER_EEXIST);
    client_free(&c);
    env_fini(&e);
}

Test(stack, deep_recursion_stops_at_the_limit)
{
    env_t e;
    env_init(&e, false);
    client_t c = client_new(&e);
    cr_assert_eq(pager_map_stack(c.space, TOP, PG, MAX, GUARD), 0);
    /* each call frame pushes 256 bytes; SP moves first, then the frame is written */
    uint64_t sp = TOP;
    int rc;
    pager_fault_result_t r;
    do {
        sp -= 256;
        rc = touch(&c, sp, sp, &r);
    } while (rc == 0);
    cr_assert_eq(rc, PAGER_BAD_STACK_LIMIT);
    cr_assert_eq(sp, LIMIT - 256);
    cr_assert_eq(stack_low(&c), LIMIT);
    cr_assert_eq(stats(&c).resident, MAX / PG);
    cr_assert_eq(stats(&c).stack_grows, MAX / PG - 1);
    client_free(&c);
    env_fini(&e);
}

Test(stack, far_below_sp_is_bad)
{
    env_t e;
    env_init(&e, false);
    client_t c = client_new(&e);
    const uint64_t top = 0x90000000ULL, max = 1024 * PG;
    cr_assert_eq(pager_map_stack(c.space, top, PG, max, PG), 0);
    uint64_t sp = top - 64;
    pager_fault_result_t r;
    uint64_t slack = PAGER_STACK_SP_SLACK;
    /* within the slack below SP: grows (e.g. a large alloca probed from the bottom) */
    cr_assert_eq(touch(&c, sp - slack, sp, &r), 0);
    cr_assert(r.stack_grew);
    /* one byte further than the slack below SP, in the growth area: a wild access */
    cr_assert_eq(touch(&c, sp - slack - 1 - 4 * PG, sp, &r), PAGER_BAD_BELOW_SP);
    cr_assert_eq(touch(&c, top - max + PG, sp, &r), PAGER_BAD_BELOW_SP);
    /* with SP unknown (0) the check is skipped */
    cr_assert_eq(touch(&c, top - max + PG, 0, &r), 0);
    /* committed stack pages are fine whatever SP says */
    cr_assert_eq(touch(&c, top - max + PG + 8, top - 8, &r), 0);
    client_free(&c);
    env_fini(&e);
}

Test(stack, arguments_exec_and_unmap)
{
    env_t e;
    env_init(&e, false);
    client_t c = client_new(&e);
    cr_assert_eq(pager_map_stack(c.space, TOP, 0, MAX, GUARD), PAGER_EINVAL);
    cr_assert_eq(pager_map_stack(c.space, TOP, 2 * MAX, MAX, GUARD), PAGER_EINVAL);
    cr_assert_eq(pager_map_stack(c.space, TOP + 1, PG, MAX, GUARD), PAGER_EINVAL);
    cr_assert_eq(pager_map_stack(c.space, 8 * PG, PG, 16 * PG, 0), PAGER_ERANGE);
    cr_assert_eq(pager_map_stack(c.space, TOP, PG, MAX, GUARD), 0);
    cr_assert_eq(pager_map_stack(c.space, TOP + PG, PG, 2 * PG, 0), PAGER_EEXIST);
    uint8_t b;
    cr_assert_eq(sim_access(c.mmu, c.space, TOP - 8, PAGER_ACCESS_EXEC, TOP - 8, &b, NULL, NULL),
                 PAGER_BAD_NO_PERMISSION);
    /* exec in the growth area is refused and does not grow */
    cr_assert_eq(
        sim_access(c.mmu, c.space, TOP - 2 * PG, PAGER_ACCESS_EXEC, TOP - 2 * PG, &b, NULL, NULL),
        PAGER_BAD_NO_PERMISSION);
    cr_assert_eq(stack_low(&c), TOP - PG);
    /* cutting into the growth area is refused; unmapping the committed part is fine */
    cr_assert_eq(pager_unmap(c.space, LIMIT, 2 * PG), PAGER_EINVAL);
    wr(&c, TOP - 8, 1);
    cr_assert_eq(pager_unmap(c.space, TOP - PG, PG), 0);
    cr_assert_eq(e.sim.in_use, 0);
    cr_assert_eq(pager_unmap(c.space, LIMIT - GUARD, MAX + GUARD), 0);
    cr_assert_eq(pager_region_count(c.space), 0);
    client_free(&c);
    env_fini(&e);
}
