/* The reference pager demo (demo_pager.c), run by init's demo. */
#ifndef INIT_DEMO_PAGER_H
#define INIT_DEMO_PAGER_H

/* Starts the reference pager and runs pgtest on it: zero fill, copy-on-write after fork, stack
 * growth, a stack overflow and a wild pointer write (both reported, the system goes on).
 * Returns 0 if every step behaved as expected. */
int demo_pager(void);

#endif
