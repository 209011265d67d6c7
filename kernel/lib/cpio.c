/*
 * cpio "newc" reader; see cpio.h. An entry is a 110-byte ASCII header, the name (namesize
 * bytes including its NUL) padded so that header + name ends on a 4-byte boundary, then the
 * data (filesize bytes) padded to 4 bytes. Offsets here are from the archive start, which
 * every header is aligned to, so "aligned" means aligned relative to the archive.
 *
 * Each size is checked against the bytes left before it is added to an offset, so no sum can
 * overflow and nothing outside [base, base + size) is ever read.
 */
#include <faultline/errors.h>
#include <lib/cpio.h>
#include <stdbool.h>
#include <string.h>

#define HDR_SIZE   110
#define MAGIC_LEN  6
#define FIELD_LEN  8
#define NFIELDS    13
#define F_MODE     1
#define F_FILESIZE 6
#define F_NAMESIZE 11

static const char trailer[] = "TRAILER!!!";

/* Bytes of padding after offset off to reach a multiple of 4. */
static size_t pad4(size_t off)
{
    return (4 - (off & 3)) & 3;
}

static int hex_digit(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Parses the 13 fields of 8 hex digits each (both cases: tools differ) after the magic. */
static bool parse_fields(const uint8_t *hdr, uint32_t field[NFIELDS])
{
    for (int i = 0; i < NFIELDS; i++) {
        uint32_t v = 0;
        for (int j = 0; j < FIELD_LEN; j++) {
            int d = hex_digit(hdr[MAGIC_LEN + i * FIELD_LEN + j]);
            if (d < 0)
                return false;
            v = v << 4 | (uint32_t)d;
        }
        field[i] = v;
    }
    return true;
}

void cpio_iter_init(cpio_iter_t *it, const void *archive, size_t size)
{
    it->base = archive;
    it->size = size;
    it->off = 0;
}

static int fail(const char *msg, const char **err)
{
    if (err)
        *err = msg;
    return FL_ECORRUPT;
}

int cpio_next(cpio_iter_t *it, cpio_entry_t *out, const char **err)
{
    /* it->off <= it->size always holds: it only advances after a bounds check, and only past an
     * entry that was returned, so the trailer or a bad header is met again on the next call. */
    size_t off = it->off, left = it->size - off;
    const uint8_t *hdr = it->base + off;
    uint32_t field[NFIELDS];

    if (left == 0)
        return fail("truncated: archive ends without a trailer", err);
    if (left < HDR_SIZE)
        return fail("truncated: header runs past the end", err);
    if (memcmp(hdr, "07070", 5) != 0 || (hdr[5] != '1' && hdr[5] != '2'))
        return fail("bad magic (not a newc cpio archive)", err);
    if (!parse_fields(hdr, field))
        return fail("bad header: a field is not 8 hex digits", err);

    size_t namesize = field[F_NAMESIZE], filesize = field[F_FILESIZE];
    off += HDR_SIZE;
    left -= HDR_SIZE;
    if (namesize == 0)
        return fail("bad header: empty name", err);
    if (namesize > left)
        return fail("truncated: name runs past the end", err);
    const char *name = (const char *)it->base + off;
    if (name[namesize - 1] != '\0')
        return fail("bad name: not NUL-terminated", err);
    /* The terminator is in bounds, so strlen stops inside the archive. */
    size_t name_len = strlen(name);
    if (name_len != namesize - 1)
        return fail("bad name: NUL inside the name", err);
    off += namesize;
    left -= namesize;

    size_t pad = pad4(off);
    if (pad > left)
        return fail("truncated: name padding runs past the end", err);
    off += pad;
    left -= pad;
    if (filesize > left)
        return fail("truncated: data runs past the end", err);
    const void *data = it->base + off;
    off += filesize;
    left -= filesize;

    if (name_len == sizeof(trailer) - 1 && memcmp(name, trailer, sizeof(trailer)) == 0)
        return 0;

    /* Missing data padding means the archive is cut short: the next call reports it. */
    pad = pad4(off);
    it->off = pad > left ? it->size : off + pad;

    if (name_len >= 2 && name[0] == '.' && name[1] == '/') {
        name += 2;
        name_len -= 2;
    }
    out->name = name;
    out->name_len = name_len;
    out->data = data;
    out->size = filesize;
    out->mode = field[F_MODE];
    return 1;
}

int cpio_find(const void *archive, size_t size, const char *path, cpio_entry_t *out,
              const char **err)
{
    cpio_iter_t it;
    cpio_entry_t e, found = {0};
    size_t path_len = strlen(path);
    bool have = false;
    int r;

    cpio_iter_init(&it, archive, size);
    while ((r = cpio_next(&it, &e, err)) == 1) {
        if (e.name_len == path_len && memcmp(e.name, path, path_len) == 0) {
            found = e;
            have = true;
        }
    }
    if (r < 0)
        return r;
    if (!have) {
        if (err)
            *err = "not found";
        return FL_ENOENT;
    }
    *out = found;
    return FL_OK;
}
