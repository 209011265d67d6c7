/*
 * The kernel's check of the registers a fault handler gives its client
 * (kernel/fault_regs_check.c, FL_SYS_FAULT_REGS_SET) on arbitrary values: it accepts exactly
 * the registers whose PSTATE part is condition flags only, whose PC is 4-byte aligned and below
 * user_top and whose SP is below user_top, and refuses with FL_EINVAL otherwise. Also the reply
 * token (FL_FAULT_TOKEN, FL_SYS_FAULT_REPLY): it decodes back to the thread and sequence number
 * it was made of, whatever the fault information's other fields hold.
 * Input: sp, pc, nzcv, user_top, thread, info (8 bytes each); the top bit of user_top picks the
 * kernel's 2^48 instead; x0..x30 and the thread field play no part in the check.
 */
#include <stdbool.h>
#include <string.h>

#include <stdbool.h>
#include <string.h>

#include <faultline/errors.h>
#include <faultline/fault.h>
#include <kernel/fault_regs.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in_t in = {data, size};
    fl_regs_t r;
    for (int i = 0; i < 31; i++)
        r.x[i] = 0x0101010101010101ULL * (uint64_t)i;
    r.sp = fuzz_take(&in, 8);
    r.pc = fuzz_take(&in, 8);
    r.nzcv = fuzz_take(&in, 8);
    uint64_t top = fuzz_take(&in, 8);
    if (top >> 63)
        top = 1ULL << 48;
    r.thread = fuzz_take(&in, 8);
    fl_regs_t copy = r;
    long rc = fault_regs_check(&r, top);
    bool ok = (r.nzcv & ~(uint64_t)0xf0000000u) == 0 && r.pc < top && r.pc % 4 == 0 && r.sp < top;
    CHECK(rc == (ok ? FL_OK : FL_EINVAL));
    CHECK(memcmp(&r, &copy, sizeof(r)) == 0); /* a check, not a fix-up */

    uint64_t thread = r.thread, info = fuzz_take(&in, 8);
    uint64_t token = FL_FAULT_TOKEN(thread, info);
    CHECK(FL_FAULT_TOKEN_THREAD(token) == (uint32_t)thread);
    CHECK(FL_FAULT_TOKEN_SEQ(token) == FL_FAULT_SEQ(info));
    CHECK(FL_FAULT_SEQ(info) == (uint32_t)(info >> 32));
    return 0;
}
