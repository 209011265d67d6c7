/*
 * The file server's flfs superblock reader (userland/files/flfs.c) on arbitrary superblocks and
 * disk sizes: every entry it accepts has a terminated, non-empty name and lies inside the disk
 * with its size inside its capacity, computed here in 128 bits so no wrap can hide. Input:
 * the disk's size in blocks (8 bytes, small disks more often), then the superblock (padded
 * with zeros to a block).
 */
#include <string.h>

#include "flfs.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in_t in = {data, size};
    uint64_t blocks = fuzz_take(&in, 8);
    if (blocks >> 63)
        blocks &= 0xffff;
    uint8_t *sb = calloc(1, FLFS_BLOCK);
    memcpy(sb, in.p, in.n < FLFS_BLOCK ? in.n : FLFS_BLOCK);
    flfs_file_t *out = malloc(FLFS_MAX_FILES * sizeof(*out));
    int n = flfs_parse(sb, blocks, out);
    CHECK(n >= -1 && n <= (int)FLFS_MAX_FILES);
    if (n >= 0)
        CHECK(memcmp(sb, FLFS_MAGIC, 8) == 0);
    for (int i = 0; i < n; i++) {
        const flfs_file_t *f = &out[i];
        size_t len = strnlen(f->name, FLFS_NAME_MAX);
        CHECK(len >= 1 && len < FLFS_NAME_MAX);
        CHECK(f->first >= 1);
        CHECK((unsigned __int128)f->first + f->nblks <= blocks);
        CHECK((unsigned __int128)f->size <= (unsigned __int128)f->nblks * FLFS_BLOCK);
    }
    free(out);
    free(sb);
    return 0;
}
