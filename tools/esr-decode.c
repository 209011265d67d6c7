/*
 * esr-decode: print what an ESR_EL1 value means, with the kernel's own decoder (esr.c).
 *
 *   esr-decode <esr> [far]      numbers in hex (0x...) or decimal
 *
 * One field a line, "name: value". Exit 0 on success, 2 on bad usage.
 */
#include <arch/esr.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: esr-decode <esr> [far]\n"
               "  esr, far: 64-bit values in hex (0x92000047) or decimal\n");
}

/* Hex with a 0x prefix, otherwise decimal; the whole string must be a number that fits. */
static int parse_u64(const char *s, uint64_t *out)
{
    int base = 10;
    char *end;
    unsigned long long v;

    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    /* strtoull accepts leading space and a sign; a number here has neither. */
    if (s[0] == '\0' || !(base == 16 ? strchr("0123456789abcdefABCDEF", s[0]) != NULL
                                     : (s[0] >= '0' && s[0] <= '9')))
        return -1;
    errno = 0;
    v = strtoull(s, &end, base);
    if (errno != 0 || *end != '\0')
        return -1;
    *out = (uint64_t)v;
    return 0;
}

static void print_level(int8_t level)
{
    if (level == ESR_LEVEL_NONE)
        printf("level: none\n");
    else
        printf("level: %d\n", level);
}

int main(int argc, char **argv)
{
    uint64_t esr, far = 0;
    bool have_far = argc == 3;
    esr_info_t e;

    if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        usage(stdout);
        return 0;
    }
    if (argc < 2 || argc > 3) {
        usage(stderr);
        return 2;
    }
    if (parse_u64(argv[1], &esr)) {
        fprintf(stderr, "esr-decode: bad esr '%s'\n", argv[1]);
        usage(stderr);
        return 2;
    }
    if (have_far && parse_u64(argv[2], &far)) {
        fprintf(stderr, "esr-decode: bad far '%s'\n", argv[2]);
        usage(stderr);
        return 2;
    }

    esr_decode(esr, &e);
    printf("esr: 0x%016" PRIx64 "\n", e.raw);
    printf("exception: %s\n", e.ec_name);
    printf("class: %s\n", esr_class_name(e.cls));
    printf("ec: 0x%02x\n", e.ec);
    printf("il: %d (%s-bit instruction)\n", e.il, e.il ? "32" : "16");
    printf("iss: 0x%07" PRIx32 "\n", e.iss);
    if (e.raw >> 32)
        printf("iss2: 0x%" PRIx64 "\n", e.raw >> 32);
    if (e.from_lower_el)
        printf("from: lower EL\n");

    if (e.cls == ESR_CLASS_DATA_ABORT || e.cls == ESR_CLASS_INSTR_ABORT) {
        printf("fault: %s\n", esr_fault_kind_name(e.kind));
        print_level(e.level);
        printf("fsc: 0x%02x (%s)\n", e.fsc, e.fsc_name);
        printf("handled as: %s\n", esr_fsc_action_name(e.action));
        printf("access: %s\n", esr_access_name(e.access));
        if (e.cls == ESR_CLASS_DATA_ABORT) {
            printf("wnr: %d\n", e.wnr);
            printf("cm: %d\n", e.cm);
            printf("isv: %d\n", e.isv);
        }
        printf("fnv: %d\n", e.fnv);
        printf("s1ptw: %d\n", e.s1ptw);
        printf("ea: %d\n", e.ea);
    } else if (e.cls == ESR_CLASS_SVC) {
        printf("svc imm: 0x%04x\n", e.svc_imm);
    }

    if (have_far)
        printf("far: 0x%016" PRIx64 " (%s)\n", far, e.far_valid ? "valid" : "not valid");
    else
        printf("far valid: %s\n", e.far_valid ? "yes" : "no");
    return 0;
}
