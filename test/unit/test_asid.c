/* ASID allocation with generation rollover, one and several CPUs (kernel/asid.c). */
#include <criterion/criterion.h>
#include <kernel/asid.h>

static asid_alloc_t a;

Test(asid, distinct_within_generation)
{
    asid_init(&a, 8);
    uint64_t ctx[255] = {0};
    for (int i = 0; i < 255; i++) {
        cr_assert_not(asid_activate(&a, 0, &ctx[i]));
        cr_assert_neq(asid_of(ctx[i]), 0, "ASID 0 is the kernel's");
        for (int j = 0; j < i; j++)
            cr_assert_neq(asid_of(ctx[i]), asid_of(ctx[j]));
    }
    uint64_t keep = ctx[3];
    cr_assert_not(asid_activate(&a, 0, &ctx[3]), "re-activation in the same generation");
    cr_assert_eq(ctx[3], keep);
}

Test(asid, rollover_flushes_and_keeps_active)
{
    asid_init(&a, 2); /* ASIDs 1..3 */
    uint64_t s1 = 0, s2 = 0, s3 = 0, s4 = 0;
    asid_activate(&a, 0, &s1);
    asid_activate(&a, 0, &s2);
    asid_activate(&a, 0, &s3); /* s3 is live on the CPU */
    cr_assert(asid_activate(&a, 0, &s4), "out of ASIDs: rollover needs a full TLB flush");
    cr_assert_neq(asid_of(s4), asid_of(s3), "the live ASID stays reserved");
    /* s3 re-activates in the new generation with its old number, no flush. */
    uint16_t n3 = asid_of(s3);
    cr_assert_not(asid_activate(&a, 0, &s3));
    cr_assert_eq(asid_of(s3), n3);
    cr_assert_eq(s3 >> 16, s4 >> 16, "same generation now");
    /* s1 from the old generation gets a fresh ASID different from s3 and s4. */
    asid_activate(&a, 0, &s1);
    cr_assert_eq(s1 >> 16, s4 >> 16);
    cr_assert_neq(asid_of(s1), asid_of(s3));
    cr_assert_neq(asid_of(s1), asid_of(s4));
}

Test(asid, release_makes_reusable)
{
    asid_init(&a, 2);
    uint64_t s1 = 0, s2 = 0, s3 = 0, s4 = 0;
    asid_activate(&a, 0, &s1);
    asid_activate(&a, 0, &s2);
    asid_activate(&a, 0, &s3);
    asid_release(&a, s2);
    cr_assert_not(asid_activate(&a, 0, &s4), "a released ASID is reused without rollover");
    cr_assert_eq(asid_of(s4), asid_of(s2));
}

/* Issue 14: a rollover on one CPU keeps the ASID live on every other CPU (reserved), and
 * each other CPU flushes once, at its next activation, not before. */
Test(asid, rollover_keeps_every_cpus_live_asid)
{
    asid_init(&a, 3); /* ASIDs 1..7 */
    for (unsigned c = 1; c < 4; c++)
        asid_cpu_online(&a, c);
    uint64_t on1 = 0, on2 = 0, others[5] = {0}, late = 0;
    asid_activate(&a, 1, &on1); /* live on CPU 1 */
    asid_activate(&a, 2, &on2); /* live on CPU 2 */
    for (int i = 0; i < 5; i++)
        asid_activate(&a, 0, &others[i]);
    cr_assert(asid_activate(&a, 0, &late), "the eighth space rolls over: CPU 0 flushes");
    cr_assert_neq(asid_of(late), asid_of(on1), "CPU 1's live ASID is reserved");
    cr_assert_neq(asid_of(late), asid_of(on2), "CPU 2's live ASID is reserved");
    /* Every space that asks in the new generation gets a number no other one holds. */
    uint64_t fresh[3] = {0};
    for (int i = 0; i < 3; i++) {
        cr_assert_not(asid_activate(&a, 0, &fresh[i]), "CPU 0 flushed already");
        cr_assert_neq(asid_of(fresh[i]), asid_of(on1));
        cr_assert_neq(asid_of(fresh[i]), asid_of(on2));
        cr_assert_neq(asid_of(fresh[i]), asid_of(late));
    }
    uint16_t n1 = asid_of(on1);
    cr_assert(asid_activate(&a, 1, &on1), "CPU 1 flushes at its first activation after");
    cr_assert_eq(asid_of(on1), n1, "and its space keeps its number");
    cr_assert_not(asid_activate(&a, 1, &on1), "once");
    /* CPU 2's space moves to CPU 3: it keeps its number there too. */
    uint16_t n2 = asid_of(on2);
    cr_assert(asid_activate(&a, 3, &on2));
    cr_assert_eq(asid_of(on2), n2);
}

Test(asid, released_asid_is_not_reserved)
{
    asid_init(&a, 3);
    uint64_t s = 0, t = 0;
    asid_activate(&a, 1, &s);
    asid_release(&a, s);
    cr_assert_eq(a.active[1], 0, "a dead space is live nowhere");
    asid_activate(&a, 0, &t);
    cr_assert_neq(t, 0);
}

/* Only CPUs that schedule threads owe a flush after a rollover: a bit for a CPU that never came
 * up would stay set and send every later switch down the slow path. */
Test(asid, rollover_flushes_only_online_cpus)
{
    asid_init(&a, 2); /* ASIDs 1..3 */
    asid_cpu_online(&a, 1);
    uint64_t s[4] = {0};
    for (int i = 0; i < 4; i++)
        asid_activate(&a, 0, &s[i]); /* the fourth rolls over */
    cr_assert_eq(a.flush_pending, 1u << 1, "CPU 0 flushed at once; CPU 1 owes one; no other");
    asid_cpu_online(&a, 5);
    cr_assert_eq(a.flush_pending, 1u << 1, "a CPU coming online later owes nothing");
}
