/*
 * The initrd's cpio reader (kernel/lib/cpio.c) on arbitrary bytes: every entry it returns lies
 * inside the archive with a NUL-terminated name of the length it says, iteration ends, and a
 * lookup agrees with iteration. The input is copied into a block of exactly its size so ASan
 * sees any read past the end.
 */
#include <faultline/errors.h>
#include <lib/cpio.h>
#include <string.h>

#include "fuzz.h"

static int inside(const uint8_t *base, size_t size, const void *p, size_t n)
{
    const uint8_t *q = p;
    return q >= base && (size_t)(q - base) <= size && n <= size - (size_t)(q - base);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *ar = malloc(size ? size : 1);
    memcpy(ar, data, size);
    cpio_iter_t it;
    cpio_entry_t e, last = {0};
    const char *err = NULL;
    int rc, entries = 0;
    cpio_iter_init(&it, ar, size);
    while ((rc = cpio_next(&it, &e, &err)) == 1) {
        CHECK(inside(ar, size, e.name, e.name_len + 1));
        CHECK(e.name[e.name_len] == '\0' && strlen(e.name) == e.name_len);
        CHECK(inside(ar, size, e.data, e.size));
        CHECK(entries++ < (int)(size / 110) + 1); /* each entry takes a 110-byte header */
        last = e;
    }
    CHECK(rc == 0 || (rc < 0 && err));
    /* The end (or the error) repeats. */
    CHECK(cpio_next(&it, &e, NULL) == rc);

    if (last.name && last.name_len && last.name[0] != '/') {
        char path[256];
        if (last.name_len < sizeof(path)) {
            memcpy(path, last.name, last.name_len + 1);
            int f = cpio_find(ar, size, path, &e, &err);
            if (rc == 0) {
                /* The last entry of a good archive is found (the later of equal names wins). */
                CHECK(f == FL_OK);
                CHECK(e.data == last.data && e.size == last.size);
            } else {
                CHECK(f == FL_ECORRUPT); /* a damaged archive is refused whatever is asked */
            }
        }
    }
    free(ar);
    return 0;
}
