/* Handle tables (kernel/handle.c): lookup checks, rights, stale handles, exhaustion. */
#include <criterion/criterion.h>
#include <faultline/errors.h>
#include <kernel/handle.h>

static handle_table_t t;
static int obj_a, obj_b;

static void setup(void)
{
    handle_table_init(&t);
}
TestSuite(handle, .init = setup);

Test(handle, install_and_lookup)
{
    fl_handle_t h;
    handle_entry_t *e;
    cr_assert_eq(handle_install(&t, &obj_a, FL_OBJ_ENDPOINT, FL_RIGHT_READ | FL_RIGHT_WRITE, 7, &h),
                 FL_OK);
    cr_assert_neq(h, FL_HANDLE_INVALID);
    cr_assert_eq(handle_lookup(&t, h, FL_OBJ_ENDPOINT, FL_RIGHT_WRITE, &e), FL_OK);
    cr_assert_eq(e->obj, &obj_a);
    cr_assert_eq(e->badge, 7);
    cr_assert_eq(handle_lookup(&t, h, FL_OBJ_NONE, 0, &e), FL_OK, "any type");
}

Test(handle, wrong_type_and_rights)
{
    fl_handle_t h;
    handle_entry_t *e;
    handle_install(&t, &obj_a, FL_OBJ_ENDPOINT, FL_RIGHT_READ, 0, &h);
    cr_assert_eq(handle_lookup(&t, h, FL_OBJ_THREAD, 0, &e), FL_ETYPE);
    cr_assert_eq(handle_lookup(&t, h, FL_OBJ_ENDPOINT, FL_RIGHT_WRITE, &e), FL_EPERM);
    cr_assert_eq(handle_lookup(&t, h, FL_OBJ_ENDPOINT, FL_RIGHT_READ | FL_RIGHT_GRANT, &e),
                 FL_EPERM, "every needed right must be held");
}

Test(handle, rights_are_masked)
{
    fl_handle_t h;
    handle_install(&t, &obj_a, FL_OBJ_POOL, 0xffffffffu, 0, &h);
    cr_assert_eq(t.e[(h & 0xff) - 1].rights, FL_RIGHTS_ALL);
}

Test(handle, bad_values)
{
    handle_entry_t *e;
    cr_assert_eq(handle_lookup(&t, 0, FL_OBJ_NONE, 0, &e), FL_EBADH);
    cr_assert_eq(handle_lookup(&t, 0xffffffffu, FL_OBJ_NONE, 0, &e), FL_EBADH);
    cr_assert_eq(handle_lookup(&t, 5, FL_OBJ_NONE, 0, &e), FL_EBADH, "free slot");
    cr_assert_eq(handle_lookup(&t, HANDLE_TABLE_SIZE + 1, FL_OBJ_NONE, 0, &e), FL_EBADH);
}

Test(handle, stale_handle_after_reuse)
{
    fl_handle_t h1, h2;
    handle_entry_t old, *e;
    handle_install(&t, &obj_a, FL_OBJ_THREAD, FL_RIGHTS_ALL, 0, &h1);
    cr_assert_eq(handle_remove(&t, h1, &old), FL_OK);
    cr_assert_eq(old.obj, &obj_a);
    cr_assert_eq(handle_remove(&t, h1, &old), FL_EBADH, "double close");
    handle_install(&t, &obj_b, FL_OBJ_THREAD, FL_RIGHTS_ALL, 0, &h2);
    cr_assert_eq(h1 & 0xff, h2 & 0xff, "slot reused");
    cr_assert_neq(h1, h2, "but the generation differs");
    cr_assert_eq(handle_lookup(&t, h1, FL_OBJ_NONE, 0, &e), FL_EBADH, "stale handle rejected");
    cr_assert_eq(handle_lookup(&t, h2, FL_OBJ_NONE, 0, &e), FL_OK);
    cr_assert_eq(e->obj, &obj_b);
}

Test(handle, exhaustion)
{
    fl_handle_t h;
    for (int i = 0; i < HANDLE_TABLE_SIZE; i++)
        cr_assert_eq(handle_install(&t, &obj_a, FL_OBJ_POOL, 0, 0, &h), FL_OK);
    cr_assert_not(handle_room(&t, 1));
    cr_assert_eq(handle_install(&t, &obj_a, FL_OBJ_POOL, 0, 0, &h), FL_EFULL);
    handle_entry_t old;
    cr_assert_eq(handle_remove(&t, h, &old), FL_OK);
    cr_assert(handle_room(&t, 1));
    cr_assert_eq(handle_install(&t, &obj_b, FL_OBJ_POOL, 0, 0, &h), FL_OK);
}
