/* Shared helpers of the DTB reader tests (test_dtb.c, test_dtb_edit.c). */
#ifndef TEST_DTB_HELPERS_H
#define TEST_DTB_HELPERS_H

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
static __attribute__((unused)) void *load(const char *name, size_t *size)
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
static __attribute__((unused)) platform_t parse_ok(const char *name)
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
static __attribute__((unused)) void expect_err_blob(const void *fdt, size_t size, int code,
                                                    const char *word)
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

static __attribute__((unused)) void expect_err_file(const char *name, int code, const char *word)
{
    size_t size;
    void *fdt = load(name, &size);
    expect_err_blob(fdt, size, code, word);
    free(fdt);
}

/* A compiled DTB opened for editing with EDIT_SPACE bytes of room (totalsize grows to that). */
static __attribute__((unused)) void *edit(const char *name)
{
    size_t size;
    void *src = load(name, &size);
    void *dst = calloc(1, size + EDIT_SPACE);
    cr_assert_not_null(dst);
    cr_assert_eq(fdt_open_into(src, dst, (int)(size + EDIT_SPACE)), 0);
    free(src);
    return dst;
}

static __attribute__((unused)) int node(void *fdt, const char *path)
{
    int off = fdt_path_offset(fdt, path);
    cr_assert(off >= 0, "no node %s in the test tree: %s", path, fdt_strerror(off));
    return off;
}

static __attribute__((unused)) int add_node(void *fdt, const char *parent, const char *name)
{
    int off = fdt_add_subnode(fdt, node(fdt, parent), name);
    cr_assert(off >= 0, "cannot add %s in %s: %s", name, parent, fdt_strerror(off));
    return off;
}

#define OK(expr) cr_assert_eq((expr), 0, "%s", #expr)

/* Sets a property to a list of 32-bit cells. */
static __attribute__((unused)) void set_cells(void *fdt, int off, const char *prop,
                                              const uint32_t *cells, int n)
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

static __attribute__((unused)) platform_t parse_edited_ok(void *fdt)
{
    platform_t p;
    const char *err = NULL;
    int rc = platform_from_dtb(fdt, fdt_totalsize(fdt), &p, &err);
    cr_assert_eq(rc, 0, "edited tree rejected: %d %s", rc, err ? err : "(no message)");
    return p;
}

static __attribute__((unused)) void expect_err_edited(void *fdt, int code, const char *word)
{
    expect_err_blob(fdt, fdt_totalsize(fdt), code, word);
    free(fdt);
}

static __attribute__((unused)) void assert_range(phys_range_t r, uint64_t base, uint64_t size,
                                                 const char *what)
{
    cr_assert_eq(r.base, base, "%s base %#lx, expected %#lx", what, (unsigned long)r.base,
                 (unsigned long)base);
    cr_assert_eq(r.size, size, "%s size %#lx, expected %#lx", what, (unsigned long)r.size,
                 (unsigned long)size);
}

/* What every QEMU virt tree shares: one RAM bank at 1 GiB, PL011 at 0x09000000, the timer PPIs,
 * PSCI 0.2+ IDs, and 32 virtio-mmio transports 0x200 apart on SPIs 16..47. */
static __attribute__((unused)) void assert_virt_common(const platform_t *p, uint64_t mem_size)
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

static __attribute__((unused)) void assert_gicv2(const platform_t *p)
{
    cr_assert_eq(p->gic_version, 2);
    assert_range(p->gicc, 0x08010000, 0x10000, "gicc");
    assert_range(p->gicr, 0, 0, "gicr (none on v2)");
}

static __attribute__((unused)) void assert_gicv3(const platform_t *p)
{
    cr_assert_eq(p->gic_version, 3);
    assert_range(p->gicr, 0x080a0000, 0xf60000, "gicr");
    assert_range(p->gicc, 0, 0, "gicc (none on v3)");
}

static __attribute__((unused)) void assert_no_chosen_extras(const platform_t *p)
{
    cr_assert_not(p->has_initrd);
    cr_assert_eq(p->initrd_start, 0);
    cr_assert_eq(p->initrd_end, 0);
    cr_assert_str_eq(p->bootargs, "");
}

#endif
