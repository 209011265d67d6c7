# SDK, host half (included by the top-level CMakeLists.txt): `cmake --install build --prefix DIR`
# installs everything a pager author needs to build outside this tree (docs/first-pager.md):
#   include/faultline/      the ABI headers (kernel/include/uapi)
#   include/pager/          libpager's headers, <pager/sim.h> and <pager/sim_test.h> (pager/)
#   lib/libpager.a, lib/libpager_sim.a        libpager and its simulated MMU for the host
#   lib/pkgconfig/          faultline-pager.pc, faultline-pager-sim.pc
#   lib/cmake/faultline/    faultlineConfig.cmake (+ version), the EL0 toolchain file
#   bin/faultline-run       boots an initrd on the installed kernel (wraps libexec/faultline/qemu-virt)
#   bin/faultline-mkinitrd  packs EL0 programs into an initrd (cpio newc, names at the root)
# and, by running the install of the aarch64 tree (cmake/sdk-target.cmake): the runtime, libpager
# for EL0, user.ld, the EL0 flags, the kernel Image and the reference servers.
set(FAULTLINE_SDK_VERSION 0.1.0)
set(FL_SDK_SRC ${CMAKE_SOURCE_DIR}/cmake/sdk)
set(FL_SDK_GEN ${CMAKE_BINARY_DIR}/sdk)

# The aarch64 tree is an ExternalProject without an install step of its own: install it here,
# into the same prefix (and DESTDIR, which the child inherits from the environment).
install(CODE "
  message(STATUS \"Installing the aarch64 half from ${FL_TARGET_DIR}\")
  execute_process(COMMAND \"${CMAKE_COMMAND}\" --install \"${FL_TARGET_DIR}\"
                          --prefix \"\${CMAKE_INSTALL_PREFIX}\" --component sdk
                  RESULT_VARIABLE fl_rc)
  if(NOT fl_rc EQUAL 0)
    message(FATAL_ERROR \"installing ${FL_TARGET_DIR} failed (run tools/fl build first)\")
  endif()" COMPONENT sdk)

install(DIRECTORY ${CMAKE_SOURCE_DIR}/kernel/include/uapi/faultline DESTINATION include
  COMPONENT sdk FILES_MATCHING PATTERN "*.h")

include(CMakePackageConfigHelpers)
write_basic_package_version_file(${FL_SDK_GEN}/faultlineConfigVersion.cmake
  VERSION ${FAULTLINE_SDK_VERSION} COMPATIBILITY SameMinorVersion)
configure_file(${FL_SDK_SRC}/faultline-pager.pc.in ${FL_SDK_GEN}/faultline-pager.pc @ONLY)
configure_file(${FL_SDK_SRC}/faultline-pager-sim.pc.in ${FL_SDK_GEN}/faultline-pager-sim.pc @ONLY)
install(FILES ${FL_SDK_SRC}/faultlineConfig.cmake ${FL_SDK_GEN}/faultlineConfigVersion.cmake
  ${FL_SDK_SRC}/faultline-aarch64-toolchain.cmake
  DESTINATION lib/cmake/faultline COMPONENT sdk)
install(FILES ${FL_SDK_GEN}/faultline-pager.pc ${FL_SDK_GEN}/faultline-pager-sim.pc
  DESTINATION lib/pkgconfig COMPONENT sdk)
install(PROGRAMS ${FL_SDK_SRC}/faultline-run ${FL_SDK_SRC}/faultline-mkinitrd
  DESTINATION bin COMPONENT sdk)
install(PROGRAMS ${CMAKE_SOURCE_DIR}/tools/qemu-virt DESTINATION libexec/faultline COMPONENT sdk)
