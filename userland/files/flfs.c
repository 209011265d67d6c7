/* The flfs superblock reader; see flfs.h. */
#include "flfs.h"
#include <string.h>

static uint64_t le(const uint8_t *p, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = bytes; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

int flfs_parse(const uint8_t *sb, uint64_t blocks, flfs_file_t *out)
{
    uint64_t n = le(sb + 8, 4);
    if (memcmp(sb, FLFS_MAGIC, 8) != 0 || n > FLFS_MAX_FILES || le(sb + 12, 4) != FLFS_BLOCK)
        return -1;
    int count = 0;
    for (uint64_t i = 0; i < n; i++) {
        const uint8_t *e = sb + FLFS_DIR_OFF + i * FLFS_ENTRY_SIZE;
        flfs_file_t f;
        memcpy(f.name, e, FLFS_NAME_MAX);
        f.first = le(e + 32, 8);
        f.size = le(e + 40, 8);
        f.nblks = le(e + 48, 8);
        /* Blocks the size needs, rounded up without overflowing for any size. */
        uint64_t need = f.size / FLFS_BLOCK + (f.size % FLFS_BLOCK != 0);
        if (f.name[FLFS_NAME_MAX - 1] != '\0' || !f.name[0] || !f.first || f.first >= blocks ||
            f.nblks > blocks - f.first || need > f.nblks)
            continue; /* a malformed entry is skipped */
        out[count++] = f;
    }
    return count;
}
