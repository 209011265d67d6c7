/*
 * The faultline form of a libpager reply (target only: needs the runtime's <fl/syscall.h>):
 * one FL_FAULT_REPLY_MAP or FL_FAULT_REPLY_FAIL message, ready for fl_reply_recv (or, with a
 * reply token, for the asynchronous FL_SYS_FAULT_REPLY). Usage:
 *
 *     pager_fault_result_t res;
 *     pager_reply_t r;
 *     pager_fault(space, addr, access, sp, &res);
 *     pager_reply_build(space, &res, &r);
 *     pager_reply_to_msg(&r, &msg);
 */
#ifndef PAGER_REPLY_FL_H
#define PAGER_REPLY_FL_H

#include <fl/syscall.h>
#include <faultline/fault.h>
#include <pager/pager.h>

_Static_assert(PAGER_REPLY_FAIL_OTHER == FL_FAULT_FAIL_OTHER &&
                   PAGER_REPLY_FAIL_BUS == FL_FAULT_FAIL_BUS &&
                   PAGER_REPLY_FAIL_NO_MEMORY == FL_FAULT_FAIL_NO_MEMORY &&
                   PAGER_REPLY_FAIL_GUARD == FL_FAULT_FAIL_GUARD &&
                   PAGER_REPLY_FAIL_PERMISSION == FL_FAULT_FAIL_PERMISSION &&
                   PAGER_REPLY_FAIL_NO_REGION == FL_FAULT_FAIL_NO_REGION,
               "libpager's fail codes are faultline's");

static inline void pager_reply_to_msg(const pager_reply_t *r, fl_msg_t *m)
{
    if (r->kind == PAGER_REPLY_MAP) {
        m->tag = FL_TAG(FL_FAULT_REPLY_MAP, 4, 0);
        m->w[0] = r->page;
        m->w[1] = r->frame;
        m->w[2] = r->pages;
        m->w[3] = r->prot; /* PAGER_PROT_* bits are FL_PROT_* bits */
    } else {
        m->tag = FL_TAG(FL_FAULT_REPLY_FAIL, 1, 0);
        m->w[0] = r->fail;
    }
}

#endif
