/* System register access and barriers. Only arch/arm64 includes this. */
#ifndef ARCH_SYSREG_H
#define ARCH_SYSREG_H

#include <stdint.h>

#define sysreg_read(reg)                                                                           \
    ({                                                                                             \
        uint64_t v_;                                                                               \
        __asm__ volatile("mrs %0, " #reg : "=r"(v_));                                              \
        v_;                                                                                        \
    })

#define sysreg_write(reg, val)                                                                     \
    do {                                                                                           \
        uint64_t v_ = (uint64_t)(val);                                                             \
        __asm__ volatile("msr " #reg ", %0" ::"r"(v_) : "memory");                                 \
    } while (0)

#define isb()         __asm__ volatile("isb" ::: "memory")
#define dsb(opt)      __asm__ volatile("dsb " #opt ::: "memory")
#define dmb(opt)      __asm__ volatile("dmb " #opt ::: "memory")
#define wfi()         __asm__ volatile("wfi" ::: "memory")
#define irq_enable()  __asm__ volatile("msr daifclr, #2" ::: "memory")
#define irq_disable() __asm__ volatile("msr daifset, #2" ::: "memory")

static inline uint32_t mmio_read32(uintptr_t addr)
{
    return *(volatile uint32_t *)addr;
}

static inline void mmio_write32(uintptr_t addr, uint32_t val)
{
    *(volatile uint32_t *)addr = val;
}

static inline uint64_t mmio_read64(uintptr_t addr)
{
    return *(volatile uint64_t *)addr;
}

#endif
