/*
 * The machine, as the boot DTB describes it (kernel/dtb.c). platform_from_dtb() is the one place
 * the kernel checks the device tree: everything in platform_t has been validated (cell counts,
 * lengths, non-empty and non-wrapping ranges, interrupt specifiers, table sizes), so later code
 * trusts it. Pure logic on libfdt's read-only API: built for the kernel and for host tests.
 */
#ifndef KERNEL_PLATFORM_H
#define KERNEL_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PLATFORM_MAX_MEM      8
#define PLATFORM_MAX_RESERVED 16
#define PLATFORM_MAX_CPUS     8
#define PLATFORM_MAX_VIRTIO   32
#define PLATFORM_BOOTARGS_MAX 256 /* bytes of /chosen bootargs, with the NUL */

/* PSCI 0.2+ standard function IDs (Arm DEN 0022, PSCI spec, table "Function IDs"). */
#define PSCI_0_2_FN64_CPU_ON     0xC4000003u
#define PSCI_0_2_FN_SYSTEM_OFF   0x84000008u
#define PSCI_0_2_FN_SYSTEM_RESET 0x84000009u

/* A physical range; size > 0 and base + size does not wrap (base + size <= UINT64_MAX). */
typedef struct {
    uint64_t base, size;
} phys_range_t;

typedef enum {
    PSCI_METHOD_NONE, /* no PSCI node: no CPU_ON, power off by other means */
    PSCI_METHOD_HVC,
    PSCI_METHOD_SMC
} psci_method_t;

typedef struct {
    /* /memory nodes (device_type "memory"), every reg entry, in DTB order; no overlaps. */
    phys_range_t mem[PLATFORM_MAX_MEM];
    unsigned mem_count;
    /* /memreserve/ entries, then /reserved-memory children with a reg (all their entries). */
    phys_range_t reserved[PLATFORM_MAX_RESERVED];
    unsigned reserved_count;
    /* The console: the /chosen stdout-path device (aliases resolved, ":options" stripped),
     * compatible "arm,pl011"; without stdout-path, the first enabled arm,pl011 node. */
    phys_range_t uart;
    char uart_compat[32]; /* the compatible string matched: "arm,pl011" */
    /* 2 (arm,cortex-a15-gic / arm,gic-400) or 3 (arm,gic-v3). */
    unsigned gic_version;
    phys_range_t gicd; /* distributor: reg[0] */
    phys_range_t gicc; /* v2 only: CPU interface, reg[1] (zero for v3) */
    phys_range_t gicr; /* v3 only: first redistributor region, reg[1] (zero for v2) */
    /* GIC INTIDs of the arm,armv8-timer PPIs (PPI n -> INTID 16 + n). */
    unsigned timer_virt_intid, timer_phys_intid;
    /* PSCI conduit and function IDs (0: not available). */
    psci_method_t psci_method;
    uint32_t psci_fn_cpu_on, psci_fn_system_off, psci_fn_system_reset;
    /* /cpus children with device_type "cpu": MPIDR affinity fields (Aff3 in bits 39:32). */
    unsigned cpu_count;
    uint64_t cpu_mpidr[PLATFORM_MAX_CPUS];
    /* /chosen linux,initrd-start/-end (4- or 8-byte values); end > start. */
    bool has_initrd;
    uint64_t initrd_start, initrd_end;
    /* /chosen bootargs, "" if none. */
    char bootargs[PLATFORM_BOOTARGS_MAX];
    /* Enabled virtio,mmio transports, sorted by base address ascending (SPI n -> INTID 32 + n). */
    struct {
        phys_range_t regs;
        unsigned intid;
    } virtio[PLATFORM_MAX_VIRTIO];
    unsigned virtio_count;
    /* fdt_totalsize(): the bytes the DTB occupies (for the frame allocator to keep). */
    uint64_t dtb_size;
} platform_t;

/*
 * Reads everything above from the flattened device tree at fdt, of which at most max_size bytes
 * are readable. Returns 0, or a negative fl_err_t: FL_ERANGE (the blob is larger than max_size),
 * FL_EFULL (more entries than a PLATFORM_MAX_* table holds), FL_ECORRUPT (anything else that is
 * malformed or missing). On error *err points to a static English message naming what was wrong
 * ("DTB: bad magic", "DTB: no /memory node", ...) and *out is partly filled: do not use it.
 */
int platform_from_dtb(const void *fdt, size_t max_size, platform_t *out, const char **err);

#endif
