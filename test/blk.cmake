# The virtio-blk driver (userland/blk): its pure logic on the host, and QEMU runs of the in-OS
# tests (userland/blk/test_blk.c) on disk images made fresh by each ctest run.
set(FL_BLK_DIR ${CMAKE_SOURCE_DIR}/userland/blk)

# --- Criterion: virtqueue rings and chains, request checks and encoding ---------------------
fl_unit_test(test_blk_virtq ${FL_BLK_DIR}/virtq.c ${FL_BLK_DIR}/blkreq.c)
target_include_directories(test_blk_virtq PRIVATE ${FL_BLK_DIR})

# --- QEMU ---------------------------------------------------------------------------------------
# The images: made by a fixture test that every QEMU test below requires, so they are fresh
# (the tests write to them) whenever any of those runs.
set(FL_BLK_DATA ${CMAKE_CURRENT_BINARY_DIR}/blk)
set(FL_BLK_DISK ${FL_BLK_DATA}/disk.img)
set(FL_BLK_BAD_DISK ${FL_BLK_DATA}/bad.img)
set(FL_BLK_BAD_CONF ${FL_BLK_DATA}/bad.conf)
add_test(NAME qemu_blk_disks COMMAND sh -c
  "mkdir -p \"$1\" && sh \"$2\" \"$3\" 8192 && sh \"$2\" \"$4\" 8192 \"$5\" 100 200"
  sh ${FL_BLK_DATA} ${FL_BLK_DIR}/make-test-disk.sh ${FL_BLK_DISK} ${FL_BLK_BAD_DISK}
  ${FL_BLK_BAD_CONF})
set_tests_properties(qemu_blk_disks PROPERTIES LABELS qemu FIXTURES_SETUP blk_disks)

set(blk_tests "fl.test=blk_disk,blk_inflight,blk_errors,blk_session")
set(blk_expect --expect "TESTS DONE: [0-9]+ passed, 0 failed"
  --expect "blkdrv: virtio-blk at 0x[0-9a-f]+ .*8192 sectors"
  --expect "TEST blk_disk PASS" --expect "TEST blk_inflight PASS"
  --expect "TEST blk_errors PASS" --expect "TEST blk_session PASS")

# QEMU 7.2's default virtio-mmio transport: legacy (version 1).
fl_qemu_test(qemu_blk_legacy --initrd ${FL_INITRD} --drive ${FL_BLK_DISK}
  --append ${blk_tests} --exit 0 --timeout 60 ${blk_expect}
  --expect "virtio-mmio v1")
# The modern transport (version 2).
fl_qemu_test(qemu_blk_modern --initrd ${FL_INITRD} --drive ${FL_BLK_DISK} --modern-virtio
  --append ${blk_tests} --exit 0 --timeout 60 ${blk_expect}
  --expect "virtio-mmio v2")
# Device errors: QEMU's blkdebug fails reads of sector 100 and writes of sector 200, which
# the driver must report as FL_EIO for those requests alone.
fl_qemu_test(qemu_blk_ioerror --initrd ${FL_INITRD}
  --drive blkdebug:${FL_BLK_BAD_CONF}:${FL_BLK_BAD_DISK}
  --append "fl.test=blk_errors,blk_inflight blk.ioerror=100,200" --exit 0 --timeout 60
  --expect "TESTS DONE: 2 passed, 0 failed"
  --expect "device errors on sectors 100 \\(read\\) and 200 \\(write\\) reported as FL_EIO")
# Two disks: the tests drive the first block device the driver finds and pass.
fl_qemu_test(qemu_blk_two_disks --initrd ${FL_INITRD} --drive ${FL_BLK_DISK}
  --drive ${FL_BLK_BAD_DISK} --append "fl.test=blk_session" --exit 0 --timeout 60
  --expect "TESTS DONE: 1 passed, 0 failed")
# They share the images, and QEMU locks an image it has open: one at a time.
set_tests_properties(qemu_blk_legacy qemu_blk_modern qemu_blk_ioerror qemu_blk_two_disks
  PROPERTIES FIXTURES_REQUIRED blk_disks RESOURCE_LOCK blk_images)
