/*
 * The cpio newc reader (kernel/lib/cpio.c): archives built here byte by byte, and one made by
 * the real cpio tool (test/unit/data/make-test-data.sh, read from TEST_DATA_DIR). Inputs are
 * copied into heap blocks of exactly their size, so a read past the end shows up under
 * valgrind or -fsanitize=address.
 */
#include <criterion/criterion.h>
#include <faultline/errors.h>
#include <lib/cpio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef TEST_DATA_DIR
#error "TEST_DATA_DIR must name the directory make-test-data.sh wrote"
#endif

#define HDR         110
#define F_MODE      1
#define F_FILESIZE  6
#define F_NAMESIZE  11
#define F_CHECK     12
#define MODE_FILE   (CPIO_MODE_REG | 0644)
#define MODE_DIR    (CPIO_MODE_DIR | 0755)
#define TRAILER_LEN 124 /* header + "TRAILER!!!\0" + 3 bytes of padding */

/* --- building archives ------------------------------------------------------------------ */

typedef struct {
    uint8_t buf[16384];
    size_t len;
} ar_t;

static void put(ar_t *a, const void *p, size_t n)
{
    cr_assert_leq(a->len + n, sizeof(a->buf));
    memcpy(a->buf + a->len, p, n);
    a->len += n;
}

static void pad(ar_t *a)
{
    while (a->len % 4)
        put(a, "", 1);
}

/* One entry exactly as `cpio -H newc` writes it; returns the offset of its header. */
static size_t add(ar_t *a, const char *name, uint32_t mode, const void *data, size_t size)
{
    char hdr[HDR + 1];
    size_t at = a->len;
    snprintf(hdr, sizeof(hdr), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
             (unsigned)(at + 1), mode, 0u, 0u, 1u, 0x65000000u, (unsigned)size, 0u, 0u, 0u, 0u,
             (unsigned)(strlen(name) + 1), 0u);
    put(a, hdr, HDR);
    put(a, name, strlen(name) + 1);
    pad(a);
    put(a, data, size);
    pad(a);
    return at;
}

static size_t add_trailer(ar_t *a)
{
    return add(a, "TRAILER!!!", 0, "", 0);
}

/* Overwrites field idx (0..12) of the header at hdr with value, as 8 hex digits. */
static void set_field(ar_t *a, size_t hdr, int idx, uint32_t value)
{
    char s[9];
    snprintf(s, sizeof(s), "%08X", value);
    memcpy(a->buf + hdr + 6 + 8 * idx, s, 8);
}

/* A copy of p in a heap block of exactly n bytes (n may be 0). */
static uint8_t *exact_copy(const void *p, size_t n)
{
    uint8_t *c = malloc(n ? n : 1);
    cr_assert_not_null(c);
    if (n)
        memcpy(c, p, n);
    return c;
}

/* Runs cpio_next to the end; returns its final result and the message, counting entries. */
static int walk(const void *p, size_t n, int *entries, const char **err)
{
    cpio_iter_t it;
    cpio_entry_t e;
    int r;

    *entries = 0;
    *err = NULL;
    cpio_iter_init(&it, p, n);
    while ((r = cpio_next(&it, &e, err)) == 1) {
        const uint8_t *lo = p, *hi = lo + n;
        cr_assert((const uint8_t *)e.name >= lo && (const uint8_t *)e.name + e.name_len < hi,
                  "name inside the archive, with its NUL");
        cr_assert_eq(e.name[e.name_len], '\0');
        cr_assert_eq(strlen(e.name), e.name_len);
        cr_assert((const uint8_t *)e.data >= lo && e.size <= (size_t)(hi - (const uint8_t *)e.data),
                  "data inside the archive");
        (*entries)++;
    }
    return r;
}

/* The archive most tests start from: a directory, files of 10, 1, 0 and 5 bytes. */
static ar_t ar;
static size_t off_init, off_x, off_empty, off_last, off_trailer;

static void setup(void)
{
    memset(&ar, 0, sizeof(ar));
    add(&ar, ".", MODE_DIR, "", 0);
    off_init = add(&ar, "init", MODE_FILE, "init file\n", 10);
    add(&ar, "./bin", MODE_DIR, "", 0);
    off_x = add(&ar, "./bin/x", MODE_FILE, "x", 1);
    off_empty = add(&ar, "etc/empty", MODE_FILE, "", 0);
    off_last = add(&ar, "etc/five", MODE_FILE, "12345", 5);
    off_trailer = add_trailer(&ar);
}

TestSuite(cpio, .init = setup);

/* --- valid archives ----------------------------------------------------------------------- */

Test(cpio, iterate_generated)
{
    static const struct {
        const char *name;
        uint32_t mode;
        const char *data;
        size_t size;
    } want[] = {
        {".", MODE_DIR, "", 0},          {"init", MODE_FILE, "init file\n", 10},
        {"bin", MODE_DIR, "", 0},        {"bin/x", MODE_FILE, "x", 1},
        {"etc/empty", MODE_FILE, "", 0}, {"etc/five", MODE_FILE, "12345", 5},
    };
    cpio_iter_t it;
    cpio_entry_t e;
    const char *err = NULL;

    cpio_iter_init(&it, ar.buf, ar.len);
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        cr_assert_eq(cpio_next(&it, &e, &err), 1, "entry %zu: %s", i, err);
        cr_assert_str_eq(e.name, want[i].name);
        cr_assert_eq(e.name_len, strlen(want[i].name));
        cr_assert_eq(e.mode, want[i].mode);
        cr_assert_eq(e.size, want[i].size, "%s", want[i].name);
        cr_assert_eq(memcmp(e.data, want[i].data, e.size), 0);
        cr_assert_eq(((const uint8_t *)e.data - ar.buf) & 3, 0, "data is 4-byte aligned");
    }
    cr_assert_eq(cpio_next(&it, &e, &err), 0, "trailer ends the archive");
    cr_assert_eq(cpio_next(&it, &e, &err), 0, "and keeps ending it");
}

Test(cpio, data_points_into_archive)
{
    cpio_entry_t e;
    cr_assert_eq(cpio_find(ar.buf, ar.len, "init", &e, NULL), FL_OK);
    cr_assert_eq((const uint8_t *)e.data, ar.buf + off_init + HDR + 6, "110 + 5, padded to 116");
    cr_assert_eq(cpio_find(ar.buf, ar.len, "bin/x", &e, NULL), FL_OK);
    cr_assert_eq((const uint8_t *)e.name, ar.buf + off_x + HDR + 2, "\"./\" skipped in place");
}

Test(cpio, crc_magic_and_lowercase_hex_accepted)
{
    cpio_entry_t e;
    const char *err = NULL;

    ar.buf[off_init + 5] = '2'; /* 070702: the checksum is ignored */
    set_field(&ar, off_init, F_CHECK, 0xdeadbeef);
    for (size_t i = off_x + 6; i < off_x + HDR; i++)
        if (ar.buf[i] >= 'A' && ar.buf[i] <= 'F')
            ar.buf[i] += 'a' - 'A';
    memcpy(ar.buf + off_x + 6 + 8 * F_MODE, "000081ed", 8);
    cr_assert_eq(cpio_find(ar.buf, ar.len, "init", &e, &err), FL_OK, "%s", err);
    cr_assert_eq(e.size, 10);
    cr_assert_eq(cpio_find(ar.buf, ar.len, "bin/x", &e, &err), FL_OK, "%s", err);
    cr_assert_eq(e.mode, 0100755);
}

Test(cpio, bytes_after_trailer_ignored)
{
    memset(ar.buf + ar.len, 0xff, 300); /* garbage, not just cpio's zero padding */
    int n;
    const char *err;
    cr_assert_eq(walk(ar.buf, ar.len + 300, &n, &err), 0);
    cr_assert_eq(n, 6);
}

Test(cpio, find)
{
    cpio_entry_t e;
    const char *err = NULL;

    cr_assert_eq(cpio_find(ar.buf, ar.len, "etc/five", &e, &err), FL_OK);
    cr_assert_eq(e.size, 5);
    cr_assert_eq(memcmp(e.data, "12345", 5), 0);
    cr_assert_eq(cpio_find(ar.buf, ar.len, "bin", &e, &err), FL_OK, "\"./bin\" is \"bin\"");
    cr_assert_eq(e.mode & CPIO_MODE_TYPE, CPIO_MODE_DIR);
    cr_assert_eq(cpio_find(ar.buf, ar.len, "etc/empty", &e, &err), FL_OK);
    cr_assert_eq(e.size, 0);

    err = NULL;
    cr_assert_eq(cpio_find(ar.buf, ar.len, "ini", &e, &err), FL_ENOENT, "prefix is no match");
    cr_assert_str_eq(err, "not found");
    cr_assert_eq(cpio_find(ar.buf, ar.len, "init2", &e, &err), FL_ENOENT);
    cr_assert_eq(cpio_find(ar.buf, ar.len, "x", &e, &err), FL_ENOENT, "no basename match");
    cr_assert_eq(cpio_find(ar.buf, ar.len, "TRAILER!!!", &e, &err), FL_ENOENT);
    cr_assert_eq(cpio_find(ar.buf, ar.len, "./init", &e, &err), FL_ENOENT,
                 "paths are given without \"./\"");
}

Test(cpio, find_later_duplicate_wins)
{
    ar.len = off_trailer;
    add(&ar, "./init", MODE_FILE, "second", 6);
    add_trailer(&ar);
    cpio_entry_t e;
    cr_assert_eq(cpio_find(ar.buf, ar.len, "init", &e, NULL), FL_OK);
    cr_assert_eq(e.size, 6);
    cr_assert_eq(memcmp(e.data, "second", 6), 0);
}

Test(cpio, find_checks_whole_archive)
{
    cpio_entry_t e;
    const char *err = NULL;
    ar.buf[off_last] = 'X'; /* damage after the entry looked for */
    cr_assert_eq(cpio_find(ar.buf, ar.len, "init", &e, &err), FL_ECORRUPT);
    cr_assert_str_eq(err, "bad magic (not a newc cpio archive)");
}

Test(cpio, only_the_exact_trailer_name_ends)
{
    static const char *near[] = {"TRAILER!!",  "TRAILER!!!!",  "TRAILER!!X",
                                 "trailer!!!", "./TRAILER!!!", "TRAILER"};
    ar.len = off_trailer;
    for (size_t i = 0; i < sizeof(near) / sizeof(near[0]); i++)
        add(&ar, near[i], MODE_FILE, "t", 1);
    add_trailer(&ar);
    int n;
    const char *err;
    cr_assert_eq(walk(ar.buf, ar.len, &n, &err), 0, "%s", err);
    cr_assert_eq(n, 6 + 6);
}

Test(cpio, dotdot_names_returned_as_is)
{
    ar.len = off_trailer;
    add(&ar, "../../etc/passwd", MODE_FILE, "p", 1);
    add(&ar, "/abs", MODE_FILE, "a", 1);
    add_trailer(&ar);
    cpio_entry_t e;
    cr_assert_eq(cpio_find(ar.buf, ar.len, "../../etc/passwd", &e, NULL), FL_OK);
    cr_assert_eq(cpio_find(ar.buf, ar.len, "/abs", &e, NULL), FL_OK);
}

/* --- truncation --------------------------------------------------------------------------- */

/* Every prefix shorter than the end of the trailer fails with a "truncated" message; every
 * longer one succeeds. Each prefix sits in a block of its exact size. */
static void check_prefixes(const uint8_t *p, size_t n, size_t trailer_end, int entries)
{
    for (size_t len = 0; len <= n; len++) {
        uint8_t *c = exact_copy(p, len);
        const char *err, *ferr = NULL;
        int got, r = walk(c, len, &got, &err);
        cpio_entry_t e;
        int fr = cpio_find(c, len, "init", &e, &ferr);
        if (len < trailer_end) {
            cr_assert_eq(r, FL_ECORRUPT, "prefix %zu of %zu accepted", len, n);
            cr_assert_not_null(err);
            cr_assert_eq(strncmp(err, "truncated", 9), 0, "prefix %zu: %s", len, err);
            cr_assert_eq(fr, FL_ECORRUPT, "find in prefix %zu", len);
            cr_assert_eq(strncmp(ferr, "truncated", 9), 0);
        } else {
            cr_assert_eq(r, 0, "prefix %zu: %s", len, err);
            cr_assert_eq(got, entries);
            cr_assert_eq(fr, FL_OK);
        }
        free(c);
    }
}

Test(cpio, truncated_at_every_offset)
{
    cr_assert_eq(off_trailer + TRAILER_LEN, ar.len);
    check_prefixes(ar.buf, ar.len, ar.len, 6);
}

Test(cpio, empty_archive)
{
    int n;
    const char *err;
    cr_assert_eq(walk("", 0, &n, &err), FL_ECORRUPT);
    cr_assert_str_eq(err, "truncated: archive ends without a trailer");
}

/* --- malformed headers -------------------------------------------------------------------- */

static void expect_corrupt(const char *msg)
{
    uint8_t *c = exact_copy(ar.buf, ar.len);
    int n;
    const char *err = NULL;
    cr_assert_eq(walk(c, ar.len, &n, &err), FL_ECORRUPT, "accepted; wanted \"%s\"", msg);
    cr_assert_str_eq(err, msg);
    free(c);
}

Test(cpio, bad_magic)
{
    static const char *bad[] = {"070707", "070700", "070703", "170701", "07070", "\0\0\0\0\0\0"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        setup();
        memcpy(ar.buf + off_x, bad[i], 6);
        expect_corrupt("bad magic (not a newc cpio archive)");
    }
}

Test(cpio, bad_hex_in_every_digit)
{
    static const char bad[] = {'g', 'G', ' ', '-', 'x', '\0', '/', ':', '@', '`'};
    for (int pos = 6; pos < HDR; pos++) {
        for (size_t b = 0; b < sizeof(bad); b++) {
            setup();
            ar.buf[off_x + pos] = (uint8_t)bad[b];
            expect_corrupt("bad header: a field is not 8 hex digits");
        }
    }
}

Test(cpio, error_is_sticky)
{
    cpio_iter_t it;
    cpio_entry_t e;
    const char *err = NULL;

    ar.buf[off_init + 10] = 'z';
    cpio_iter_init(&it, ar.buf, ar.len);
    cr_assert_eq(cpio_next(&it, &e, &err), 1);
    cr_assert_eq(cpio_next(&it, &e, &err), FL_ECORRUPT);
    err = NULL;
    cr_assert_eq(cpio_next(&it, &e, &err), FL_ECORRUPT, "does not resume past the damage");
    cr_assert_str_eq(err, "bad header: a field is not 8 hex digits");
}

Test(cpio, name_without_nul)
{
    /* "init" has namesize 5; make the NUL an 'X': the name is no longer terminated. */
    ar.buf[off_init + HDR + 4] = 'X';
    expect_corrupt("bad name: not NUL-terminated");
}

Test(cpio, name_size_zero)
{
    set_field(&ar, off_init, F_NAMESIZE, 0);
    expect_corrupt("bad header: empty name");
}

Test(cpio, name_with_inner_nul)
{
    /* namesize 6 over "init\0" and its padding zero: a NUL inside the name. */
    set_field(&ar, off_init, F_NAMESIZE, 6);
    expect_corrupt("bad name: NUL inside the name");
}

Test(cpio, name_past_end)
{
    /* The last real entry's name claimed to run over the trailer and past the end. */
    set_field(&ar, off_last, F_NAMESIZE, (uint32_t)(ar.len - off_last - HDR + 1));
    expect_corrupt("truncated: name runs past the end");
}

Test(cpio, name_padding_past_end)
{
    /* An archive that ends right after a complete name, with no padding. */
    ar.len = off_trailer + HDR + 11; /* "TRAILER!!!\0" at 121: 3 padding bytes missing */
    expect_corrupt("truncated: name padding runs past the end");
}

Test(cpio, data_past_end)
{
    /* "etc/five\0" ends at 119, so the data starts at HDR + 10. */
    set_field(&ar, off_last, F_FILESIZE, (uint32_t)(ar.len - off_last - HDR - 10 + 1));
    expect_corrupt("truncated: data runs past the end");
    setup();
    set_field(&ar, off_last, F_FILESIZE, (uint32_t)(ar.len - off_last - HDR - 10));
    expect_corrupt("truncated: archive ends without a trailer"); /* data ends exactly at end */
}

Test(cpio, data_size_skips_into_garbage)
{
    /* A filesize 4 bytes too large lands the next header off by 4: not the trailer's magic. */
    set_field(&ar, off_init, F_FILESIZE, 14);
    expect_corrupt("bad magic (not a newc cpio archive)");
}

Test(cpio, huge_sizes)
{
    static const uint32_t huge[] = {0xffffffffu, 0xfffffffeu, 0xfffffffdu, 0xfffffffcu,
                                    0x80000000u, 0x7fffffffu, 0x10000u};
    for (size_t i = 0; i < sizeof(huge) / sizeof(huge[0]); i++) {
        setup();
        set_field(&ar, off_x, F_FILESIZE, huge[i]);
        expect_corrupt("truncated: data runs past the end");
        setup();
        set_field(&ar, off_x, F_NAMESIZE, huge[i]);
        expect_corrupt("truncated: name runs past the end");
        setup();
        set_field(&ar, off_trailer, F_FILESIZE, huge[i]);
        expect_corrupt("truncated: data runs past the end");
    }
}

/* Random damage to a valid archive: never a crash or a read outside it (walk() checks every
 * entry it is given), and the undamaged prefix of entries still reads. */
Test(cpio, random_damage)
{
    uint32_t seed = 12345;
    setup();
    ar_t orig = ar;
    for (int round = 0; round < 20000; round++) {
        ar = orig;
        int flips = 1 + round % 4;
        for (int k = 0; k < flips; k++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (seed >> 8) % ar.len;
            seed = seed * 1103515245u + 12345u;
            /* Odd rounds: any byte; even rounds: bytes that keep hex fields plausible. */
            ar.buf[at] = round & 1 ? (uint8_t)(seed >> 16)
                                   : (uint8_t) "0123456789abcdefF"[(seed >> 16) % 18];
        }
        uint8_t *c = exact_copy(ar.buf, ar.len);
        int n;
        const char *err;
        int r = walk(c, ar.len, &n, &err);
        cr_assert(r == 0 || (r == FL_ECORRUPT && err != NULL));
        free(c);
    }
}

/* --- the archive made by cpio(1) ---------------------------------------------------------- */

static uint8_t *read_data(const char *name, size_t *size)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", TEST_DATA_DIR, name);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s missing: run test/unit/data/make-test-data.sh", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    cr_assert_gt(n, 0);
    rewind(f);
    uint8_t *p = malloc((size_t)n);
    cr_assert_not_null(p);
    cr_assert_eq(fread(p, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *size = (size_t)n;
    return p;
}

Test(cpio_real, iterate_and_find)
{
    static const struct {
        const char *name;
        uint32_t type;
        size_t size;
    } want[] = {
        {".", CPIO_MODE_DIR, 0},         {"init", CPIO_MODE_REG, 10},
        {"bin", CPIO_MODE_DIR, 0},       {"bin/x", CPIO_MODE_REG, 1},
        {"bin/four", CPIO_MODE_REG, 4},  {"etc", CPIO_MODE_DIR, 0},
        {"etc/empty", CPIO_MODE_REG, 0}, {"etc/big", CPIO_MODE_REG, 4097},
    };
    size_t size;
    uint8_t *p = read_data("sample.cpio", &size);
    cpio_iter_t it;
    cpio_entry_t e;
    const char *err = NULL;

    cr_assert_eq(size % 512, 0, "cpio pads to 512-byte blocks");
    cpio_iter_init(&it, p, size);
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        cr_assert_eq(cpio_next(&it, &e, &err), 1, "entry %zu: %s", i, err);
        cr_assert_str_eq(e.name, want[i].name);
        cr_assert_eq(e.mode & CPIO_MODE_TYPE, want[i].type, "%s", e.name);
        cr_assert_eq(e.size, want[i].size, "%s", e.name);
    }
    cr_assert_eq(cpio_next(&it, &e, &err), 0);

    cr_assert_eq(cpio_find(p, size, "init", &e, &err), FL_OK);
    cr_assert_eq(e.size, 10);
    cr_assert_eq(memcmp(e.data, "init file\n", 10), 0);
    cr_assert_eq(e.mode & 0777, 0644);
    cr_assert_eq(cpio_find(p, size, "bin/four", &e, &err), FL_OK);
    cr_assert_eq(memcmp(e.data, "abcd", 4), 0);
    cr_assert_eq(cpio_find(p, size, "bin/x", &e, &err), FL_OK);
    cr_assert_eq(memcmp(e.data, "x", 1), 0);
    cr_assert_eq(cpio_find(p, size, "etc/big", &e, &err), FL_OK);
    for (size_t i = 0; i < e.size; i++)
        cr_assert_eq(((const char *)e.data)[i], 'z', "byte %zu", i);
    cr_assert_eq(cpio_find(p, size, "etc/missing", &e, &err), FL_ENOENT);
    free(p);
}

Test(cpio_real, truncated_at_every_offset)
{
    size_t size, end = 0;
    uint8_t *p = read_data("sample.cpio", &size);
    for (size_t i = 0; i + 11 <= size; i++) {
        if (memcmp(p + i, "TRAILER!!!", 11) == 0) {
            end = (i + 11 + 3) & ~(size_t)3;
            break;
        }
    }
    cr_assert_gt(end, 0, "trailer present");
    cr_assert_lt(end, size, "followed by padding");
    check_prefixes(p, size, end, 8);
    free(p);
}
