/* Init's parts: the demo (demo.c) and the in-OS test suite (tests/runner.c). */
#ifndef INIT_INIT_H
#define INIT_INIT_H

#include <stdint.h>

/* Runs ping and pong from the initrd; returns an FL_EXIT_* status. */
int demo_run(void);

/* Runs the tests whose names are in the comma-separated list (or "all"); prints one TEST
 * line per test and the summary line; returns the number of failures. */
int tests_run(const char *which);

#endif
