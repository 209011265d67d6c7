/* Pager reply validation; see fault_reply.h. */
#include <faultline/errors.h>
#include <faultline/fault.h>
#include <faultline/ipc.h>
#include <faultline/types.h>
#include <kernel/checked.h>
#include <kernel/fault_reply.h>

static int bad(const char **why, const char *msg, int err)
{
    *why = msg;
    return err;
}

int fault_reply_check(uint64_t tag, const uint64_t w[4], uint64_t user_top, fault_reply_t *out,
                      const char **why)
{
    uint64_t label = FL_TAG_LABEL(tag);
    unsigned words = FL_TAG_WORDS(tag);

    *out = (fault_reply_t){.action = (unsigned)label};
    if (FL_TAG_HANDLES(tag))
        return bad(why, "handles in a fault reply", FL_EINVAL);
    switch (label) {
    case FL_FAULT_REPLY_RESUME: return FL_OK;
    case FL_FAULT_REPLY_FAIL:
        if (words < 1)
            return bad(why, "fail reply without a reason", FL_EINVAL);
        if (w[0] < FL_FAULT_FAIL_NO_REGION || w[0] > FL_FAULT_FAIL_OTHER)
            return bad(why, "unknown failure reason", FL_EINVAL);
        out->reason = (unsigned)w[0];
        return FL_OK;
    case FL_FAULT_REPLY_MAP: break;
    default: return bad(why, "unknown reply label", FL_EINVAL);
    }
    if (words < 4)
        return bad(why, "map reply needs 4 words", FL_EINVAL);
    out->client_va = w[0];
    out->pager_va = w[1];
    out->pages = w[2];
    out->prot = (unsigned)w[3];
    if ((w[0] | w[1]) & (FL_PAGE_SIZE - 1))
        return bad(why, "unaligned address", FL_EINVAL);
    if (w[2] == 0 || w[2] > FL_FAULT_MAP_MAX)
        return bad(why, "page count out of range", FL_ERANGE);
    if (w[3] & ~(uint64_t)(FL_PROT_READ | FL_PROT_WRITE | FL_PROT_EXEC) || !(w[3] & FL_PROT_READ))
        return bad(why, "bad rights", FL_EINVAL);
    uint64_t len;
    if (!checked_mul(w[2], FL_PAGE_SIZE, &len) || !checked_range_in(w[0], len, 0, user_top))
        return bad(why, "client range outside user space", FL_ERANGE);
    if (!checked_range_in(w[1], len, 0, user_top))
        return bad(why, "pager range outside user space", FL_ERANGE);
    return FL_OK;
}
