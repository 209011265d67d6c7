# Flags for everything that runs on the aarch64 target (PLATFORM.md: the cross gcc defaults to
# PIE; freestanding code needs its own mem*/str*, and libfdt.a wants a few libc symbols).
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=include
  OUTPUT_VARIABLE FL_GCC_INCLUDE OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-libgcc-file-name
  OUTPUT_VARIABLE FL_LIBGCC OUTPUT_STRIP_TRAILING_WHITESPACE)

set(FL_LIBFDT /usr/lib/aarch64-linux-gnu/libfdt.a)
if(NOT EXISTS ${FL_LIBFDT})
  message(FATAL_ERROR "${FL_LIBFDT} is missing: run tools/fl setup (libfdt-dev:arm64)")
endif()

# libfdt's headers, alone in a directory: /usr/include itself would pull in glibc's headers.
foreach(h libfdt.h fdt.h libfdt_env.h)
  configure_file(/usr/include/${h} ${CMAKE_BINARY_DIR}/fdt-include/${h} COPYONLY)
endforeach()

add_library(fl_kernel_flags INTERFACE)
target_compile_options(fl_kernel_flags INTERFACE
  -Wall -Wextra -Werror
  -ffreestanding -nostdinc "SHELL:-isystem ${FL_GCC_INCLUDE}"
  -fno-pie -fno-pic -mcmodel=small -march=armv8-a -mgeneral-regs-only
  -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer -mno-outline-atomics
  -fno-stack-protector -fno-tree-loop-distribute-patterns -fno-common
  -ffunction-sections -fdata-sections -flto)
target_include_directories(fl_kernel_flags INTERFACE
  ${CMAKE_SOURCE_DIR}/arch/arm64/include
  ${CMAKE_SOURCE_DIR}/kernel/include
  ${CMAKE_SOURCE_DIR}/kernel/include/uapi
  ${CMAKE_SOURCE_DIR}/kernel/include/libc
  ${CMAKE_SOURCE_DIR}/kernel/lib/include
  ${CMAKE_BINARY_DIR}/fdt-include)
