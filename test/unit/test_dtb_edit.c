/*
 * The DTB reader (kernel/dtb.c) on trees edited here with the host libfdt's read-write API, to
 * reach the cases QEMU never produces (limits, cell sizes, aliases, interrupt parents...).
 */
#include "dtb_helpers.h"

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
