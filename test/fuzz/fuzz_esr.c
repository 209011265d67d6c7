/*
 * The ESR decoder (arch/arm64/esr.c) and the EL0 fault decoder (arch/arm64/fault_decode.c) on
 * arbitrary syndrome values: every field is in range, names are never NULL, and the decoded
 * fault agrees with the syndrome (a memory fault only for aborts, an address only when FAR is
 * valid). Input: ESR (8 bytes), FAR (8), instruction (4), whether it could be read (1).
 */
#include <arch/esr.h>
#include <arch/fault_decode.h>
#include <faultline/fault.h>
#include <string.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in_t in = {data, size};
    uint64_t esr = fuzz_take(&in, 8), far = fuzz_take(&in, 8);
    uint32_t insn = (uint32_t)fuzz_take(&in, 4);
    bool have_insn = fuzz_take(&in, 1) & 1;

    esr_info_t e;
    memset(&e, 0x5a, sizeof(e)); /* every field must be written */
    esr_decode(esr, &e);
    CHECK(e.raw == esr);
    CHECK(e.ec == ((esr >> 26) & 0x3f));
    CHECK(e.iss == (esr & 0x1ffffff));
    CHECK(e.il == ((esr >> 25) & 1));
    CHECK(e.ec_name && *e.ec_name);
    CHECK(esr_class_name(e.cls) && esr_fault_kind_name(e.kind) && esr_access_name(e.access));
    bool abort_ = e.cls == ESR_CLASS_DATA_ABORT || e.cls == ESR_CLASS_INSTR_ABORT;
    if (abort_) {
        CHECK(e.fsc_name && *e.fsc_name);
        CHECK(e.fsc == (esr & 0x3f));
        CHECK(e.level == ESR_LEVEL_NONE || (e.level >= -2 && e.level <= 3)); /* -2: FEAT_D128 */
    }
    /* Out-of-range enum values still have names. */
    CHECK(esr_class_name((esr_class_t)(esr & 0xff)) != NULL);
    CHECK(esr_fault_kind_name((esr_fault_kind_t)(far & 0xff)) != NULL);
    CHECK(esr_access_name((esr_access_t)(insn & 0xff)) != NULL);

    fault_decoded_t d;
    memset(&d, 0x5a, sizeof(d));
    fault_decode(&e, far, have_insn, insn, &d);
    if (d.is_memory)
        CHECK(abort_);
    CHECK(d.access == FL_FAULT_READ || d.access == FL_FAULT_WRITE || d.access == FL_FAULT_EXEC);
    CHECK(!(d.flags & ~(uint64_t)(FL_FAULT_FAR_VALID | FL_FAULT_ATOMIC)));
    if (!(d.flags & FL_FAULT_FAR_VALID))
        CHECK(d.addr == 0);
    else
        CHECK(d.addr == far);
    (void)insn_is_atomic_rmw(insn);
    return 0;
}
