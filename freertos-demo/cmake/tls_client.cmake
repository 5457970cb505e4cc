# core-pkcs11 FreeRTOS demo: the tls_client images (TLS client authentication
# with the key in the token, MQTT over the LAN9118).
#
# SPDX-License-Identifier: MIT
# Copyright (c) the core-pkcs11 authors.
#
# The Rust half (freertos-demo/tls) is built by cargo as the image's ONE Rust
# static library: it depends on the token (core-pkcs11-ffi) as an rlib, so
# core, alloc, compiler_builtins, the panic handler and the allocator exist
# once. These images do not link libcore_pkcs11.a (core_pkcs11::core_pkcs11).
#
#   tls_client        the firmware
#   tls_client_audit  the same with the cargo feature "audit": the function
#                     list the TLS code uses counts C_GetAttributeValue calls
#                     on private key objects (test build)
#
# Included from freertos-demo/CMakeLists.txt after the common targets exist.
# Uses DEMO_CARGO, DEMO_REPO_ROOT, CORE_PKCS11_CONFIG_DIR, demo_link_options().

set(DEMO_TLS_CRATE_DIR "${CMAKE_CURRENT_SOURCE_DIR}/tls")
set(DEMO_TLS_RUST_TARGET "thumbv7m-none-eabi")
set(DEMO_TLS_CARGO_TARGET_DIR "${DEMO_REPO_ROOT}/target/freertos-demo-tls" CACHE PATH
    "Cargo target directory of the TLS demo's static library")
get_filename_component(_demo_tls_config_dir "${CORE_PKCS11_CONFIG_DIR}" ABSOLUTE
    BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")

# sha2 0.11's compact SHA-256 for the device, as cmake/core_pkcs11.cmake does
# for libcore_pkcs11.a (CORE_PKCS11_SHA2_COMPACT): a cfg that only rustflags can
# set, given to the cross build alone through the target's rustflags (appended
# to the value the variable had at configure time). embedded-tls's sha2 0.10
# gets its compact code from the feature force-soft-compact in tls/Cargo.toml.
set(_demo_tls_env "CORE_PKCS11_CONFIG_DIR=${_demo_tls_config_dir}")
if(CORE_PKCS11_SHA2_COMPACT)
    set(_demo_tls_rustflags "$ENV{CARGO_TARGET_THUMBV7M_NONE_EABI_RUSTFLAGS} --cfg sha2_backend_soft=\"compact\"")
    string(STRIP "${_demo_tls_rustflags}" _demo_tls_rustflags)
    list(APPEND _demo_tls_env "CARGO_TARGET_THUMBV7M_NONE_EABI_RUSTFLAGS=${_demo_tls_rustflags}")
endif()

# demo_tls_rust_library(<name> <cargo features>): an imported static library
# built by cargo into its own target directory (so that the two feature sets
# never overwrite each other's archive).
function(demo_tls_rust_library name features)
    set(_dir "${DEMO_TLS_CARGO_TARGET_DIR}/${name}")
    set(_lib "${_dir}/${DEMO_TLS_RUST_TARGET}/release/libcore_pkcs11_tls_demo.a")
    set(_cmd "${DEMO_CARGO}" build --release
        --manifest-path "${DEMO_TLS_CRATE_DIR}/Cargo.toml"
        --target "${DEMO_TLS_RUST_TARGET}"
        --target-dir "${_dir}")
    if(NOT "${features}" STREQUAL "")
        list(APPEND _cmd --features "${features}")
    endif()
    add_custom_target(${name}_cargo_build
        COMMAND "${CMAKE_COMMAND}" -E env ${_demo_tls_env} ${_cmd}
        WORKING_DIRECTORY "${DEMO_TLS_CRATE_DIR}"
        BYPRODUCTS "${_lib}"
        COMMENT "Building the TLS demo's Rust static library (${name}) with cargo"
        USES_TERMINAL
        VERBATIM)
    add_library(${name} STATIC IMPORTED GLOBAL)
    set_target_properties(${name} PROPERTIES
        IMPORTED_LOCATION "${_lib}"
        IMPORTED_LINK_INTERFACE_LANGUAGES "C"
        INTERFACE_INCLUDE_DIRECTORIES "${PKCS_INCLUDE_PUBLIC_DIRS}")
    add_dependencies(${name} ${name}_cargo_build)
endfunction()

demo_tls_rust_library(demo_tls_rust "")
demo_tls_rust_library(demo_tls_rust_audit "audit")

function(demo_add_tls_image name rust_library)
    add_executable(${name}
        "${CMAKE_CURRENT_SOURCE_DIR}/app/tls_client.c"
        "${CMAKE_CURRENT_SOURCE_DIR}/common/demo_main.c")
    target_include_directories(${name} PRIVATE
        "${CMAKE_CURRENT_SOURCE_DIR}/common"
        ${PKCS_INCLUDE_PUBLIC_DIRS})
    target_compile_options(${name} PRIVATE ${DEMO_WARNINGS})
    target_link_libraries(${name} PRIVATE
        core_pkcs11_freertos_port
        demo_board_pkcs11
        demo_board
        freertos_kernel
        ${rust_library})
    demo_link_options(${name})
endfunction()

demo_add_tls_image(tls_client demo_tls_rust)
demo_add_tls_image(tls_client_audit demo_tls_rust_audit)
