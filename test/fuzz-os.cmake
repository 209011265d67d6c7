# The in-OS system-call fuzzer (userland/fuzz, issue 11): a bounded smoke of 500 seeds of 200
# calls (about 100,000 system calls, under ten seconds), steering clear of the kernel defects
# issue 11 lists ("known"). Once those are fixed, drop ",known" to let it hit them too.
# "Early ends" (the worker's process ended before its last call: it hurt itself) are counted
# but are not failures. tools/fuzz-os runs the fuzzer for longer.
fl_qemu_test(qemu_fuzz_smoke --gic 3 --cpu cortex-a57 --initrd ${FL_INITRD} --exit 0 --timeout 60
  --append "fl.fuzz=1000,500,200,known"
  --expect "FUZZ DONE: 500 seeds, [0-9]+ calls in .*, 0 failures")
