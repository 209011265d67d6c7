/* The one place a handler's new registers for a faulted thread are checked (pure logic, tested
 * on the host and fuzzed). */
#ifndef KERNEL_FAULT_REGS_H
#define KERNEL_FAULT_REGS_H

#include <stdint.h>

#include <faultline/fault.h>

/* Whether `r` (FL_SYS_FAULT_REGS_SET) may become a user thread's registers: only the condition
 * flags of PSTATE (never the exception level, masks or single-step), a PC that is 4-byte
 * aligned and below user_top, an SP below user_top. Returns FL_OK or FL_EINVAL. */
long fault_regs_check(const fl_regs_t *r, uint64_t user_top);

#endif
