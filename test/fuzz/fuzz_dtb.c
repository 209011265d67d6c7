/*
 * The boot DTB reader (kernel/dtb.c, on libfdt) on arbitrary blobs: it either refuses with a
 * message or returns a platform whose tables respect their bounds and whose ranges do not wrap.
 * The first 4 bytes choose how many bytes the reader may see (max_size), so truncation is
 * covered too; the blob is copied into an 8-byte aligned block of exactly that size.
 */
#include <faultline/errors.h>
#include <kernel/platform.h>
#include <string.h>

#include "fuzz.h"

static void range_ok(const phys_range_t *r)
{
    CHECK(r->base + r->size >= r->base);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in_t in = {data, size};
    size_t max = (size_t)fuzz_take(&in, 4);
    if (max > in.n)
        max = in.n;
    void *blob = malloc(max ? max : 1);
    memcpy(blob, in.p, max);
    platform_t *p = malloc(sizeof(*p));
    const char *err = NULL;
    int rc = platform_from_dtb(blob, max, p, &err);
    if (rc != FL_OK) {
        CHECK(rc == FL_ERANGE || rc == FL_EFULL || rc == FL_ECORRUPT);
        CHECK(err && *err);
    } else {
        CHECK(p->dtb_size <= max);
        CHECK(p->cpu_count >= 1 && p->cpu_count <= PLATFORM_MAX_CPUS);
        CHECK(p->reserved_count <= PLATFORM_MAX_RESERVED);
        CHECK(p->virtio_count <= PLATFORM_MAX_VIRTIO);
        CHECK(p->gic_version == 2 || p->gic_version == 3);
        CHECK(memchr(p->bootargs, '\0', sizeof(p->bootargs)) != NULL);
        CHECK(memchr(p->uart_compat, '\0', sizeof(p->uart_compat)) != NULL);
        CHECK(!p->has_initrd || p->initrd_end > p->initrd_start);
        CHECK(p->mem_count >= 1 && p->mem_count <= PLATFORM_MAX_MEM);
        for (unsigned i = 0; i < p->mem_count; i++) {
            CHECK(p->mem[i].size > 0);
            range_ok(&p->mem[i]);
        }
        for (unsigned i = 0; i < p->reserved_count; i++)
            range_ok(&p->reserved[i]);
        for (unsigned i = 0; i < p->virtio_count; i++) {
            range_ok(&p->virtio[i].regs);
            CHECK(i == 0 || p->virtio[i - 1].regs.base <= p->virtio[i].regs.base);
        }
        range_ok(&p->uart);
        range_ok(&p->gicd);
    }
    free(p);
    free(blob);
    return 0;
}
