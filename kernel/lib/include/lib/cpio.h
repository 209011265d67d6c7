/*
 * cpio "newc" archive reader (kernel/lib/cpio.c): the initrd format, as Linux's initramfs and
 * `cpio -o -H newc` write it. Magic "070701", or "070702" ("crc") whose checksum is ignored.
 *
 * This is the one place that validates an archive: every entry it returns has a name that is
 * NUL-terminated inside the archive and data that lies inside the archive. It reads the archive
 * only; nothing is copied and no memory is allocated. Pure C: it runs in the kernel, in user
 * space and on the host (Criterion, test/unit/test_cpio.c).
 *
 * Not checked, on purpose, because they are policy for whoever uses the name: a name may be
 * absolute ("/x"), contain ".." components, or repeat an earlier name. A caller that builds a
 * file tree from the names must reject those itself.
 */
#ifndef LIB_CPIO_H
#define LIB_CPIO_H

#include <stddef.h>
#include <stdint.h>

/* File type bits of cpio_entry_t.mode (the same values as POSIX st_mode). */
#define CPIO_MODE_TYPE 0170000u
#define CPIO_MODE_REG  0100000u
#define CPIO_MODE_DIR  0040000u
#define CPIO_MODE_LNK  0120000u

typedef struct {
    const char *name; /* one leading "./" removed; NUL-terminated, inside the archive */
    size_t name_len;  /* strlen(name) */
    const void *data; /* inside the archive; not aligned beyond 4 bytes */
    size_t size;      /* bytes of data */
    uint32_t mode;    /* type (CPIO_MODE_*) and permission bits */
} cpio_entry_t;

/* Iteration state. After the end or an error, every later call repeats that result. */
typedef struct {
    const uint8_t *base;
    size_t size;
    /* The next header, from base: a multiple of 4, or size if the last data ran to the end. */
    size_t off;
} cpio_iter_t;

void cpio_iter_init(cpio_iter_t *it, const void *archive, size_t size);

/*
 * The next entry. Returns 1 and fills *out; 0 at the trailer ("TRAILER!!!", which is not
 * returned; bytes after it, such as the tool's padding to 512 bytes, are ignored); or
 * FL_ECORRUPT with *err a static English message ("truncated", "bad magic", ...). *out is
 * written only when 1 is returned; err may be NULL.
 */
int cpio_next(cpio_iter_t *it, cpio_entry_t *out, const char **err);

/*
 * Looks up path ("init", "bin/x": no leading "./" or "/") among the archive's names with one
 * leading "./" removed. The whole archive is checked, so a damaged archive is refused no matter
 * where the entry lies; if a name occurs twice the later entry wins, as when Linux unpacks an
 * initramfs. Returns FL_OK and fills *out, FL_ENOENT ("not found") or FL_ECORRUPT, with *err
 * set on failure (err may be NULL). The entry may be of any type: check out->mode.
 */
int cpio_find(const void *archive, size_t size, const char *path, cpio_entry_t *out,
              const char **err);

#endif
