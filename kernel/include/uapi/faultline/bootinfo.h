/*
 * The boot information page the kernel gives the root task (init): the handles it starts with.
 * Mapped read-only in init's space; its address arrives in x0 at init's entry.
 */
#ifndef FAULTLINE_BOOTINFO_H
#define FAULTLINE_BOOTINFO_H

#include <faultline/types.h>
#include <stdint.h>

#define FL_BOOTINFO_MAGIC   0x464c424f4f54ULL /* "FLBOOT" */
#define FL_BOOTINFO_VERSION 1
#define FL_BOOTINFO_MAX_DEV 40

typedef struct fl_bootinfo_device {
    fl_handle_t region;  /* FL_OBJ_REGION handle for its MMIO range (0 if none) */
    fl_handle_t irq;     /* FL_OBJ_IRQ handle (0 if none) */
    uint64_t base, size; /* physical, as the DTB says: for drivers to tell devices apart */
    uint32_t kind;       /* FL_DEV_* */
    uint32_t reserved;
} fl_bootinfo_device_t;

#define FL_DEV_VIRTIO_MMIO 1

typedef struct fl_bootinfo {
    uint64_t magic;
    uint32_t version;
    uint32_t ndevices;
    fl_handle_t self_space;  /* init's own space (all rights) */
    fl_handle_t self_thread; /* init's first thread */
    fl_handle_t root_pool;   /* every frame not used by the kernel */
    fl_handle_t initrd;      /* FL_OBJ_REGION over the initrd (0 if none), read-only memory */
    uint64_t initrd_size;
    uint64_t initrd_vaddr; /* where the kernel mapped it read-only in init's space */
    uint64_t frames_total;
    char bootargs[256];
    fl_bootinfo_device_t devices[FL_BOOTINFO_MAX_DEV];
} fl_bootinfo_t;

_Static_assert(sizeof(fl_bootinfo_device_t) == 32, "bootinfo layout is ABI");
_Static_assert(sizeof(fl_bootinfo_t) <= FL_PAGE_SIZE, "bootinfo fits a page");

/* System information (FL_SYS_SYSTEM_INFO). */
typedef struct fl_sysinfo {
    uint64_t frames_total;
    uint64_t frames_free;
    uint64_t ticks;
    uint64_t threads;
} fl_sysinfo_t;

#endif
