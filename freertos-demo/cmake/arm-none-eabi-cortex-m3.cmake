# core-pkcs11 FreeRTOS demo: CMake toolchain file for arm-none-eabi-gcc on the
# Cortex-M3 (QEMU mps2-an385).
#
# SPDX-License-Identifier: MIT
# Copyright (c) the core-pkcs11 authors.
#
#   cmake -S freertos-demo -B build \
#       -DCMAKE_TOOLCHAIN_FILE=freertos-demo/cmake/arm-none-eabi-cortex-m3.cmake
#
# cmake/core_pkcs11.cmake derives the Rust target (thumbv7m-none-eabi) from
# -mcpu=cortex-m3 in CMAKE_C_FLAGS.

set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR cortex-m3)

set(_prefix arm-none-eabi-)
if(DEFINED ENV{ARM_NONE_EABI_PREFIX})
    set(_prefix "$ENV{ARM_NONE_EABI_PREFIX}")
endif()

set(CMAKE_C_COMPILER "${_prefix}gcc")
set(CMAKE_ASM_COMPILER "${_prefix}gcc")
set(CMAKE_AR "${_prefix}ar" CACHE FILEPATH "archiver")
set(CMAKE_RANLIB "${_prefix}ranlib" CACHE FILEPATH "ranlib")
set(CMAKE_OBJCOPY "${_prefix}objcopy" CACHE FILEPATH "objcopy")
set(CMAKE_SIZE "${_prefix}size" CACHE FILEPATH "size")
set(CMAKE_NM "${_prefix}nm" CACHE FILEPATH "nm")

# No host executables can be linked while testing the compiler.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(CMAKE_C_FLAGS_INIT "-mcpu=cortex-m3 -mthumb -ffunction-sections -fdata-sections")
set(CMAKE_ASM_FLAGS_INIT "-mcpu=cortex-m3 -mthumb")
set(CMAKE_C_FLAGS_RELEASE_INIT "-Os")
set(CMAKE_C_FLAGS_MINSIZEREL_INIT "-Os")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-mcpu=cortex-m3 -mthumb --specs=nano.specs -Wl,--gc-sections")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
