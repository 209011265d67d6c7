/*
 * Kernel translation tables (TTBR1): the image (mapped by start.S), the linear map of all RAM,
 * and device windows. Tables come from a static pool inside the image, so the kernel can map
 * before it has a frame allocator; new entries only ever replace invalid ones, so no
 * break-before-make is needed here (Arm ARM D8.14.1).
 */
#include <arch/arch.h>
#include <arch/memlayout.h>
#include <arch/pte.h>
#include <arch/sysreg.h>
#include <arch/sysreg_bits.h>
#include <faultline/errors.h>
#include <kernel/panic.h>
#include <string.h>

#define POOL_TABLES 48

extern pte_t kernel_root[512];
extern char _text[], _end[];

static pte_t pt_pool[POOL_TABLES][512] __attribute__((aligned(4096)));
static unsigned pt_pool_used;
static uint64_t kimage_pa;
static uint64_t device_va_next = DEVICE_VA_BASE;

void arch_early_init(uint64_t pa)
{
    kimage_pa = pa;
}

uint64_t arch_kimage_phys(void)
{
    return kimage_pa;
}

uint64_t arch_kimage_size(void)
{
    return (uint64_t)(_end - _text);
}

static bool in_image(uint64_t va)
{
    return va >= (uint64_t)_text && va < (uint64_t)_end;
}

uint64_t arch_virt_to_phys(const void *p)
{
    uint64_t va = (uint64_t)p;
    if (in_image(va))
        return va - KIMAGE_VA + kimage_pa;
    return va - LINEAR_BASE;
}

/* Table addresses in descriptors are physical; the pool lives in the image. */
static pte_t *table_va(pte_t desc)
{
    uint64_t pa = pte_addr(desc);
    if (pa >= kimage_pa && pa < kimage_pa + arch_kimage_size())
        return (pte_t *)(pa - kimage_pa + KIMAGE_VA);
    return arch_phys_to_virt(pa);
}

static pte_t *pool_table(void)
{
    if (pt_pool_used == POOL_TABLES)
        panic("kernel page-table pool exhausted (%d tables)", POOL_TABLES);
    return pt_pool[pt_pool_used++];
}

/* Maps [va, va + size) to pa in the kernel tables, with 1 GiB and 2 MiB blocks where
 * alignment allows and blocks is set. */
static void kmap(uint64_t va, uint64_t pa, uint64_t size, unsigned prot, pte_mem_t mem, bool blocks)
{
    while (size) {
        pte_t *table = kernel_root;
        for (unsigned level = 0;; level++) {
            uint64_t span = pte_level_size(level);
            pte_t *slot = &table[pte_index(va, level)];
            bool leaf_ok =
                level == 3 || (blocks && level >= 1 && !((va | pa) & (span - 1)) && size >= span);
            if (leaf_ok) {
                BUG_ON(pte_is_valid(*slot));
                *slot = pte_make_leaf(pa, level, prot, mem);
                va += span;
                pa += span;
                size -= span;
                break;
            }
            if (!pte_is_valid(*slot)) {
                pte_t *next = pool_table();
                *slot = pte_make_table(arch_virt_to_phys(next));
            }
            BUG_ON(!pte_is_table(*slot, level));
            table = table_va(*slot);
        }
    }
    dsb(ishst); /* make the new entries visible to the table walker before use */
    isb();
}

void arch_zero_page(void *va)
{
    uint64_t dczid = sysreg_read(dczid_el0); /* DCZID_EL0: BS = log2(words), DZP = prohibited */
    if (dczid & (1u << 4)) {
        memset(va, 0, PAGE_SIZE);
        return;
    }
    uint64_t block = 4UL << (dczid & 0xf);
    for (uint64_t a = (uint64_t)va; a < (uint64_t)va + PAGE_SIZE; a += block)
        __asm__ volatile("dc zva, %0" ::"r"(a) : "memory");
}

void *arch_map_device(uint64_t pa, uint64_t size)
{
    uint64_t off = pa & (PAGE_SIZE - 1);
    uint64_t len = (size + off + PAGE_SIZE - 1) & PAGE_MASK;
    uint64_t va = device_va_next;

    if (len == 0 || device_va_next + len > DEVICE_VA_BASE + DEVICE_VA_SIZE)
        panic("device window exhausted mapping %#lx", pa);
    device_va_next += len + PAGE_SIZE; /* an unmapped page between windows catches overruns */
    kmap(va, pa - off, len, PTE_PROT_R | PTE_PROT_W, PTE_MEM_DEVICE, false);
    return (void *)(va + off);
}

uint64_t arch_boot_readable(uint64_t pa)
{
    /* start.S identity-maps the 1 GiB blocks holding the image and the DTB (same L0 entry). */
    if ((pa ^ kimage_pa) >> 39)
        return 0;
    return ((pa | ((1UL << 30) - 1)) + 1) - pa;
}

int arch_mmu_init(const platform_t *plat)
{
    for (unsigned i = 0; i < plat->mem_count; i++) {
        const phys_range_t *m = &plat->mem[i];
        if (m->base + m->size > LINEAR_LIMIT)
            return FL_ERANGE;
        kmap(LINEAR_BASE + m->base, m->base, m->size, PTE_PROT_R | PTE_PROT_W, PTE_MEM_NORMAL,
             true);
    }

    /* The identity map has served its purpose: no user space yet, so TTBR0 walks are off. */
    sysreg_write(tcr_el1, sysreg_read(tcr_el1) | TCR_EPD0);
    isb();
    sysreg_write(ttbr0_el1, 0);
    isb();
    __asm__ volatile("tlbi vmalle1\n dsb nsh\n isb" ::: "memory");
    return FL_OK;
}
