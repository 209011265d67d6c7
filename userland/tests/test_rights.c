/*
 * Handle rights: every call checks the rights of the handles it names; a duplicate, a minted
 * or a given handle never has more rights than its source; a closed handle is gone for good.
 */
#include "tests.h"

#define INFO(type, rights) ((long)(type) | ((long)(rights) << 8))

const char *test_rights_endpoint(void)
{
    fl_handle_t ep, ro, wo, up, nogrant, badged;
    fl_msg_t m = {.tag = FL_TAG(1, 1, 0), .w = {1}};
    long r;

    CHECK_OK(r, fl_endpoint_create());
    ep = test_handle(r);
    CHECK_EQ(fl_handle_info(ep), INFO(FL_OBJ_ENDPOINT, FL_RIGHTS_ALL));

    /* Read-only: may receive, never send or call. */
    CHECK_OK(r, fl_handle_dup(ep, FL_RIGHT_READ));
    ro = test_handle(r);
    CHECK_EQ(fl_handle_info(ro), INFO(FL_OBJ_ENDPOINT, FL_RIGHT_READ));
    CHECK_EQ(fl_send(ro, &m), FL_EPERM);
    CHECK_EQ(fl_call(ro, &m), FL_EPERM);

    /* Write-only: may send, never receive. */
    CHECK_OK(r, fl_handle_dup(ep, FL_RIGHT_WRITE));
    wo = test_handle(r);
    CHECK_EQ(fl_recv(wo, &m), FL_EPERM);
    CHECK_EQ(fl_reply_recv(wo, &m), FL_EPERM);

    /* A dup cannot add rights back. */
    CHECK_OK(r, fl_handle_dup(ro, FL_RIGHTS_ALL));
    up = test_handle(r);
    CHECK_EQ(fl_handle_info(up), INFO(FL_OBJ_ENDPOINT, FL_RIGHT_READ));
    CHECK_EQ(fl_send(up, &m), FL_EPERM);

    /* Minting needs GRANT, and the minted handle keeps only rights the source had. */
    CHECK_OK(r, fl_handle_dup(ep, FL_RIGHT_READ | FL_RIGHT_WRITE));
    nogrant = test_handle(r);
    CHECK_EQ(fl_handle_mint(nogrant, 5, FL_RIGHTS_ALL), FL_EPERM);
    CHECK_OK(r, fl_handle_mint(ep, 5, FL_RIGHT_WRITE));
    badged = test_handle(r);
    CHECK_EQ(fl_handle_info(badged), INFO(FL_OBJ_ENDPOINT, FL_RIGHT_WRITE));
    CHECK_EQ(fl_recv(badged, &m), FL_EPERM);

    /* Giving needs GRANT on the handle given. */
    CHECK_EQ(fl_handle_give(fl_self_space(), nogrant, FL_RIGHT_READ), FL_EPERM);

    /* A closed handle stays invalid. */
    CHECK_EQ(fl_handle_close(ro), FL_OK);
    CHECK_EQ(fl_handle_info(ro), FL_EBADH);
    CHECK_EQ(fl_handle_close(ro), FL_EBADH);
    CHECK_EQ(fl_send(ro, &m), FL_EBADH);
    /* Its slot may be reused, but the old value still names nothing. */
    CHECK_OK(r, fl_endpoint_create());
    test_handle(r);
    CHECK(r != ro, "a new handle reuses the closed value %u", ro);
    CHECK_EQ(fl_handle_info(ro), FL_EBADH);
    return NULL;
}

const char *test_rights_objects(void)
{
    fl_handle_t n, n_ro, n_wo, sp_nomap, sp_nomanage, pool_ro, pool_nomanage, sub;
    long r;

    /* Notifications: WRITE to signal, READ to wait or poll. */
    CHECK_OK(r, fl_notification_create());
    n = test_handle(r);
    CHECK_OK(r, fl_handle_dup(n, FL_RIGHT_READ));
    n_ro = test_handle(r);
    CHECK_OK(r, fl_handle_dup(n, FL_RIGHT_WRITE));
    n_wo = test_handle(r);
    CHECK_EQ(fl_signal(n_ro, 1), FL_EPERM);
    CHECK_EQ(fl_wait(n_wo), FL_EPERM);
    CHECK_EQ(fl_poll(n_wo), FL_EPERM);
    CHECK_EQ(fl_signal(n_wo, 2), FL_OK);
    CHECK_EQ(fl_poll(n_ro), 2);

    /* Spaces: MAP to change mappings, MANAGE to make threads or destroy. */
    CHECK_OK(r, fl_handle_dup(fl_self_space(), FL_RIGHTS_ALL & ~FL_RIGHT_MAP));
    sp_nomap = test_handle(r);
    CHECK_OK(r, fl_handle_dup(fl_self_space(), FL_RIGHTS_ALL & ~FL_RIGHT_MANAGE));
    sp_nomanage = test_handle(r);
    CHECK_EQ(fl_vm_alloc(sp_nomap, 0x3000400000, 1, FL_PROT_READ), FL_EPERM);
    CHECK_EQ(fl_vm_unmap(sp_nomap, 0x3000400000, 1), FL_EPERM);
    CHECK_EQ(fl_vm_protect(sp_nomap, 0x400000, 1, FL_PROT_READ), FL_EPERM);
    CHECK_EQ(fl_thread_create(sp_nomanage, 0x400000, 0x7ffffff000, 0, 1), FL_EPERM);
    CHECK_EQ(fl_space_destroy(sp_nomanage), FL_EPERM); /* wrong: init would be gone */
    CHECK_EQ(fl_handle_give(sp_nomanage, n, FL_RIGHT_READ), FL_EPERM);

    /* Pools: WRITE to spend, READ to inspect, MANAGE on the root one to power off. */
    CHECK_OK(r, fl_handle_dup(fl_pool(), FL_RIGHT_READ));
    pool_ro = test_handle(r);
    CHECK_EQ(fl_space_create(pool_ro), FL_EPERM);
    CHECK_EQ(fl_pool_create(pool_ro, 1), FL_EPERM);
    CHECK(fl_pool_info(pool_ro, NULL) >= 0, "pool info with READ failed");
    CHECK_OK(r, fl_handle_dup(fl_pool(), FL_RIGHTS_ALL & ~FL_RIGHT_READ));
    CHECK_EQ(fl_pool_info((fl_handle_t)test_handle(r), NULL), FL_EPERM);
    CHECK_OK(r, fl_handle_dup(fl_pool(), FL_RIGHTS_ALL & ~FL_RIGHT_MANAGE));
    pool_nomanage = test_handle(r);
    CHECK_EQ(fl_system_exit(0, pool_nomanage), FL_EPERM);
    CHECK_OK(r, fl_pool_create(fl_pool(), 16));
    sub = test_handle(r);
    CHECK_EQ(fl_system_exit(0, sub), FL_EPERM); /* MANAGE, but not on the root pool */

    /* The initrd region is read-only: no writable mapping, whatever the handle says. */
    if (fl_bootinfo && fl_bootinfo->initrd)
        CHECK_EQ(fl_region_map(fl_self_space(), fl_bootinfo->initrd, 0, 0x3000400000, 4096,
                               FL_PROT_READ | FL_PROT_WRITE),
                 FL_EPERM);
    return NULL;
}
