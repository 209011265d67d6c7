# Robustness of threads and object teardown (issue 11, items 3-7): the in-OS robust_* tests
# (they also run with fl.test=all; init keeps 127 characters of fl.test, hence two boots), and
# a kernel stack overflowing into its guard page on purpose (fl.selftest=kstack): a clear panic
# that says so, with the decoded ESR and FAR.
set(fl_robust_common --gic 3 --cpu cortex-a57 --initrd ${FL_INITRD} --exit 0 --timeout 100)
fl_qemu_test(qemu_robust_threads_1 ${fl_robust_common}
  --append "fl.test=robust_syscall_restart,robust_space_chain,robust_teardown_unstarted,robust_self_cycle"
  --expect "TESTS DONE: 4 passed, 0 failed"
  --expect "^robust: one system call, two faults, restarted at its svc$")
fl_qemu_test(qemu_robust_threads_2 ${fl_robust_common}
  --append "fl.test=robust_create_oom,robust_create_oom_own_pool"
  --expect "TESTS DONE: 2 passed, 0 failed")
fl_qemu_test(qemu_kstack_overflow --gic 2 --cpu cortex-a57 --append fl.selftest=kstack --exit 3
  --expect "selftest: recursing on a kernel stack until it overflows"
  --expect "kernel stack overflow: the kernel stack .0xffff8080[0-9a-f]+, 0xffff8080[0-9a-f]+. ran into its guard page"
  --expect "ESR_EL1  0x96000047  EC 0x25 data abort from same EL, translation fault, level 3, write access"
  --expect "FAR_EL1  0xffff8080[0-9a-f]+ \\(a kernel stack guard page\\)"
  --expect "KERNEL PANIC: kernel stack overflow at 0xffffffff8")
