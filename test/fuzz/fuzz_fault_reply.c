/*
 * The kernel's check of a pager's fault reply (kernel/fault_reply.c) on arbitrary tags and
 * words: whatever it accepts is one of the three actions, and an accepted MAP names 1 to
 * FL_FAULT_MAP_MAX aligned pages whose client and pager ranges both end at or below user_top,
 * with known rights that include read. Input: tag, w0..w3, user_top (8 bytes each); the low
 * bits of the last byte pick a typical user_top instead.
 */
#include <faultline/errors.h>
#include <faultline/fault.h>
#include <faultline/ipc.h>
#include <faultline/types.h>
#include <kernel/fault_reply.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in_t in = {data, size};
    uint64_t tag = fuzz_take(&in, 8), w[4];
    for (int i = 0; i < 4; i++)
        w[i] = fuzz_take(&in, 8);
    uint64_t top = fuzz_take(&in, 8);
    if (top >> 63)
        top = 1ULL << 48;
    fault_reply_t r;
    const char *why = NULL;
    int rc = fault_reply_check(tag, w, top, &r, &why);
    if (rc != FL_OK) {
        CHECK(rc == FL_EINVAL || rc == FL_ERANGE);
        CHECK(why && *why);
        return 0;
    }
    CHECK(FL_TAG_HANDLES(tag) == 0);
    switch (r.action) {
    case FL_FAULT_REPLY_RESUME: break;
    case FL_FAULT_REPLY_FAIL:
        CHECK(r.reason >= FL_FAULT_FAIL_NO_REGION && r.reason <= FL_FAULT_FAIL_OTHER);
        break;
    case FL_FAULT_REPLY_MAP: {
        CHECK(FL_TAG_WORDS(tag) >= 4);
        CHECK(r.pages >= 1 && r.pages <= FL_FAULT_MAP_MAX);
        CHECK(((r.client_va | r.pager_va) & (FL_PAGE_SIZE - 1)) == 0);
        CHECK(r.prot & FL_PROT_READ);
        CHECK(!(r.prot & ~(FL_PROT_READ | FL_PROT_WRITE | FL_PROT_EXEC)));
        unsigned __int128 len = (unsigned __int128)r.pages * FL_PAGE_SIZE;
        CHECK((unsigned __int128)r.client_va + len <= top);
        CHECK((unsigned __int128)r.pager_va + len <= top);
        break;
    }
    default: CHECK(!"unknown action accepted");
    }
    return 0;
}
