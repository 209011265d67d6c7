/*
 * ELF64 executable parser; see elf.h for the rules. Fields are decoded byte by byte from little
 * endian, so the file may lie at any alignment and the code does not depend on the host's byte
 * order. Every sum of two file-supplied values is guarded by a comparison against what is left,
 * so nothing overflows and nothing outside [file, file + size) is read.
 */
#include <faultline/errors.h>
#include <lib/elf.h>
#include <stdbool.h>
#include <string.h>

#define PAGE_SHIFT 12
_Static_assert(ELF_PAGE_SIZE == 1u << PAGE_SHIFT, "PAGE_SHIFT matches ELF_PAGE_SIZE");

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16;
}

static uint64_t le64(const uint8_t *p)
{
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* p points at sizeof(elf64_ehdr_t) readable bytes. */
static void read_ehdr(const uint8_t *p, elf64_ehdr_t *h)
{
    memcpy(h->e_ident, p, ELF_NIDENT);
    h->e_type = le16(p + 16);
    h->e_machine = le16(p + 18);
    h->e_version = le32(p + 20);
    h->e_entry = le64(p + 24);
    h->e_phoff = le64(p + 32);
    h->e_shoff = le64(p + 40);
    h->e_flags = le32(p + 48);
    h->e_ehsize = le16(p + 52);
    h->e_phentsize = le16(p + 54);
    h->e_phnum = le16(p + 56);
    h->e_shentsize = le16(p + 58);
    h->e_shnum = le16(p + 60);
    h->e_shstrndx = le16(p + 62);
}

/* p points at sizeof(elf64_phdr_t) readable bytes. */
static void read_phdr(const uint8_t *p, elf64_phdr_t *ph)
{
    ph->p_type = le32(p);
    ph->p_flags = le32(p + 4);
    ph->p_offset = le64(p + 8);
    ph->p_vaddr = le64(p + 16);
    ph->p_paddr = le64(p + 24);
    ph->p_filesz = le64(p + 32);
    ph->p_memsz = le64(p + 40);
    ph->p_align = le64(p + 48);
}

static int fail(int code, const char *msg, const char **err)
{
    if (err)
        *err = msg;
    return code;
}

/* Checks the ELF header; the program header table is then inside the file. */
static int check_ehdr(const elf64_ehdr_t *h, size_t size, const char **err)
{
    const uint8_t *id = h->e_ident;

    if (memcmp(id, "\177ELF", 4) != 0)
        return fail(FL_ECORRUPT, "bad magic (not an ELF file)", err);
    if (id[ELF_EI_CLASS] != ELF_CLASS64)
        return fail(FL_ECORRUPT, "not a 64-bit (ELFCLASS64) file", err);
    if (id[ELF_EI_DATA] != ELF_DATA2LSB)
        return fail(FL_ECORRUPT, "not a little-endian (ELFDATA2LSB) file", err);
    if (id[ELF_EI_VERSION] != ELF_EV_CURRENT || h->e_version != ELF_EV_CURRENT)
        return fail(FL_ECORRUPT, "unknown ELF version", err);
    if (h->e_machine != ELF_EM_AARCH64)
        return fail(FL_ECORRUPT, "not an AArch64 (EM_AARCH64) file", err);
    if (h->e_type == ELF_ET_DYN)
        return fail(FL_ECORRUPT, "ET_DYN (position-independent) executables are not supported",
                    err);
    if (h->e_type != ELF_ET_EXEC)
        return fail(FL_ECORRUPT, "not an executable (e_type is not ET_EXEC)", err);
    if (h->e_phentsize != sizeof(elf64_phdr_t))
        return fail(FL_ECORRUPT, "bad program header size (e_phentsize)", err);
    if (h->e_phnum == ELF_PN_XNUM)
        return fail(FL_ECORRUPT, "extended program header numbering (PN_XNUM) not supported", err);
    /* e_phnum < 0xffff, so the product cannot overflow. */
    if (h->e_phoff > size || (size_t)h->e_phnum * sizeof(elf64_phdr_t) > size - h->e_phoff)
        return fail(FL_ECORRUPT, "truncated: program headers run past the end", err);
    return FL_OK;
}

static bool is_valid_align(uint64_t a)
{
    return a <= 1 || (a >= ELF_PAGE_SIZE && (a & (a - 1)) == 0);
}

/* Checks one PT_LOAD with p_memsz > 0, whose file range is already checked, against the address
 * range and the segment before it (prev, or NULL), and fills *seg. */
static int check_load(const elf64_phdr_t *ph, uint64_t user_top, const elf_segment_t *prev,
                      elf_segment_t *seg, const char **err)
{
    if (ph->p_vaddr < ELF_PAGE_SIZE)
        return fail(FL_ERANGE, "segment in the first page (page 0 is never mapped)", err);
    if (ph->p_memsz > UINT64_MAX - ph->p_vaddr)
        return fail(FL_ERANGE, "segment end overflows (p_vaddr + p_memsz)", err);
    if (ph->p_vaddr + ph->p_memsz > user_top)
        return fail(FL_ERANGE, "segment reaches past the end of user space", err);
    if ((ph->p_vaddr - ph->p_offset) & (ELF_PAGE_SIZE - 1))
        return fail(FL_ECORRUPT, "segment address and file offset differ modulo the page size",
                    err);
    if (prev) {
        uint64_t prev_last_page = (prev->vaddr + prev->memsz - 1) >> PAGE_SHIFT;
        if (ph->p_vaddr < prev->vaddr)
            return fail(FL_ECORRUPT, "segments not in ascending address order", err);
        if (ph->p_vaddr >> PAGE_SHIFT <= prev_last_page)
            return fail(FL_ECORRUPT, "overlapping segments (two segments share a page)", err);
    }
    seg->vaddr = ph->p_vaddr;
    seg->memsz = ph->p_memsz;
    seg->file_off = ph->p_offset;
    seg->filesz = ph->p_filesz;
    seg->prot = (ph->p_flags & ELF_PF_R ? ELF_PROT_R : 0) |
                (ph->p_flags & ELF_PF_W ? ELF_PROT_W : 0) |
                (ph->p_flags & ELF_PF_X ? ELF_PROT_X : 0);
    return FL_OK;
}

int elf_parse(const void *file, size_t size, uint64_t user_top, elf_image_t *out, const char **err)
{
    const uint8_t *base = file;
    elf64_ehdr_t h;
    int r;

    if (size < sizeof(elf64_ehdr_t))
        return fail(FL_ECORRUPT, "truncated: smaller than an ELF header", err);
    read_ehdr(base, &h);
    r = check_ehdr(&h, size, err);
    if (r != FL_OK)
        return r;

    out->entry = h.e_entry;
    out->count = 0;
    for (unsigned i = 0; i < h.e_phnum; i++) {
        elf64_phdr_t ph;
        read_phdr(base + h.e_phoff + i * sizeof(elf64_phdr_t), &ph);

        if (ph.p_type == ELF_PT_INTERP)
            return fail(FL_ECORRUPT, "PT_INTERP: dynamically linked files are not supported", err);
        if (ph.p_type == ELF_PT_DYNAMIC)
            return fail(FL_ECORRUPT, "PT_DYNAMIC: dynamically linked files are not supported", err);
        if (ph.p_type != ELF_PT_LOAD)
            continue;
        if (ph.p_filesz > ph.p_memsz)
            return fail(FL_ECORRUPT, "segment file size exceeds its memory size", err);
        if (ph.p_offset > size || ph.p_filesz > size - ph.p_offset)
            return fail(FL_ECORRUPT, "truncated: segment data runs past the end", err);
        if (!is_valid_align(ph.p_align))
            return fail(FL_ECORRUPT, "bad segment alignment (p_align)", err);
        if (ph.p_memsz == 0)
            continue;
        if (out->count == ELF_MAX_SEGMENTS)
            return fail(FL_EFULL, "too many loadable segments", err);
        const elf_segment_t *prev = out->count ? &out->seg[out->count - 1] : NULL;
        r = check_load(&ph, user_top, prev, &out->seg[out->count], err);
        if (r != FL_OK)
            return r;
        out->count++;
    }
    if (out->count == 0)
        return fail(FL_ECORRUPT, "no loadable segments", err);

    if (out->entry & 3)
        return fail(FL_ECORRUPT, "entry point not 4-byte aligned", err);
    for (unsigned i = 0; i < out->count; i++) {
        const elf_segment_t *s = &out->seg[i];
        if ((s->prot & ELF_PROT_X) && out->entry >= s->vaddr && out->entry - s->vaddr < s->memsz)
            return FL_OK;
    }
    return fail(FL_ECORRUPT, "entry point is not in an executable segment", err);
}
