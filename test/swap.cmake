# Swap (userland/swap): the in-OS tests run a reference pager with a small frame limit that
# swaps to a virtio-blk disk through blkdrv. The disk image is made fresh (empty) by a fixture
# test whenever the QEMU test runs; its contents do not matter, slots are written before read.
set(FL_SWAP_DISK ${CMAKE_CURRENT_BINARY_DIR}/swap/swap.img)
add_test(NAME qemu_swap_disk COMMAND sh -c "mkdir -p \"$(dirname \"$1\")\" && rm -f \"$1\" && truncate -s 8M \"$1\""
  sh ${FL_SWAP_DISK})
set_tests_properties(qemu_swap_disk PROPERTIES LABELS qemu FIXTURES_SETUP swap_disk)

# A working set 4x the pager's frame limit verified in random order with zero mismatches and
# swap-ins counted as major faults; swap exhaustion stops only the hog, with out of memory.
# Asynchronous swap-in (issue 12, item 2): a client's fault on a swapped-out page waits for its
# read while another client's faults are answered (the pager's log shows the order).
fl_qemu_test(qemu_swap --initrd ${FL_INITRD} --drive ${FL_SWAP_DISK}
  --append "fl.test=swap_working_set,swap_exhausted,swap_async_order" --exit 0 --timeout 90
  --expect "TESTS DONE: [0-9]+ passed, 0 failed"
  --expect "TEST swap_working_set PASS" --expect "TEST swap_exhausted PASS"
  --expect "TEST swap_async_order PASS"
  --expect "swap-in of 0x[0-9a-f]+ \\(slot [0-9]+\\) started. its fault is held"
  --expect "answered after 8 faults of other clients"
  --expect "swaptest: 256 pages, 3 passes in random order: 0 mismatches"
  --expect "bad write at 0x[0-9a-f]+, pc 0x[0-9a-f]+: out of memory")
set_tests_properties(qemu_swap PROPERTIES FIXTURES_REQUIRED swap_disk RESOURCE_LOCK swap_image)
