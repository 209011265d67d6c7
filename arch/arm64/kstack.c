/*
 * Thread kernel stacks. Each thread's stack is mapped in a slot of the kernel stack area
 * (memlayout.h) whose lower half is never mapped: a stack that overflows faults on that guard
 * instead of writing over whatever lies below it. The exception entry (entry.S) sees that the
 * frame it is about to save would land in a guard, switches to a stack of its own and comes
 * to kstack_overflow(), which says so and panics.
 *
 * The area's tables: a level-1 and a level-2 table made at the first stack and kept, and one
 * level-3 table per 2 MiB (64 slots), made when a slot in it is first used and freed when its
 * last one is; at most KSTACK_SLOTS / 64 + 2 frames, taken from the kernel's frames and not
 * charged to any pool (the stacks themselves are charged to their thread's pool).
 */
#include <arch/arch.h>
#include <arch/context.h>
#include <arch/esr.h>
#include <arch/kstack.h>
#include <arch/pte.h>
#include <arch/sysreg.h>
#include <arch/trap_frame.h>
#include <kernel/boot.h>
#include <kernel/frame.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/thread.h>

#define SLOTS_PER_L3 (unsigned)((1UL << 21) / KSTACK_SLOT_SIZE)

_Static_assert(KSTACK_SLOTS *KSTACK_SLOT_SIZE <= (1UL << 30), "the area fits one L1 entry");
_Static_assert((KSTACK_VA_BASE & ((1UL << 30) - 1)) == 0, "the area starts an L1 entry");

extern pte_t kernel_root[512];

static uint64_t slot_bits[KSTACK_SLOTS / 64]; /* 1: slot in use */
static uint16_t l3_users[KSTACK_SLOTS / SLOTS_PER_L3];
static pte_t *area_l2;

/* The stack of the exception entry once a kernel stack has overflowed (entry.S). */
uint8_t kstack_overflow_stack[MAX_CPUS][4096] __attribute__((aligned(16)));

static pte_t *new_table(uint64_t *pa)
{
    if (frame_alloc(&kernel_frames, pa) != 0)
        return NULL;
    pte_t *t = arch_phys_to_virt(*pa);
    arch_zero_page(t);
    return t;
}

static void tlb_flush_kernel_page(uint64_t va)
{
    /* All levels (walk caches too), any ASID: kernel entries are global. */
    __asm__ volatile("dsb ishst\n tlbi vaae1is, %0\n dsb ish\n isb" ::"r"(va >> 12) : "memory");
}

/* The level-2 table of the area, made at first use. */
static pte_t *l2_table(void)
{
    if (area_l2)
        return area_l2;
    pte_t *l0e = &kernel_root[pte_index(KSTACK_VA_BASE, 0)];
    uint64_t pa;
    pte_t *l1;
    if (!pte_is_valid(*l0e)) {
        if (!(l1 = new_table(&pa)))
            return NULL;
        dsb(ishst);
        *l0e = pte_make_table(pa);
    } else {
        l1 = arch_phys_to_virt(pte_addr(*l0e));
    }
    pte_t *l1e = &l1[pte_index(KSTACK_VA_BASE, 1)];
    BUG_ON(pte_is_valid(*l1e));
    pte_t *l2 = new_table(&pa);
    if (!l2)
        return NULL;
    dsb(ishst); /* the zeroed table before the entry that makes it reachable */
    *l1e = pte_make_table(pa);
    area_l2 = l2;
    return l2;
}

static uint64_t slot_base(unsigned slot)
{
    return KSTACK_VA_BASE + (uint64_t)slot * KSTACK_SLOT_SIZE;
}

uint64_t arch_kstack_map(const uint64_t pa[KSTACK_PAGES])
{
    unsigned slot = KSTACK_SLOTS;
    for (unsigned w = 0; w < KSTACK_SLOTS / 64 && slot == KSTACK_SLOTS; w++)
        if (~slot_bits[w])
            slot = w * 64 + (unsigned)__builtin_ctzll(~slot_bits[w]);
    pte_t *l2 = l2_table();
    if (slot == KSTACK_SLOTS || !l2)
        return 0;
    uint64_t stack = slot_base(slot) + KSTACK_SIZE; /* above the guard */
    pte_t *l2e = &l2[pte_index(stack, 2)], *l3;
    if (!pte_is_valid(*l2e)) {
        uint64_t l3_pa;
        if (!(l3 = new_table(&l3_pa)))
            return 0;
        dsb(ishst);
        *l2e = pte_make_table(l3_pa);
    } else {
        l3 = arch_phys_to_virt(pte_addr(*l2e));
    }
    for (unsigned i = 0; i < KSTACK_PAGES; i++) {
        pte_t *e = &l3[pte_index(stack + i * PAGE_SIZE, 3)];
        BUG_ON(pte_is_valid(*e));
        *e = pte_make_leaf(pa[i], 3, PTE_PROT_R | PTE_PROT_W, PTE_MEM_NORMAL);
    }
    dsb(ishst); /* visible to the walker before the first use (no TLB entry can exist) */
    isb();
    slot_bits[slot / 64] |= 1UL << (slot % 64);
    l3_users[slot / SLOTS_PER_L3]++;
    return stack + KSTACK_SIZE;
}

void arch_kstack_unmap(uint64_t top)
{
    uint64_t stack = top - KSTACK_SIZE;
    unsigned slot = (unsigned)((stack - KSTACK_VA_BASE) / KSTACK_SLOT_SIZE);
    BUG_ON(slot >= KSTACK_SLOTS || stack != slot_base(slot) + KSTACK_SIZE ||
           !(slot_bits[slot / 64] >> (slot % 64) & 1));
    pte_t *l2e = &area_l2[pte_index(stack, 2)];
    pte_t *l3 = arch_phys_to_virt(pte_addr(*l2e));
    for (unsigned i = 0; i < KSTACK_PAGES; i++) {
        l3[pte_index(stack + i * PAGE_SIZE, 3)] = 0;
        tlb_flush_kernel_page(stack + i * PAGE_SIZE);
    }
    slot_bits[slot / 64] &= ~(1UL << (slot % 64));
    if (--l3_users[slot / SLOTS_PER_L3] == 0) { /* the table goes only after its entries */
        uint64_t l3_pa = pte_addr(*l2e);
        *l2e = 0;
        tlb_flush_kernel_page(stack);
        BUG_ON(frame_free(&kernel_frames, l3_pa) != 0);
    }
}

int arch_kstack_in_guard(uint64_t va)
{
    if (va < KSTACK_VA_BASE || va >= KSTACK_VA_BASE + KSTACK_SLOTS * KSTACK_SLOT_SIZE)
        return 0;
    return ((va - KSTACK_VA_BASE) & (KSTACK_SLOT_SIZE - 1)) < KSTACK_SIZE;
}

void trap_entry(trap_frame_t *tf, unsigned kind, bool from_el0);

/* entry.S: a synchronous exception from EL1 whose frame would not fit above a guard. tf was
 * saved on this CPU's kstack_overflow_stack; sp is the kernel SP at the exception. */
void kstack_overflow(trap_frame_t *tf, uint64_t sp)
{
    if (!arch_kstack_in_guard(sp - TF_SIZE) && !arch_kstack_in_guard(tf->far)) {
        trap_entry(tf, 0, false); /* a stack outside the area (boot, idle): the usual report */
        panic("kernel exception at %#lx taken on the overflow stack", (unsigned long)tf->elr);
    }
    esr_info_t e;
    esr_decode(tf->esr, &e);
    uint64_t at = arch_kstack_in_guard(sp - TF_SIZE) ? sp - TF_SIZE : tf->far;
    uint64_t slot = (at - KSTACK_VA_BASE) / KSTACK_SLOT_SIZE;
    uint64_t stack = slot_base((unsigned)slot) + KSTACK_SIZE;
    printk("\n*** kernel stack overflow: the kernel stack [%#lx, %#lx) ran into its guard page "
           "(SP %#lx)",
           (unsigned long)stack, (unsigned long)(stack + KSTACK_SIZE), (unsigned long)sp);
    if (current && !current->kernel && current->kstack_top == stack + KSTACK_SIZE)
        printk(" of thread %u (space %u)", current->id, current->space->id);
    printk("\n  ESR_EL1  %#010lx  EC %#04x %s", (unsigned long)e.raw, e.ec, e.ec_name);
    if (e.cls == ESR_CLASS_DATA_ABORT)
        printk(", %s, %s access", e.fsc_name, esr_access_name(e.access));
    printk("\n  FAR_EL1  %#018lx%s\n", (unsigned long)tf->far,
           arch_kstack_in_guard(tf->far) ? " (a kernel stack guard page)" : "");
    printk("  ELR_EL1  %#018lx  LR %#018lx  FP %#018lx\n", (unsigned long)tf->elr,
           (unsigned long)tf->x[30], (unsigned long)tf->x[29]);
    panic("kernel stack overflow at %#lx (ESR %#lx, FAR %#lx)", (unsigned long)tf->elr,
          (unsigned long)tf->esr, (unsigned long)tf->far);
}

static volatile unsigned selftest_depth = ~0u; /* never reached: the guard comes first */

/* Recurses until the stack runs out; the frame's bytes are used so no call is a tail call. */
static unsigned __attribute__((noinline)) recurse(unsigned depth)
{
    volatile uint8_t frame[256];
    frame[depth % sizeof(frame)] = (uint8_t)depth;
    if (depth == selftest_depth)
        return 0;
    return recurse(depth + 1) + frame[(depth + 1) % sizeof(frame)];
}

static void overflow_selftest(void)
{
    printk("selftest: recursing on a kernel stack until it overflows\n");
    recurse(0);
}

void arch_selftest_kstack_overflow(void)
{
    static uint64_t pa[KSTACK_PAGES];
    static arch_context_t here, there;
    for (unsigned i = 0; i < KSTACK_PAGES; i++)
        BUG_ON(frame_alloc(&kernel_frames, &pa[i]) != 0);
    uint64_t top = arch_kstack_map(pa);
    BUG_ON(!top);
    arch_context_init_kernel(&there, overflow_selftest, top);
    arch_context_switch(&here, &there);
    panic("the kernel stack self-test came back");
}
