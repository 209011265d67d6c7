/*
 * Faults on pages the library believes mapped (see pager_fault_unmapped in pager.h). The
 * kernel said nothing is mapped at the address. Where the record has the right the access
 * needs, pager_fault's RETRY would send the client straight back into the same fault forever:
 * the recorded frame is mapped again instead. Where it lacks it, the decision would change the
 * rights of the mapping (a write upgrade, rights given back lazily after a protect) through
 * ops->protect, on a mapping that is not there, which a backend refuses; so the record is
 * first made to say what the kernel said (rights 0, as after a protect to none) and the
 * decision maps the page through ops->map.
 */
#include "internal.h"

int pager_fault_unmapped(pager_space_t *s, uint64_t addr, pager_access_t access, uint64_t sp,
                         pager_fault_result_t *out)
{
    if (!s || !out)
        return PAGER_EINVAL;
    fault_begin(s);
    int rc = fault_decide(s, addr, access, sp, true, out);
    if (rc < 0 || out->outcome != PAGER_FAULT_RETRY)
        return fault_end(s, addr, access, out, rc);
    uint64_t vpn = vpn_of(addr);
    pte_t *pte = pagetab_lookup(&s->pt, vpn);
    uint64_t frame = pte->state == PAGER_PAGE_ZERO ? s->pager->zero_id : pte->u.frame->id;
    s->stats.retries--; /* not spurious after all */
    if (s->pager->ops->map(s->pager->ctx, s->user, addr_of(vpn), frame, pte->prot) < 0) {
        out->outcome = PAGER_FAULT_BAD;
        out->reason = PAGER_BAD_OUT_OF_MEMORY;
        s->stats.bad++;
        return fault_end(s, addr, access, out, PAGER_OK);
    }
    out->outcome = PAGER_FAULT_MAPPED;
    out->action = PAGER_ACT_REMAP;
    out->prot = pte->prot;
    out->frame = frame;
    s->stats.minor++;
    return fault_end(s, addr, access, out, PAGER_OK);
}
