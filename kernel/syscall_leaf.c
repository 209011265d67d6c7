/*
 * System calls that arch/arm64/fastpath.S runs without building a trap frame: it saves x0-x9
 * and x30 only, calls the handler with the call's arguments in registers and returns to EL0
 * with x0 = the result and every other register as the caller left it.
 *
 * That is correct only because this file is compiled with -fcall-saved-x9 ... -fcall-saved-x18
 * and without link-time optimisation (kernel/CMakeLists.txt): its functions preserve x9-x18
 * as well as x19-x29, so x1-x8 are the only registers they may clobber and the fast path
 * restores those. A leaf handler therefore calls no other function (one compiled normally
 * would clobber x9-x18), only reads kernel state (it never blocks, never touches user memory
 * and never makes scheduling work) and answers in x0. The general path (syscall.c) has the
 * same calls, the reference: fl.fastpath=off and =c use it.
 */
#include <faultline/errors.h>
#include <kernel/handle.h>
#include <kernel/syscall.h>
#include <kernel/thread.h>

/* FL_SYS_HANDLE_INFO: sys_handle_info() without the trap frame. */
long syscall_leaf_handle_info(uint64_t h)
{
    handle_entry_t *e = handle_find(current->space->handles, (fl_handle_t)h);
    if (!e)
        return FL_EBADH;
    return (long)e->type | ((long)e->rights << 8);
}
