# faultline SDK: a toolchain file for a project made only of EL0 programs:
#   cmake -S . -B build -DCMAKE_TOOLCHAIN_FILE=<sdk>/lib/cmake/faultline/faultline-aarch64-toolchain.cmake
# makes every add_executable() an EL0 ELF for faultline: the cross gcc with the compile and link
# flags of faultline's own user programs (faultline-el0.cmake), the SDK's headers, and the
# runtime (crt0 included) linked last. Link libpager with
# target_link_libraries(prog PRIVATE ${FAULTLINE_EL0_DIR}/libpager.a).
# A project that also builds host tests uses find_package(faultline) and
# faultline_add_program() instead (faultlineConfig.cmake).
get_filename_component(FAULTLINE_PREFIX "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
set(FAULTLINE_EL0_DIR ${FAULTLINE_PREFIX}/lib/faultline/aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/faultline-el0.cmake)

set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER ${FAULTLINE_EL0_CC})
set(CMAKE_ASM_COMPILER ${FAULTLINE_EL0_CC})
set(CMAKE_OBJCOPY ${FAULTLINE_EL0_OBJCOPY} CACHE FILEPATH "objcopy for faultline EL0 programs")
list(JOIN FAULTLINE_EL0_C_FLAGS " " _fl_cflags)
# CMake passes CMAKE_C_FLAGS to the link too, and gcc refuses a specs file given twice.
set(_fl_lflags ${FAULTLINE_EL0_LINK_FLAGS})
foreach(_fl_f IN LISTS FAULTLINE_EL0_C_FLAGS)
  if(_fl_f MATCHES "^--specs=")
    list(REMOVE_ITEM _fl_lflags ${_fl_f})
  endif()
endforeach()
list(JOIN _fl_lflags " " _fl_lflags)
set(CMAKE_C_FLAGS_INIT "${_fl_cflags}")
set(CMAKE_ASM_FLAGS_INIT "${_fl_cflags}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "${_fl_lflags}")
set(CMAKE_C_STANDARD_INCLUDE_DIRECTORIES ${FAULTLINE_PREFIX}/include)
set(CMAKE_ASM_STANDARD_INCLUDE_DIRECTORIES ${FAULTLINE_PREFIX}/include)
set(CMAKE_C_STANDARD_LIBRARIES ${FAULTLINE_EL0_DIR}/libflrt.a)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
