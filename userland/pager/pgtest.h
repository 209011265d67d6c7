/* What the pager tests and pgtest agree on. */
#ifndef PAGER_PGTEST_H
#define PAGER_PGTEST_H

#define PGTEST_WILD_ADDR 0xdead0000UL /* no region there: the write is a bad access */

/* pgtest_smp.c: the smp-* modes. */
int pgtest_smp(const char *mode, unsigned n);

#endif
