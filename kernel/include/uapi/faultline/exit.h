/*
 * Exit status of a test run: the kernel ends QEMU with it through semihosting when booted
 * with fl.exit=semihost, so the host harness can check it with the console output.
 */
#ifndef FAULTLINE_EXIT_H
#define FAULTLINE_EXIT_H

#define FL_EXIT_PASS        0 /* every test passed / the demo ran to its end */
#define FL_EXIT_TEST_FAILED 1 /* at least one in-OS test failed */
#define FL_EXIT_BOOT_FAILED 2 /* bad DTB, initrd or init: the kernel could not start */
#define FL_EXIT_PANIC       3 /* the kernel panicked (a kernel bug, or a deliberate selftest) */

#endif
