/*
 * Kernel object handles and rights: shared by the kernel and every user program.
 * Numbers are ABI: never renumber, only append.
 */
#ifndef FAULTLINE_TYPES_H
#define FAULTLINE_TYPES_H

#include <stdint.h>

/* A handle names one entry of the calling process's handle table. 0 is never valid. */
typedef uint32_t fl_handle_t;
#define FL_HANDLE_INVALID 0u

/* Object types (fl_handle_info reports them). */
typedef enum fl_obj_type {
    FL_OBJ_NONE = 0,
    FL_OBJ_SPACE = 1, /* an address space: page tables, ASID, handle table = a process */
    FL_OBJ_THREAD = 2,
    FL_OBJ_ENDPOINT = 3,     /* synchronous IPC rendezvous */
    FL_OBJ_NOTIFICATION = 4, /* asynchronous signal bits */
    FL_OBJ_POOL = 5,         /* a quota of physical frames */
    FL_OBJ_IRQ = 6,          /* one interrupt line */
    FL_OBJ_REGION = 7        /* a physical range: device MMIO or boot memory such as the initrd */
} fl_obj_type_t;

/* Rights. A duplicate or a transferred handle may only drop rights, never add them. */
#define FL_RIGHT_READ   (1u << 0) /* inspect; receive on an endpoint; wait on a notification */
#define FL_RIGHT_WRITE  (1u << 1) /* modify; send/call on an endpoint; signal a notification */
#define FL_RIGHT_MAP    (1u << 2) /* map into / unmap from a space; map a region */
#define FL_RIGHT_GRANT  (1u << 3) /* give, send in a message, mint (DUP needs no right) */
#define FL_RIGHT_MANAGE (1u << 4) /* control: start a thread, set its handlers, destroy a space */
#define FL_RIGHTS_ALL   0x1fu

/* Memory protection for mappings. */
#define FL_PROT_READ  1u
#define FL_PROT_WRITE 2u
#define FL_PROT_EXEC  4u

#define FL_PAGE_SIZE 4096u

#endif
