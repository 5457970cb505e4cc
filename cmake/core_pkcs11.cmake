# core-pkcs11: CMake integration.
#
# SPDX-License-Identifier: MIT
# Copyright (c) the core-pkcs11 authors.
#
# Builds the Rust static library libcore_pkcs11.a with cargo and exposes it to a
# CMake project the way corePKCS11 is consumed.
#
# Usage (CMake 3.13 or newer):
#
#     # The directory holding the application's core_pkcs11_config.h.
#     set(CORE_PKCS11_CONFIG_DIR "${CMAKE_CURRENT_SOURCE_DIR}/config")
#     include(path/to/core-pkcs11/cmake/core_pkcs11.cmake)
#
#     add_executable(app main.c)
#     target_link_libraries(app PRIVATE core_pkcs11::core_pkcs11)
#
# The target core_pkcs11 (alias core_pkcs11::core_pkcs11) is an IMPORTED static
# library: linking it adds include/ and CORE_PKCS11_CONFIG_DIR to the include
# path, links libcore_pkcs11.a (plus pthread, dl and m on Linux hosts) and makes
# the consumer depend on the cargo build step.
#
# Existing corePKCS11 build files keep working: this file also sets the
# variables of corePKCS11's pkcsFilePaths.cmake (see "Variables" below). The
# sources they used to compile are now inside the library, so list variables of
# sources are empty and a consumer that only uses the variables must also link
# ${CORE_PKCS11_LIBRARY} (or the core_pkcs11 target).
#
# Options (cache variables, or normal variables set before include()):
#
#   CORE_PKCS11_CONFIG_DIR       Directory with the application's
#                                core_pkcs11_config.h. Passed to cargo as the
#                                environment variable CORE_PKCS11_CONFIG_DIR
#                                (absolute path). Empty: library defaults.
#   CORE_PKCS11_RUST_TARGET      Rust target triple. Empty: derived from the
#                                toolchain (CMAKE_SYSTEM_PROCESSOR and the -mcpu,
#                                -march and -mfloat-abi flags in CMAKE_C_FLAGS):
#                                  cortex-m0/m0plus/m1      thumbv6m-none-eabi
#                                  cortex-m3                thumbv7m-none-eabi
#                                  cortex-m4/m7             thumbv7em-none-eabi[hf]
#                                  cortex-m23               thumbv8m.base-none-eabi
#                                  cortex-m33/m35p/m55      thumbv8m.main-none-eabi[hf]
#                                ("hf" with -mfloat-abi=hard); a native build
#                                passes no --target. Install the Rust target
#                                first: rustup target add <triple>.
#   CORE_PKCS11_CARGO_FEATURES   Cargo features (comma or semicolon separated).
#                                When set, the build uses
#                                --no-default-features --features <list>
#                                (mechanism features: "ecdsa", "rsa"; default
#                                both), e.g. -DCORE_PKCS11_CARGO_FEATURES=ecdsa.
#                                Bare-metal targets (thumbv*-none-*) are detected
#                                by the library itself: no feature is needed.
#   CORE_PKCS11_CARGO_PROFILE    Cargo profile. Default: "device" (size) for
#                                bare-metal targets, "release" (speed) else.
#   CORE_PKCS11_SHA2_COMPACT     ON (default for bare-metal targets, those with
#                                "-none-" in the triple): build the sha2 crate's
#                                compact software SHA-256 (one loop instead of
#                                64 unrolled rounds: about 6 KB less flash,
#                                slower hashing) wherever a device build links
#                                it. (The library itself hashes with its own
#                                compact SHA-256 on bare-metal targets; sha2
#                                remains in Rust code linked next to it, like
#                                the TLS demo's.) Hosts keep sha2's fastest
#                                backend (SHA-NI where the CPU has it); the
#                                option has no effect on a native build.
#                                sha2 selects the backend with a cfg,
#                                --cfg sha2_backend_soft="compact", which only
#                                rustflags can set. The cargo run gets it in
#                                CARGO_TARGET_<TRIPLE>_RUSTFLAGS (the triple in
#                                upper case, "-" and "." as "_"), appended to
#                                that variable's value at configure time, so
#                                only the cross build sees it (build scripts
#                                and proc macros are compiled for the host
#                                without it) and a user's target rustflags are
#                                kept. Cargo's precedence decides the rest: a
#                                RUSTFLAGS or CARGO_ENCODED_RUSTFLAGS in the
#                                build's environment replaces all target
#                                rustflags (add the cfg there yourself), and
#                                target rustflags replace build.rustflags of a
#                                .cargo/config.toml (set OFF, or move them to
#                                target.<triple>.rustflags).
#   CORE_PKCS11_CARGO            The cargo executable (found on PATH or in
#                                ~/.cargo/bin by default).
#   CORE_PKCS11_CARGO_TARGET_DIR Cargo's target directory. Default: target/ at
#                                the repository root (shared with plain cargo
#                                builds, so incremental).
#   CORE_PKCS11_CARGO_ARGS       Extra arguments for `cargo build`.
#
# Functions (see their definition below):
#
#   core_pkcs11_add_cargo_library(<name> <features> <cargo target dir>)
#                                Another imported libcore_pkcs11.a built the
#                                same way with other cargo features.
#
# Variables set for the includer:
#
#   CORE_PKCS11_ROOT_DIR            The repository root.
#   CORE_PKCS11_INCLUDE_DIR         <root>/include (public headers).
#   CORE_PKCS11_LIBRARY             Full path of the built static library.
#   CORE_PKCS11_RUST_TARGET_TRIPLE  The triple used ("" for a native build).
#   PKCS_SOURCES                    Empty: the implementation is in the library.
#   PKCS_INCLUDE_PUBLIC_DIRS        include/ and CORE_PKCS11_CONFIG_DIR.
#   PKCS_PAL_POSIX_SOURCES          Empty: the library has its own stores.
#   PKCS_PAL_WINDOWS_SOURCES        Empty: the library has its own stores.
#   PKCS_PAL_INCLUDE_PUBLIC_DIRS    include/ (core_pkcs11_pal.h, for PAL ports).
#
# Rebuilds: the cargo step runs on every build of a consumer (it is an
# always-out-of-date custom target). Cargo itself decides what to rebuild, so a
# change to the Rust sources or to the configuration header is picked up, and a
# build with nothing changed costs one cargo no-op.

if(CMAKE_VERSION VERSION_LESS 3.13)
    message(FATAL_ERROR "core_pkcs11.cmake needs CMake 3.13 or newer (this is ${CMAKE_VERSION})")
endif()

include_guard(GLOBAL)

# ---------------------------------------------------------------------------
# Locations
# ---------------------------------------------------------------------------

get_filename_component(CORE_PKCS11_ROOT_DIR "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set(CORE_PKCS11_INCLUDE_DIR "${CORE_PKCS11_ROOT_DIR}/include")

# A normal variable set before include() wins; otherwise use (or create) the
# cache entry. (Checking DEFINED avoids set(CACHE) hiding a normal variable.)
macro(_core_pkcs11_option name default type doc)
    if(NOT DEFINED ${name})
        set(${name} "${default}" CACHE ${type} "${doc}")
    endif()
endmacro()

_core_pkcs11_option(CORE_PKCS11_CONFIG_DIR "" PATH
    "Directory containing the application's core_pkcs11_config.h")
_core_pkcs11_option(CORE_PKCS11_RUST_TARGET "" STRING
    "Rust target triple for libcore_pkcs11 (empty: derive from the toolchain)")
_core_pkcs11_option(CORE_PKCS11_CARGO_FEATURES "" STRING
    "Cargo features for core-pkcs11 (set: --no-default-features --features ...)")
_core_pkcs11_option(CORE_PKCS11_CARGO_TARGET_DIR "${CORE_PKCS11_ROOT_DIR}/target" PATH
    "Cargo target directory used to build libcore_pkcs11")
_core_pkcs11_option(CORE_PKCS11_CARGO_ARGS "" STRING
    "Extra arguments passed to cargo build")

if(NOT DEFINED CORE_PKCS11_CARGO)
    find_program(CORE_PKCS11_CARGO cargo
        HINTS "$ENV{CARGO_HOME}/bin" "$ENV{HOME}/.cargo/bin"
        DOC "cargo executable used to build libcore_pkcs11")
endif()
if(NOT CORE_PKCS11_CARGO)
    message(FATAL_ERROR
        "core_pkcs11: cargo not found. Install Rust (https://rustup.rs) or set CORE_PKCS11_CARGO.")
endif()

# ---------------------------------------------------------------------------
# Configuration directory
# ---------------------------------------------------------------------------

set(_core_pkcs11_config_dir "")
if(NOT "${CORE_PKCS11_CONFIG_DIR}" STREQUAL "")
    get_filename_component(_core_pkcs11_config_dir "${CORE_PKCS11_CONFIG_DIR}" ABSOLUTE
        BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    if(NOT EXISTS "${_core_pkcs11_config_dir}/core_pkcs11_config.h")
        message(FATAL_ERROR
            "core_pkcs11: CORE_PKCS11_CONFIG_DIR=${_core_pkcs11_config_dir} has no core_pkcs11_config.h")
    endif()
else()
    message(STATUS "core_pkcs11: CORE_PKCS11_CONFIG_DIR not set; the library uses its default configuration")
endif()

# ---------------------------------------------------------------------------
# Rust target triple
# ---------------------------------------------------------------------------

function(_core_pkcs11_detect_triple out_var)
    string(TOLOWER "${CMAKE_SYSTEM_PROCESSOR} ${CMAKE_C_FLAGS} ${CMAKE_CXX_FLAGS} ${CMAKE_ASM_FLAGS}" _flags)

    set(_hard_float FALSE)
    if(_flags MATCHES "-mfloat-abi=hard")
        set(_hard_float TRUE)
    endif()

    set(_triple "")
    if(_flags MATCHES "cortex-m0plus|cortex-m0\\+|cortex-m0|cortex-m1([^0-9]|$)|armv6-?m")
        set(_triple "thumbv6m-none-eabi")
    elseif(_flags MATCHES "cortex-m3([^0-9]|$)|armv7-?m([^a-z]|$)")
        set(_triple "thumbv7m-none-eabi")
    elseif(_flags MATCHES "cortex-m4|cortex-m7|armv7e-?m")
        if(_hard_float)
            set(_triple "thumbv7em-none-eabihf")
        else()
            set(_triple "thumbv7em-none-eabi")
        endif()
    elseif(_flags MATCHES "cortex-m23|armv8-?m\\.base")
        set(_triple "thumbv8m.base-none-eabi")
    elseif(_flags MATCHES "cortex-m33|cortex-m35p|cortex-m55|cortex-m85|armv8-?m\\.main|armv8\\.1-?m\\.main")
        if(_hard_float)
            set(_triple "thumbv8m.main-none-eabihf")
        else()
            set(_triple "thumbv8m.main-none-eabi")
        endif()
    elseif(CMAKE_CROSSCOMPILING)
        message(FATAL_ERROR
            "core_pkcs11: cannot derive a Rust target from CMAKE_SYSTEM_PROCESSOR="
            "'${CMAKE_SYSTEM_PROCESSOR}' and CMAKE_C_FLAGS='${CMAKE_C_FLAGS}'. "
            "Set CORE_PKCS11_RUST_TARGET to the Rust target triple.")
    endif()

    set(${out_var} "${_triple}" PARENT_SCOPE)
endfunction()

if(NOT "${CORE_PKCS11_RUST_TARGET}" STREQUAL "")
    set(CORE_PKCS11_RUST_TARGET_TRIPLE "${CORE_PKCS11_RUST_TARGET}")
else()
    _core_pkcs11_detect_triple(CORE_PKCS11_RUST_TARGET_TRIPLE)
endif()

# ---------------------------------------------------------------------------
# The cargo build step
# ---------------------------------------------------------------------------

# Cargo profile: "device" (optimised for size) for bare-metal targets, "release"
# (optimised for speed) otherwise; CORE_PKCS11_CARGO_PROFILE overrides.
if(NOT "${CORE_PKCS11_CARGO_PROFILE}" STREQUAL "")
    set(_core_pkcs11_profile "${CORE_PKCS11_CARGO_PROFILE}")
elseif(CORE_PKCS11_RUST_TARGET_TRIPLE MATCHES "-none-")
    set(_core_pkcs11_profile device)
else()
    set(_core_pkcs11_profile release)
endif()

# The environment of every cargo run. The configuration directory is always
# passed (empty when unset) so that cargo sees the change when it is removed.
set(_core_pkcs11_env "CORE_PKCS11_CONFIG_DIR=${_core_pkcs11_config_dir}")

# sha2's compact SHA-256 on bare-metal targets (CORE_PKCS11_SHA2_COMPACT above).
if(CORE_PKCS11_RUST_TARGET_TRIPLE MATCHES "-none-")
    _core_pkcs11_option(CORE_PKCS11_SHA2_COMPACT ON BOOL
        "Build sha2's compact software SHA-256 (smaller, slower) for the bare-metal target")
else()
    _core_pkcs11_option(CORE_PKCS11_SHA2_COMPACT OFF BOOL
        "Build sha2's compact software SHA-256 (smaller, slower) for the bare-metal target")
endif()
if(CORE_PKCS11_SHA2_COMPACT AND NOT "${CORE_PKCS11_RUST_TARGET_TRIPLE}" STREQUAL "")
    string(TOUPPER "${CORE_PKCS11_RUST_TARGET_TRIPLE}" _core_pkcs11_triple_var)
    string(REGEX REPLACE "[-.]" "_" _core_pkcs11_triple_var "${_core_pkcs11_triple_var}")
    set(_core_pkcs11_triple_var "CARGO_TARGET_${_core_pkcs11_triple_var}_RUSTFLAGS")
    set(_core_pkcs11_rustflags "$ENV{${_core_pkcs11_triple_var}} --cfg sha2_backend_soft=\"compact\"")
    string(STRIP "${_core_pkcs11_rustflags}" _core_pkcs11_rustflags)
    list(APPEND _core_pkcs11_env "${_core_pkcs11_triple_var}=${_core_pkcs11_rustflags}")
    if(DEFINED ENV{RUSTFLAGS} OR DEFINED ENV{CARGO_ENCODED_RUSTFLAGS})
        message(WARNING "core_pkcs11: RUSTFLAGS (or CARGO_ENCODED_RUSTFLAGS) is set, so cargo ignores "
            "${_core_pkcs11_triple_var} and sha2's compact SHA-256 is not selected: "
            "add --cfg sha2_backend_soft=\"compact\" to it for the smaller build")
    endif()
    unset(_core_pkcs11_triple_var)
    unset(_core_pkcs11_rustflags)
endif()

# core_pkcs11_add_cargo_library(<name> <features> <cargo target dir>)
#
# Defines the IMPORTED static library <name>, built by the custom target
# <name>_cargo_build with the same cargo, triple, profile, configuration and
# environment as core_pkcs11, with the cargo features <features> ("": the
# default features; else --no-default-features --features <features>) in the
# cargo target directory <cargo target dir>. Sets <name>_LIBRARY in the
# caller's scope. Two feature sets need two target directories (cargo writes
# the archive to the same path for both). The target has core_pkcs11's
# include directories and native libraries. The FreeRTOS demo links a second
# image with an ECDSA-only library this way to measure it.
function(core_pkcs11_add_cargo_library name features target_dir)
    # `cargo rustc --crate-type staticlib`: only the archive CMake links. A plain `cargo build`
    # would also make the shared library (rust/lib is staticlib + cdylib), which a bare-metal
    # target cannot link and cargo drops with a warning in every build.
    set(_cmd
        "${CORE_PKCS11_CARGO}" rustc --lib --crate-type staticlib
        --profile "${_core_pkcs11_profile}" -p core-pkcs11
        --manifest-path "${CORE_PKCS11_ROOT_DIR}/Cargo.toml"
        --target-dir "${target_dir}")

    set(_out_dir "${target_dir}/${_core_pkcs11_profile}")
    if(NOT "${CORE_PKCS11_RUST_TARGET_TRIPLE}" STREQUAL "")
        list(APPEND _cmd --target "${CORE_PKCS11_RUST_TARGET_TRIPLE}")
        set(_out_dir "${target_dir}/${CORE_PKCS11_RUST_TARGET_TRIPLE}/${_core_pkcs11_profile}")
    endif()

    if(NOT "${features}" STREQUAL "")
        string(REPLACE ";" "," _features "${features}")
        string(REPLACE " " "" _features "${_features}")
        list(APPEND _cmd --no-default-features --features "${_features}")
    endif()

    if(NOT "${CORE_PKCS11_CARGO_ARGS}" STREQUAL "")
        separate_arguments(_extra_args UNIX_COMMAND "${CORE_PKCS11_CARGO_ARGS}")
        list(APPEND _cmd ${_extra_args})
    endif()

    # MSVC-style hosts get core_pkcs11.lib, everything else libcore_pkcs11.a.
    if(MSVC AND "${CORE_PKCS11_RUST_TARGET_TRIPLE}" STREQUAL "")
        set(_library "${_out_dir}/core_pkcs11.lib")
    else()
        set(_library "${_out_dir}/libcore_pkcs11.a")
    endif()

    add_custom_target(${name}_cargo_build
        COMMAND "${CMAKE_COMMAND}" -E env ${_core_pkcs11_env} ${_cmd}
        WORKING_DIRECTORY "${CORE_PKCS11_ROOT_DIR}"
        BYPRODUCTS "${_library}"
        COMMENT "Building libcore_pkcs11 (${name}) with cargo (${CORE_PKCS11_RUST_TARGET_TRIPLE})"
        USES_TERMINAL
        VERBATIM)

    add_library(${name} STATIC IMPORTED GLOBAL)
    set_target_properties(${name} PROPERTIES
        IMPORTED_LOCATION "${_library}"
        IMPORTED_LINK_INTERFACE_LANGUAGES "C"
        INTERFACE_INCLUDE_DIRECTORIES "${PKCS_INCLUDE_PUBLIC_DIRS}"
        INTERFACE_LINK_LIBRARIES "${_core_pkcs11_native_libs}")
    add_dependencies(${name} ${name}_cargo_build)
    set(${name}_LIBRARY "${_library}" PARENT_SCOPE)
endfunction()

# ---------------------------------------------------------------------------
# The imported library
# ---------------------------------------------------------------------------

set(PKCS_INCLUDE_PUBLIC_DIRS "${CORE_PKCS11_INCLUDE_DIR}")
if(NOT "${_core_pkcs11_config_dir}" STREQUAL "")
    list(APPEND PKCS_INCLUDE_PUBLIC_DIRS "${_core_pkcs11_config_dir}")
endif()

# Native libraries the Rust standard library needs when linked into a host
# program (cross builds for bare-metal targets need none).
set(_core_pkcs11_native_libs "")
if("${CORE_PKCS11_RUST_TARGET_TRIPLE}" STREQUAL "")
    if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
        set(_core_pkcs11_native_libs pthread dl m)
    elseif(APPLE)
        set(_core_pkcs11_native_libs "-framework Security" "-framework CoreFoundation" m)
    elseif(WIN32)
        set(_core_pkcs11_native_libs ws2_32 userenv bcrypt ntdll advapi32 kernel32)
    endif()
endif()

core_pkcs11_add_cargo_library(core_pkcs11 "${CORE_PKCS11_CARGO_FEATURES}" "${CORE_PKCS11_CARGO_TARGET_DIR}")
set(CORE_PKCS11_LIBRARY "${core_pkcs11_LIBRARY}")
add_library(core_pkcs11::core_pkcs11 ALIAS core_pkcs11)

# ---------------------------------------------------------------------------
# Variables of corePKCS11's pkcsFilePaths.cmake
# ---------------------------------------------------------------------------

# corePKCS11 library sources: none, they are compiled into the library.
set(PKCS_SOURCES "")

# Public include directories: headers plus the application's configuration.
# (PKCS_INCLUDE_PUBLIC_DIRS is set above.)

# PAL sources of the reference's POSIX and Windows ports: none, the library
# ships its own object stores. A vendor PAL port is still compiled by the
# application against core_pkcs11_pal.h.
set(PKCS_PAL_POSIX_SOURCES "")
set(PKCS_PAL_WINDOWS_SOURCES "")

# Where the PAL interface header lives.
set(PKCS_PAL_INCLUDE_PUBLIC_DIRS "${CORE_PKCS11_INCLUDE_DIR}")

message(STATUS "core_pkcs11: library ${CORE_PKCS11_LIBRARY}")
if(NOT "${CORE_PKCS11_RUST_TARGET_TRIPLE}" STREQUAL "")
    message(STATUS "core_pkcs11: Rust target ${CORE_PKCS11_RUST_TARGET_TRIPLE}")
endif()

# (_core_pkcs11_profile, _core_pkcs11_env and _core_pkcs11_native_libs stay
# set: core_pkcs11_add_cargo_library() reads them when called later.)
