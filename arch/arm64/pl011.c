/* PL011 UART console, polled (PrimeCell UART PL011 TRM, UARTDR at 0x00, UARTFR at 0x18). */
#include <arch/arch.h>
#include <arch/sysreg.h>

#define UARTDR      0x00
#define UARTFR      0x18
#define UARTFR_TXFF (1u << 5) /* transmit FIFO full */

/* Only when the DTB cannot be read: where QEMU virt always puts its PL011. */
#define EMERGENCY_PL011 0x09000000UL

static uintptr_t uart;

void arch_console_init(const platform_t *plat)
{
    uart = (uintptr_t)arch_map_device(plat->uart.base, plat->uart.size);
}

void arch_console_emergency(void)
{
    if (!uart)
        uart = (uintptr_t)arch_map_device(EMERGENCY_PL011, 0x1000);
}

void arch_console_putc(char c)
{
    if (!uart)
        return;
    while (mmio_read32(uart + UARTFR) & UARTFR_TXFF)
        ;
    mmio_write32(uart + UARTDR, (uint8_t)c);
}
