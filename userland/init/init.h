/* Init's parts: the demo (demo.c) and the in-OS test suite (tests/runner.c). */
#ifndef INIT_INIT_H
#define INIT_INIT_H

#include <stdint.h>

/* Runs ping and pong from the initrd; returns an FL_EXIT_* status. */
int demo_run(void);

/* Runs the tests whose names are in the comma-separated list (or "all"); prints one TEST
 * line per test and the summary line; returns the number of failures. */
int tests_run(const char *which);

/* Runs the system-call fuzzer (userland/fuzz/driver.c) as fl.fuzz=START,COUNT,CALLS[,AVOID[,v]]
 * asks; returns the number of failing seeds. */
int fuzz_run(const char *spec);

#endif
