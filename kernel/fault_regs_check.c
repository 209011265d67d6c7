/*
 * The check of registers a fault handler gives a faulted thread (FL_SYS_FAULT_REGS_SET), apart
 * from the system call so that it builds on the host: the values come straight from user
 * memory and end up in the thread's trap frame, so anything but the condition flags, or a PC
 * or SP outside user space, would let a handler resume its client at EL1 or masked.
 */
#include <faultline/errors.h>
#include <kernel/fault_regs.h>

long fault_regs_check(const fl_regs_t *r, uint64_t user_top)
{
    if (r->nzcv & ~(uint64_t)FL_REGS_NZCV_MASK)
        return FL_EINVAL; /* EL, masks, single-step...: never the handler's to set */
    if (r->pc >= user_top || (r->pc & 3) || r->sp >= user_top)
        return FL_EINVAL;
    return FL_OK;
}
