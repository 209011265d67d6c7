/*
 * The ELF64 executable parser (kernel/lib/elf.c): files built here field by field, and one
 * linked by aarch64-linux-gnu-gcc (test/unit/data/make-test-data.sh, read from TEST_DATA_DIR)
 * whose segments binutils' readelf listed beside it. Inputs are copied into heap blocks of
 * exactly their size, so a read past the end shows up under valgrind or -fsanitize=address.
 */
#include <criterion/criterion.h>
#include <faultline/errors.h>
#include <inttypes.h>
#include <lib/elf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef TEST_DATA_DIR
#error "TEST_DATA_DIR must name the directory make-test-data.sh wrote"
#endif

#define USER_TOP     (1ULL << 48)
#define PT_NOTE      4
#define PT_PHDR      6
#define PT_GNU_STACK 0x6474e551
#define PT_GNU_RELRO 0x6474e552
#define RX           (ELF_PF_R | ELF_PF_X)
#define RW           (ELF_PF_R | ELF_PF_W)
#define MAX_PH       16
#define FILE_SIZE    0x3000
#define TEXT         0x400000ULL
#define DATA         0x401000ULL
#define ENTRY        (TEXT + 0x120)

/* --- building files --------------------------------------------------------------------- */

/* A file under construction: the header and program headers are written out by bytes(). */
typedef struct {
    elf64_ehdr_t eh;
    elf64_phdr_t ph[MAX_PH];
    uint8_t buf[FILE_SIZE];
    size_t size;
} file_t;

static file_t f;

static elf64_phdr_t phdr(uint32_t type, uint32_t flags, uint64_t off, uint64_t vaddr,
                         uint64_t filesz, uint64_t memsz, uint64_t align)
{
    elf64_phdr_t p = {.p_type = type,
                      .p_flags = flags,
                      .p_offset = off,
                      .p_vaddr = vaddr,
                      .p_paddr = vaddr,
                      .p_filesz = filesz,
                      .p_memsz = memsz,
                      .p_align = align};
    return p;
}

static void add_ph(elf64_phdr_t p)
{
    cr_assert_lt(f.eh.e_phnum, MAX_PH);
    f.ph[f.eh.e_phnum++] = p;
}

/* The file's bytes (the host is little-endian, like the files). */
static const uint8_t *bytes(void)
{
    memcpy(f.buf, &f.eh, sizeof(f.eh));
    if (f.eh.e_phnum <= MAX_PH && f.eh.e_phoff <= f.size &&
        f.eh.e_phnum * sizeof(elf64_phdr_t) <= f.size - f.eh.e_phoff)
        memcpy(f.buf + f.eh.e_phoff, f.ph, f.eh.e_phnum * sizeof(elf64_phdr_t));
    return f.buf;
}

/* Text R+X at 0x400000 (0x200 bytes from offset 0, with the headers), then data RW at
 * 0x401000 (0x100 bytes from offset 0x1000, 0x2000 in memory), like a small linked program. */
static void setup(void)
{
    memset(&f, 0, sizeof(f));
    memcpy(f.eh.e_ident, "\177ELF", 4);
    f.eh.e_ident[ELF_EI_CLASS] = ELF_CLASS64;
    f.eh.e_ident[ELF_EI_DATA] = ELF_DATA2LSB;
    f.eh.e_ident[ELF_EI_VERSION] = ELF_EV_CURRENT;
    f.eh.e_type = ELF_ET_EXEC;
    f.eh.e_machine = ELF_EM_AARCH64;
    f.eh.e_version = ELF_EV_CURRENT;
    f.eh.e_entry = ENTRY;
    f.eh.e_phoff = sizeof(elf64_ehdr_t);
    f.eh.e_ehsize = sizeof(elf64_ehdr_t);
    f.eh.e_phentsize = sizeof(elf64_phdr_t);
    f.size = 0x1100;
    add_ph(phdr(ELF_PT_LOAD, RX, 0, TEXT, 0x200, 0x200, 0x1000));
    add_ph(phdr(ELF_PT_LOAD, RW, 0x1000, DATA, 0x100, 0x2000, 0x1000));
    add_ph(phdr(PT_GNU_STACK, RW, 0, 0, 0, 0, 0x10));
}

TestSuite(elf, .init = setup);

/* A copy of p in a heap block of exactly n bytes (n may be 0). */
static uint8_t *exact_copy(const void *p, size_t n)
{
    uint8_t *c = malloc(n ? n : 1);
    cr_assert_not_null(c);
    if (n)
        memcpy(c, p, n);
    return c;
}

/* Parses the current file from an exact-size copy; on success checks what every caller of
 * elf_parse relies on, whatever the input was. */
static int parse_n(const void *p, size_t n, uint64_t top, elf_image_t *img, const char **err)
{
    uint8_t *c = exact_copy(p, n);
    *err = NULL;
    int r = elf_parse(c, n, top, img, err);
    free(c);
    if (r != FL_OK) {
        cr_assert(r == FL_ECORRUPT || r == FL_ERANGE || r == FL_EFULL, "code %d", r);
        cr_assert_not_null(*err);
        return r;
    }
    cr_assert(img->count >= 1 && img->count <= ELF_MAX_SEGMENTS);
    bool entry_ok = false;
    for (unsigned i = 0; i < img->count; i++) {
        const elf_segment_t *s = &img->seg[i];
        cr_assert(s->memsz > 0 && s->filesz <= s->memsz);
        cr_assert(s->file_off <= n && s->filesz <= n - s->file_off, "segment %u in file", i);
        cr_assert(s->vaddr >= ELF_PAGE_SIZE && s->vaddr < top && s->memsz <= top - s->vaddr,
                  "segment %u", i);
        cr_assert_eq((s->vaddr - s->file_off) % ELF_PAGE_SIZE, 0);
        if (i > 0) {
            const elf_segment_t *p = &img->seg[i - 1];
            cr_assert_gt(s->vaddr / ELF_PAGE_SIZE, (p->vaddr + p->memsz - 1) / ELF_PAGE_SIZE);
        }
        if ((s->prot & ELF_PROT_X) && img->entry >= s->vaddr && img->entry < s->vaddr + s->memsz)
            entry_ok = true;
    }
    cr_assert(entry_ok);
    return r;
}

static int parse(elf_image_t *img, const char **err)
{
    return parse_n(bytes(), f.size, USER_TOP, img, err);
}

static void expect(int code, const char *msg)
{
    elf_image_t img;
    const char *err;
    cr_assert_eq(parse(&img, &err), code, "wanted \"%s\", got \"%s\"", msg, err ? err : "OK");
    cr_assert_str_eq(err, msg);
}

static void expect_ok(void)
{
    elf_image_t img;
    const char *err;
    cr_assert_eq(parse(&img, &err), FL_OK, "%s", err);
}

/* --- valid files -------------------------------------------------------------------------- */

Test(elf, valid_generated)
{
    elf_image_t img;
    const char *err;

    cr_assert_eq(parse(&img, &err), FL_OK, "%s", err);
    cr_assert_eq(img.entry, ENTRY);
    cr_assert_eq(img.count, 2, "PT_GNU_STACK is not a segment");
    cr_assert_eq(img.seg[0].vaddr, TEXT);
    cr_assert_eq(img.seg[0].memsz, 0x200);
    cr_assert_eq(img.seg[0].file_off, 0);
    cr_assert_eq(img.seg[0].filesz, 0x200);
    cr_assert_eq(img.seg[0].prot, ELF_PROT_R | ELF_PROT_X);
    cr_assert_eq(img.seg[1].vaddr, DATA);
    cr_assert_eq(img.seg[1].memsz, 0x2000);
    cr_assert_eq(img.seg[1].file_off, 0x1000);
    cr_assert_eq(img.seg[1].filesz, 0x100);
    cr_assert_eq(img.seg[1].prot, ELF_PROT_R | ELF_PROT_W);
}

Test(elf, prot_bits_translated)
{
    static const struct {
        uint32_t pf;
        unsigned prot;
    } map[] = {
        {0, 0},
        {ELF_PF_R, ELF_PROT_R},
        {ELF_PF_W, ELF_PROT_W},
        {ELF_PF_R | ELF_PF_W | ELF_PF_X, ELF_PROT_R | ELF_PROT_W | ELF_PROT_X},
        {ELF_PF_R | 0x0ff00000, ELF_PROT_R}, /* OS-specific bits dropped */
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        setup();
        f.ph[1].p_flags = map[i].pf;
        elf_image_t img;
        const char *err;
        cr_assert_eq(parse(&img, &err), FL_OK, "%s", err);
        cr_assert_eq(img.seg[1].prot, map[i].prot, "p_flags %#x", map[i].pf);
    }
}

Test(elf, unaligned_file)
{
    /* The file inside an initrd is only 4-byte aligned; try every misalignment. */
    static uint8_t shifted[FILE_SIZE + 8];
    bytes();
    for (size_t s = 0; s < 8; s++) {
        memcpy(shifted + s, f.buf, f.size);
        elf_image_t img;
        const char *err = NULL;
        cr_assert_eq(elf_parse(shifted + s, f.size, USER_TOP, &img, &err), FL_OK, "%s", err);
        cr_assert_eq(img.entry, ENTRY);
        cr_assert_eq(img.seg[1].memsz, 0x2000);
    }
}

Test(elf, ignored_types_and_empty_load)
{
    f.ph[2] = phdr(PT_NOTE, ELF_PF_R, 0x200, TEXT + 0x200, 0, 0, 4);
    add_ph(phdr(PT_GNU_RELRO, ELF_PF_R, 0x1000, DATA, 0x100, 0x100, 1));
    add_ph(phdr(PT_PHDR, ELF_PF_R, 64, TEXT + 64, 56 * 6, 56 * 6, 8));
    add_ph(phdr(ELF_PT_LOAD, RW, 0x1000, 0, 0, 0, 0)); /* empty: skipped, even at vaddr 0 */
    elf_image_t img;
    const char *err;
    cr_assert_eq(parse(&img, &err), FL_OK, "%s", err);
    cr_assert_eq(img.count, 2);
}

Test(elf, alignment_values)
{
    static const uint64_t ok[] = {0, 1, 0x1000, 0x10000, 0x200000, 1ULL << 63};
    static const uint64_t bad[] = {2, 8, 0x10, 0x800, 0x1001, 0x3000, 0xffffffffffffffffULL};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        setup();
        f.ph[0].p_align = ok[i];
        expect_ok();
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        setup();
        f.ph[1].p_align = bad[i];
        expect(FL_ECORRUPT, "bad segment alignment (p_align)");
    }
}

Test(elf, boundaries_accepted)
{
    /* Segments on adjacent pages, the lowest page allowed, and the very top of user space. */
    f.ph[0] = phdr(ELF_PT_LOAD, RX, 0, ELF_PAGE_SIZE, 0x200, ELF_PAGE_SIZE, 0x1000);
    f.ph[1] = phdr(ELF_PT_LOAD, RW, 0x1000, USER_TOP - 0x3000, 0x100, 0x3000, 0x1000);
    f.eh.e_entry = ELF_PAGE_SIZE + ELF_PAGE_SIZE - 4; /* the last instruction of the segment */
    expect_ok();
    setup();
    f.ph[0].p_memsz = DATA - TEXT; /* text ends exactly where data's page starts */
    expect_ok();
}

/* --- the file linked by aarch64-linux-gnu-gcc --------------------------------------------- */

static uint8_t *read_data(const char *name, size_t *size)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", TEST_DATA_DIR, name);
    FILE *fp = fopen(path, "rb");
    cr_assert_not_null(fp, "%s missing: run test/unit/data/make-test-data.sh", path);
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    cr_assert_gt(n, 0);
    rewind(fp);
    uint8_t *p = malloc((size_t)n + 1);
    cr_assert_not_null(p);
    cr_assert_eq(fread(p, 1, (size_t)n, fp), (size_t)n);
    fclose(fp);
    p[n] = 0;
    *size = (size_t)n;
    return p;
}

/* readelf's view of hello.elf (hello.load), the independent answer. */
typedef struct {
    uint64_t entry;
    unsigned count;
    elf_segment_t seg[ELF_MAX_SEGMENTS];
} expected_t;

static void read_expected(expected_t *x)
{
    size_t n;
    char *text = (char *)read_data("hello.load", &n);
    char *line = strtok(text, "\n");
    memset(x, 0, sizeof(*x));
    cr_assert_eq(sscanf(line, "entry %" SCNx64, &x->entry), 1, "%s", line);
    while ((line = strtok(NULL, "\n")) != NULL) {
        uint64_t v, m, o, fs;
        char flags[8] = "";
        cr_assert_eq(sscanf(line, "load %" SCNx64 " %" SCNx64 " %" SCNx64 " %" SCNx64 " %7s", &v,
                            &m, &o, &fs, flags),
                     5, "%s", line);
        cr_assert_lt(x->count, ELF_MAX_SEGMENTS);
        elf_segment_t *s = &x->seg[x->count++];
        *s = (elf_segment_t){.vaddr = v, .memsz = m, .file_off = o, .filesz = fs};
        s->prot = (strchr(flags, 'R') ? ELF_PROT_R : 0) | (strchr(flags, 'W') ? ELF_PROT_W : 0) |
                  (strchr(flags, 'E') ? ELF_PROT_X : 0);
    }
    free(text);
}

Test(elf_real, matches_readelf)
{
    size_t size;
    uint8_t *p = read_data("hello.elf", &size);
    expected_t x;
    elf_image_t img;
    const char *err;

    read_expected(&x);
    cr_assert_eq(parse_n(p, size, USER_TOP, &img, &err), FL_OK, "%s", err);
    cr_assert_eq(img.entry, x.entry);
    cr_assert_eq(img.count, x.count);
    for (unsigned i = 0; i < x.count; i++) {
        cr_assert_eq(img.seg[i].vaddr, x.seg[i].vaddr, "segment %u", i);
        cr_assert_eq(img.seg[i].memsz, x.seg[i].memsz, "segment %u", i);
        cr_assert_eq(img.seg[i].file_off, x.seg[i].file_off, "segment %u", i);
        cr_assert_eq(img.seg[i].filesz, x.seg[i].filesz, "segment %u", i);
        cr_assert_eq(img.seg[i].prot, x.seg[i].prot, "segment %u", i);
    }
    /* What the script asked the linker for: code at 0x400000 (-Ttext-segment), then data. */
    cr_assert_eq(img.count, 2);
    cr_assert_eq(img.seg[0].vaddr, 0x400000);
    cr_assert_eq(img.seg[0].file_off, 0);
    cr_assert_eq(img.seg[0].prot, ELF_PROT_R | ELF_PROT_X);
    cr_assert_eq(img.seg[1].prot, ELF_PROT_R | ELF_PROT_W);
    cr_assert_gt(img.seg[1].memsz, img.seg[1].filesz, "zeroed data (.bss) follows .data");
    cr_assert(img.entry >= img.seg[0].vaddr && img.entry < img.seg[0].vaddr + img.seg[0].memsz);

    /* A user space that ends below the data segment cannot hold it. */
    cr_assert_eq(parse_n(p, size, img.seg[1].vaddr + img.seg[1].memsz - 1, &img, &err), FL_ERANGE);
    cr_assert_str_eq(err, "segment reaches past the end of user space");
    free(p);
}

/* Every prefix shorter than the bytes the parser needs (program headers and segment data; the
 * section headers at the end are never read) is refused as truncated; longer ones pass. */
static void check_prefixes(const uint8_t *p, size_t size, size_t needed)
{
    for (size_t len = 0; len <= size; len++) {
        elf_image_t img;
        const char *err;
        int r = parse_n(p, len, USER_TOP, &img, &err);
        if (len < needed) {
            cr_assert_eq(r, FL_ECORRUPT, "prefix %zu of %zu accepted", len, size);
            cr_assert_eq(strncmp(err, "truncated", 9), 0, "prefix %zu: %s", len, err);
        } else {
            cr_assert_eq(r, FL_OK, "prefix %zu: %s", len, err);
        }
    }
}

Test(elf_real, truncated_at_every_offset)
{
    size_t size;
    uint8_t *p = read_data("hello.elf", &size);
    elf_image_t img;
    elf64_ehdr_t eh;
    const char *err;

    cr_assert_eq(parse_n(p, size, USER_TOP, &img, &err), FL_OK, "%s", err);
    memcpy(&eh, p, sizeof(eh));
    size_t needed = eh.e_phoff + eh.e_phnum * sizeof(elf64_phdr_t);
    for (unsigned i = 0; i < img.count; i++)
        if (img.seg[i].file_off + img.seg[i].filesz > needed)
            needed = img.seg[i].file_off + img.seg[i].filesz;
    cr_assert_lt(needed, size, "the section headers come after the loaded bytes");
    check_prefixes(p, size, needed);
    free(p);
}

Test(elf, truncated_at_every_offset)
{
    bytes();
    check_prefixes(f.buf, f.size, f.size);
}

/* --- malformed headers -------------------------------------------------------------------- */

Test(elf, bad_ident)
{
    for (int i = 0; i < 4; i++) {
        setup();
        f.eh.e_ident[i] ^= 0x20;
        expect(FL_ECORRUPT, "bad magic (not an ELF file)");
    }
    setup();
    f.eh.e_ident[ELF_EI_CLASS] = 1; /* ELFCLASS32 */
    expect(FL_ECORRUPT, "not a 64-bit (ELFCLASS64) file");
    setup();
    f.eh.e_ident[ELF_EI_CLASS] = 0;
    expect(FL_ECORRUPT, "not a 64-bit (ELFCLASS64) file");
    setup();
    f.eh.e_ident[ELF_EI_DATA] = 2; /* ELFDATA2MSB */
    expect(FL_ECORRUPT, "not a little-endian (ELFDATA2LSB) file");
    setup();
    f.eh.e_ident[ELF_EI_VERSION] = 2;
    expect(FL_ECORRUPT, "unknown ELF version");
    setup();
    f.eh.e_version = 0;
    expect(FL_ECORRUPT, "unknown ELF version");
}

Test(elf, wrong_machine)
{
    static const uint16_t bad[] = {0, 3 /* 386 */, 40 /* ARM */, 62 /* x86-64 */, 243 /* RISC-V */};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        setup();
        f.eh.e_machine = bad[i];
        expect(FL_ECORRUPT, "not an AArch64 (EM_AARCH64) file");
    }
}

Test(elf, wrong_type)
{
    static const uint16_t bad[] = {0 /* NONE */, 1 /* REL */, 4 /* CORE */, 0xfe00, 0xffff};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        setup();
        f.eh.e_type = bad[i];
        expect(FL_ECORRUPT, "not an executable (e_type is not ET_EXEC)");
    }
    setup();
    f.eh.e_type = ELF_ET_DYN;
    expect(FL_ECORRUPT, "ET_DYN (position-independent) executables are not supported");
}

Test(elf, bad_phentsize)
{
    static const uint16_t bad[] = {0, 32, 55, 57, 64};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        setup();
        f.eh.e_phentsize = bad[i];
        expect(FL_ECORRUPT, "bad program header size (e_phentsize)");
    }
}

Test(elf, phdrs_past_end)
{
    static const uint64_t bad_off[] = {
        0x1100 - 3 * 56 + 1,   /* the table's last byte is one past the end */
        0x1100,                /* starts at the end */
        0x1101,                /* starts past the end */
        0xffffffffffffffc8ULL, /* off + 56 wraps to 0 */
        0xfffffffffffffff0ULL, /* off + 3 * 56 wraps */
        0x8000000000000000ULL,
    };
    for (size_t i = 0; i < sizeof(bad_off) / sizeof(bad_off[0]); i++) {
        setup();
        f.eh.e_phoff = bad_off[i];
        expect(FL_ECORRUPT, "truncated: program headers run past the end");
    }
    setup();
    f.eh.e_phnum = 0x1100 / 56; /* 77 * 56 = 4312 bytes from offset 64: past 0x1100 */
    expect(FL_ECORRUPT, "truncated: program headers run past the end");
    setup();
    f.eh.e_phnum = ELF_PN_XNUM;
    expect(FL_ECORRUPT, "extended program header numbering (PN_XNUM) not supported");
}

Test(elf, phdrs_at_the_very_end)
{
    /* The table may sit anywhere in the file, ending exactly at its end. */
    f.eh.e_phoff = 0x1100 - 3 * 56;
    expect_ok();
}

Test(elf, no_segments)
{
    f.eh.e_phnum = 0;
    expect(FL_ECORRUPT, "no loadable segments");
    setup();
    f.ph[0].p_type = PT_NOTE;
    f.ph[1].p_memsz = 0;
    f.ph[1].p_filesz = 0;
    expect(FL_ECORRUPT, "no loadable segments");
}

Test(elf, interp_and_dynamic_refused)
{
    add_ph(phdr(ELF_PT_INTERP, ELF_PF_R, 0x200, TEXT + 0x200, 0x1c, 0x1c, 1));
    expect(FL_ECORRUPT, "PT_INTERP: dynamically linked files are not supported");
    setup();
    f.ph[2] = phdr(ELF_PT_DYNAMIC, RW, 0x1000, DATA, 0x100, 0x100, 8);
    expect(FL_ECORRUPT, "PT_DYNAMIC: dynamically linked files are not supported");
}

/* --- bad segments ------------------------------------------------------------------------- */

Test(elf, filesz_greater_than_memsz)
{
    f.ph[1].p_memsz = f.ph[1].p_filesz - 1;
    expect(FL_ECORRUPT, "segment file size exceeds its memory size");
    setup();
    f.ph[1].p_memsz = 0; /* not skipped as empty: it claims file bytes */
    expect(FL_ECORRUPT, "segment file size exceeds its memory size");
}

Test(elf, segment_data_past_end)
{
    f.ph[1].p_filesz = 0x101; /* one byte past 0x1100 */
    expect(FL_ECORRUPT, "truncated: segment data runs past the end");
    setup();
    f.ph[1].p_offset = 0x2000;
    f.ph[1].p_filesz = 0;
    f.ph[1].p_vaddr = 0x402000; /* keep vaddr == offset mod page */
    expect(FL_ECORRUPT, "truncated: segment data runs past the end");
    setup();
    f.ph[1].p_offset = 0xfffffffffffff000ULL; /* offset + filesz wraps */
    f.ph[1].p_filesz = 0x1000;
    f.ph[1].p_memsz = 0x2000;
    expect(FL_ECORRUPT, "truncated: segment data runs past the end");
    setup();
    f.ph[1].p_filesz = 0xffffffffffffffffULL;
    f.ph[1].p_memsz = 0xffffffffffffffffULL;
    expect(FL_ECORRUPT, "truncated: segment data runs past the end");
}

Test(elf, segment_in_page_zero)
{
    f.ph[0].p_vaddr = 0;
    f.eh.e_entry = 0x120;
    expect(FL_ERANGE, "segment in the first page (page 0 is never mapped)");
    setup();
    f.ph[0].p_vaddr = ELF_PAGE_SIZE - 0x10; /* starts in page 0, ends in page 1 */
    expect(FL_ERANGE, "segment in the first page (page 0 is never mapped)");
}

Test(elf, segment_past_user_top)
{
    f.ph[1].p_vaddr = USER_TOP - 0x1000;
    expect(FL_ERANGE, "segment reaches past the end of user space"); /* memsz 0x2000 */
    setup();
    f.ph[1].p_vaddr = USER_TOP;
    f.ph[1].p_filesz = 0;
    f.ph[1].p_memsz = 1;
    expect(FL_ERANGE, "segment reaches past the end of user space");
    setup();
    f.ph[1].p_vaddr = 0xffff000000001000ULL; /* a kernel address */
    expect(FL_ERANGE, "segment reaches past the end of user space");
    setup();
    f.ph[1].p_memsz = USER_TOP; /* from 0x401000: way past */
    expect(FL_ERANGE, "segment reaches past the end of user space");
}

Test(elf, vaddr_plus_memsz_overflows)
{
    elf_image_t img;
    const char *err;
    f.ph[1].p_vaddr = 0xfffffffffffff000ULL;
    f.ph[1].p_memsz = 0x2000; /* the sum wraps to 0x1000, below any limit */
    cr_assert_eq(parse_n(bytes(), f.size, UINT64_MAX, &img, &err), FL_ERANGE);
    cr_assert_str_eq(err, "segment end overflows (p_vaddr + p_memsz)");
    setup();
    f.ph[1].p_memsz = UINT64_MAX;
    cr_assert_eq(parse_n(bytes(), f.size, UINT64_MAX, &img, &err), FL_ERANGE);
    cr_assert_str_eq(err, "segment end overflows (p_vaddr + p_memsz)");
}

Test(elf, vaddr_offset_mismatch)
{
    f.ph[1].p_vaddr = DATA + 0x10;
    expect(FL_ECORRUPT, "segment address and file offset differ modulo the page size");
    setup();
    f.ph[1].p_offset = 0xff8;
    f.ph[1].p_filesz = 0x108;
    expect(FL_ECORRUPT, "segment address and file offset differ modulo the page size");
}

Test(elf, overlapping_segments)
{
    /* Data starting on the last page of text: same page, different protection. */
    f.ph[0].p_memsz = DATA - TEXT + 1;
    expect(FL_ECORRUPT, "overlapping segments (two segments share a page)");
    setup();
    /* Both segments in one page, not overlapping bytes: still one page, two protections. */
    f.ph[1] = phdr(ELF_PT_LOAD, RW, 0x800, TEXT + 0x800, 0x100, 0x100, 0x1000);
    expect(FL_ECORRUPT, "overlapping segments (two segments share a page)");
    setup();
    /* Data wholly inside text. */
    f.ph[0].p_memsz = 0x10000;
    expect(FL_ECORRUPT, "overlapping segments (two segments share a page)");
    setup();
    /* The same segment twice. */
    f.ph[1] = f.ph[0];
    expect(FL_ECORRUPT, "overlapping segments (two segments share a page)");
}

Test(elf, unsorted_segments)
{
    elf64_phdr_t t = f.ph[0];
    f.ph[0] = f.ph[1];
    f.ph[1] = t;
    expect(FL_ECORRUPT, "segments not in ascending address order");
}

Test(elf, entry_not_executable)
{
    static const uint64_t bad[] = {
        DATA,          /* in the RW segment */
        DATA + 0x1000, /* in its zeroed part */
        TEXT + 0x200,  /* one past the end of text */
        TEXT - 4,      /* just below text */
        0,             /* nothing there */
        0xfffffffffffffffcULL,
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        setup();
        f.eh.e_entry = bad[i];
        expect(FL_ECORRUPT, "entry point is not in an executable segment");
    }
    setup();
    f.ph[0].p_flags = ELF_PF_R; /* text not executable */
    expect(FL_ECORRUPT, "entry point is not in an executable segment");
    setup();
    f.ph[1].p_flags = RW | ELF_PF_X; /* an executable data segment makes DATA acceptable */
    f.eh.e_entry = DATA + 0x1ffc;
    expect_ok();
}

Test(elf, entry_misaligned)
{
    for (uint64_t d = 1; d < 4; d++) {
        setup();
        f.eh.e_entry = ENTRY + d;
        expect(FL_ECORRUPT, "entry point not 4-byte aligned");
    }
}

/* n loadable segments, one page each, on separate pages; the first holds the entry. */
static void make_segments(unsigned n)
{
    setup();
    f.eh.e_phnum = 0;
    f.size = FILE_SIZE;
    for (unsigned i = 0; i < n; i++)
        add_ph(phdr(ELF_PT_LOAD, i ? RW : RX, 0x1000, TEXT + 0x1000 * (2 * i + 1), 0x10, 0x1000,
                    0x1000));
    f.eh.e_entry = TEXT + 0x1000;
}

Test(elf, segment_count_limit)
{
    elf_image_t img;
    const char *err;
    make_segments(ELF_MAX_SEGMENTS);
    cr_assert_eq(parse(&img, &err), FL_OK, "%s", err);
    cr_assert_eq(img.count, ELF_MAX_SEGMENTS);
    cr_assert_eq(img.seg[ELF_MAX_SEGMENTS - 1].vaddr, TEXT + 0x1000 * (2 * ELF_MAX_SEGMENTS - 1));
    make_segments(ELF_MAX_SEGMENTS + 1);
    expect(FL_EFULL, "too many loadable segments");
    make_segments(MAX_PH);
    expect(FL_EFULL, "too many loadable segments");
}

/* Random damage to the header and program headers: never a crash or a read outside the file,
 * and whatever is accepted satisfies parse_n's checks. */
Test(elf, random_damage)
{
    uint32_t seed = 99;
    unsigned accepted = 0;
    for (int round = 0; round < 20000; round++) {
        setup();
        const uint8_t *b = bytes();
        uint8_t copy[0x1100];
        memcpy(copy, b, sizeof(copy));
        int flips = 1 + round % 3;
        for (int k = 0; k < flips; k++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (seed >> 8) % (64 + 3 * 56);
            seed = seed * 1103515245u + 12345u;
            copy[at] ^= (uint8_t)(1u << ((seed >> 16) % 8));
        }
        elf_image_t img;
        const char *err;
        if (parse_n(copy, sizeof(copy), USER_TOP, &img, &err) == FL_OK)
            accepted++;
    }
    cr_assert_gt(accepted, 0, "some single-bit changes are harmless (p_paddr, e_shoff)");
    cr_assert_lt(accepted, 20000);
}
