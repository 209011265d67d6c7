# QEMU tests of fault forwarding (issue 4): the pf_* tests of userland/faulttests on a CPU with
# LSE atomics (--cpu max), so pf_atomic also runs LDADD and CAS (on cortex-a57 it skips them;
# qemu_os_tests_* run it there with fl.test=all). init keeps 127 characters of fl.test, so the
# names are split over two boots. The expected lines are the kernel's reports of refused
# replies and of pagers that went away.
set(fl_faults_common --gic 3 --cpu max --initrd ${FL_INITRD} --exit 0 --timeout 100
  --expect "TESTS DONE: [0-9]+ passed, 0 failed")
fl_qemu_test(qemu_faults_max_1 ${fl_faults_common}
  --append "fl.test=pf_levels,pf_permission,pf_misaligned,pf_atomic,pf_map_resume,pf_map_ahead,pf_resume,pf_fail,pf_garbage"
  --expect "pf_atomic: LSE atomics present" --expect "TEST pf_levels PASS"
  --expect "unresolved read at 0x80010000, pc 0x[0-9a-f]+ \\(ESR 0x92000007\\): pager page not mapped"
  --expect "unresolved read at .*: client range outside user space")
fl_qemu_test(qemu_faults_max_2 ${fl_faults_common}
  --append "fl.test=pf_stale_reply,pf_pager_dies,pf_pager_exits,pf_ep_closed,pf_harvest,pf_syscall,pf_exceptions,pf_fpu,pf_demo"
  --expect "its pager ended before replying" --expect "its pager's endpoint was closed"
  --expect "faulttests: printed from a page the pager mapped during the call"
  --expect "demo: fault 4: read at 0x5000006000, pc 0x[0-9a-f]+: translation fault, level 3, in a system call")
# The pager platform (issue 12): pager authority, fault registers, deadlines, end events.
fl_qemu_test(qemu_pager_platform ${fl_faults_common}
  --append "fl.test=pp_client_unmap_refused,pp_regs_brk_udf,pp_deadline,pp_space_events,pp_pager_limit"
  --expect "TEST pp_client_unmap_refused PASS" --expect "TEST pp_regs_brk_udf PASS"
  --expect "TEST pp_deadline PASS" --expect "TEST pp_space_events PASS"
  --expect "TEST pp_pager_limit PASS"
  --expect "no pager took it from its endpoint \\(badge 0xd1\\) in 5 ticks"
  --expect "its pager \\(thread [0-9]+, space [0-9]+\\) did not answer in 5 ticks"
  --expect "\\(badge 0xd4\\) in 5 ticks. the system call fails"
  --expect "\\(badge 0xd5\\) in 5 ticks. passed to its exception handler"
  --expect "no exception handler took it from its endpoint \\(badge 0xd6\\) in 5 ticks")
# Asynchronous fault resolution (issue 12, item 2): held faults answered by token in any order,
# refused tokens, deadlines on held faults, FAULT_WAKE over a supplied range.
fl_qemu_test(qemu_pager_async ${fl_faults_common}
  --append "fl.test=pa_reverse_order,pa_token_refused,pa_wake_range"
  --expect "TEST pa_reverse_order PASS" --expect "TEST pa_token_refused PASS"
  --expect "TEST pa_wake_range PASS"
  --expect "its pager \\(thread [0-9]+, space [0-9]+\\) did not answer in 5 ticks"
  --expect "TESTS DONE: 3 passed, 0 failed")
# EL0 and the CPU's control registers (issue 11, item 10: arch/arm64/cpu_init.c), on both CPU
# models: timers, PMU, SVE, DAIF, cache maintenance and TPIDRRO_EL0 writes trap to the exception
# handler (or stop the thread), the tick goes on; CNTVCT_EL0/CNTFRQ_EL0 read, TPIDRRO_EL0 is 0.
foreach(cpu max cortex-a57)
  fl_qemu_test(qemu_arch_el0_${cpu} --gic 3 --cpu ${cpu} --initrd ${FL_INITRD} --exit 0 --timeout 60
    --append "fl.test=arch_el0_controls_trap,arch_el0_counters_readable"
    --expect "TEST arch_el0_controls_trap PASS" --expect "TEST arch_el0_counters_readable PASS"
    --expect "system exception at pc 0x[0-9a-f]+ \\(ESR 0x6232fbe6\\): no exception handler"
    --expect "TESTS DONE: 2 passed, 0 failed")
endforeach()
