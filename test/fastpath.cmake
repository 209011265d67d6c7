# The assembly fast path against the C fast path and the general path (issue 13 item 4): the
# in-OS test fastpath_regs runs the same CALL / REPLY_RECV sequence (fast-path cases and the
# ones the fast path declines) with every register set before each svc and read back after it,
# checks the ABI, and prints a digest of every register read back. Each mode must print the
# same digest (update it here when the test's sequence changes, never for one mode alone).
set(fl_fastpath_digest "fastpath_regs: digest 76f4fa4c190edfd2")
foreach(mode on c off)
  fl_qemu_test(qemu_fastpath_regs_${mode} --gic 3 --cpu cortex-a57 --initrd ${FL_INITRD}
    --append "fl.test=fastpath_regs fl.fastpath=${mode}" --exit 0 --timeout 60
    --expect "TEST fastpath_regs PASS" --expect "${fl_fastpath_digest}")
endforeach()

# The whole in-OS suite and the fault tests (fault replies of every kind: map, resume, fail,
# garbage, stale, pager gone) on the general path alone: the same results as with the fast
# paths (qemu_os_tests_*, qemu_faults_max_*).
fl_qemu_test(qemu_os_tests_fastpath_off --gic 3 --cpu cortex-a57 --initrd ${FL_INITRD}
  --append "fl.test=all fl.fastpath=off" --exit 0 --timeout 100
  --expect "TESTS DONE: [0-9]+ passed, 0 failed" --expect "fastpath: off")
fl_qemu_test(qemu_faults_fastpath_off_1 --gic 3 --cpu max --initrd ${FL_INITRD} --exit 0 --timeout 100
  --append "fl.fastpath=off fl.test=pf_levels,pf_permission,pf_map_resume,pf_map_ahead,pf_resume,pf_fail,pf_garbage"
  --expect "TESTS DONE: [0-9]+ passed, 0 failed")
fl_qemu_test(qemu_faults_fastpath_off_2 --gic 3 --cpu max --initrd ${FL_INITRD} --exit 0 --timeout 100
  --append "fl.fastpath=off fl.test=pf_stale_reply,pf_pager_dies,pf_ep_closed,pf_syscall,pf_exceptions,pf_fpu"
  --expect "TESTS DONE: [0-9]+ passed, 0 failed")

# The assembly fault path (fastpath.S: a fault forwarded to a waiting pager thread, a one-page
# map reply applied) against the C paths: the fault tests check every field of every fault
# message and every reply's effect, so they pass on each path only if the paths agree. The
# kernel's count at exit shows which path ran: the assembly one takes faults and replies (and
# declines the rest: several pages, execute rights, an atomic's read half, a kernel address,
# a pager not waiting, a deadline), the C-only and general paths take none.
set(fl_fault_tests_1 "pf_levels,pf_permission,pf_atomic,pf_harvest,pf_map_resume,pf_map_ahead,pf_resume")
set(fl_fault_tests_2 "pf_fail,pf_garbage,pf_stale_reply,pf_kernel_address,pf_syscall,pf_exceptions,pp_deadline")
set(fl_fault_replies_1 "[1-9][0-9]*") # pf_map_resume's; the second part's replies are all C's
set(fl_fault_replies_2 "0")
foreach(part 1 2)
  fl_qemu_test(qemu_fastpath_faults_on_${part} --gic 3 --cpu cortex-a57 --initrd ${FL_INITRD}
    --exit 0 --timeout 100 --append "fl.fastpath=on fl.test=${fl_fault_tests_${part}}"
    --expect "TESTS DONE: 7 passed, 0 failed"
    --expect "fastpath: [1-9][0-9]* faults delivered and ${fl_fault_replies_${part}} map replies applied in assembly")
  foreach(mode c off)
    fl_qemu_test(qemu_fastpath_faults_${mode}_${part} --gic 3 --cpu cortex-a57 --initrd ${FL_INITRD}
      --exit 0 --timeout 100 --append "fl.fastpath=${mode} fl.test=${fl_fault_tests_${part}}"
      --expect "TESTS DONE: 7 passed, 0 failed"
      --expect "fastpath: 0 faults delivered and 0 map replies applied in assembly")
  endforeach()
endforeach()

# Hostile and valid map replies through REPLY_RECV (userland/tests/test_hostile_fast_reply.c):
# the same outcome on every path; with the assembly path on, it applies the one-page replies
# (read, read-write, replacing another frame: 3, fewer only if a timer tick let child B fault
# first, when it declines for the queued sender) and declines every refused and every C case.
fl_qemu_test(qemu_fastpath_hostile_on --gic 3 --cpu cortex-a57 --initrd ${FL_INITRD} --exit 0
  --timeout 100 --append "fl.fastpath=on fl.test=hostile_pager_fast_replies,hostile_pager_fast_replace"
  --expect "TESTS DONE: 2 passed, 0 failed"
  --expect "fastpath: [1-9][0-9]* faults delivered and [1-3] map replies applied in assembly")
foreach(mode c off)
  fl_qemu_test(qemu_fastpath_hostile_${mode} --gic 3 --cpu cortex-a57 --initrd ${FL_INITRD}
    --exit 0 --timeout 100
    --append "fl.fastpath=${mode} fl.test=hostile_pager_fast_replies,hostile_pager_fast_replace"
    --expect "TESTS DONE: 2 passed, 0 failed"
    --expect "fastpath: 0 faults delivered and 0 map replies applied in assembly")
endforeach()

# The assembly map reply's other way to a frame's mapping count: page_ref() in C, for frames
# outside the first RAM range (QEMU virt has one range, so fl.page_search sends every count
# through the search). The fault tests and the REPLY_RECV replies must give the same results.
fl_qemu_test(qemu_fastpath_page_search --gic 3 --cpu cortex-a57 --initrd ${FL_INITRD} --exit 0
  --timeout 100
  --append "fl.page_search fl.fastpath=on fl.test=pf_map_resume,pf_map_ahead,pf_resume,hostile_pager_fast_replies,hostile_pager_fast_replace,pager_workers_queued"
  --expect "page: counts found by searching the RAM ranges"
  --expect "TESTS DONE: 6 passed, 0 failed"
  --expect "fastpath: [1-9][0-9]* faults delivered and [1-9][0-9]* map replies applied in assembly")
