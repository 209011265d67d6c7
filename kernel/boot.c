/* Boot after the MMU: the frame allocator, then the run loop. */
#include <arch/arch.h>
#include <faultline/errors.h>
#include <kernel/boot.h>
#include <kernel/cpu.h>
#include <kernel/fault.h>
#include <kernel/hangcheck.h>
#include <kernel/page.h>
#include <kernel/pool.h>
#include <kernel/bootargs.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/space.h>
#include <kernel/thread.h>

frame_alloc_t kernel_frames;

#define MAX_HOLES (PLATFORM_MAX_RESERVED + 4)

typedef struct {
    phys_range_t r[MAX_HOLES];
    unsigned n;
} holes_t;

static void hole_add(holes_t *h, uint64_t base, uint64_t size)
{
    if (size == 0)
        return;
    BUG_ON(h->n == MAX_HOLES);
    h->r[h->n++] = (phys_range_t){base & ~(FRAME_SIZE - 1),
                                  ((base + size + FRAME_SIZE - 1) & ~(FRAME_SIZE - 1)) -
                                      (base & ~(FRAME_SIZE - 1))};
}

static bool overlaps_hole(const holes_t *h, uint64_t base, uint64_t size)
{
    for (unsigned i = 0; i < h->n; i++)
        if (base < h->r[i].base + h->r[i].size && h->r[i].base < base + size)
            return true;
    return false;
}

static bool inside_ram(const platform_t *plat, uint64_t base, uint64_t size)
{
    for (unsigned i = 0; i < plat->mem_count; i++)
        if (base >= plat->mem[i].base && base + size <= plat->mem[i].base + plat->mem[i].size)
            return true;
    return false;
}

/* The first place in RAM, right after a hole or at the start of a range, where size bytes
 * touch no hole. */
static uint64_t place_bitmaps(const platform_t *plat, const holes_t *h, uint64_t size)
{
    for (unsigned i = 0; i < h->n + plat->mem_count; i++) {
        uint64_t c = i < h->n ? h->r[i].base + h->r[i].size : plat->mem[i - h->n].base;
        if (inside_ram(plat, c, size) && !overlaps_hole(h, c, size))
            return c;
    }
    panic("no room in RAM for the frame allocator's %lu-byte bitmap", (unsigned long)size);
}

void boot_frames_init(const platform_t *plat, uint64_t dtb_pa)
{
    holes_t holes = {.n = 0};

    hole_add(&holes, arch_kimage_phys(), arch_kimage_size());
    hole_add(&holes, dtb_pa, plat->dtb_size);
    if (plat->has_initrd)
        hole_add(&holes, plat->initrd_start, plat->initrd_end - plat->initrd_start);
    for (unsigned i = 0; i < plat->reserved_count; i++)
        hole_add(&holes, plat->reserved[i].base, plat->reserved[i].size);

    uint64_t words = 0;
    for (unsigned i = 0; i < plat->mem_count; i++)
        words += frame_bitmap_words(plat->mem[i].size / FRAME_SIZE);
    uint64_t bitmap_pa = place_bitmaps(plat, &holes, words * 8);
    uint64_t *bits = arch_phys_to_virt(bitmap_pa);

    frame_init(&kernel_frames);
    for (unsigned i = 0; i < plat->mem_count; i++) {
        uint64_t base = (plat->mem[i].base + FRAME_SIZE - 1) & ~(FRAME_SIZE - 1);
        uint64_t count = (plat->mem[i].base + plat->mem[i].size - base) / FRAME_SIZE;
        if (frame_add_range(&kernel_frames, base, count, bits) != FL_OK)
            panic("frame allocator refused RAM range %#lx", base);
        bits += frame_bitmap_words(count);
        frame_mark_free(&kernel_frames, base, count * FRAME_SIZE);
    }
    hole_add(&holes, bitmap_pa, words * 8);
    for (unsigned i = 0; i < holes.n; i++)
        frame_mark_used(&kernel_frames, holes.r[i].base, holes.r[i].size);
    printk("frames: %lu total, %lu free, %lu reserved (image, DTB, initrd, bitmaps)\n",
           (unsigned long)kernel_frames.total, (unsigned long)kernel_frames.free,
           (unsigned long)(kernel_frames.total - kernel_frames.free));
}

static volatile uint64_t ticks_seen;

void kernel_tick(void)
{
    sched_tick();
    if (cpu_id() != 0)
        return; /* time is counted once, on CPU 0 */
    ticks_seen++;
    if (__builtin_expect(hangcheck_on(), 0))
        hangcheck_tick();
    fault_deadline_tick(); /* the kernel is consistent here: EL0 or the idle loop was interrupted */
}

void boot_run(const platform_t *plat)
{
    if (plat->has_initrd && !bootargs_has(plat->bootargs, "fl.noinit")) {
        char bits[8];
        if (bootargs_get(plat->bootargs, "fl.asid_bits", bits, sizeof(bits))) {
            unsigned n = 0; /* fewer ASIDs, to force rollovers in tests */
            for (const char *c = bits; *c >= '0' && *c <= '9' && n < 100; c++)
                n = n * 10 + (unsigned)(*c - '0');
            space_limit_asid_bits(n);
            printk("asid: at most %u bits\n", space_asid_bits_limit());
        }
        page_meta_init();
        if (bootargs_has(plat->bootargs, "fl.page_search")) {
            page_meta.first_count = 0; /* tests: every count through the range search */
            printk("page: counts found by searching the RAM ranges\n");
        }
        pool_boot_init();
        sched_init();
        init_start(plat);
        sched_start();
    }

    char buf[16];
    unsigned ticks = 3;

    if (bootargs_get(plat->bootargs, "fl.ticks", buf, sizeof(buf))) {
        ticks = 0;
        for (const char *c = buf; *c >= '0' && *c <= '9' && ticks < 100000; c++)
            ticks = ticks * 10 + (unsigned)(*c - '0');
    }
    uint64_t last = 0;
    while (ticks_seen < ticks) {
        arch_cpu_idle();
        if (ticks_seen != last) {
            last = ticks_seen;
            printk("tick %lu\n", (unsigned long)last);
        }
    }
    printk("faultline: %u ticks seen, powering off\n", ticks);
    arch_halt(FL_EXIT_PASS);
}
