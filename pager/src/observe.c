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

void fault_begin(pager_space_t *s)
{
    s->pager->hole_seen = false;
}

int fault_end(pager_space_t *s, uint64_t addr, pager_access_t access, pager_fault_result_t *out,
              int rc)
{
    pager_t *p = s->pager;
    if (rc < 0)
        return rc;
    if (out->outcome == PAGER_FAULT_MAPPED) {
        /* The only file_read a fault makes is for its own page; a cache hit made none. */
        if (p->hole_seen && out->action == PAGER_ACT_FILE_READ) {
            out->action = PAGER_ACT_FILE_HOLE;
            out->major = false;
            s->stats.major--;
            s->stats.minor++;
            s->stats.holes++;
        }
        if (out->action == PAGER_ACT_FIRST_WRITE)
            s->stats.first_writes++;
    }
    p->hole_seen = false;
    if (p->observer)
        p->observer(p->observer_arg, s, addr, access, out);
    return rc;
}

int pager_fault(pager_space_t *s, uint64_t addr, pager_access_t access, uint64_t sp,
                pager_fault_result_t *out)
{
    if (!s)
        return PAGER_EINVAL;
    fault_begin(s);
    return fault_end(s, addr, access, out, fault_decide(s, addr, access, sp, false, out));
}
