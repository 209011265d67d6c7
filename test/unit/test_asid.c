/* ASID allocation with generation rollover (kernel/asid.c). */
#include <criterion/criterion.h>
#include <kernel/asid.h>

static asid_alloc_t a;

Test(asid, distinct_within_generation)
{
    asid_init(&a, 8);
    uint64_t ctx[255] = {0};
    for (int i = 0; i < 255; i++) {
        cr_assert_not(asid_activate(&a, &ctx[i]));
        cr_assert_neq(asid_of(ctx[i]), 0, "ASID 0 is the kernel's");
        for (int j = 0; j < i; j++)
            cr_assert_neq(asid_of(ctx[i]), asid_of(ctx[j]));
    }
    uint64_t keep = ctx[3];
    cr_assert_not(asid_activate(&a, &ctx[3]), "re-activation in the same generation");
    cr_assert_eq(ctx[3], keep);
}

Test(asid, rollover_flushes_and_keeps_active)
{
    asid_init(&a, 2); /* ASIDs 1..3 */
    uint64_t s1 = 0, s2 = 0, s3 = 0, s4 = 0;
    asid_activate(&a, &s1);
    asid_activate(&a, &s2);
    asid_activate(&a, &s3); /* s3 is live on the CPU */
    cr_assert(asid_activate(&a, &s4), "out of ASIDs: rollover needs a full TLB flush");
    cr_assert_neq(asid_of(s4), asid_of(s3), "the live ASID stays reserved");
    /* s3 re-activates in the new generation with its old number, no flush. */
    uint16_t n3 = asid_of(s3);
    cr_assert_not(asid_activate(&a, &s3));
    cr_assert_eq(asid_of(s3), n3);
    cr_assert_eq(s3 >> 16, s4 >> 16, "same generation now");
    /* s1 from the old generation gets a fresh ASID different from s3 and s4. */
    asid_activate(&a, &s1);
    cr_assert_eq(s1 >> 16, s4 >> 16);
    cr_assert_neq(asid_of(s1), asid_of(s3));
    cr_assert_neq(asid_of(s1), asid_of(s4));
}

Test(asid, release_makes_reusable)
{
    asid_init(&a, 2);
    uint64_t s1 = 0, s2 = 0, s3 = 0, s4 = 0;
    asid_activate(&a, &s1);
    asid_activate(&a, &s2);
    asid_activate(&a, &s3);
    asid_release(&a, s2);
    cr_assert_not(asid_activate(&a, &s4), "a released ASID is reused without rollover");
    cr_assert_eq(asid_of(s4), asid_of(s2));
}
