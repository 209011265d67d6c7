/*
 * The ELF loader's parser (kernel/lib/elf.c) on arbitrary bytes: an accepted image has 1 to
 * ELF_MAX_SEGMENTS segments in ascending, non-overlapping order, each inside the file and
 * inside [ELF_PAGE_SIZE, user_top), with filesz <= memsz and no unknown rights. The first 8 bytes
 * choose user_top (a page-aligned value up to 2^48); the rest is the file.
 */
#include <faultline/errors.h>
#include <lib/elf.h>
#include <string.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in_t in = {data, size};
    uint64_t top = fuzz_take(&in, 8);
    top = (top & 0x8000) ? (1ULL << 48) : (top & ((1ULL << 48) - 1)) & ~0xfffULL;
    uint8_t *file = malloc(in.n ? in.n : 1);
    memcpy(file, in.p, in.n);
    elf_image_t img;
    const char *err = NULL;
    int rc = elf_parse(file, in.n, top, &img, &err);
    if (rc != FL_OK) {
        CHECK(rc == FL_ECORRUPT || rc == FL_ERANGE || rc == FL_EFULL);
        CHECK(err && *err);
        free(file);
        return 0;
    }
    CHECK(img.count >= 1 && img.count <= ELF_MAX_SEGMENTS);
    uint64_t prev_end = 0;
    for (unsigned i = 0; i < img.count; i++) {
        const elf_segment_t *s = &img.seg[i];
        CHECK(s->memsz > 0 && s->filesz <= s->memsz);
        CHECK(s->vaddr >= ELF_PAGE_SIZE && s->vaddr < top && s->memsz <= top - s->vaddr);
        CHECK(s->file_off <= in.n && s->filesz <= in.n - s->file_off);
        CHECK(!(s->prot & ~(ELF_PROT_R | ELF_PROT_W | ELF_PROT_X))); /* 0: a PROT_NONE segment */
        CHECK(s->vaddr >= prev_end);
        prev_end = s->vaddr + s->memsz;
    }
    free(file);
    return 0;
}
