/* Runs the example pager (squares_pager) with a client whose only pager it is. */
#include "squares.h"
#include "tests.h"

FL_TEST(pager_example_squares)
{
    fl_proc_t pager = {0}, client = {0};
    const char *err = "?";
    uint64_t badge;
    long status = -99, r;
    fl_handle_t ep = test_handle(fl_endpoint_create());
    fl_handle_t reports = test_handle(fl_endpoint_create());
    CHECK(ep && reports, "endpoints");
    fl_handle_t minted = test_handle(fl_handle_mint(ep, 7, FL_RIGHT_WRITE));
    CHECK(minted, "mint");

    CHECK_OK(r, test_spawn(&pager, "squares_pager", ep, FL_RIGHT_READ, 0, 0, &err));
    fl_spawn_args_t a = {
        .args = "squares_client",
        .pool = fl_pool(),
        .priority = FL_PRIORITY_DEFAULT,
        .parent = reports,
        .parent_badge = 1,
        .fault_handler = minted,
    };
    test_proc(&client);
    CHECK_OK(r, fl_spawn_initrd(&a, &client, &err));
    CHECK_OK(r, test_wait_exit(reports, &badge, &status));
    CHECK(status == 0, "squares_client exited %ld", status);

    fl_msg_t quit = {.tag = FL_TAG(SQUARES_QUIT, 0, 0)};
    CHECK_OK(r, fl_call(ep, &quit));
    (void)r;
    return NULL;
}
