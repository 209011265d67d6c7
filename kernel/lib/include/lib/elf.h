/*
 * ELF64 executable parser (kernel/lib/elf.c): checks a static little-endian AArch64 ET_EXEC
 * file and lists the segments to load. It maps nothing: the caller (the kernel loading init,
 * init creating a process) maps and copies the segments it is given, trusting this check.
 * Pure C: it runs in the kernel, in user space and on the host (test/unit/test_elf.c).
 *
 * What a file must satisfy (each failure has its own message):
 *  - ident: magic, ELFCLASS64, ELFDATA2LSB, EV_CURRENT (also in e_version); e_machine
 *    EM_AARCH64; e_type ET_EXEC (ET_DYN is refused: no relocation yet); e_phentsize ==
 *    sizeof(elf64_phdr_t); the program header table inside the file.
 *  - no PT_INTERP and no PT_DYNAMIC (static only). Other types (PT_NOTE, PT_GNU_STACK,
 *    PT_GNU_RELRO, ...) are ignored.
 *  - every PT_LOAD: p_filesz <= p_memsz; [p_offset, p_offset + p_filesz) inside the file;
 *    [p_vaddr, p_vaddr + p_memsz) inside [ELF_PAGE_SIZE, user_top) without overflow (page 0
 *    is never mapped); p_align 0, 1 or a power of two >= ELF_PAGE_SIZE; p_vaddr == p_offset
 *    modulo ELF_PAGE_SIZE, so file pages can be mapped in place.
 *  - PT_LOAD segments in ascending p_vaddr order, and no two touching the same page: one page
 *    has one protection, so a page shared by two segments is an "overlapping segments" error
 *    rather than a silent merge of their permissions. GNU ld (2.40 checked, with
 *    `aarch64-linux-gnu-gcc -static -nostdlib`) does not default to -z separate-code on
 *    AArch64, so the ELF header, code and read-only data share one R+X segment, but it starts
 *    the RW segment on a later page (the next -z max-page-size boundary, 64 KiB by default,
 *    and still a later page with -z max-page-size=4096); -z separate-code gives R, R+X, R, RW
 *    segments, each on its own pages. All of these pass.
 *  - 1 to ELF_MAX_SEGMENTS loadable segments (PT_LOAD with p_memsz 0 is skipped and not
 *    counted); the entry point 4-byte aligned and inside a segment with PF_X.
 * Segments that are both writable and executable are accepted; refusing them is the mapper's
 * policy. The section headers are not read.
 */
#ifndef LIB_ELF_H
#define LIB_ELF_H

#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_SEGMENTS 8
#define ELF_PAGE_SIZE    4096u

/* elf_segment_t.prot bits. */
#define ELF_PROT_R 1u
#define ELF_PROT_W 2u
#define ELF_PROT_X 4u

/* The on-disk structures, as the System V ABI (gABI) "ELF Header" and "Program Header"
 * chapters define them. Read with memcpy: the file may lie at any alignment (cpio data is only
 * 4-byte aligned). */
#define ELF_NIDENT     16
#define ELF_EI_CLASS   4
#define ELF_EI_DATA    5
#define ELF_EI_VERSION 6
#define ELF_CLASS64    2
#define ELF_DATA2LSB   1
#define ELF_EV_CURRENT 1
#define ELF_ET_EXEC    2
#define ELF_ET_DYN     3
#define ELF_EM_AARCH64 183
#define ELF_PN_XNUM    0xffff
#define ELF_PT_LOAD    1
#define ELF_PT_DYNAMIC 2
#define ELF_PT_INTERP  3
#define ELF_PF_X       1u
#define ELF_PF_W       2u
#define ELF_PF_R       4u

typedef struct {
    uint8_t e_ident[ELF_NIDENT];
    uint16_t e_type;
    uint16_t e_machine;
    uint32_t e_version;
    uint64_t e_entry;
    uint64_t e_phoff;
    uint64_t e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize;
    uint16_t e_phentsize;
    uint16_t e_phnum;
    uint16_t e_shentsize;
    uint16_t e_shnum;
    uint16_t e_shstrndx;
} elf64_ehdr_t;

typedef struct {
    uint32_t p_type;
    uint32_t p_flags;
    uint64_t p_offset;
    uint64_t p_vaddr;
    uint64_t p_paddr;
    uint64_t p_filesz;
    uint64_t p_memsz;
    uint64_t p_align;
} elf64_phdr_t;

_Static_assert(sizeof(elf64_ehdr_t) == 64, "ELF64 header is 64 bytes");
_Static_assert(sizeof(elf64_phdr_t) == 56, "ELF64 program header is 56 bytes");

typedef struct {
    uint64_t vaddr;    /* first byte; not page-aligned in general */
    uint64_t memsz;    /* bytes in memory, > 0; those past filesz are zero */
    uint64_t file_off; /* where the filesz bytes start in the file */
    uint64_t filesz;   /* bytes taken from the file, <= memsz */
    unsigned prot;     /* ELF_PROT_R | ELF_PROT_W | ELF_PROT_X */
} elf_segment_t;

typedef struct {
    uint64_t entry;
    unsigned count; /* segments used in seg[], in ascending vaddr order */
    elf_segment_t seg[ELF_MAX_SEGMENTS];
} elf_image_t;

/*
 * Checks file (size bytes) against the rules above, with user mappings ending below user_top
 * (e.g. 1 << 48). Returns FL_OK and fills *out; or, with *err a static English message and
 * *out unspecified: FL_ECORRUPT (malformed or unsupported file), FL_ERANGE (a segment outside
 * [ELF_PAGE_SIZE, user_top)), FL_EFULL (more than ELF_MAX_SEGMENTS segments). err may be NULL.
 */
int elf_parse(const void *file, size_t size, uint64_t user_top, elf_image_t *out, const char **err);

#endif
