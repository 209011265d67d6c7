/*
 * The reply for a fault decision, built once here rather than in every backend: the frame and
 * rights to map (from the result, or from the page's record for a RETRY) or the reason to fail
 * with. <pager/reply_fl.h> turns it into faultline's fl_msg_t.
 */
#include <string.h>

#include "internal.h"

unsigned pager_reply_fail_code(pager_bad_reason_t reason)
{
    switch (reason) {
    case PAGER_BAD_NO_REGION: return PAGER_REPLY_FAIL_NO_REGION;
    case PAGER_BAD_NO_PERMISSION: return PAGER_REPLY_FAIL_PERMISSION;
    case PAGER_BAD_GUARD:
    case PAGER_BAD_STACK_LIMIT:
    case PAGER_BAD_BELOW_SP: return PAGER_REPLY_FAIL_GUARD;
    case PAGER_BAD_OUT_OF_MEMORY: return PAGER_REPLY_FAIL_NO_MEMORY;
    case PAGER_BAD_IO: return PAGER_REPLY_FAIL_BUS;
    case PAGER_BAD_NONE: break;
    }
    return PAGER_REPLY_FAIL_OTHER;
}

static int fail(pager_reply_t *out, unsigned code)
{
    out->kind = PAGER_REPLY_FAIL;
    out->fail = code;
    return PAGER_OK;
}

int pager_reply_build(const pager_space_t *s, const pager_fault_result_t *res, pager_reply_t *out)
{
    if (!s || !res || !out)
        return PAGER_EINVAL;
    memset(out, 0, sizeof(*out));
    switch (res->outcome) {
    case PAGER_FAULT_BAD: return fail(out, pager_reply_fail_code(res->reason));
    case PAGER_FAULT_MAPPED:
        out->frame = res->frame;
        out->prot = res->prot;
        break;
    case PAGER_FAULT_RETRY: {
        pager_page_info_t pi;
        if (pager_page_info(s, res->page, &pi) < 0 || !pi.prot)
            return fail(out, PAGER_REPLY_FAIL_OTHER);
        out->frame = pi.frame;
        out->prot = pi.prot;
        break;
    }
    default: return fail(out, PAGER_REPLY_FAIL_OTHER);
    }
    out->kind = PAGER_REPLY_MAP;
    out->page = res->page;
    out->pages = 1;
    return PAGER_OK;
}

const char *pager_action_name(pager_action_t action)
{
    switch (action) {
    case PAGER_ACT_NONE: return "none";
    case PAGER_ACT_ZERO_FILL: return "zero fill";
    case PAGER_ACT_ZERO_PAGE: return "zero page";
    case PAGER_ACT_FILE_READ: return "file read";
    case PAGER_ACT_SWAP_IN: return "swap in";
    case PAGER_ACT_COW_COPY: return "cow copy";
    case PAGER_ACT_COW_UPGRADE: return "cow upgrade";
    case PAGER_ACT_REMAP: return "remap";
    case PAGER_ACT_FILE_CACHED: return "file cached";
    case PAGER_ACT_FIRST_WRITE: return "first write";
    case PAGER_ACT_FILE_HOLE: return "file hole";
    }
    return "unknown";
}
