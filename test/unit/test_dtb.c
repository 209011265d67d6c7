/*
 * The DTB reader (kernel/dtb.c) against device trees dumped from QEMU 7.2 (dtb/virt-*.dts), the
 * deliberately broken ones (dtb/bad-*.dts), damaged blobs, and trees edited here with the host
 * libfdt's read-write API to reach the cases QEMU never produces.
 */
#include <criterion/criterion.h>
#include <faultline/errors.h>
#include <kernel/platform.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef DTB_BUILD_DIR
#error "DTB_BUILD_DIR must name the directory holding the dtb/*.dts compiled with dtc"
#endif

#define MiB        (1024ULL * 1024)
#define BLOB_MAX   (256 * 1024)
#define EDIT_SPACE (64 * 1024)

/* ---- helpers ------------------------------------------------------------------------------- */

/* Reads DTB_BUILD_DIR/<name>.dtb into a fresh 8-byte-aligned buffer of BLOB_MAX bytes (the
 * rest zeroed); returns it and its file size in *size. */
static void *load(const char *name, size_t *size)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s.dtb", DTB_BUILD_DIR, name);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s (compile dtb/*.dts with dtc first)", path);
    uint64_t *buf = calloc(BLOB_MAX / 8, 8);
    cr_assert_not_null(buf);
    *size = fread(buf, 1, BLOB_MAX, f);
    cr_assert(*size > 0 && *size < BLOB_MAX, "%s: read %zu bytes", path, *size);
    fclose(f);
    return buf;
}

/* Parses a compiled DTB that must be accepted. */
static platform_t parse_ok(const char *name)
{
    size_t size;
    void *fdt = load(name, &size);
    platform_t p;
    const char *err = NULL;
    int rc = platform_from_dtb(fdt, size, &p, &err);
    cr_assert_eq(rc, 0, "%s rejected: %d %s", name, rc, err ? err : "(no message)");
    cr_assert_eq(p.dtb_size, size, "dtb_size is fdt_totalsize, which dtc makes the file size");
    free(fdt);
    return p;
}

/* The reader must refuse the blob with code and a "DTB: " message containing word. */
static void expect_err_blob(const void *fdt, size_t size, int code, const char *word)
{
    platform_t p;
    const char *err = NULL;
    int rc = platform_from_dtb(fdt, size, &p, &err);
    cr_assert_eq(rc, code, "expected error %d (\"%s\"), got %d (%s)", code, word, rc,
                 err ? err : "(no message)");
    cr_assert_not_null(err, "an error needs a message");
    cr_assert(strncmp(err, "DTB: ", 5) == 0, "message \"%s\" starts with DTB:", err);
    cr_assert_not_null(strstr(err, word), "message \"%s\" should mention \"%s\"", err, word);
}

static void expect_err_file(const char *name, int code, const char *word)
{
    size_t size;
    void *fdt = load(name, &size);
    expect_err_blob(fdt, size, code, word);
    free(fdt);
}

/* A compiled DTB opened for editing with EDIT_SPACE bytes of room (totalsize grows to that). */
static void *edit(const char *name)
{
    size_t size;
    void *src = load(name, &size);
    void *dst = calloc(1, size + EDIT_SPACE);
    cr_assert_not_null(dst);
    cr_assert_eq(fdt_open_into(src, dst, (int)(size + EDIT_SPACE)), 0);
    free(src);
    return dst;
}

static int node(void *fdt, const char *path)
{
    int off = fdt_path_offset(fdt, path);
    cr_assert(off >= 0, "no node %s in the test tree: %s", path, fdt_strerror(off));
    return off;
}

static int add_node(void *fdt, const char *parent, const char *name)
{
    int off = fdt_add_subnode(fdt, node(fdt, parent), name);
    cr_assert(off >= 0, "cannot add %s in %s: %s", name, parent, fdt_strerror(off));
    return off;
}

#define OK(expr) cr_assert_eq((expr), 0, "%s", #expr)

/* Sets a property to a list of 32-bit cells. */
static void set_cells(void *fdt, int off, const char *prop, const uint32_t *cells, int n)
{
    fdt32_t be[32];
    cr_assert(n <= 32);
    for (int i = 0; i < n; i++)
        be[i] = cpu_to_fdt32(cells[i]);
    OK(fdt_setprop(fdt, off, prop, be, n * 4));
}

#define SET_CELLS(fdt, off, prop, ...)                                                             \
    do {                                                                                           \
        const uint32_t c_[] = {__VA_ARGS__};                                                       \
        set_cells(fdt, off, prop, c_, (int)(sizeof(c_) / sizeof(c_[0])));                          \
    } while (0)

static platform_t parse_edited_ok(void *fdt)
{
    platform_t p;
    const char *err = NULL;
    int rc = platform_from_dtb(fdt, fdt_totalsize(fdt), &p, &err);
    cr_assert_eq(rc, 0, "edited tree rejected: %d %s", rc, err ? err : "(no message)");
    return p;
}

static void expect_err_edited(void *fdt, int code, const char *word)
{
    expect_err_blob(fdt, fdt_totalsize(fdt), code, word);
    free(fdt);
}

/* ---- the QEMU trees -------------------------------------------------------------------------- */

static void assert_range(phys_range_t r, uint64_t base, uint64_t size, const char *what)
{
    cr_assert_eq(r.base, base, "%s base %#lx, expected %#lx", what, (unsigned long)r.base,
                 (unsigned long)base);
    cr_assert_eq(r.size, size, "%s size %#lx, expected %#lx", what, (unsigned long)r.size,
                 (unsigned long)size);
}

/* What every QEMU virt tree shares: one RAM bank at 1 GiB, PL011 at 0x09000000, the timer PPIs,
 * PSCI 0.2+ IDs, and 32 virtio-mmio transports 0x200 apart on SPIs 16..47. */
static void assert_virt_common(const platform_t *p, uint64_t mem_size)
{
    cr_assert_eq(p->mem_count, 1);
    assert_range(p->mem[0], 0x40000000, mem_size, "memory");
    cr_assert_eq(p->reserved_count, 0);
    assert_range(p->uart, 0x09000000, 0x1000, "uart");
    cr_assert_str_eq(p->uart_compat, "arm,pl011");
    assert_range(p->gicd, 0x08000000, 0x10000, "gicd");
    cr_assert_eq(p->timer_virt_intid, 27, "virtual timer is PPI 11");
    cr_assert_eq(p->timer_phys_intid, 30, "non-secure physical timer is PPI 14");
    cr_assert_eq(p->psci_fn_cpu_on, 0xC4000003u);
    cr_assert_eq(p->psci_fn_system_off, 0x84000008u);
    cr_assert_eq(p->psci_fn_system_reset, 0x84000009u);
    for (unsigned i = 0; i < p->cpu_count; i++)
        cr_assert_eq(p->cpu_mpidr[i], i, "cpu %u MPIDR", i);
    cr_assert_eq(p->virtio_count, 32);
    for (unsigned i = 0; i < 32; i++) {
        assert_range(p->virtio[i].regs, 0x0a000000 + 0x200 * i, 0x200, "virtio");
        cr_assert_eq(p->virtio[i].intid, 32 + 16 + i, "virtio %u INTID", i);
    }
}

static void assert_gicv2(const platform_t *p)
{
    cr_assert_eq(p->gic_version, 2);
    assert_range(p->gicc, 0x08010000, 0x10000, "gicc");
    assert_range(p->gicr, 0, 0, "gicr (none on v2)");
}

static void assert_gicv3(const platform_t *p)
{
    cr_assert_eq(p->gic_version, 3);
    assert_range(p->gicr, 0x080a0000, 0xf60000, "gicr");
    assert_range(p->gicc, 0, 0, "gicc (none on v3)");
}

static void assert_no_chosen_extras(const platform_t *p)
{
    cr_assert_not(p->has_initrd);
    cr_assert_eq(p->initrd_start, 0);
    cr_assert_eq(p->initrd_end, 0);
    cr_assert_str_eq(p->bootargs, "");
}

Test(dtb_qemu, gicv2_1cpu_128m)
{
    platform_t p = parse_ok("virt-gicv2-1cpu-128m");
    assert_virt_common(&p, 128 * MiB);
    assert_gicv2(&p);
    cr_assert_eq(p.psci_method, PSCI_METHOD_HVC);
    cr_assert_eq(p.cpu_count, 1);
    assert_no_chosen_extras(&p);
}

Test(dtb_qemu, gicv3_4cpu_2g)
{
    platform_t p = parse_ok("virt-gicv3-4cpu-2g");
    assert_virt_common(&p, 2048 * MiB);
    assert_gicv3(&p);
    cr_assert_eq(p.psci_method, PSCI_METHOD_HVC);
    cr_assert_eq(p.cpu_count, 4);
    cr_assert_eq(p.cpu_mpidr[3], 3);
    assert_no_chosen_extras(&p);
}

Test(dtb_qemu, gicv2_4cpu_2g)
{
    platform_t p = parse_ok("virt-gicv2-4cpu-2g");
    assert_virt_common(&p, 2048 * MiB);
    assert_gicv2(&p);
    cr_assert_eq(p.psci_method, PSCI_METHOD_HVC);
    cr_assert_eq(p.cpu_count, 4);
    cr_assert_eq(p.cpu_mpidr[3], 3);
}

Test(dtb_qemu, gicv3_1cpu_128m)
{
    platform_t p = parse_ok("virt-gicv3-1cpu-128m");
    assert_virt_common(&p, 128 * MiB);
    assert_gicv3(&p);
    cr_assert_eq(p.psci_method, PSCI_METHOD_HVC);
    cr_assert_eq(p.cpu_count, 1);
}

Test(dtb_qemu, el2_gicv3_1cpu_512m_uses_smc)
{
    platform_t p = parse_ok("virt-el2-gicv3-1cpu-512m");
    assert_virt_common(&p, 512 * MiB);
    assert_gicv3(&p);
    cr_assert_eq(p.psci_method, PSCI_METHOD_SMC, "virtualization=on: PSCI via smc");
    cr_assert_eq(p.cpu_count, 1);
}

Test(dtb_qemu, el2_gicv2_4cpu_1g_has_gich_gicv_but_reports_gicc)
{
    /* With virtualization=on the GICv2 node lists GICD, GICC, GICH, GICV. */
    platform_t p = parse_ok("virt-el2-gicv2-4cpu-1g");
    assert_virt_common(&p, 1024 * MiB);
    assert_gicv2(&p);
    cr_assert_eq(p.psci_method, PSCI_METHOD_SMC);
    cr_assert_eq(p.cpu_count, 4);
}

Test(dtb_qemu, initrd_and_bootargs)
{
    platform_t p = parse_ok("virt-gicv2-1cpu-128m-initrd");
    assert_virt_common(&p, 128 * MiB);
    cr_assert(p.has_initrd);
    cr_assert_eq(p.initrd_start, 0x44000000, "QEMU puts the initrd at RAM + 64 MiB here");
    cr_assert_eq(p.initrd_end, 0x44001000, "a 4 KiB initrd");
    cr_assert_str_eq(p.bootargs, "fl.exit=semihost");
}

Test(dtb_qemu, virtio_blk_attached)
{
    /* The tree does not say which transport has the disk: drivers probe all 32. */
    platform_t p = parse_ok("virt-gicv2-2cpu-256m-virtio-blk");
    assert_virt_common(&p, 256 * MiB);
    assert_gicv2(&p);
    cr_assert_eq(p.cpu_count, 2);
    cr_assert_eq(p.cpu_mpidr[1], 1);
    cr_assert_eq(p.virtio[0].regs.base, 0x0a000000);
    cr_assert_eq(p.virtio[0].intid, 48);
}

/* ---- the broken trees in dtb/ -----------------------------------------------------------------
 */

Test(dtb_bad, no_memory)
{
    expect_err_file("bad-no-memory", FL_ECORRUPT, "no /memory");
}

Test(dtb_bad, no_uart)
{
    expect_err_file("bad-no-uart", FL_ECORRUPT, "no uart");
}

Test(dtb_bad, memory_cells)
{
    expect_err_file("bad-memory-cells", FL_ECORRUPT, "/memory reg length is not a multiple");
}

Test(dtb_bad, stdout_not_pl011)
{
    expect_err_file("bad-stdout-not-pl011", FL_ECORRUPT, "stdout-path device is not arm,pl011");
}

Test(dtb_bad, no_timer)
{
    expect_err_file("bad-no-timer", FL_ECORRUPT, "timer");
}

Test(dtb_bad, no_gic)
{
    expect_err_file("bad-no-gic", FL_ECORRUPT, "no GIC");
}

Test(dtb_bad, gic_interrupt_cells)
{
    expect_err_file("bad-gic-interrupt-cells", FL_ECORRUPT, "#interrupt-cells");
}

Test(dtb_bad, root_address_cells_3)
{
    expect_err_file("bad-address-cells", FL_ECORRUPT, "#address-cells");
}

/* ---- damaged blobs --------------------------------------------------------------------------- */

Test(dtb_blob, truncated_to_the_header)
{
    size_t size;
    void *fdt = load("virt-gicv2-1cpu-128m", &size);
    expect_err_blob(fdt, 40, FL_ERANGE, "truncated");
    free(fdt);
}

Test(dtb_blob, totalsize_larger_than_readable)
{
    size_t size;
    void *fdt = load("virt-gicv2-1cpu-128m", &size);
    expect_err_blob(fdt, size - 1, FL_ERANGE, "totalsize");
    free(fdt);
}

Test(dtb_blob, shorter_than_a_header)
{
    size_t size;
    void *fdt = load("virt-gicv2-1cpu-128m", &size);
    expect_err_blob(fdt, 8, FL_ERANGE, "header");
    expect_err_blob(fdt, 0, FL_ERANGE, "header");
    free(fdt);
}

Test(dtb_blob, bad_magic)
{
    size_t size;
    uint8_t *fdt = load("virt-gicv2-1cpu-128m", &size);
    fdt[0] ^= 0x01;
    expect_err_blob(fdt, size, FL_ECORRUPT, "magic");
    free(fdt);
}

Test(dtb_blob, all_zero)
{
    static const uint64_t zero[512];
    expect_err_blob(zero, sizeof(zero), FL_ECORRUPT, "magic");
}

Test(dtb_blob, null_pointer)
{
    expect_err_blob(NULL, 4096, FL_ECORRUPT, "no device tree");
}

Test(dtb_blob, unsupported_version)
{
    size_t size;
    struct fdt_header *h = load("virt-gicv2-1cpu-128m", &size);
    h->version = cpu_to_fdt32(1);
    expect_err_blob(h, size, FL_ECORRUPT, "header");
    free(h);
}

Test(dtb_blob, garbage_tag_in_structure_block)
{
    size_t size;
    uint8_t *fdt = load("virt-gicv2-1cpu-128m", &size);
    /* The root's FDT_BEGIN_NODE is at the start of the structure block; the first property's
     * FDT_PROP tag follows its (empty, padded) name. Make that tag unknown. */
    uint32_t off = fdt_off_dt_struct(fdt) + 8;
    cr_assert_eq(fdt32_to_cpu(*(fdt32_t *)(fdt + off)), FDT_PROP);
    *(fdt32_t *)(fdt + off) = cpu_to_fdt32(0x77);
    expect_err_blob(fdt, size, FL_ECORRUPT, "malformed");
    free(fdt);
}

Test(dtb_blob, property_length_past_the_block)
{
    size_t size;
    uint8_t *fdt = load("virt-gicv2-1cpu-128m", &size);
    uint32_t off = fdt_off_dt_struct(fdt) + 8 + 4; /* first property's length */
    *(fdt32_t *)(fdt + off) = cpu_to_fdt32(0x100000);
    expect_err_blob(fdt, size, FL_ECORRUPT, "malformed");
    free(fdt);
}

/* ---- memory ---------------------------------------------------------------------------------- */

Test(dtb_memory, two_nodes_and_two_entries)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    int m = add_node(fdt, "/", "memory@100000000");
    OK(fdt_setprop_string(fdt, m, "device_type", "memory"));
    SET_CELLS(fdt, m, "reg", 0x1, 0x0, 0x0, 0x10000000, 0x2, 0x0, 0x1, 0x0);
    platform_t p = parse_edited_ok(fdt);
    cr_assert_eq(p.mem_count, 3);
    /* fdt_add_subnode puts the new node first among the root's children. */
    assert_range(p.mem[0], 0x100000000, 0x10000000, "mem[0]");
    assert_range(p.mem[1], 0x200000000, 0x100000000, "mem[1]");
    assert_range(p.mem[2], 0x40000000, 128 * MiB, "mem[2]");
    free(fdt);
}

Test(dtb_memory, disabled_node_is_ignored)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    int m = add_node(fdt, "/", "memory@100000000");
    OK(fdt_setprop_string(fdt, m, "device_type", "memory"));
    OK(fdt_setprop_string(fdt, m, "status", "disabled"));
    SET_CELLS(fdt, m, "reg", 0x1, 0x0, 0x0, 0x10000000);
    platform_t p = parse_edited_ok(fdt);
    cr_assert_eq(p.mem_count, 1);
    free(fdt);
}

Test(dtb_memory, too_many_ranges)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    fdt32_t reg[9 * 4];
    for (int i = 0; i < 9; i++) {
        reg[4 * i + 0] = cpu_to_fdt32(0);
        reg[4 * i + 1] = cpu_to_fdt32(0x40000000 + i * 0x1000000);
        reg[4 * i + 2] = cpu_to_fdt32(0);
        reg[4 * i + 3] = cpu_to_fdt32(0x1000000);
    }
    OK(fdt_setprop(fdt, node(fdt, "/memory@40000000"), "reg", reg, sizeof(reg)));
    expect_err_edited(fdt, FL_EFULL, "PLATFORM_MAX_MEM");
}

Test(dtb_memory, eight_ranges_fit)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    fdt32_t reg[8 * 4];
    for (int i = 0; i < 8; i++) {
        reg[4 * i + 0] = cpu_to_fdt32(0);
        reg[4 * i + 1] = cpu_to_fdt32(0x40000000 + i * 0x1000000);
        reg[4 * i + 2] = cpu_to_fdt32(0);
        reg[4 * i + 3] = cpu_to_fdt32(0x1000000);
    }
    OK(fdt_setprop(fdt, node(fdt, "/memory@40000000"), "reg", reg, sizeof(reg)));
    platform_t p = parse_edited_ok(fdt);
    cr_assert_eq(p.mem_count, 8);
    assert_range(p.mem[7], 0x47000000, 0x1000000, "mem[7]");
    free(fdt);
}

Test(dtb_memory, zero_size)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    SET_CELLS(fdt, node(fdt, "/memory@40000000"), "reg", 0x0, 0x40000000, 0x0, 0x0);
    expect_err_edited(fdt, FL_ECORRUPT, "/memory reg has a zero size");
}

Test(dtb_memory, base_plus_size_overflows)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    SET_CELLS(fdt, node(fdt, "/memory@40000000"), "reg", 0xffffffff, 0xfffff000, 0x0, 0x1000);
    expect_err_edited(fdt, FL_ECORRUPT, "/memory reg base + size overflows");
}

Test(dtb_memory, range_ending_just_below_the_top_is_fine)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    SET_CELLS(fdt, node(fdt, "/memory@40000000"), "reg", 0xffffffff, 0xfffff000, 0x0, 0xfff);
    platform_t p = parse_edited_ok(fdt);
    assert_range(p.mem[0], 0xfffffffffffff000, 0xfff, "mem[0]");
    free(fdt);
}

Test(dtb_memory, overlapping_ranges)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    SET_CELLS(fdt, node(fdt, "/memory@40000000"), "reg", 0x0, 0x40000000, 0x0, 0x2000000, 0x0,
              0x41fff000, 0x0, 0x1000000);
    expect_err_edited(fdt, FL_ECORRUPT, "overlap");
}

Test(dtb_memory, root_size_cells_0)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    SET_CELLS(fdt, 0, "#size-cells", 0);
    expect_err_edited(fdt, FL_ECORRUPT, "#size-cells");
}

Test(dtb_memory, root_cells_property_not_one_cell)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    SET_CELLS(fdt, 0, "#address-cells", 0, 2);
    expect_err_edited(fdt, FL_ECORRUPT, "#address-cells");
}

/* ---- reserved memory ------------------------------------------------------------------------- */

Test(dtb_reserved, memreserve_and_reserved_memory)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    OK(fdt_add_mem_rsv(fdt, 0x40000000, 0x10000));
    OK(fdt_add_mem_rsv(fdt, 0x47ff0000, 0x10000));
    int rm = add_node(fdt, "/", "reserved-memory");
    SET_CELLS(fdt, rm, "#address-cells", 2);
    SET_CELLS(fdt, rm, "#size-cells", 2);
    OK(fdt_setprop_empty(fdt, rm, "ranges"));
    /* Added in reverse: fdt_add_subnode prepends. */
    int dyn = add_node(fdt, "/reserved-memory", "dynamic");
    SET_CELLS(fdt, dyn, "size", 0x0, 0x100000); /* no reg: for the OS to place, not ours */
    int off = add_node(fdt, "/reserved-memory", "off@46000000");
    OK(fdt_setprop_string(fdt, off, "status", "disabled"));
    SET_CELLS(fdt, off, "reg", 0x0, 0x46000000, 0x0, 0x1000);
    int fw = add_node(fdt, "/reserved-memory", "fw@44000000");
    SET_CELLS(fdt, fw, "reg", 0x0, 0x44000000, 0x0, 0x2000, 0x0, 0x45000000, 0x0, 0x3000);
    OK(fdt_setprop_empty(fdt, fw, "no-map"));

    platform_t p = parse_edited_ok(fdt);
    cr_assert_eq(p.reserved_count, 4);
    assert_range(p.reserved[0], 0x40000000, 0x10000, "memreserve 0");
    assert_range(p.reserved[1], 0x47ff0000, 0x10000, "memreserve 1");
    assert_range(p.reserved[2], 0x44000000, 0x2000, "fw reg 0");
    assert_range(p.reserved[3], 0x45000000, 0x3000, "fw reg 1");
    free(fdt);
}

Test(dtb_reserved, too_many)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    for (int i = 0; i < PLATFORM_MAX_RESERVED + 1; i++)
        OK(fdt_add_mem_rsv(fdt, 0x40000000 + i * 0x1000, 0x1000));
    expect_err_edited(fdt, FL_EFULL, "PLATFORM_MAX_RESERVED");
}

Test(dtb_reserved, memreserve_overflows)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    OK(fdt_add_mem_rsv(fdt, 0xfffffffffffff000, 0x1000));
    expect_err_edited(fdt, FL_ECORRUPT, "/memreserve/");
}

Test(dtb_reserved, reserved_memory_bad_reg_length)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    int rm = add_node(fdt, "/", "reserved-memory");
    SET_CELLS(fdt, rm, "#address-cells", 2);
    SET_CELLS(fdt, rm, "#size-cells", 2);
    OK(fdt_setprop_empty(fdt, rm, "ranges"));
    SET_CELLS(fdt, add_node(fdt, "/reserved-memory", "fw@44000000"), "reg", 0x0, 0x44000000,
              0x2000);
    expect_err_edited(fdt, FL_ECORRUPT, "/reserved-memory child reg length");
}

/* ---- uart and /chosen ---------------------------------------------------------------------------
 */

Test(dtb_uart, stdout_path_alias_with_options)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    int al = add_node(fdt, "/", "aliases");
    OK(fdt_setprop_string(fdt, al, "serial0", "/pl011@9000000"));
    OK(fdt_setprop_string(fdt, node(fdt, "/chosen"), "stdout-path", "serial0:115200n8"));
    platform_t p = parse_edited_ok(fdt);
    assert_range(p.uart, 0x09000000, 0x1000, "uart");
    free(fdt);
}

Test(dtb_uart, stdout_path_alias_to_a_non_pl011)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    int al = add_node(fdt, "/", "aliases");
    OK(fdt_setprop_string(fdt, al, "serial0", "/pl031@9010000"));
    OK(fdt_setprop_string(fdt, node(fdt, "/chosen"), "stdout-path", "serial0"));
    expect_err_edited(fdt, FL_ECORRUPT, "not arm,pl011");
}

Test(dtb_uart, stdout_path_names_nothing)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    OK(fdt_setprop_string(fdt, node(fdt, "/chosen"), "stdout-path", "/nowhere@0:115200"));
    expect_err_edited(fdt, FL_ECORRUPT, "names no node");
}

Test(dtb_uart, stdout_path_not_a_string)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    OK(fdt_setprop(fdt, node(fdt, "/chosen"), "stdout-path", "/pl011@9000000", 14)); /* no NUL */
    expect_err_edited(fdt, FL_ECORRUPT, "stdout-path is not a string");
}

Test(dtb_uart, no_stdout_path_takes_the_first_enabled_pl011)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    OK(fdt_delprop(fdt, node(fdt, "/chosen"), "stdout-path"));
    /* A disabled PL011 first in the tree (fdt_add_subnode prepends) must be skipped. */
    int u = add_node(fdt, "/", "pl011@9100000");
    OK(fdt_setprop(fdt, u, "compatible", "arm,pl011\0arm,primecell", 24));
    OK(fdt_setprop_string(fdt, u, "status", "disabled"));
    SET_CELLS(fdt, u, "reg", 0x0, 0x09100000, 0x0, 0x1000);
    platform_t p = parse_edited_ok(fdt);
    assert_range(p.uart, 0x09000000, 0x1000, "uart");
    cr_assert_str_eq(p.uart_compat, "arm,pl011");
    free(fdt);
}

Test(dtb_uart, stdout_path_to_a_disabled_pl011)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    OK(fdt_setprop_string(fdt, node(fdt, "/pl011@9000000"), "status", "disabled"));
    expect_err_edited(fdt, FL_ECORRUPT, "disabled");
}

Test(dtb_uart, under_a_one_cell_bus_with_identity_ranges)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    int soc = add_node(fdt, "/", "soc");
    SET_CELLS(fdt, soc, "#address-cells", 1);
    SET_CELLS(fdt, soc, "#size-cells", 1);
    OK(fdt_setprop_empty(fdt, soc, "ranges"));
    int u = add_node(fdt, "/soc", "serial@9100000");
    OK(fdt_setprop_string(fdt, u, "compatible", "arm,pl011"));
    SET_CELLS(fdt, u, "reg", 0x09100000, 0x800);
    OK(fdt_setprop_string(fdt, node(fdt, "/chosen"), "stdout-path", "/soc/serial@9100000:9600"));
    platform_t p = parse_edited_ok(fdt);
    assert_range(p.uart, 0x09100000, 0x800, "uart on /soc");
    free(fdt);
}

Test(dtb_uart, bus_without_cell_properties_defaults_to_2_and_1)
{
    /* DT 2.3.5: absent #address-cells / #size-cells mean 2 and 1; they are not inherited. */
    void *fdt = edit("virt-gicv2-1cpu-128m");
    int soc = add_node(fdt, "/", "soc");
    OK(fdt_setprop_empty(fdt, soc, "ranges"));
    int u = add_node(fdt, "/soc", "serial@9100000");
    OK(fdt_setprop_string(fdt, u, "compatible", "arm,pl011"));
    SET_CELLS(fdt, u, "reg", 0x0, 0x09100000, 0x800);
    OK(fdt_setprop_string(fdt, node(fdt, "/chosen"), "stdout-path", "/soc/serial@9100000"));
    platform_t p = parse_edited_ok(fdt);
    assert_range(p.uart, 0x09100000, 0x800, "uart on /soc with default cells");
    free(fdt);
}

Test(dtb_uart, legacy_linux_stdout_path)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    int c = node(fdt, "/chosen");
    OK(fdt_delprop(fdt, c, "stdout-path"));
    OK(fdt_setprop_string(fdt, c, "linux,stdout-path", "/pl031@9010000"));
    expect_err_edited(fdt, FL_ECORRUPT, "stdout-path device is not arm,pl011");
}

Test(dtb_uart, under_a_translating_bus)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    int soc = add_node(fdt, "/", "soc");
    SET_CELLS(fdt, soc, "#address-cells", 1);
    SET_CELLS(fdt, soc, "#size-cells", 1);
    SET_CELLS(fdt, soc, "ranges", 0x0, 0x0, 0x09000000, 0x1000000);
    int u = add_node(fdt, "/soc", "serial@100000");
    OK(fdt_setprop_string(fdt, u, "compatible", "arm,pl011"));
    SET_CELLS(fdt, u, "reg", 0x100000, 0x1000);
    OK(fdt_setprop_string(fdt, node(fdt, "/chosen"), "stdout-path", "/soc/serial@100000"));
    expect_err_edited(fdt, FL_ECORRUPT, "ranges");
}

Test(dtb_chosen, bootargs_255_fit_256_do_not)
{
    char args[300];
    memset(args, 'a', sizeof(args));
    args[255] = '\0';
    void *fdt = edit("virt-gicv2-1cpu-128m");
    OK(fdt_setprop_string(fdt, node(fdt, "/chosen"), "bootargs", args));
    platform_t p = parse_edited_ok(fdt);
    cr_assert_eq(strlen(p.bootargs), 255);
    cr_assert_str_eq(p.bootargs, args);
    free(fdt);

    args[255] = 'a';
    args[256] = '\0';
    fdt = edit("virt-gicv2-1cpu-128m");
    OK(fdt_setprop_string(fdt, node(fdt, "/chosen"), "bootargs", args));
    expect_err_edited(fdt, FL_ECORRUPT, "bootargs");
}

Test(dtb_chosen, bootargs_without_nul)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    OK(fdt_setprop(fdt, node(fdt, "/chosen"), "bootargs", "quiet", 5));
    expect_err_edited(fdt, FL_ECORRUPT, "bootargs");
}

Test(dtb_chosen, initrd_8_byte_cells)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    int c = node(fdt, "/chosen");
    OK(fdt_setprop_u64(fdt, c, "linux,initrd-start", 0x148000000));
    OK(fdt_setprop_u64(fdt, c, "linux,initrd-end", 0x148123000));
    platform_t p = parse_edited_ok(fdt);
    cr_assert(p.has_initrd);
    cr_assert_eq(p.initrd_start, 0x148000000);
    cr_assert_eq(p.initrd_end, 0x148123000);
    free(fdt);
}

Test(dtb_chosen, initrd_mixed_4_and_8_byte_cells)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    int c = node(fdt, "/chosen");
    OK(fdt_setprop_u32(fdt, c, "linux,initrd-start", 0x48000000));
    OK(fdt_setprop_u64(fdt, c, "linux,initrd-end", 0x48001000));
    platform_t p = parse_edited_ok(fdt);
    cr_assert_eq(p.initrd_start, 0x48000000);
    cr_assert_eq(p.initrd_end, 0x48001000);
    free(fdt);
}

Test(dtb_chosen, initrd_start_without_end)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    OK(fdt_setprop_u32(fdt, node(fdt, "/chosen"), "linux,initrd-start", 0x48000000));
    expect_err_edited(fdt, FL_ECORRUPT, "only one of linux,initrd");
}

Test(dtb_chosen, initrd_end_before_start)
{
    void *fdt = edit("virt-gicv2-1cpu-128m-initrd");
    OK(fdt_setprop_u32(fdt, node(fdt, "/chosen"), "linux,initrd-end", 0x44000000));
    expect_err_edited(fdt, FL_ECORRUPT, "initrd end");
}

Test(dtb_chosen, initrd_odd_length)
{
    void *fdt = edit("virt-gicv2-1cpu-128m-initrd");
    SET_CELLS(fdt, node(fdt, "/chosen"), "linux,initrd-end", 0, 0, 0x44001000);
    expect_err_edited(fdt, FL_ECORRUPT, "4 or 8 bytes");
}

Test(dtb_chosen, no_chosen_node)
{
    void *fdt = edit("virt-gicv2-1cpu-128m-initrd");
    OK(fdt_del_node(fdt, node(fdt, "/chosen")));
    platform_t p = parse_edited_ok(fdt);
    assert_no_chosen_extras(&p);
    assert_range(p.uart, 0x09000000, 0x1000, "uart found by compatible");
    free(fdt);
}

/* ---- GIC and timer ----------------------------------------------------------------------------
 */

Test(dtb_gic, two_gics)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    int g = add_node(fdt, "/", "interrupt-controller@2c001000");
    OK(fdt_setprop_string(fdt, g, "compatible", "arm,gic-400"));
    SET_CELLS(fdt, g, "reg", 0x0, 0x2c001000, 0x0, 0x1000, 0x0, 0x2c002000, 0x0, 0x2000);
    expect_err_edited(fdt, FL_ECORRUPT, "more than one GIC");
}

Test(dtb_gic, gic_400_is_v2)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    OK(fdt_setprop_string(fdt, node(fdt, "/intc@8000000"), "compatible", "arm,gic-400"));
    platform_t p = parse_edited_ok(fdt);
    assert_gicv2(&p);
    free(fdt);
}

Test(dtb_gic, one_range_only)
{
    void *fdt = edit("virt-gicv3-1cpu-128m");
    SET_CELLS(fdt, node(fdt, "/intc@8000000"), "reg", 0x0, 0x08000000, 0x0, 0x10000);
    expect_err_edited(fdt, FL_ECORRUPT, "fewer than 2");
}

Test(dtb_timer, spi_instead_of_ppi)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    SET_CELLS(fdt, node(fdt, "/timer"), "interrupts", 1, 13, 4, 1, 14, 4, 0, 11, 4, 1, 10, 4);
    expect_err_edited(fdt, FL_ECORRUPT, "not a PPI");
}

Test(dtb_timer, ppi_number_out_of_range)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    SET_CELLS(fdt, node(fdt, "/timer"), "interrupts", 1, 13, 4, 1, 14, 4, 1, 16, 4, 1, 10, 4);
    expect_err_edited(fdt, FL_ECORRUPT, "not a PPI");
}

Test(dtb_timer, other_ppis_are_read_not_assumed)
{
    void *fdt = edit("virt-gicv3-1cpu-128m");
    SET_CELLS(fdt, node(fdt, "/timer"), "interrupts", 1, 13, 4, 1, 12, 4, 1, 9, 4);
    platform_t p = parse_edited_ok(fdt);
    cr_assert_eq(p.timer_phys_intid, 28);
    cr_assert_eq(p.timer_virt_intid, 25);
    free(fdt);
}

Test(dtb_timer, too_few_interrupts)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    SET_CELLS(fdt, node(fdt, "/timer"), "interrupts", 1, 13, 4, 1, 14, 4);
    expect_err_edited(fdt, FL_ECORRUPT, "timer interrupts");
}

Test(dtb_timer, too_many_interrupts)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    SET_CELLS(fdt, node(fdt, "/timer"), "interrupts", 1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4, 1, 12,
              4, 1, 9, 4);
    expect_err_edited(fdt, FL_ECORRUPT, "timer interrupts");
}

Test(dtb_timer, interrupts_not_whole_specifiers)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    SET_CELLS(fdt, node(fdt, "/timer"), "interrupts", 1, 13, 4, 1, 14, 4, 1, 11, 4, 1);
    expect_err_edited(fdt, FL_ECORRUPT, "multiple of 3 cells");
}

Test(dtb_timer, interrupt_parent_not_the_gic)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    int ic = add_node(fdt, "/", "other-intc");
    OK(fdt_setprop_empty(fdt, ic, "interrupt-controller"));
    SET_CELLS(fdt, ic, "#interrupt-cells", 3);
    SET_CELLS(fdt, ic, "phandle", 0x1234);
    SET_CELLS(fdt, node(fdt, "/timer"), "interrupt-parent", 0x1234);
    expect_err_edited(fdt, FL_ECORRUPT, "interrupt parent is not the GIC");
}

Test(dtb_timer, interrupt_parent_loop_terminates)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    int a = add_node(fdt, "/", "loop-a");
    SET_CELLS(fdt, a, "phandle", 0x2001);
    SET_CELLS(fdt, a, "interrupt-parent", 0x2002);
    int b = add_node(fdt, "/", "loop-b");
    SET_CELLS(fdt, b, "phandle", 0x2002);
    SET_CELLS(fdt, b, "interrupt-parent", 0x2001);
    SET_CELLS(fdt, node(fdt, "/timer"), "interrupt-parent", 0x2001);
    expect_err_edited(fdt, FL_ECORRUPT, "interrupt parent");
}

/* ---- PSCI -------------------------------------------------------------------------------------
 */

Test(dtb_psci, absent_is_none)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    OK(fdt_del_node(fdt, node(fdt, "/psci")));
    platform_t p = parse_edited_ok(fdt);
    cr_assert_eq(p.psci_method, PSCI_METHOD_NONE);
    cr_assert_eq(p.psci_fn_cpu_on, 0);
    cr_assert_eq(p.psci_fn_system_off, 0);
    cr_assert_eq(p.psci_fn_system_reset, 0);
    free(fdt);
}

Test(dtb_psci, disabled_is_none)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    OK(fdt_setprop_string(fdt, node(fdt, "/psci"), "status", "disabled"));
    platform_t p = parse_edited_ok(fdt);
    cr_assert_eq(p.psci_method, PSCI_METHOD_NONE);
    free(fdt);
}

Test(dtb_psci, v0_1_takes_ids_from_properties)
{
    void *fdt = edit("virt-el2-gicv3-1cpu-512m");
    int ps = node(fdt, "/psci");
    OK(fdt_setprop_string(fdt, ps, "compatible", "arm,psci"));
    SET_CELLS(fdt, ps, "cpu_on", 0x95c1ba5e);
    platform_t p = parse_edited_ok(fdt);
    cr_assert_eq(p.psci_method, PSCI_METHOD_SMC);
    cr_assert_eq(p.psci_fn_cpu_on, 0x95c1ba5e);
    cr_assert_eq(p.psci_fn_system_off, 0, "PSCI 0.1 has no SYSTEM_OFF");
    cr_assert_eq(p.psci_fn_system_reset, 0);
    free(fdt);
}

Test(dtb_psci, v0_2_alone_uses_standard_ids)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    int ps = node(fdt, "/psci");
    OK(fdt_setprop_string(fdt, ps, "compatible", "arm,psci-0.2"));
    SET_CELLS(fdt, ps, "cpu_on", 0x95c1ba5e); /* ignored from 0.2 on */
    platform_t p = parse_edited_ok(fdt);
    cr_assert_eq(p.psci_method, PSCI_METHOD_HVC);
    cr_assert_eq(p.psci_fn_cpu_on, 0xC4000003u);
    cr_assert_eq(p.psci_fn_system_off, 0x84000008u);
    free(fdt);
}

Test(dtb_psci, bad_method)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    OK(fdt_setprop_string(fdt, node(fdt, "/psci"), "method", "svc"));
    expect_err_edited(fdt, FL_ECORRUPT, "method");
}

Test(dtb_psci, no_method)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    OK(fdt_delprop(fdt, node(fdt, "/psci"), "method"));
    expect_err_edited(fdt, FL_ECORRUPT, "method");
}

/* ---- CPUs -------------------------------------------------------------------------------------
 */

static void add_cpu(void *fdt, const char *name, uint32_t reg)
{
    int c = add_node(fdt, "/cpus", name);
    OK(fdt_setprop_string(fdt, c, "device_type", "cpu"));
    OK(fdt_setprop_string(fdt, c, "compatible", "arm,cortex-a57"));
    SET_CELLS(fdt, c, "reg", reg);
}

Test(dtb_cpus, eight_fit_nine_do_not)
{
    char name[16];
    void *fdt = edit("virt-gicv2-4cpu-2g");
    for (uint32_t i = 4; i < 8; i++) {
        snprintf(name, sizeof(name), "cpu@%x", 0x100 + i);
        add_cpu(fdt, name, 0x100 + i);
    }
    platform_t p = parse_edited_ok(fdt);
    cr_assert_eq(p.cpu_count, 8);
    cr_assert_eq(p.cpu_mpidr[0], 0x107, "added cpus come first (fdt_add_subnode prepends)");
    cr_assert_eq(p.cpu_mpidr[7], 3);
    add_cpu(fdt, "cpu@200", 0x200);
    expect_err_edited(fdt, FL_EFULL, "PLATFORM_MAX_CPUS");
}

Test(dtb_cpus, duplicate_mpidr)
{
    void *fdt = edit("virt-gicv2-4cpu-2g");
    add_cpu(fdt, "cpu@9", 2);
    expect_err_edited(fdt, FL_ECORRUPT, "same MPIDR");
}

Test(dtb_cpus, reg_outside_affinity)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    SET_CELLS(fdt, node(fdt, "/cpus/cpu@0"), "reg", 0x01000000); /* bit 24: not an Aff field */
    expect_err_edited(fdt, FL_ECORRUPT, "MPIDR");
}

Test(dtb_cpus, two_cell_reg_carries_aff3)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    SET_CELLS(fdt, node(fdt, "/cpus"), "#address-cells", 2);
    SET_CELLS(fdt, node(fdt, "/cpus/cpu@0"), "reg", 0x1, 0x00010203);
    platform_t p = parse_edited_ok(fdt);
    cr_assert_eq(p.cpu_count, 1);
    cr_assert_eq(p.cpu_mpidr[0], 0x100010203);
    free(fdt);
}

Test(dtb_cpus, size_cells_must_be_0)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    SET_CELLS(fdt, node(fdt, "/cpus"), "#size-cells", 1);
    expect_err_edited(fdt, FL_ECORRUPT, "/cpus");
}

Test(dtb_cpus, reg_wrong_length)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    SET_CELLS(fdt, node(fdt, "/cpus/cpu@0"), "reg", 0, 0);
    expect_err_edited(fdt, FL_ECORRUPT, "cpu reg");
}

Test(dtb_cpus, no_cpus)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    OK(fdt_del_node(fdt, node(fdt, "/cpus/cpu@0")));
    expect_err_edited(fdt, FL_ECORRUPT, "no cpu");
}

/* ---- virtio-mmio ------------------------------------------------------------------------------
 */

static int add_virtio_named(void *fdt, const char *name, uint32_t base, uint32_t spi)
{
    int v = add_node(fdt, "/", name);
    OK(fdt_setprop_string(fdt, v, "compatible", "virtio,mmio"));
    SET_CELLS(fdt, v, "reg", 0x0, base, 0x0, 0x200);
    SET_CELLS(fdt, v, "interrupts", 0, spi, 1);
    return v;
}

static int add_virtio(void *fdt, uint32_t base, uint32_t spi)
{
    char name[32];
    snprintf(name, sizeof(name), "virtio_mmio@%x", base);
    return add_virtio_named(fdt, name, base, spi);
}

Test(dtb_virtio, sorted_by_base_whatever_the_tree_order)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    OK(fdt_del_node(fdt, node(fdt, "/virtio_mmio@a000200")));
    add_virtio(fdt, 0x0b000000, 100); /* first in the tree, last by address */
    platform_t p = parse_edited_ok(fdt);
    cr_assert_eq(p.virtio_count, 32);
    assert_range(p.virtio[0].regs, 0x0a000000, 0x200, "virtio[0]");
    assert_range(p.virtio[1].regs, 0x0a000400, 0x200, "virtio[1] (a000200 deleted)");
    cr_assert_eq(p.virtio[1].intid, 32 + 18);
    assert_range(p.virtio[31].regs, 0x0b000000, 0x200, "virtio[31]");
    cr_assert_eq(p.virtio[31].intid, 132);
    for (unsigned i = 1; i < p.virtio_count; i++)
        cr_assert(p.virtio[i - 1].regs.base < p.virtio[i].regs.base, "ascending at %u", i);
    free(fdt);
}

Test(dtb_virtio, disabled_is_skipped)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    OK(fdt_setprop_string(fdt, node(fdt, "/virtio_mmio@a000000"), "status", "disabled"));
    platform_t p = parse_edited_ok(fdt);
    cr_assert_eq(p.virtio_count, 31);
    cr_assert_eq(p.virtio[0].regs.base, 0x0a000200);
    free(fdt);
}

Test(dtb_virtio, thirty_three_is_too_many)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    add_virtio(fdt, 0x0b000000, 100);
    expect_err_edited(fdt, FL_EFULL, "PLATFORM_MAX_VIRTIO");
}

Test(dtb_virtio, same_address_twice)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    OK(fdt_del_node(fdt, node(fdt, "/virtio_mmio@a000200")));
    add_virtio_named(fdt, "virtio_mmio@a000000-again", 0x0a000000, 100);
    expect_err_edited(fdt, FL_ECORRUPT, "same address");
}

Test(dtb_virtio, ppi_instead_of_spi)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    SET_CELLS(fdt, node(fdt, "/virtio_mmio@a000000"), "interrupts", 1, 5, 1);
    expect_err_edited(fdt, FL_ECORRUPT, "not an SPI");
}

Test(dtb_virtio, spi_number_out_of_range)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    SET_CELLS(fdt, node(fdt, "/virtio_mmio@a000000"), "interrupts", 0, 988, 1);
    expect_err_edited(fdt, FL_ECORRUPT, "not an SPI");
}

Test(dtb_virtio, two_interrupts)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    SET_CELLS(fdt, node(fdt, "/virtio_mmio@a000000"), "interrupts", 0, 16, 1, 0, 17, 1);
    expect_err_edited(fdt, FL_ECORRUPT, "exactly one interrupt");
}

Test(dtb_virtio, two_ranges)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    SET_CELLS(fdt, node(fdt, "/virtio_mmio@a000000"), "reg", 0x0, 0x0a000000, 0x0, 0x100, 0x0,
              0x0a000100, 0x0, 0x100);
    expect_err_edited(fdt, FL_ECORRUPT, "more than one range");
}

Test(dtb_virtio, no_reg)
{
    void *fdt = edit("virt-gicv2-1cpu-128m");
    OK(fdt_delprop(fdt, node(fdt, "/virtio_mmio@a000000"), "reg"));
    expect_err_edited(fdt, FL_ECORRUPT, "virtio,mmio has no reg");
}
