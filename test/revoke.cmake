# Pool revocation (FL_SYS_POOL_REVOKE, issue 11: orphans): the in-OS pool_revoke_* tests (they
# also run with fl.test=all; init keeps 127 characters of fl.test, hence two boots).
set(fl_revoke_common --gic 3 --cpu cortex-a57 --initrd ${FL_INITRD} --exit 0 --timeout 100)
fl_qemu_test(qemu_pool_revoke_1 ${fl_revoke_common}
  --append "fl.test=pool_revoke_orphan,pool_revoke_empty,pool_revoke_badargs,pool_revoke_wakes_blocked,pool_revoke_nested"
  --expect "TESTS DONE: 5 passed, 0 failed")
fl_qemu_test(qemu_pool_revoke_2 ${fl_revoke_common}
  --append "fl.test=pool_revoke_pending_fault,pool_revoke_lent_frames,pool_revoke_cycles"
  --expect "TESTS DONE: 3 passed, 0 failed")
