/* The hang check: reports every CPU idling while threads wait (kernel/hangcheck.c). */
#ifndef KERNEL_HANGCHECK_H
#define KERNEL_HANGCHECK_H

#include <stdbool.h>

/* Reads fl.hangcheck=SECONDS from the boot arguments. */
void hangcheck_init(const char *bootargs);
/* Whether it is on (kernel_tick calls hangcheck_tick only then). */
bool hangcheck_on(void);
/* CPU 0's timer tick, under the big kernel lock. */
void hangcheck_tick(void);

#endif
