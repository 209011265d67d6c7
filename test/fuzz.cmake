# The libFuzzer targets of test/fuzz/ (docs/security.md): the host tree uses gcc and libFuzzer
# comes with clang, so they are a project of their own, configured with clang as an
# ExternalProject into build/fuzz, and only when that clang can link a fuzzer with ASan and
# UBSan (Debian: packages clang and libclang-rt-14-dev). Each target then gets a ctest (label
# fuzz) that runs it for a few seconds from its committed corpus (test/fuzz/corpus/<target>)
# through tools/fuzz; `tools/fuzz --host --time S` runs them for longer.
set(FL_FUZZ_TARGETS cpio elf dtb esr fault_reply fault_regs blkreq flfs pager)
set(FL_FUZZ_DIR ${CMAKE_BINARY_DIR}/fuzz)
unset(FL_CLANG CACHE) # look again at every configure: tools/fl test may just have installed it
find_program(FL_CLANG NAMES clang clang-14)
set(FL_FUZZ_OK OFF)
if(FL_CLANG)
  execute_process(
    COMMAND ${FL_CLANG} -fsanitize=fuzzer,address,undefined
            ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/probe.c -o ${CMAKE_BINARY_DIR}/fuzz-probe
    RESULT_VARIABLE probe_rc OUTPUT_QUIET ERROR_QUIET)
  if(probe_rc EQUAL 0)
    set(FL_FUZZ_OK ON)
  endif()
endif()

if(NOT FL_FUZZ_OK)
  message(STATUS "fuzz: no clang with libFuzzer (apt-get install clang libclang-rt-14-dev): "
                 "fuzz targets not built")
  return()
endif()

include(ExternalProject)
ExternalProject_Add(fuzz
  SOURCE_DIR ${CMAKE_CURRENT_SOURCE_DIR}/fuzz
  BINARY_DIR ${FL_FUZZ_DIR}
  CMAKE_ARGS
    -DCMAKE_C_COMPILER=${FL_CLANG}
    -DCMAKE_BUILD_TYPE=RelWithDebInfo
    -DFL_SRC=${CMAKE_SOURCE_DIR}
  INSTALL_COMMAND ""
  BUILD_ALWAYS ON)

foreach(t IN LISTS FL_FUZZ_TARGETS)
  add_test(NAME fuzz_${t}
    COMMAND bash ${CMAKE_SOURCE_DIR}/tools/fuzz --host --no-build --fresh --time 3 --build ${FL_FUZZ_DIR} ${t})
  set_tests_properties(fuzz_${t} PROPERTIES LABELS fuzz TIMEOUT 60)
endforeach()
