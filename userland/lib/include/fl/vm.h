/*
 * Memory from the reference pager (userland/pager/, protocol in fl/pager_proto.h), for programs
 * started with a pager (fl_spawn_args_t.pager) and their forked children.
 *
 * vm_map / vm_unmap / vm_protect work like mmap / munmap / mprotect on private anonymous
 * memory: pages are zero on first touch and cost nothing until then. The pager answers
 * faults in them; an access outside any region, or against its rights, stops the thread and
 * is reported (fault-protocol.md). vm_stats reads the pager's fault counters for this process.
 *
 * The fl_pager_* calls are the pager protocol for spawners and parents (any endpoint: the
 * control endpoint, or a client's own).
 */
#ifndef FL_VM_H
#define FL_VM_H

#include <faultline/ipc.h>
#include <faultline/types.h>
#include <stddef.h>
#include <stdint.h>

#define VM_READ   FL_PROT_READ
#define VM_WRITE  FL_PROT_WRITE
#define VM_EXEC   FL_PROT_EXEC
#define VM_FIXED  1u /* vm_map, vm_map_file: exactly at the hint, or FL_EEXIST */
#define VM_SHARED 2u /* vm_map_file: a shared mapping (read-only for initrd files) */

typedef struct vm_stats {
    uint64_t minor, major;  /* faults resolved without / with I/O */
    uint64_t resident;      /* pages with a frame of their own now */
    uint64_t cow_copies;    /* writes that copied a shared frame */
    uint64_t zero_fills;    /* fresh zeroed frames */
    uint64_t zero_pages;    /* first reads served by the shared zero frame */
    uint64_t cow_upgrades;  /* writes to a formerly shared frame held alone: no copy */
    uint64_t stack_grows;   /* faults that grew the stack */
    uint64_t bad, retries;  /* bad accesses; faults on pages already mapped */
    uint64_t pager_frames;  /* frames the pager holds for all its clients */
    uint64_t pager_clients; /* processes it serves (control queries only) */
} vm_stats_t;

typedef struct fl_pager_report {
    uint64_t count; /* bad accesses of the client (0: none, or forgotten) */
    uint64_t addr;  /* the last one's address, PC, access (FL_FAULT_READ...) and */
    uint64_t pc;    /* reason (FL_FAULT_FAIL_...) */
    unsigned access, reason;
} fl_pager_report_t;

/* This process's badged pager endpoint (0 if it has no pager). */
fl_handle_t fl_pager(void);

/* Anonymous memory: *out = its address. 0 or an fl_err_t (FL_EPEER: no pager). */
long vm_map(void *hint, size_t length, unsigned prot, unsigned flags, void **out);
long vm_unmap(void *addr, size_t length);
long vm_protect(void *addr, size_t length, unsigned prot);
/* A file of the pager's file server (fl/files_proto.h): its id, and *size (may be NULL).
 * FL_ENOSYS if the pager has none. */
long vm_file_open(const char *name, uint64_t *size);
/* Maps `length` bytes of file `id` (length 0: the whole file) like mmap: private (reads share
 * the pager's page cache, the first write copies) or VM_SHARED. *out = its address. Pages
 * wholly past the end of the file are bus errors. */
long vm_map_file(void *hint, size_t length, unsigned prot, unsigned flags, uint64_t id, void **out);
/* msync: writes back the dirty pages of shared file mappings in [addr, addr + length) and
 * write-protects them again. Pages written (>= 0) or an fl_err_t. */
long vm_sync(void *addr, size_t length);
/* The pager's page cache: file reads, hits, pages cached, pages mapped by read-ahead. */
typedef struct vm_cache_stats {
    uint64_t reads, hits, pages, ahead;
} vm_cache_stats_t;
long fl_pager_cache_stats(fl_handle_t ep, vm_cache_stats_t *out);

/* Counters of this process. */
long vm_stats(vm_stats_t *out);

/* The protocol (fl/pager_proto.h) on endpoint ep. id 0 = the caller. */
long fl_pager_stats(fl_handle_t ep, uint64_t id, vm_stats_t *out);
long fl_pager_report(fl_handle_t ep, uint64_t id, fl_pager_report_t *out);
/* REGISTER space (with this process's own space as the LOAD window and, if notify is not 0,
 * a notification signalled with bits when it ends): *id and *badged (WRITE | GRANT). */
long fl_pager_register(fl_handle_t ep, fl_handle_t space, const char *name, fl_handle_t notify,
                       uint64_t bits, uint64_t *id, fl_handle_t *badged);
/* A request of registers only (MAP, UNMAP, PROTECT, STACK, GUARD, LOAD): the reply's w0. */
long fl_pager_request(fl_handle_t ep, unsigned label, uint64_t w0, uint64_t w1, uint64_t w2,
                      uint64_t w3);

/* The calling thread's IPC buffer (needed to send or receive handles), allocated at
 * FL_IPCBUF_VA on first acquire and freed by the matching last release. One thread only. */
fl_ipc_buffer_t *fl_ipcbuf_acquire(void);
void fl_ipcbuf_release(void);
/* A forked child starts without the parent's buffer: forget the inherited bookkeeping. */
void fl_ipcbuf_forget(void);

#endif
