# core-pkcs11 FreeRTOS demo: locates the FreeRTOS kernel and defines the
# target freertos_kernel.
#
# SPDX-License-Identifier: MIT
# Copyright (c) the core-pkcs11 authors.
#
# The FreeRTOS-Kernel sources (V11.2.0, MIT) are taken from the crates.io
# crate freertos-next 0.12.0, which ships them in its folder FreeRTOS-Kernel/:
# `cargo fetch` on kernel-locator/Cargo.toml downloads the crate and `cargo
# metadata` tells where it is. Set FREERTOS_KERNEL_PATH to use another copy.
#
# Uses: FREERTOS_CONFIG_DIR (directory of FreeRTOSConfig.h), FREERTOS_HEAP
# (heap implementation number, default 4), DEMO_CARGO (cargo executable).

set(FREERTOS_KERNEL_PATH "" CACHE PATH
    "FreeRTOS-Kernel source directory (empty: from the freertos-next crate)")

if(NOT FREERTOS_KERNEL_PATH)
    set(_locator "${CMAKE_CURRENT_LIST_DIR}/../kernel-locator/Cargo.toml")
    execute_process(
        COMMAND "${DEMO_CARGO}" fetch --manifest-path "${_locator}"
        RESULT_VARIABLE _rc
        OUTPUT_VARIABLE _out
        ERROR_VARIABLE _err)
    if(NOT _rc EQUAL 0)
        message(FATAL_ERROR "freertos-demo: `cargo fetch` of the freertos-next crate failed:\n${_out}${_err}")
    endif()
    execute_process(
        COMMAND "${DEMO_CARGO}" metadata --format-version 1 --offline --manifest-path "${_locator}"
        RESULT_VARIABLE _rc
        OUTPUT_VARIABLE _json
        ERROR_VARIABLE _err)
    if(NOT _rc EQUAL 0)
        message(FATAL_ERROR "freertos-demo: `cargo metadata` failed:\n${_err}")
    endif()
    string(JSON _count LENGTH "${_json}" packages)
    math(EXPR _last "${_count} - 1")
    set(_crate_dir "")
    foreach(_i RANGE ${_last})
        string(JSON _name GET "${_json}" packages ${_i} name)
        if(_name STREQUAL "freertos-next")
            string(JSON _version GET "${_json}" packages ${_i} version)
            string(JSON _manifest GET "${_json}" packages ${_i} manifest_path)
            get_filename_component(_crate_dir "${_manifest}" DIRECTORY)
            break()
        endif()
    endforeach()
    if(NOT _crate_dir)
        message(FATAL_ERROR "freertos-demo: cargo metadata lists no freertos-next package")
    endif()
    set(FREERTOS_KERNEL_PATH "${_crate_dir}/FreeRTOS-Kernel" CACHE PATH
        "FreeRTOS-Kernel source directory (empty: from the freertos-next crate)" FORCE)
    message(STATUS "freertos-demo: FreeRTOS kernel from freertos-next ${_version}: ${FREERTOS_KERNEL_PATH}")
endif()

foreach(_f IN ITEMS tasks.c include/FreeRTOS.h portable/GCC/ARM_CM3/port.c LICENSE.md)
    if(NOT EXISTS "${FREERTOS_KERNEL_PATH}/${_f}")
        message(FATAL_ERROR "freertos-demo: ${FREERTOS_KERNEL_PATH} has no ${_f}")
    endif()
endforeach()
file(STRINGS "${FREERTOS_KERNEL_PATH}/include/task.h" _kver REGEX "define tskKERNEL_VERSION_NUMBER")
message(STATUS "freertos-demo: ${_kver}")

if(NOT DEFINED FREERTOS_HEAP)
    set(FREERTOS_HEAP 4)
endif()

add_library(freertos_kernel OBJECT
    "${FREERTOS_KERNEL_PATH}/tasks.c"
    "${FREERTOS_KERNEL_PATH}/list.c"
    "${FREERTOS_KERNEL_PATH}/queue.c"
    "${FREERTOS_KERNEL_PATH}/timers.c"
    "${FREERTOS_KERNEL_PATH}/event_groups.c"
    "${FREERTOS_KERNEL_PATH}/stream_buffer.c"
    "${FREERTOS_KERNEL_PATH}/portable/GCC/ARM_CM3/port.c"
    "${FREERTOS_KERNEL_PATH}/portable/MemMang/heap_${FREERTOS_HEAP}.c")
target_include_directories(freertos_kernel PUBLIC
    "${FREERTOS_CONFIG_DIR}"
    "${FREERTOS_KERNEL_PATH}/include"
    "${FREERTOS_KERNEL_PATH}/portable/GCC/ARM_CM3")
# The kernel's own code is not held to the demo's warning flags.
target_compile_options(freertos_kernel PRIVATE -w)
