/*
 * The flfs superblock (docs/storage.md, "Disk-backed files"): the one place the file server
 * checks a disk's directory. Pure logic, built for the host too (test/fuzz/fuzz_flfs.c).
 */
#ifndef FILES_FLFS_H
#define FILES_FLFS_H

#include <stdint.h>

#define FLFS_MAGIC      "FLFS0001"
#define FLFS_BLOCK      4096u
#define FLFS_DIR_OFF    64u
#define FLFS_ENTRY_SIZE 64u
#define FLFS_MAX_FILES  ((FLFS_BLOCK - FLFS_DIR_OFF) / FLFS_ENTRY_SIZE)
#define FLFS_NAME_MAX   32u /* with the NUL */

typedef struct flfs_file {
    char name[FLFS_NAME_MAX]; /* 1..31 bytes and a NUL */
    uint64_t first;           /* first block, >= 1 */
    uint64_t size;            /* bytes, <= nblks * FLFS_BLOCK */
    uint64_t nblks;           /* capacity in blocks; first + nblks <= the disk's blocks */
} flfs_file_t;

/*
 * Reads the superblock sb (FLFS_BLOCK bytes, block 0 of a disk of `blocks` blocks) into out[]
 * (room for FLFS_MAX_FILES): the number of well-formed entries, in directory order; malformed
 * entries are skipped. -1 if sb is not an flfs superblock (magic, entry count, block size).
 */
int flfs_parse(const uint8_t *sb, uint64_t blocks, flfs_file_t *out);

#endif
