/*
 * The DTB reader: turns the flattened device tree the boot loader passed in x0 into a
 * platform_t. This is the one place the kernel checks the DTB, so everything is validated here
 * and later code trusts the result.
 *
 * References: "Devicetree Specification" v0.4 (cited as "DT n.n"), and the Linux
 * Documentation/devicetree/bindings schemas named where used.
 *
 * Freestanding rules: only libfdt's read-only API (fdt.o, fdt_ro.o, fdt_check.o) and
 * mem / str functions. fdt_address_cells() / fdt_size_cells() must not be called: they live in
 * fdt_addresses.o, which drags in fdt_rw.o and uses FP/SIMD registers, trapping with
 * CPACR_EL1.FPEN = 0 (PLATFORM.md). No allocation: results go straight into *out.
 */
#include <faultline/errors.h>
#include <kernel/platform.h>
#include <libfdt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Bits of MPIDR_EL1 that identify a CPU: Aff3 [39:32], Aff2 [23:16], Aff1 [15:8], Aff0 [7:0]
 * (Arm ARM D19.2 "MPIDR_EL1"); the arm/cpus.yaml binding puts exactly these in a cpu's reg. */
#define MPIDR_AFF_MASK 0xff00ffffffULL

/* GIC interrupt specifier, first cell (arm,gic.yaml / arm,gic-v3.yaml): 0 SPI, 1 PPI. */
#define GIC_IRQ_TYPE_SPI 0
#define GIC_IRQ_TYPE_PPI 1
#define GIC_PPI_COUNT    16
#define GIC_SPI_COUNT    988 /* INTIDs 32..1019 */
#define GIC_INTID_PPI0   16
#define GIC_INTID_SPI0   32
#define GIC_IRQ_CELLS    3

/* Bound on interrupt-parent hops: a malicious tree can make them loop. */
#define MAX_IRQ_PARENT_HOPS 32

static int fail(const char **err, int code, const char *msg)
{
    *err = msg;
    return code;
}

/* ---- properties ---------------------------------------------------------------------------- */

typedef enum { PROP_OK, PROP_ABSENT, PROP_BAD } prop_status_t;

/* A <string> property (DT 2.2.4.2): non-empty and ending in its first NUL. */
static prop_status_t prop_string(const void *fdt, int node, const char *name, const char **s)
{
    int len;
    const char *v = fdt_getprop(fdt, node, name, &len);

    if (!v)
        return len == -FDT_ERR_NOTFOUND ? PROP_ABSENT : PROP_BAD;
    if (len < 1 || v[len - 1] != '\0' || strlen(v) != (size_t)len - 1)
        return PROP_BAD;
    *s = v;
    return PROP_OK;
}

/* A <u32> property: exactly one cell. */
static prop_status_t prop_u32(const void *fdt, int node, const char *name, uint32_t *val)
{
    int len;
    const fdt32_t *v = fdt_getprop(fdt, node, name, &len);

    if (!v)
        return len == -FDT_ERR_NOTFOUND ? PROP_ABSENT : PROP_BAD;
    if (len != 4)
        return PROP_BAD;
    *val = fdt32_ld(v);
    return PROP_OK;
}

/* A number of 1 or 2 cells, most significant first (DT 2.2.4.2 <prop-encoded-array>). fdt32_ld
 * loads bytewise, so a DTB at any alignment is fine with the MMU (and alignment checks) off. */
static uint64_t cells_get(const fdt32_t *p, unsigned n)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < n; i++)
        v = (v << 32) | fdt32_ld(p + i);
    return v;
}

/* A 4- or 8-byte number: /chosen linux,initrd-start/-end are written by QEMU as one cell even
 * though the root #address-cells is 2 (PLATFORM.md), and as two by other loaders. */
static prop_status_t prop_u32_or_u64(const void *fdt, int node, const char *name, uint64_t *val)
{
    int len;
    const fdt32_t *v = fdt_getprop(fdt, node, name, &len);

    if (!v)
        return len == -FDT_ERR_NOTFOUND ? PROP_ABSENT : PROP_BAD;
    if (len != 4 && len != 8)
        return PROP_BAD;
    *val = cells_get(v, (unsigned)len / 4);
    return PROP_OK;
}

/* DT 2.3.4: a node is usable if status is absent or "okay" ("ok" is the old spelling Linux
 * still accepts); "disabled", "reserved", "fail" and "fail-sss" are not. */
static bool node_enabled(const void *fdt, int node)
{
    const char *s;

    switch (prop_string(fdt, node, "status", &s)) {
    case PROP_ABSENT: return true;
    case PROP_OK: return strcmp(s, "okay") == 0 || strcmp(s, "ok") == 0;
    default: return false;
    }
}

static bool node_is_type(const void *fdt, int node, const char *type)
{
    const char *s;

    return prop_string(fdt, node, "device_type", &s) == PROP_OK && strcmp(s, type) == 0;
}

/* ---- reg ------------------------------------------------------------------------------------ */

/* What went wrong with a reg property; each context has its own message table (REG_MESSAGES). */
typedef enum {
    REG_OK,
    REG_NONE,   /* no reg property */
    REG_CELLS,  /* the parent's #address-cells / #size-cells are not 1 or 2 */
    REG_LENGTH, /* length not a non-zero multiple of (#address-cells + #size-cells) * 4 */
    REG_EMPTY,  /* an entry has size 0 */
    REG_WRAP,   /* base + size overflows 64 bits */
    REG_RANGES, /* an ancestor translates addresses (non-empty or missing ranges) */
    REG_STATUS_COUNT
} reg_status_t;

#define REG_MESSAGES(what)                                                                         \
    {                                                                                              \
        [REG_OK] = "DTB: " what ": reg is fine", [REG_NONE] = "DTB: " what " has no reg property", \
        [REG_CELLS] = "DTB: " what ": parent #address-cells/#size-cells is not 1 or 2",            \
        [REG_LENGTH] = "DTB: " what " reg length is not a multiple of its address+size cells",     \
        [REG_EMPTY] = "DTB: " what " reg has a zero size",                                         \
        [REG_WRAP] = "DTB: " what " reg base + size overflows",                                    \
        [REG_RANGES] = "DTB: " what " sits behind an address-translating ranges (unsupported)",    \
    }

static const char *const reg_msg_memory[REG_STATUS_COUNT] = REG_MESSAGES("/memory");
static const char *const reg_msg_resmem[REG_STATUS_COUNT] = REG_MESSAGES("/reserved-memory child");
static const char *const reg_msg_uart[REG_STATUS_COUNT] = REG_MESSAGES("uart");
static const char *const reg_msg_gic[REG_STATUS_COUNT] = REG_MESSAGES("gic");
static const char *const reg_msg_virtio[REG_STATUS_COUNT] = REG_MESSAGES("virtio,mmio");

/* A validated reg property: count entries of ac address cells and sc size cells. */
typedef struct {
    const fdt32_t *cells;
    unsigned ac, sc, count;
} reg_t;

/* #address-cells / #size-cells that bus gives its children's reg. DT 2.3.5: they are not
 * inherited from further up, and when absent a client assumes 2 and 1. */
static prop_status_t bus_cells(const void *fdt, int bus, uint32_t *ac, uint32_t *sc)
{
    prop_status_t s;

    *ac = 2;
    *sc = 1;
    s = prop_u32(fdt, bus, "#address-cells", ac);
    if (s == PROP_BAD)
        return s;
    s = prop_u32(fdt, bus, "#size-cells", sc);
    return s == PROP_BAD ? s : PROP_OK;
}

/* reg holds addresses of the parent bus (DT 2.3.6); they are CPU physical addresses only if
 * every bus between the node and the root maps 1:1, i.e. has an empty ranges (DT 2.3.8: a
 * missing ranges means no mapping at all). QEMU virt needs no real translation. */
static bool identity_mapped(const void *fdt, int parent)
{
    while (parent > 0) {
        int len;

        if (!fdt_getprop(fdt, parent, "ranges", &len) || len != 0)
            return false;
        parent = fdt_parent_offset(fdt, parent);
    }
    return parent == 0;
}

static phys_range_t reg_entry(const reg_t *r, unsigned i)
{
    const fdt32_t *p = r->cells + i * (r->ac + r->sc);

    return (phys_range_t){cells_get(p, r->ac), cells_get(p + r->ac, r->sc)};
}

/* Validates node's reg completely: cell counts, length, and every entry non-empty and not
 * wrapping, so that callers can use base + size without further checks. */
static reg_status_t reg_check(const void *fdt, int node, reg_t *r)
{
    int parent = fdt_parent_offset(fdt, node);
    uint32_t ac, sc;
    int len;

    if (parent < 0 || bus_cells(fdt, parent, &ac, &sc) != PROP_OK)
        return REG_CELLS;
    /* Larger values exist (PCI uses 3) but never for the MMIO and RAM we read. */
    if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
        return REG_CELLS;
    if (!identity_mapped(fdt, parent))
        return REG_RANGES;
    r->cells = fdt_getprop(fdt, node, "reg", &len);
    if (!r->cells)
        return REG_NONE;
    r->ac = ac;
    r->sc = sc;
    if (len <= 0 || (unsigned)len % ((ac + sc) * 4) != 0)
        return REG_LENGTH;
    r->count = (unsigned)len / ((ac + sc) * 4);
    for (unsigned i = 0; i < r->count; i++) {
        phys_range_t e = reg_entry(r, i);

        if (e.size == 0)
            return REG_EMPTY;
        if (e.size > UINT64_MAX - e.base)
            return REG_WRAP;
    }
    return REG_OK;
}

/* reg_check, reporting failures with the context's message table. */
static int reg_load(const void *fdt, int node, reg_t *r, const char *const *msgs, const char **err)
{
    reg_status_t s = reg_check(fdt, node, r);

    return s == REG_OK ? 0 : fail(err, FL_ECORRUPT, msgs[s]);
}

/* ---- interrupts ----------------------------------------------------------------------------- */

/* A node's interrupt parent, found the way Linux's of_irq_find_parent() does (DT 2.4.1): follow
 * interrupt-parent if present, else go to the devicetree parent, until reaching a node with
 * #interrupt-cells. Returns its offset or -1. */
static int irq_parent(const void *fdt, int node)
{
    for (unsigned hops = 0; hops < MAX_IRQ_PARENT_HOPS && node >= 0; hops++) {
        uint32_t ph;

        switch (prop_u32(fdt, node, "interrupt-parent", &ph)) {
        case PROP_OK: node = fdt_node_offset_by_phandle(fdt, ph); break;
        case PROP_ABSENT: node = fdt_parent_offset(fdt, node); break;
        default: return -1;
        }
        if (node >= 0 && fdt_getprop(fdt, node, "#interrupt-cells", NULL))
            return node;
    }
    return -1;
}

/* The interrupts of node, which must be delivered by the GIC at offset gic in 3-cell specifiers
 * (arm,gic.yaml: type, number, flags). Returns the number of specifiers, or a negative error. */
static int irq_specs(const void *fdt, int node, int gic, const fdt32_t **specs, const char **err)
{
    uint32_t cells;
    int len;

    if (irq_parent(fdt, node) != gic)
        return fail(err, FL_ECORRUPT, "DTB: interrupt parent is not the GIC");
    if (prop_u32(fdt, gic, "#interrupt-cells", &cells) != PROP_OK || cells != GIC_IRQ_CELLS)
        return fail(err, FL_ECORRUPT, "DTB: GIC #interrupt-cells is not 3");
    *specs = fdt_getprop(fdt, node, "interrupts", &len);
    if (!*specs)
        return fail(err, FL_ECORRUPT, "DTB: interrupts property missing");
    if (len <= 0 || len % (GIC_IRQ_CELLS * 4) != 0)
        return fail(err, FL_ECORRUPT, "DTB: interrupts length is not a multiple of 3 cells");
    return len / (GIC_IRQ_CELLS * 4);
}

/* The GIC INTID of one specifier, which must be of the given type (PPI n -> 16 + n, SPI n ->
 * 32 + n; GIC architecture spec IHI 0069, 2.2 "INTIDs"). Returns 0 if it is not. */
static unsigned irq_intid(const fdt32_t *spec, uint32_t type)
{
    uint32_t t = fdt32_ld(spec), n = fdt32_ld(spec + 1);

    if (t != type)
        return 0;
    if (type == GIC_IRQ_TYPE_PPI)
        return n < GIC_PPI_COUNT ? GIC_INTID_PPI0 + n : 0;
    return n < GIC_SPI_COUNT ? GIC_INTID_SPI0 + n : 0;
}

/* ---- the parts of the tree --------------------------------------------------------------------
 */

/* DT 3.4: RAM is described by device_type "memory" nodes under the root; every reg entry is a
 * range. Overlaps would make the frame allocator hand out a frame twice, so they are refused. */
static int read_memory(const void *fdt, platform_t *out, const char **err)
{
    int node;

    fdt_for_each_subnode(node, fdt, 0)
    {
        reg_t r;
        int rc;

        if (!node_is_type(fdt, node, "memory") || !node_enabled(fdt, node))
            continue;
        rc = reg_load(fdt, node, &r, reg_msg_memory, err);
        if (rc != 0)
            return rc;
        for (unsigned i = 0; i < r.count; i++) {
            phys_range_t m = reg_entry(&r, i);

            if (out->mem_count == PLATFORM_MAX_MEM)
                return fail(err, FL_EFULL, "DTB: more /memory ranges than PLATFORM_MAX_MEM");
            for (unsigned j = 0; j < out->mem_count; j++) {
                const phys_range_t *o = &out->mem[j];

                if (m.base < o->base + o->size && o->base < m.base + m.size)
                    return fail(err, FL_ECORRUPT, "DTB: /memory ranges overlap");
            }
            out->mem[out->mem_count++] = m;
        }
    }
    if (node < 0 && node != -FDT_ERR_NOTFOUND)
        return fail(err, FL_ECORRUPT, "DTB: cannot walk the root node");
    if (out->mem_count == 0)
        return fail(err, FL_ECORRUPT, "DTB: no /memory node");
    return 0;
}

static int reserve(platform_t *out, phys_range_t r, const char **err)
{
    if (out->reserved_count == PLATFORM_MAX_RESERVED)
        return fail(err, FL_EFULL, "DTB: more reserved ranges than PLATFORM_MAX_RESERVED");
    out->reserved[out->reserved_count++] = r;
    return 0;
}

/* Memory the OS must not use: the DTB header's memory reservation block (DT 5.3, /memreserve/
 * in source) and the statically placed children of /reserved-memory (DT 3.5,
 * reserved-memory.yaml). Children with only a size ask the OS to allocate; we do not, so they
 * are not reservations here. */
static int read_reserved(const void *fdt, platform_t *out, const char **err)
{
    int n = fdt_num_mem_rsv(fdt), node, rc;

    if (n < 0)
        return fail(err, FL_ECORRUPT, "DTB: bad memory reservation block");
    for (int i = 0; i < n; i++) {
        uint64_t base, size;

        if (fdt_get_mem_rsv(fdt, i, &base, &size) != 0)
            return fail(err, FL_ECORRUPT, "DTB: bad memory reservation block");
        /* A size of 0 ends the block (DT 5.3), so fdt_num_mem_rsv never counts an empty one. */
        if (size > UINT64_MAX - base)
            return fail(err, FL_ECORRUPT, "DTB: /memreserve/ entry base + size overflows");
        rc = reserve(out, (phys_range_t){base, size}, err);
        if (rc != 0)
            return rc;
    }

    int resmem = fdt_path_offset(fdt, "/reserved-memory");
    if (resmem < 0)
        return 0;
    fdt_for_each_subnode(node, fdt, resmem)
    {
        reg_t r;

        if (!node_enabled(fdt, node) || !fdt_getprop(fdt, node, "reg", NULL))
            continue;
        rc = reg_load(fdt, node, &r, reg_msg_resmem, err);
        for (unsigned i = 0; rc == 0 && i < r.count; i++)
            rc = reserve(out, reg_entry(&r, i), err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* /chosen (DT 3.6): bootargs, the initrd (Linux's chosen.yaml: linux,initrd-start/-end, end
 * exclusive) and stdout-path. Sets *console to the stdout-path node, or -1 if there is none. */
static int read_chosen(const void *fdt, platform_t *out, int *console, const char **err)
{
    int chosen = fdt_path_offset(fdt, "/chosen");
    const char *s;

    *console = -1;
    if (chosen < 0)
        return 0;

    switch (prop_string(fdt, chosen, "bootargs", &s)) {
    case PROP_ABSENT: break;
    case PROP_OK:
        if (strlen(s) >= sizeof(out->bootargs))
            return fail(err, FL_ECORRUPT, "DTB: /chosen bootargs is longer than 255 bytes");
        memcpy(out->bootargs, s, strlen(s) + 1);
        break;
    default: return fail(err, FL_ECORRUPT, "DTB: /chosen bootargs is not a string");
    }

    uint64_t start = 0, end = 0;
    prop_status_t ss = prop_u32_or_u64(fdt, chosen, "linux,initrd-start", &start);
    prop_status_t es = prop_u32_or_u64(fdt, chosen, "linux,initrd-end", &end);
    if (ss == PROP_BAD || es == PROP_BAD)
        return fail(err, FL_ECORRUPT, "DTB: linux,initrd-start/-end is not 4 or 8 bytes");
    if (ss != es)
        return fail(err, FL_ECORRUPT, "DTB: only one of linux,initrd-start/-end is present");
    if (ss == PROP_OK) {
        if (end <= start)
            return fail(err, FL_ECORRUPT, "DTB: initrd end is not above its start");
        out->has_initrd = true;
        out->initrd_start = start;
        out->initrd_end = end;
    }

    /* "linux,stdout-path" is the name older trees used; Linux still reads it. */
    prop_status_t ps = prop_string(fdt, chosen, "stdout-path", &s);
    if (ps == PROP_ABSENT)
        ps = prop_string(fdt, chosen, "linux,stdout-path", &s);
    if (ps == PROP_ABSENT)
        return 0;
    if (ps == PROP_BAD)
        return fail(err, FL_ECORRUPT, "DTB: stdout-path is not a string");
    /* DT 3.6: a ':' ends the path and starts the device's options ("serial0:115200n8"). A
     * path not starting with '/' is an alias (DT 3.3), which fdt_path_offset_namelen
     * resolves. */
    int len = 0;
    while (s[len] != '\0' && s[len] != ':')
        len++;
    if (len == 0)
        return fail(err, FL_ECORRUPT, "DTB: stdout-path is empty");
    *console = fdt_path_offset_namelen(fdt, s, len);
    if (*console < 0)
        return fail(err, FL_ECORRUPT, "DTB: stdout-path names no node");
    return 0;
}

/* The console: a PL011 (arm,pl011 in arm,pl011.yaml), the stdout-path device if there is one,
 * else the first enabled PL011. */
static int read_uart(const void *fdt, platform_t *out, int console, const char **err)
{
    static const char compat[] = "arm,pl011";
    reg_t r;
    int node = console, rc;

    _Static_assert(sizeof(compat) <= sizeof(out->uart_compat), "uart_compat holds it");
    if (node >= 0) {
        if (fdt_node_check_compatible(fdt, node, compat) != 0)
            return fail(err, FL_ECORRUPT, "DTB: stdout-path device is not arm,pl011");
        if (!node_enabled(fdt, node))
            return fail(err, FL_ECORRUPT, "DTB: stdout-path device is disabled");
    } else {
        node = fdt_node_offset_by_compatible(fdt, -1, compat);
        while (node >= 0 && !node_enabled(fdt, node))
            node = fdt_node_offset_by_compatible(fdt, node, compat);
        if (node < 0)
            return fail(err, FL_ECORRUPT, "DTB: no uart (no stdout-path and no arm,pl011 node)");
    }
    rc = reg_load(fdt, node, &r, reg_msg_uart, err);
    if (rc != 0)
        return rc;
    out->uart = reg_entry(&r, 0);
    memcpy(out->uart_compat, compat, sizeof(compat));
    return 0;
}

/* The interrupt controller: exactly one enabled GIC. arm,gic.yaml (v2: arm,cortex-a15-gic,
 * arm,gic-400): reg = distributor, CPU interface[, GICH, GICV]. arm,gic-v3.yaml: reg =
 * distributor, #redistributor-regions redistributor ranges[, GICC, GICH, GICV]. Returns the
 * node's offset or a negative error. */
static int read_gic(const void *fdt, platform_t *out, const char **err)
{
    int gic = -1, node, rc;
    unsigned version = 0;
    reg_t r;

    for (node = fdt_next_node(fdt, -1, NULL); node >= 0; node = fdt_next_node(fdt, node, NULL)) {
        unsigned v;

        if (fdt_node_check_compatible(fdt, node, "arm,gic-v3") == 0)
            v = 3;
        else if (fdt_node_check_compatible(fdt, node, "arm,cortex-a15-gic") == 0 ||
                 fdt_node_check_compatible(fdt, node, "arm,gic-400") == 0)
            v = 2;
        else
            continue;
        if (!node_enabled(fdt, node))
            continue;
        if (gic >= 0)
            return fail(err, FL_ECORRUPT, "DTB: more than one GIC");
        gic = node;
        version = v;
    }
    if (gic < 0)
        return fail(err, FL_ECORRUPT, "DTB: no GIC (arm,gic-v3, arm,cortex-a15-gic, arm,gic-400)");
    rc = reg_load(fdt, gic, &r, reg_msg_gic, err);
    if (rc != 0)
        return rc;
    if (r.count < 2)
        return fail(err, FL_ECORRUPT, "DTB: gic reg has fewer than 2 ranges");
    out->gic_version = version;
    out->gicd = reg_entry(&r, 0);
    if (version == 2)
        out->gicc = reg_entry(&r, 1);
    else
        out->gicr = reg_entry(&r, 1);
    return gic;
}

/* The generic timer (arm,armv8-timer in arm,arch_timer.yaml): interrupts are, in order, the
 * secure physical, non-secure physical, virtual, hypervisor physical [and hypervisor virtual]
 * timer PPIs. We need the first three. */
static int read_timer(const void *fdt, platform_t *out, int gic, const char **err)
{
    const fdt32_t *irq;
    int node = fdt_node_offset_by_compatible(fdt, -1, "arm,armv8-timer"), n;

    while (node >= 0 && !node_enabled(fdt, node))
        node = fdt_node_offset_by_compatible(fdt, node, "arm,armv8-timer");
    if (node < 0)
        return fail(err, FL_ECORRUPT, "DTB: no arm,armv8-timer node");
    n = irq_specs(fdt, node, gic, &irq, err);
    if (n < 0)
        return n;
    if (n < 3 || n > 5)
        return fail(err, FL_ECORRUPT, "DTB: timer interrupts has not 3 to 5 entries");
    out->timer_phys_intid = irq_intid(irq + 1 * GIC_IRQ_CELLS, GIC_IRQ_TYPE_PPI);
    out->timer_virt_intid = irq_intid(irq + 2 * GIC_IRQ_CELLS, GIC_IRQ_TYPE_PPI);
    if (out->timer_phys_intid == 0 || out->timer_virt_intid == 0)
        return fail(err, FL_ECORRUPT, "DTB: timer interrupt is not a PPI");
    return 0;
}

/* PSCI (arm,psci.yaml), optional. 0.2 and later ("arm,psci-0.2", "arm,psci-1.0") use the
 * standard function IDs of the PSCI spec (Arm DEN 0022); 0.1 ("arm,psci" alone) names each
 * function's ID in a property and has no SYSTEM_OFF / SYSTEM_RESET. method picks the conduit. */
static int read_psci(const void *fdt, platform_t *out, const char **err)
{
    static const char *const compats[] = {"arm,psci-1.0", "arm,psci-0.2", "arm,psci"};
    int node = -1;
    unsigned which;
    const char *method;

    for (which = 0; which < sizeof(compats) / sizeof(compats[0]); which++) {
        node = fdt_node_offset_by_compatible(fdt, -1, compats[which]);
        while (node >= 0 && !node_enabled(fdt, node))
            node = fdt_node_offset_by_compatible(fdt, node, compats[which]);
        if (node >= 0)
            break;
    }
    if (node < 0)
        return 0; /* PSCI_METHOD_NONE */

    if (prop_string(fdt, node, "method", &method) != PROP_OK)
        return fail(err, FL_ECORRUPT, "DTB: psci node has no method string");
    if (strcmp(method, "hvc") == 0)
        out->psci_method = PSCI_METHOD_HVC;
    else if (strcmp(method, "smc") == 0)
        out->psci_method = PSCI_METHOD_SMC;
    else
        return fail(err, FL_ECORRUPT, "DTB: psci method is not hvc or smc");

    if (which < 2) {
        out->psci_fn_cpu_on = PSCI_0_2_FN64_CPU_ON;
        out->psci_fn_system_off = PSCI_0_2_FN_SYSTEM_OFF;
        out->psci_fn_system_reset = PSCI_0_2_FN_SYSTEM_RESET;
        return 0;
    }
    uint32_t fn = 0;
    if (prop_u32(fdt, node, "cpu_on", &fn) == PROP_BAD)
        return fail(err, FL_ECORRUPT, "DTB: psci cpu_on is not one cell");
    out->psci_fn_cpu_on = fn;
    return 0;
}

/* DT 3.7 and 3.8: /cpus has #size-cells 0 and one child per CPU with device_type "cpu"; on arm64
 * (arm/cpus.yaml) reg is that CPU's MPIDR_EL1 affinity, in 1 or 2 cells. Other children
 * (cpu-map, idle-states) are skipped. Disabled CPUs are still CPUs: status "disabled" there
 * means parked, waiting for the enable-method (DT 3.8.1). */
static int read_cpus(const void *fdt, platform_t *out, const char **err)
{
    int cpus = fdt_path_offset(fdt, "/cpus"), node;
    uint32_t ac, sc;

    if (cpus < 0)
        return fail(err, FL_ECORRUPT, "DTB: no /cpus node");
    if (bus_cells(fdt, cpus, &ac, &sc) != PROP_OK || ac < 1 || ac > 2 || sc != 0)
        return fail(err, FL_ECORRUPT, "DTB: /cpus #address-cells not 1 or 2, or #size-cells not 0");
    fdt_for_each_subnode(node, fdt, cpus)
    {
        const fdt32_t *reg;
        int len;

        if (!node_is_type(fdt, node, "cpu"))
            continue;
        reg = fdt_getprop(fdt, node, "reg", &len);
        if (!reg || len != (int)ac * 4)
            return fail(err, FL_ECORRUPT, "DTB: cpu reg is not one #address-cells entry");
        uint64_t mpidr = cells_get(reg, ac);
        if (mpidr & ~MPIDR_AFF_MASK)
            return fail(err, FL_ECORRUPT, "DTB: cpu reg has bits outside the MPIDR affinity");
        for (unsigned i = 0; i < out->cpu_count; i++)
            if (out->cpu_mpidr[i] == mpidr)
                return fail(err, FL_ECORRUPT, "DTB: two cpus with the same MPIDR");
        if (out->cpu_count == PLATFORM_MAX_CPUS)
            return fail(err, FL_EFULL, "DTB: more cpus than PLATFORM_MAX_CPUS");
        out->cpu_mpidr[out->cpu_count++] = mpidr;
    }
    if (out->cpu_count == 0)
        return fail(err, FL_ECORRUPT, "DTB: no cpu under /cpus");
    return 0;
}

/* virtio-mmio transports (virtio,mmio in virtio/mmio.yaml: one reg range, one interrupt).
 * QEMU virt always lists 32, most with no device behind them; drivers probe the magic and
 * device ID. Kept sorted by base so that numbering does not depend on DTB order. */
static int read_virtio(const void *fdt, platform_t *out, int gic, const char **err)
{
    static const char compat[] = "virtio,mmio";
    int node;

    for (node = fdt_node_offset_by_compatible(fdt, -1, compat); node >= 0;
         node = fdt_node_offset_by_compatible(fdt, node, compat)) {
        const fdt32_t *irq;
        reg_t r;
        int rc, n;

        if (!node_enabled(fdt, node))
            continue;
        rc = reg_load(fdt, node, &r, reg_msg_virtio, err);
        if (rc != 0)
            return rc;
        if (r.count != 1)
            return fail(err, FL_ECORRUPT, "DTB: virtio,mmio reg has more than one range");
        n = irq_specs(fdt, node, gic, &irq, err);
        if (n < 0)
            return n;
        if (n != 1)
            return fail(err, FL_ECORRUPT, "DTB: virtio,mmio has not exactly one interrupt");
        unsigned intid = irq_intid(irq, GIC_IRQ_TYPE_SPI);
        if (intid == 0)
            return fail(err, FL_ECORRUPT, "DTB: virtio,mmio interrupt is not an SPI");
        if (out->virtio_count == PLATFORM_MAX_VIRTIO)
            return fail(err, FL_EFULL, "DTB: more virtio,mmio nodes than PLATFORM_MAX_VIRTIO");

        /* Insertion sort: at most 32 entries. */
        phys_range_t regs = reg_entry(&r, 0);
        unsigned i = out->virtio_count;
        while (i > 0 && out->virtio[i - 1].regs.base > regs.base) {
            out->virtio[i] = out->virtio[i - 1];
            i--;
        }
        if (i > 0 && out->virtio[i - 1].regs.base == regs.base)
            return fail(err, FL_ECORRUPT, "DTB: two virtio,mmio nodes at the same address");
        out->virtio[i].regs = regs;
        out->virtio[i].intid = intid;
        out->virtio_count++;
    }
    return 0;
}

/* ---- entry ----------------------------------------------------------------------------------- */

/* The blob itself (DT 5.2): the header must be readable before anything in it is believed,
 * and fdt_check_full() then walks the whole structure block (nesting, tags, string offsets,
 * property lengths) within totalsize, so the lookups below only see a well-formed tree. */
static int check_blob(const void *fdt, size_t max_size, const char **err)
{
    if (max_size < sizeof(struct fdt_header))
        return fail(err, FL_ERANGE, "DTB: readable size is smaller than the DTB header");
    if (fdt_magic(fdt) != FDT_MAGIC)
        return fail(err, FL_ECORRUPT, "DTB: bad magic");
    if (fdt_totalsize(fdt) > max_size)
        return fail(err, FL_ERANGE, "DTB: totalsize is larger than the readable size (truncated?)");
    if (fdt_check_header(fdt) != 0)
        return fail(err, FL_ECORRUPT, "DTB: bad header (version or block offsets)");
    /* libfdt 1.6.1 accepts headers from version 2 but its fdt_check_full() reads through a NULL
     * pointer on versions below 16 (found by test/fuzz); QEMU and dtc write version 17. */
    if (fdt_version(fdt) < 17)
        return fail(err, FL_ECORRUPT, "DTB: header version older than 17");
    if (fdt_check_full(fdt, fdt_totalsize(fdt)) != 0)
        return fail(err, FL_ECORRUPT, "DTB: malformed structure block");
    return 0;
}

int platform_from_dtb(const void *fdt, size_t max_size, platform_t *out, const char **err)
{
    int rc, console, gic;

    memset(out, 0, sizeof(*out));
    if (!fdt)
        return fail(err, FL_ECORRUPT, "DTB: no device tree (null pointer)");
    rc = check_blob(fdt, max_size, err);
    if (rc != 0)
        return rc;
    out->dtb_size = fdt_totalsize(fdt);

    rc = read_memory(fdt, out, err);
    if (rc == 0)
        rc = read_reserved(fdt, out, err);
    if (rc == 0)
        rc = read_chosen(fdt, out, &console, err);
    if (rc == 0)
        rc = read_uart(fdt, out, console, err);
    if (rc != 0)
        return rc;
    gic = read_gic(fdt, out, err);
    if (gic < 0)
        return gic;
    rc = read_timer(fdt, out, gic, err);
    if (rc == 0)
        rc = read_psci(fdt, out, err);
    if (rc == 0)
        rc = read_cpus(fdt, out, err);
    if (rc == 0)
        rc = read_virtio(fdt, out, gic, err);
    return rc;
}
