# The in-OS system-call fuzzer (userland/fuzz, issue 11): a bounded smoke of 500 seeds of 200
# calls (about 100,000 system calls, under ten seconds), with every defect class of issue 11
# allowed (avoid mask 0), "orphans" included: processes a seed leaves alive but unreachable,
# which the driver reclaims by revoking the seed's pool (FL_SYS_POOL_REVOKE), then checks that
# the pool is empty and every frame is free again.
# "Early ends" (the worker's process ended before its last call: it hurt itself) are counted
# but are not failures. tools/fuzz-os runs the fuzzer for longer.
fl_qemu_test(qemu_fuzz_smoke --gic 3 --cpu cortex-a57 --initrd ${FL_INITRD} --exit 0 --timeout 60
  --append "fl.fuzz=1000,500,200,0"
  --expect "FUZZ DONE: 500 seeds, [0-9]+ calls in .*, 0 failures")
