# Disk-backed files (flfs, docs/storage.md): the file server serves a disk image made by
# tools/mkflfs, and the reference pager writes dirty shared mappings back on sync and on
# eviction (userland/files/test_dfs.c). The image is made fresh by a fixture test whenever the
# QEMU test runs: one file `data` of 128 pages of zeros (the tests write it).
set(FL_DFS_DATA ${CMAKE_CURRENT_BINARY_DIR}/dfs)
set(FL_DFS_DISK ${FL_DFS_DATA}/dfs.img)
add_test(NAME qemu_dfs_disk COMMAND sh -c
  "mkdir -p \"$1\" && rm -f \"$1/data\" \"$2\" && head -c 524288 /dev/zero > \"$1/data\" && python3 \"$3\" --size 1048576 \"$2\" \"$1/data\""
  sh ${FL_DFS_DATA} ${FL_DFS_DISK} ${CMAKE_SOURCE_DIR}/tools/mkflfs)
set_tests_properties(qemu_dfs_disk PROPERTIES LABELS qemu FIXTURES_SETUP dfs_disk)

# Shared write changes the file after sync (seen by a new pager, from the disk), a private
# write does not, and dirty shared pages survive eviction under a small frame limit.
fl_qemu_test(qemu_dfs --initrd ${FL_INITRD} --drive ${FL_DFS_DISK}
  --append "fl.test=dfs_shared_sync,dfs_private_write,dfs_evict_write_back" --exit 0
  --timeout 120
  --expect "TESTS DONE: [0-9]+ passed, 0 failed"
  --expect "files: flfs disk of [0-9]+ blocks: 1 files"
  --expect "TEST dfs_shared_sync PASS" --expect "TEST dfs_private_write PASS"
  --expect "TEST dfs_evict_write_back PASS"
  --expect "ftest: evict data: 128 dirty pages survived eviction")
set_tests_properties(qemu_dfs PROPERTIES FIXTURES_REQUIRED dfs_disk RESOURCE_LOCK dfs_image)
