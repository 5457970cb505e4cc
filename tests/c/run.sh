#!/usr/bin/env bash
# core-pkcs11: configure, build and run the C drop-in test with CMake/ctest.
#
# SPDX-License-Identifier: MIT
# Copyright (c) the core-pkcs11 authors.
#
# Usage: tests/c/run.sh [extra cmake configure arguments...]
# Works from any directory. Builds in <repo>/target/ctest-build (override with
# CORE_PKCS11_CTEST_BUILD_DIR). Exits non-zero on any configure, build or test
# failure.

set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "${script_dir}/../.." && pwd)"
build_dir="${CORE_PKCS11_CTEST_BUILD_DIR:-${repo_root}/target/ctest-build}"

fail() {
    echo "tests/c/run.sh: FAILED: $*" >&2
    exit 1
}

command -v cmake >/dev/null 2>&1 || fail "cmake not found (apt-get install cmake)"
command -v ctest >/dev/null 2>&1 || fail "ctest not found (apt-get install cmake)"

generator_args=()
if command -v ninja >/dev/null 2>&1 && [ ! -f "${build_dir}/CMakeCache.txt" ]; then
    generator_args=(-G Ninja)
fi

echo "== configure (${build_dir})"
cmake -S "${script_dir}" -B "${build_dir}" ${generator_args[@]+"${generator_args[@]}"} -DCMAKE_BUILD_TYPE=Release "$@" \
    || fail "cmake configure"

echo "== build"
cmake --build "${build_dir}" --parallel || fail "build (cargo or C compile/link)"

echo "== test"
(cd "${build_dir}" && ctest --output-on-failure) || fail "ctest"

pal_build_dir="${CORE_PKCS11_CTEST_PAL_BUILD_DIR:-${repo_root}/target/ctest-pal-build}"
echo "== vendor PAL store: configure, build, test (${pal_build_dir})"
cmake -S "${script_dir}/pal" -B "${pal_build_dir}" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null \
    || fail "cmake configure (pal)"
cmake --build "${pal_build_dir}" --parallel || fail "build (pal)"
(cd "${pal_build_dir}" && ctest --output-on-failure) || fail "ctest (pal)"

echo "tests/c/run.sh: all C drop-in tests passed"
