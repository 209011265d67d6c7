/* The kernel command line (/chosen bootargs): space-separated words, "key" or "key=value". */
#ifndef KERNEL_BOOTARGS_H
#define KERNEL_BOOTARGS_H

#include <stdbool.h>
#include <stddef.h>

/* Copies the value of the last "key=value" word into val (NUL-terminated, at most n - 1
 * characters; a longer value is refused). A bare "key" has the value "". Returns whether key
 * was present with a value that fits. */
bool bootargs_get(const char *args, const char *key, char *val, size_t n);

/* Whether key is present (with or without a value). */
bool bootargs_has(const char *args, const char *key);

#endif
