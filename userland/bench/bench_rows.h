/* The benchmark's rows and the harness they share (bench.c). */
#ifndef BENCH_ROWS_H
#define BENCH_ROWS_H

#include "bench.h"

#define BENCH_MAX_BATCHES 33

typedef struct bench {
    fl_handle_t space, thread, pool; /* bench's own, from the boot information */
    fl_handle_t ep;                  /* benchsrv's endpoint: calls, and bench's page faults */
    bench_shared_t *shared;
    unsigned iters, batches; /* operations per batch, measured batches per row */
    unsigned scale;          /* scaling rows up to 10^scale (bench.scale; 0: none) */
    unsigned rows, failures;
} bench_t;

extern bench_t B;

void bench_report(const char *name, uint64_t *samples, unsigned n); /* sorts samples */
void bench_fail(const char *name, const char *what, long err);
uint64_t bench_per_op(uint64_t delta, uint64_t ops);
long bench_ctl(uint64_t label, uint64_t a, uint64_t b, uint64_t c);

void bench_rows_syscall(void); /* bench_ipc.c */
void bench_rows_ipc(void);
void bench_rows_vm(void); /* bench_fault.c */
void bench_rows_fault(void);
void bench_rows_swap(void); /* bench_swap.c */
void bench_rows_ref(void);  /* bench_ref.c: the reference pager's fault rows */

#endif
