/*
 * An example pager on the raw fault protocol (docs/writing-a-pager.md): it serves one region,
 * [SQUARES_BASE, + SQUARES_PAGES pages), whose 64-bit word i reads as i * i. Nothing is stored:
 * each page is computed when a client first reads it. Writes and addresses outside the region
 * are bad accesses.
 *
 * Start handle 0 is its endpoint (READ); clients' threads name a handle to it as their pager.
 * It needs no handle to the clients' spaces: FL_FAULT_REPLY_MAP maps into the faulting
 * thread's space. A call labelled SQUARES_QUIT ends it.
 */
#include <faultline/fault.h>
#include <fl/runtime.h>
#include <fl/syscall.h>
#include <stdio.h>

#include "squares.h"

#define WORK_VA 0x6000000000UL /* where the pager computes a page before lending it */

int main(void)
{
    fl_handle_t ep = fl_start_handle(0), self = fl_self_space();
    fl_msg_t m = {.tag = 0}; /* the first reply_recv owes nothing: it only receives */
    unsigned served = 0;
    int lent = 0;

    for (;;) {
        long r = fl_reply_recv(ep, &m);
        /* The page computed for the last fault is the client's now (a mapping holds a
         * reference on the frame): drop ours so the client's is the last one. */
        if (lent)
            fl_vm_unmap(self, WORK_VA, 1);
        lent = 0;
        if (r < 0)
            return 1;
        if (FL_TAG_LABEL(m.tag) == SQUARES_QUIT) {
            printf("squares: served %u pages, quitting\n", served);
            m.tag = FL_TAG(SQUARES_QUIT, 0, 0);
            fl_reply(&m);
            return 0;
        }
        if (FL_TAG_LABEL(m.tag) != FL_LABEL_PAGE_FAULT) {
            m.tag = FL_TAG(0, 0, 0); /* not ours: an empty answer */
            continue;
        }
        uint64_t addr = m.w[0], info = m.w[3];
        uint64_t page = addr & ~(uint64_t)(FL_PAGE_SIZE - 1);
        uint64_t end = SQUARES_BASE + (uint64_t)SQUARES_PAGES * FL_PAGE_SIZE;
        if (addr < SQUARES_BASE || addr >= end) {
            m.tag = FL_TAG(FL_FAULT_REPLY_FAIL, 1, 0);
            m.w[0] = FL_FAULT_FAIL_NO_REGION;
            continue;
        }
        if (FL_FAULT_ACCESS(info) != FL_FAULT_READ ||
            fl_vm_alloc(self, WORK_VA, 1, FL_PROT_READ | FL_PROT_WRITE) < 0) {
            m.tag = FL_TAG(FL_FAULT_REPLY_FAIL, 1, 0);
            m.w[0] = FL_FAULT_ACCESS(info) != FL_FAULT_READ ? FL_FAULT_FAIL_PERMISSION
                                                            : FL_FAULT_FAIL_NO_MEMORY;
            continue;
        }
        uint64_t *words = (uint64_t *)WORK_VA;
        uint64_t first = (page - SQUARES_BASE) / sizeof(uint64_t);
        for (unsigned i = 0; i < FL_PAGE_SIZE / sizeof(uint64_t); i++)
            words[i] = squares_value(first + i);
        lent = 1;
        served++;
        /* Map our page read-only at the faulting page and resume the client, then wait for
         * the next fault: all in the next fl_reply_recv. */
        m.tag = FL_TAG(FL_FAULT_REPLY_MAP, 4, 0);
        m.w[0] = page;
        m.w[1] = WORK_VA;
        m.w[2] = 1;
        m.w[3] = FL_PROT_READ;
    }
}
