/* The pattern pager's policy; see policy.h. */
#include "policy.h"

#include <faultline/fault.h>

#include "layout.h"

#define PATTERN_FILE 1 /* the file id libpager hands to file_read for the pattern */

void policy_config(pager_config_t *cfg)
{
    pager_config_default(cfg);
    cfg->zero_page = false;
}

int policy_space_init(pager_space_t *space)
{
    uint64_t at;
    int r = pager_map_file(space, PATTERN_BASE, PATTERN_PAGES * PAGER_PAGE_SIZE, PAGER_PROT_READ,
                           PAGER_MAP_PRIVATE | PAGER_MAP_FIXED, PATTERN_FILE, 0, &at);
    if (r == 0)
        r = pager_map_anon(space, SCRATCH_BASE, SCRATCH_PAGES * PAGER_PAGE_SIZE,
                           PAGER_PROT_READ | PAGER_PROT_WRITE, PAGER_MAP_PRIVATE | PAGER_MAP_FIXED,
                           &at);
    return r;
}

void policy_fill(void *page, uint64_t offset)
{
    uint64_t *w = page, first = offset / sizeof(uint64_t);
    for (uint64_t i = 0; i < PAGER_PAGE_SIZE / sizeof(uint64_t); i++)
        w[i] = pattern_word(first + i);
}

static unsigned fail_reason(pager_bad_reason_t why)
{
    switch (why) {
    case PAGER_BAD_NO_REGION: return FL_FAULT_FAIL_NO_REGION;
    case PAGER_BAD_NO_PERMISSION: return FL_FAULT_FAIL_PERMISSION;
    case PAGER_BAD_OUT_OF_MEMORY: return FL_FAULT_FAIL_NO_MEMORY;
    default: return FL_FAULT_FAIL_OTHER;
    }
}

int policy_fault(pager_space_t *space, uint64_t addr, unsigned access, policy_answer_t *out)
{
    pager_access_t acc = access == FL_FAULT_WRITE  ? PAGER_ACCESS_WRITE
                         : access == FL_FAULT_EXEC ? PAGER_ACCESS_EXEC
                                                   : PAGER_ACCESS_READ;
    pager_fault_result_t res;
    int r = pager_fault(space, addr, acc, 0, &res);
    if (r != 0)
        return r;
    *out = (policy_answer_t){
        .page = addr & ~(PAGER_PAGE_SIZE - 1), .frame = res.frame, .prot = res.prot};
    if (res.outcome == PAGER_FAULT_BAD) {
        out->fail = fail_reason(res.reason);
        return 0;
    }
    if (res.outcome == PAGER_FAULT_RETRY) { /* mapped already in libpager's view: map it again */
        pager_page_info_t pi;
        r = pager_page_info(space, addr, &pi);
        if (r != 0)
            return r;
        out->frame = pi.frame;
        out->prot = pi.prot;
    }
    out->map = 1;
    return 0;
}
