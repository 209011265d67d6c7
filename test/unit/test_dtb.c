/*
 * The DTB reader (kernel/dtb.c) against device trees dumped from QEMU 7.2 (dtb/virt-*.dts), the
 * deliberately broken ones (dtb/bad-*.dts) and damaged blobs. test_dtb_edit.c has the trees
 * edited with the host libfdt's read-write API to reach the cases QEMU never produces.
 */
#include "dtb_helpers.h"

/* ---- the QEMU trees -------------------------------------------------------------------------- */

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

/* Versions 2..16 pass fdt_check_header(); libfdt's fdt_check_full() then reads through a NULL
 * pointer on those below 16 (the fuzzer's finding), so the reader refuses everything older
 * than 17 first. */
Test(dtb_blob, old_versions_refused_before_the_full_check)
{
    size_t size;
    struct fdt_header *h = load("virt-gicv2-1cpu-128m", &size);
    for (uint32_t v = 2; v < 17; v++) {
        h->version = cpu_to_fdt32(v);
        h->last_comp_version = cpu_to_fdt32(v < 16 ? v : 16);
        expect_err_blob(h, size, FL_ECORRUPT, "version");
    }
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
