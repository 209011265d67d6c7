# tools/fl itself (issue 10, a user's first hour): what `tools/fl run` prints on a built tree,
# how run's options reach tools/qemu-virt, the build-progress filter and the per-command
# package lists (test/fl/check-fl). tools/fl always builds in <source>/build, so these run only
# from that build tree.
if(CMAKE_BINARY_DIR STREQUAL "${CMAKE_SOURCE_DIR}/build")
  set(FL_CHECK ${CMAKE_CURRENT_SOURCE_DIR}/fl/check-fl)
  foreach(check options progress packages)
    add_test(NAME fl_${check} COMMAND bash ${FL_CHECK} ${check})
    set_tests_properties(fl_${check} PROPERTIES LABELS unit)
  endforeach()
  # Boots (fl.noinit: a few ticks, then power-off) after a no-op build of this tree.
  add_test(NAME fl_run_quiet COMMAND bash ${FL_CHECK} quiet)
  set_tests_properties(fl_run_quiet PROPERTIES LABELS qemu TIMEOUT 120)
endif()
