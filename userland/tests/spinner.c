/*
 * spinner: signals bit 1 on the notification in start handle 0, then spins forever without a
 * system call. Only the timer can take the CPU back from it (the preemption test).
 */
#include <fl/runtime.h>
#include <fl/syscall.h>

int main(void)
{
    fl_signal(fl_start_handle(0), 1);
    for (volatile unsigned long n = 0;; n++)
        ;
}
