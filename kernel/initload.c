/*
 * Starting the root task: find `init` in the initrd (cpio newc), check it as an ELF, and build
 * its process: segments, a stack, the boot information page, the initrd mapped read-only, and
 * handles for everything it may hand out (its space, the root pool, device regions).
 */
#include <arch/arch.h>
#include <arch/memlayout.h>
#include <arch/vspace.h>
#include <faultline/bootinfo.h>
#include <faultline/errors.h>
#include <faultline/exit.h>
#include <kernel/boot.h>
#include <kernel/checked.h>
#include <kernel/irq.h>
#include <kernel/page.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/region.h>
#include <kernel/thread.h>
#include <lib/cpio.h>
#include <lib/elf.h>
#include <string.h>

#define INIT_BOOTINFO_VA 0x0000000000010000UL
#define INIT_STACK_TOP   0x0000007ffffff000UL
#define INIT_STACK_PAGES 16
#define INIT_INITRD_VA   0x0000001000000000UL
#define INIT_PRIORITY    16

static __attribute__((noreturn)) void init_fail(const char *what, const char *detail)
{
    printk("faultline: cannot start init: %s%s%s\n", what, detail ? ": " : "",
           detail ? detail : "");
    arch_halt(FL_EXIT_BOOT_FAILED);
}

/* A fresh zeroed user frame owned by the root pool, mapped at va. */
static uint64_t map_new_page(space_t *s, uint64_t va, unsigned prot)
{
    uint64_t pa = pool_frame_alloc(s->pool);
    if (!pa)
        init_fail("out of memory", 0);
    page_set_owner(pa, s->pool->id);
    if (space_map_frame(s, va, pa, prot, 0))
        init_fail("out of memory for page tables", 0);
    return pa;
}

/* Frames the segments need: every page they touch. elf_parse has checked that each segment
 * ends below USER_TOP and that no two share a page; the sum is still checked, as all sizes
 * from boot inputs are. UINT64_MAX when it would wrap. */
static uint64_t segment_pages(const elf_image_t *img)
{
    uint64_t total = 0;
    for (unsigned i = 0; i < img->count; i++) {
        const elf_segment_t *seg = &img->seg[i];
        uint64_t end;
        if (!checked_add(seg->vaddr, seg->memsz, &end) || !checked_align_up(end, PAGE_SIZE, &end) ||
            !checked_add(total, (end - (seg->vaddr & PAGE_MASK)) / PAGE_SIZE, &total))
            return UINT64_MAX;
    }
    return total;
}

/* Refuses, before anything is allocated, an init whose segments cannot fit in what the pool
 * has free: a p_memsz of hundreds of MiB then fails at once, not after filling them. */
static void check_segments_fit(const pool_t *pool, const elf_image_t *img)
{
    uint64_t need = segment_pages(img), free = pool->limit - pool->used;
    if (need > free) {
        printk("faultline: cannot start init: out of memory: its segments need %lu frames, "
               "%lu are free\n",
               (unsigned long)need, (unsigned long)free);
        arch_halt(FL_EXIT_BOOT_FAILED);
    }
}

static void load_segments(space_t *s, const uint8_t *file, const elf_image_t *img)
{
    for (unsigned i = 0; i < img->count; i++) {
        const elf_segment_t *seg = &img->seg[i];
        uint64_t start = seg->vaddr & PAGE_MASK;
        uint64_t end = (seg->vaddr + seg->memsz + PAGE_SIZE - 1) & PAGE_MASK; /* checked */
        uint64_t file_end = seg->vaddr + seg->filesz;
        unsigned prot = FL_PROT_READ | ((seg->prot & ELF_PROT_W) ? FL_PROT_WRITE : 0) |
                        ((seg->prot & ELF_PROT_X) ? FL_PROT_EXEC : 0);
        for (uint64_t va = start; va < end; va += PAGE_SIZE) {
            /* Fill the page before it becomes executable, so the I-cache sync sees it. The
             * frame comes zeroed: only the bytes the file holds are copied, a page at a time. */
            uint64_t pa = pool_frame_alloc(s->pool);
            if (!pa)
                init_fail("out of memory", 0);
            page_set_owner(pa, s->pool->id);
            uint64_t lo = va > seg->vaddr ? va : seg->vaddr;
            uint64_t hi = va + PAGE_SIZE < file_end ? va + PAGE_SIZE : file_end;
            if (lo < hi)
                memcpy((uint8_t *)arch_phys_to_virt(pa) + (lo - va),
                       file + seg->file_off + (lo - seg->vaddr), hi - lo);
            if (space_map_frame(s, va, pa, prot, 0))
                init_fail("out of memory for page tables", 0);
        }
    }
}

static fl_handle_t give(space_t *s, void *obj, fl_obj_type_t type, uint32_t rights)
{
    fl_handle_t h;
    if (handle_install(s->handles, obj, type, rights, 0, &h))
        init_fail("handle table full", 0);
    kobj_get(obj);
    kobj_handle_opened(obj, rights);
    return h;
}

void init_start(const platform_t *plat)
{
    const char *err = 0;
    cpio_entry_t ent;
    elf_image_t img;

    if (!plat->has_initrd)
        init_fail("no initrd (boot with -initrd)", 0);
    uint64_t isize = plat->initrd_end - plat->initrd_start;
    const void *initrd = arch_phys_to_virt(plat->initrd_start);
    if (cpio_find(initrd, isize, "init", &ent, &err) != 0)
        init_fail("initrd has no usable 'init'", err);
    if (elf_parse(ent.data, ent.size, USER_TOP, &img, &err) != 0)
        init_fail("'init' is not a valid ELF executable", err);

    pool_t *pool = pool_root();
    space_t *s = space_create(pool);
    if (!s)
        init_fail("out of memory", 0);
    s->is_root_task = true;
    check_segments_fit(pool, &img);
    load_segments(s, ent.data, &img);
    for (unsigned i = 0; i < INIT_STACK_PAGES; i++)
        map_new_page(s, INIT_STACK_TOP - (i + 1) * PAGE_SIZE, FL_PROT_READ | FL_PROT_WRITE);

    uint64_t bi_pa = pool_frame_alloc(pool);
    if (!bi_pa)
        init_fail("out of memory", 0);
    page_set_owner(bi_pa, pool->id);
    fl_bootinfo_t *bi = arch_phys_to_virt(bi_pa);
    bi->magic = FL_BOOTINFO_MAGIC;
    bi->version = FL_BOOTINFO_VERSION;

    thread_t *t = thread_create(s, img.entry, INIT_STACK_TOP, INIT_BOOTINFO_VA, INIT_PRIORITY);
    if (!t)
        init_fail("out of memory", 0);
    bi->self_space = give(s, s, FL_OBJ_SPACE, FL_RIGHTS_ALL);
    bi->self_thread = give(s, t, FL_OBJ_THREAD, FL_RIGHTS_ALL);
    bi->root_pool = give(s, pool, FL_OBJ_POOL, FL_RIGHTS_ALL);
    region_t *rd = region_create(pool, plat->initrd_start, isize, false, false);
    if (!rd || space_map_frame(s, INIT_BOOTINFO_VA, bi_pa, FL_PROT_READ, 0))
        init_fail("out of memory", 0);
    for (uint64_t off = 0; off < rd->size; off += PAGE_SIZE)
        if (space_map_frame(s, INIT_INITRD_VA + off, rd->pa + off, FL_PROT_READ, VS_NOREF))
            init_fail("out of memory for page tables", 0);
    bi->initrd = give(s, rd, FL_OBJ_REGION, FL_RIGHT_READ | FL_RIGHT_MAP | FL_RIGHT_GRANT);
    kobj_put(&rd->obj);
    bi->initrd_size = isize;
    bi->initrd_vaddr = INIT_INITRD_VA + (plat->initrd_start - rd->pa);
    bi->frames_total = kernel_frames.total;
    memcpy(bi->bootargs, plat->bootargs, sizeof(bi->bootargs));
    for (unsigned i = 0; i < plat->virtio_count && i < FL_BOOTINFO_MAX_DEV; i++) {
        region_t *r =
            region_create(pool, plat->virtio[i].regs.base, plat->virtio[i].regs.size, true, true);
        if (!r)
            init_fail("out of memory", 0);
        fl_bootinfo_device_t *d = &bi->devices[bi->ndevices++];
        d->region = give(s, r, FL_OBJ_REGION, FL_RIGHTS_ALL);
        kobj_put(&r->obj);
        irq_t *irq = irq_create(pool, plat->virtio[i].intid);
        if (irq) {
            d->irq = give(s, irq, FL_OBJ_IRQ, FL_RIGHTS_ALL);
            kobj_put(&irq->obj);
        }
        d->base = plat->virtio[i].regs.base;
        d->size = plat->virtio[i].regs.size;
        d->kind = FL_DEV_VIRTIO_MMIO;
    }
    kobj_put(&t->obj); /* the handle and its being alive keep it */
    kobj_put(&s->obj); /* its thread and its own handle keep it */
    printk("init: %lu bytes, entry %#lx, %u segments; starting it\n", (unsigned long)ent.size,
           (unsigned long)img.entry, img.count);
    thread_start(t);
}
