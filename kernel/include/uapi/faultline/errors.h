/*
 * Error codes: the one enum shared by the kernel, pagers and user programs. Every syscall
 * returns one of these (0 or a negative value); docs/syscalls.md says which and when.
 * Numbers are ABI: never renumber, only append.
 */
#ifndef FAULTLINE_ERRORS_H
#define FAULTLINE_ERRORS_H

typedef enum fl_err {
    FL_OK = 0,
    FL_EINVAL = -1,    /* an argument is malformed or out of range */
    FL_ENOMEM = -2,    /* no memory (frames or the caller's pool quota) */
    FL_EBADH = -3,     /* not a valid handle of this process */
    FL_EPERM = -4,     /* the handle lacks a needed right */
    FL_EFAULT = -5,    /* a user pointer is not mapped with the needed access */
    FL_ERANGE = -6,    /* an address range reaches outside what the object allows */
    FL_EBUSY = -7,     /* the object is in a state that forbids this now */
    FL_ENOENT = -8,    /* nothing by that name or at that address */
    FL_EEXIST = -9,    /* something is already there */
    FL_ENOSYS = -10,   /* no such syscall */
    FL_EPEER = -11,    /* the other side of an IPC is gone */
    FL_ETYPE = -12,    /* the handle names an object of the wrong type */
    FL_EFULL = -13,    /* a fixed-size table is full */
    FL_EAGAIN = -14,   /* would block, and the caller asked not to */
    FL_ECORRUPT = -15, /* input data (DTB, initrd, ELF) is malformed */
    FL_EIO = -16,      /* a device or backing store failed */
    FL_EPAGER = -17,   /* the page is served by a pager: ask it (only it may change the mapping) */
    FL_ETIMEDOUT = -18 /* a deadline passed (a pager did not answer a fault in time) */
} fl_err_t;

#endif
