# faultline SDK: find_package(faultline CONFIG) in a host-configured project (docs/first-pager.md).
#
# Imported targets:
#   faultline::pager_host  libpager for the host (lib/libpager.a, <pager/pager.h>)
#   faultline::pager_sim   its simulated MMU and frame pool (lib/libpager_sim.a, <pager/sim.h>,
#                          <pager/sim_test.h> with Criterion helpers); links pager_host
#   faultline::runtime     the EL0 runtime libflrt.a (crt0, syscalls, spawn, picolibc glue)
#   faultline::pager_el0   libpager for EL0
# The last two are aarch64 archives: name them in faultline_add_program(... LIBRARIES), not in
# target_link_libraries of a host target. Every EL0 program links the runtime anyway.
#
# Functions:
#   faultline_add_program(<name> SOURCES <files...> [LIBRARIES <libs...>]
#       [INCLUDE_DIRECTORIES <dirs...>] [COMPILE_DEFINITIONS <defs...>]
#       [COMPILE_OPTIONS <opts...>] [LINK_OPTIONS <opts...>])
#     An EL0 ELF, ${CMAKE_CURRENT_BINARY_DIR}/el0/<name>, built by target <name> (in ALL).
#     The project is configured for the host, so this drives the aarch64 cross compiler itself:
#     one custom command per source (with a depfile, so header changes rebuild) and one link,
#     with the compiler and flags faultline's own EL0 programs use (faultline-el0.cmake: picolibc
#     specs, no PIE, user.ld, crt0 from the runtime). <libs> are imported targets (faultline::
#     pager_el0) or archive paths built for aarch64.
#   faultline_add_initrd(<name> PROGRAMS <programs...> [INIT <program>] [WITH_REFERENCE_SERVERS])
#     ${CMAKE_CURRENT_BINARY_DIR}/<name>.cpio, built by target <name> (in ALL), holding the
#     programs (faultline_add_program names, or ELF paths) by name; INIT is packed as `init`,
#     else a program named init is needed. WITH_REFERENCE_SERVERS adds the reference pager
#     (`pager`), file server (`files`) and block driver (`blkdrv`). Target <name>-run boots it
#     with faultline-run.
#
# Variables: FAULTLINE_PREFIX, FAULTLINE_INCLUDE_DIR, FAULTLINE_EL0_DIR, FAULTLINE_IMAGE,
# FAULTLINE_RUN (bin/faultline-run), FAULTLINE_MKINITRD, FAULTLINE_SERVERS_DIR,
# FAULTLINE_EL0_CC, FAULTLINE_EL0_C_FLAGS, FAULTLINE_EL0_LINK_FLAGS,
# FAULTLINE_TOOLCHAIN_FILE (for a project that builds only EL0 programs with add_executable).
if(CMAKE_VERSION VERSION_LESS 3.20)
  message(FATAL_ERROR "the faultline SDK needs CMake 3.20 or newer (DEPFILE for every generator)")
endif()

get_filename_component(FAULTLINE_PREFIX "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
set(FAULTLINE_INCLUDE_DIR ${FAULTLINE_PREFIX}/include)
set(FAULTLINE_EL0_DIR ${FAULTLINE_PREFIX}/lib/faultline/aarch64)
set(FAULTLINE_IMAGE ${FAULTLINE_PREFIX}/share/faultline/Image)
set(FAULTLINE_SERVERS_DIR ${FAULTLINE_PREFIX}/share/faultline/servers)
set(FAULTLINE_RUN ${FAULTLINE_PREFIX}/bin/faultline-run)
set(FAULTLINE_MKINITRD ${FAULTLINE_PREFIX}/bin/faultline-mkinitrd)
set(FAULTLINE_TOOLCHAIN_FILE ${CMAKE_CURRENT_LIST_DIR}/faultline-aarch64-toolchain.cmake)
set(FAULTLINE_EL0_FLAGS_FILE ${CMAKE_CURRENT_LIST_DIR}/faultline-el0.cmake)
include(${FAULTLINE_EL0_FLAGS_FILE})

find_program(FAULTLINE_EL0_CC_PATH ${FAULTLINE_EL0_CC})
find_program(FAULTLINE_EL0_OBJCOPY_PATH ${FAULTLINE_EL0_OBJCOPY})
if(NOT FAULTLINE_EL0_CC_PATH OR NOT FAULTLINE_EL0_OBJCOPY_PATH)
  set(faultline_FOUND FALSE)
  set(faultline_NOT_FOUND_MESSAGE
    "${FAULTLINE_EL0_CC} or ${FAULTLINE_EL0_OBJCOPY} not found (apt-get install gcc-aarch64-linux-gnu)")
  return()
endif()

if(NOT TARGET faultline::pager_host)
  add_library(faultline::pager_host STATIC IMPORTED)
  set_target_properties(faultline::pager_host PROPERTIES
    IMPORTED_LOCATION ${FAULTLINE_PREFIX}/lib/libpager.a
    INTERFACE_INCLUDE_DIRECTORIES ${FAULTLINE_INCLUDE_DIR})
  add_library(faultline::pager_sim STATIC IMPORTED)
  set_target_properties(faultline::pager_sim PROPERTIES
    IMPORTED_LOCATION ${FAULTLINE_PREFIX}/lib/libpager_sim.a
    INTERFACE_LINK_LIBRARIES faultline::pager_host)
  add_library(faultline::runtime STATIC IMPORTED)
  set_target_properties(faultline::runtime PROPERTIES
    IMPORTED_LOCATION ${FAULTLINE_EL0_DIR}/libflrt.a
    INTERFACE_INCLUDE_DIRECTORIES ${FAULTLINE_INCLUDE_DIR})
  add_library(faultline::pager_el0 STATIC IMPORTED)
  set_target_properties(faultline::pager_el0 PROPERTIES
    IMPORTED_LOCATION ${FAULTLINE_EL0_DIR}/libpager.a
    INTERFACE_INCLUDE_DIRECTORIES ${FAULTLINE_INCLUDE_DIR})
endif()

function(faultline_add_program name)
  cmake_parse_arguments(PARSE_ARGV 1 A "" ""
    "SOURCES;LIBRARIES;INCLUDE_DIRECTORIES;COMPILE_DEFINITIONS;COMPILE_OPTIONS;LINK_OPTIONS")
  if(NOT A_SOURCES)
    message(FATAL_ERROR "faultline_add_program(${name}): no SOURCES")
  endif()
  if(A_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "faultline_add_program(${name}): unknown arguments ${A_UNPARSED_ARGUMENTS}")
  endif()
  set(objdir ${CMAKE_CURRENT_BINARY_DIR}/el0/${name}.objs)
  set(elf ${CMAKE_CURRENT_BINARY_DIR}/el0/${name})
  file(MAKE_DIRECTORY ${objdir}) # gcc writes the depfile there; Makefiles make no directories

  set(cflags ${FAULTLINE_EL0_C_FLAGS})
  foreach(d IN LISTS A_COMPILE_DEFINITIONS)
    list(APPEND cflags -D${d})
  endforeach()
  foreach(d IN LISTS A_INCLUDE_DIRECTORIES)
    get_filename_component(d ${d} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
    list(APPEND cflags -I${d})
  endforeach()
  list(APPEND cflags -I${FAULTLINE_INCLUDE_DIR} ${A_COMPILE_OPTIONS})

  set(objs "")
  set(srcs "")
  set(i 0)
  foreach(src IN LISTS A_SOURCES)
    get_filename_component(src ${src} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
    get_filename_component(base ${src} NAME)
    set(obj ${objdir}/${i}-${base}.o) # the index keeps a.c and sub/a.c apart
    math(EXPR i "${i} + 1")
    add_custom_command(OUTPUT ${obj}
      COMMAND ${FAULTLINE_EL0_CC_PATH} ${cflags} -MD -MF ${obj}.d -c ${src} -o ${obj}
      DEPENDS ${src} ${FAULTLINE_EL0_FLAGS_FILE}
      DEPFILE ${obj}.d
      COMMENT "Building EL0 object ${name}/${base}"
      VERBATIM)
    list(APPEND objs ${obj})
    list(APPEND srcs ${src})
  endforeach()

  set(libs "")
  foreach(l IN LISTS A_LIBRARIES ITEMS faultline::runtime)
    if(TARGET ${l})
      get_target_property(l ${l} IMPORTED_LOCATION)
    endif()
    list(APPEND libs ${l})
  endforeach()
  add_custom_command(OUTPUT ${elf}
    COMMAND ${FAULTLINE_EL0_CC_PATH} ${FAULTLINE_EL0_LINK_FLAGS} ${A_LINK_OPTIONS} ${objs}
            -o ${elf} ${libs}
    DEPENDS ${objs} ${libs} ${FAULTLINE_EL0_DIR}/user.ld ${FAULTLINE_EL0_FLAGS_FILE}
    COMMENT "Linking EL0 program ${name}"
    VERBATIM)
  add_custom_target(${name} ALL DEPENDS ${elf} SOURCES ${srcs})
  set_target_properties(${name} PROPERTIES FAULTLINE_PROGRAM_FILE ${elf})
endfunction()

function(faultline_add_initrd name)
  cmake_parse_arguments(PARSE_ARGV 1 A "WITH_REFERENCE_SERVERS" "INIT" "PROGRAMS")
  if(A_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "faultline_add_initrd(${name}): unknown arguments ${A_UNPARSED_ARGUMENTS}")
  endif()
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${name}.cpio)
  set(args -o ${out} --objcopy ${FAULTLINE_EL0_OBJCOPY_PATH})
  set(deps "")
  # A faultline_add_program name stands for its ELF; anything else is a path.
  macro(fl_program_file var p)
    if(TARGET ${p})
      get_target_property(${var} ${p} FAULTLINE_PROGRAM_FILE)
      if(NOT ${var})
        message(FATAL_ERROR "faultline_add_initrd(${name}): ${p} is not a faultline_add_program")
      endif()
      list(APPEND deps ${p} ${${var}})
    else()
      get_filename_component(${var} ${p} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
      list(APPEND deps ${${var}})
    endif()
  endmacro()
  if(A_INIT)
    fl_program_file(f ${A_INIT})
    list(APPEND args --init ${f})
  endif()
  if(A_WITH_REFERENCE_SERVERS)
    list(APPEND args --with-reference-servers)
    foreach(s pager files blkdrv)
      list(APPEND deps ${FAULTLINE_SERVERS_DIR}/${s})
    endforeach()
  endif()
  foreach(p IN LISTS A_PROGRAMS)
    fl_program_file(f ${p})
    list(APPEND args ${f})
  endforeach()
  add_custom_command(OUTPUT ${out}
    COMMAND ${FAULTLINE_MKINITRD} ${args}
    DEPENDS ${deps} ${FAULTLINE_MKINITRD}
    COMMENT "Packing initrd ${name}.cpio"
    VERBATIM)
  add_custom_target(${name} ALL DEPENDS ${out})
  set_target_properties(${name} PROPERTIES FAULTLINE_INITRD_FILE ${out})
  add_custom_target(${name}-run
    COMMAND ${FAULTLINE_RUN} --initrd ${out}
    DEPENDS ${out}
    COMMENT "Booting ${name}.cpio (faultline-run)"
    USES_TERMINAL VERBATIM)
endfunction()
