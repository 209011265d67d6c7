/*
 * Around every fault decision: pager_fault is fault_decide (fault.c) plus what the caller of
 * the library sees of it afterwards: a file page that turned out to be a hole is reported as
 * such (a minor fault, not a read), first writes are counted, and the observer is called once
 * with the final result. pager_fault_unmapped (remap.c) goes through the same two steps.
 */
#include "internal.h"

void pager_set_observer(pager_t *p, pager_observer_fn fn, void *arg)
{
    p->observer = fn;
    p->observer_arg = arg;
}

int pager_fault(pager_space_t *s, uint64_t addr, pager_access_t access, uint64_t sp,
                pager_fault_result_t *out)
{
    if (!s)
        return PAGER_EINVAL;
    fault_begin(s);
    return fault_end(s, addr, access, out, fault_decide(s, addr, access, sp, false, out));
}
