# The benchmark (userland/bench, docs/benchmarks.md) is not a test: tools/fl bench measures.
# This only checks that the benchmark image still boots and prints every row, with tiny
# iteration counts under -icount (the ref_ rows run the reference pager, userland/bench/
# benchref.c; bench.scale=1 runs the scaling rows at their smallest sizes). It never looks at a
# figure.
set(FL_BENCH_INITRD ${FL_TARGET_DIR}/bench-initrd.cpio)
# The swap_in row swaps to a virtio-blk disk: a fresh empty image, made by a fixture (as
# test/swap.cmake does).
set(FL_BENCH_DISK ${CMAKE_CURRENT_BINARY_DIR}/bench/swap.img)
add_test(NAME qemu_bench_disk COMMAND sh -c "mkdir -p \"$(dirname \"$1\")\" && rm -f \"$1\" && truncate -s 8M \"$1\""
  sh ${FL_BENCH_DISK})
set_tests_properties(qemu_bench_disk PROPERTIES LABELS qemu FIXTURES_SETUP bench_disk)
set(bench_expect --expect "^BENCH_DONE [0-9]+ 0$"
  --expect "^BENCHMEM start total [0-9]+ free [0-9]+ root_pool_used [0-9]+$")
foreach(row null_syscall syscall_enosys ipc_round_trip ipc_round_trip_16w ipc_call_leg
    ipc_reply_leg ipc_round_trip_same_space vm_map_page vm_unmap_page fault_prepared
    anon_read_fault_zeropage anon_write_fault anon_write_fault_cached cow_fault_child
    cow_fault_cached file_private_read_nofa file_private_read fault_prepared.deliver
    fault_prepared.pager fault_prepared.resume cow_fault_child.resume swap_in
    ref_anon_write_fault ref_anon_read_fault_zeropage ref_cow_fault_child
    ref_file_private_read_nofa ref_stack_grow_fault ref_anon_write_fault_ahead
    ref_anon_write_fault_strided ref_file_private_read scale_regions_1 scale_regions_10
    scale_clients_1 scale_clients_10 scale_fork_10)
  list(APPEND bench_expect --expect "^BENCH ${row} [0-9]+ [0-9]+ [0-9]+ [0-9]+$")
endforeach()
fl_qemu_test(qemu_bench_smoke --gic 3 --cpu cortex-a57 --icount --initrd ${FL_BENCH_INITRD}
  --drive ${FL_BENCH_DISK} --append "fl.bench bench.iters=16 bench.batches=1 bench.scale=1" --exit 0
  --timeout 60 ${bench_expect})
set_tests_properties(qemu_bench_smoke PROPERTIES FIXTURES_REQUIRED bench_disk
  RESOURCE_LOCK bench_image)
