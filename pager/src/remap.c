/*
 * Faults on pages the library believes mapped (see pager_fault_unmapped in pager.h). The
 * decision itself is pager_fault's; this only turns its RETRY into a fresh mapping of the
 * recorded frame when the kernel said nothing is mapped, so a pager can never livelock a
 * client whose mapping disappeared without the library being told.
 */
#include "internal.h"

int pager_fault_unmapped(pager_space_t *s, uint64_t addr, pager_access_t access, uint64_t sp,
                         pager_fault_result_t *out)
{
    fault_begin(s);
    int rc = fault_decide(s, addr, access, sp, out);
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
