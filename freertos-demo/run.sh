#!/usr/bin/env bash
# core-pkcs11 FreeRTOS demo: build the firmware and run it in QEMU
# (mps2-an385, Cortex-M3).
#
# SPDX-License-Identifier: MIT
# Copyright (c) the core-pkcs11 authors.
#
# Usage: freertos-demo/run.sh [command...]
#   build   configure and build (cargo for the library, CMake for the rest)
#   test    run pkcs11_test; fails unless it exits 0 with "N passed, 0 failed"
#   demo    boot 1 and boot 2 of provision_demo on a fresh image in a temp dir
#   bench   run bench under -icount shift=0 (instruction counts)
#   size    print the size report (size-report.sh): every image, and
#           core-pkcs11's flash in provision_demo (default features),
#           provision_demo_ecdsa_rsa (cargo features "ecdsa,rsa") and
#           provision_demo_ecdsa (cargo features "ecdsa" only)
#   all     build test demo bench size (the default)
#   tls-import      TLS flow 1: key and certificate made on the host, imported,
#                   the device connects to a local mosquitto and publishes
#   tls-device-key  TLS flow 2 (the TLS demo): key generated in the token,
#                   PKCS #10 request signed with C_Sign, CA-signed
#                   certificate imported, connect and publish twice
#   tls-test        both TLS flows, the negative and audit tests
#                   (freertos-demo/tls/run.sh; "N passed, M failed")
#   tls-size        flash and RAM of the TLS firmware by component
#
# Environment:
#   FREERTOS_DEMO_BUILD_DIR  build directory (default <repo>/target/freertos-demo-build)
#   QEMU_TIMEOUT             seconds per QEMU run before it counts as hung (300)
#   REQUIRE_PERSISTENCE      1: fail the demo when the firmware was built
#                            without persistence (default: report and go on)
#   CMAKE_ARGS               extra cmake configure arguments
#
# Each QEMU run has the UART on stdout and semihosting for the exit code,
# entropy (/dev/urandom) and the token's image file; its log is kept in
# <build dir>/logs/.

set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "${script_dir}/.." && pwd)"
build_dir="${FREERTOS_DEMO_BUILD_DIR:-${repo_root}/target/freertos-demo-build}"
log_dir="${build_dir}/logs"
qemu_timeout="${QEMU_TIMEOUT:-300}"

fail() {
    echo "freertos-demo/run.sh: FAILED: $*" >&2
    exit 1
}

step() { printf '\n== %s\n' "$*"; }

# ---------------------------------------------------------------------------
# Tools
# ---------------------------------------------------------------------------

need_tools() {
    local missing=()
    command -v cmake >/dev/null 2>&1 || missing+=(cmake)
    command -v arm-none-eabi-gcc >/dev/null 2>&1 || missing+=(gcc-arm-none-eabi libnewlib-arm-none-eabi)
    command -v qemu-system-arm >/dev/null 2>&1 || missing+=(qemu-system-arm)
    if [ "${#missing[@]}" -gt 0 ]; then
        if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
            echo "installing: ${missing[*]}"
            apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
        else
            fail "missing tools; install: apt-get install --no-install-recommends ${missing[*]}"
        fi
    fi
    if command -v rustup >/dev/null 2>&1 && ! rustup target list --installed 2>/dev/null | grep -qx thumbv7m-none-eabi; then
        rustup target add thumbv7m-none-eabi
    fi
}

# ---------------------------------------------------------------------------
# QEMU
# ---------------------------------------------------------------------------

# run_qemu <image name> <working dir> <token image path> <log file>
# Runs <build dir>/<image name>.elf; returns its exit code (124: timed out).
run_qemu() {
    local name="$1" workdir="$2" token_image="$3" log="$4"
    local elf="${build_dir}/${name}.elf"
    local rc=0

    [ -f "${elf}" ] || fail "${elf} not built (run: $0 build)"
    # QEMU's option parser needs commas doubled.
    local arg_image="${token_image//,/,,}"

    echo "\$ qemu-system-arm -M mps2-an385 ... -kernel ${name}.elf   (log: ${log})"
    (
        cd "${workdir}"
        timeout --foreground -k 10 "${qemu_timeout}" \
            qemu-system-arm -M mps2-an385 -cpu cortex-m3 \
                -display none -monitor none -serial stdio \
                -semihosting-config "enable=on,target=native,arg=${name},arg=${arg_image}" \
                -icount shift=0 \
                -kernel "${elf}" </dev/null
    ) >"${log}" 2>&1 || rc=$?
    sed 's/^/  | /' "${log}"
    if [ "${rc}" = "124" ] || [ "${rc}" = "137" ]; then
        echo "  ${name}: TIMED OUT after ${qemu_timeout} s (hung firmware)"
    else
        echo "  ${name}: exit code ${rc}"
    fi
    return "${rc}"
}

# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------

cmd_build() {
    step "build (${build_dir})"
    need_tools
    # shellcheck disable=SC2086
    cmake -S "${script_dir}" -B "${build_dir}" \
        -DCMAKE_TOOLCHAIN_FILE="${script_dir}/cmake/arm-none-eabi-cortex-m3.cmake" \
        ${CMAKE_ARGS:-} || fail "cmake configure"
    cmake --build "${build_dir}" --parallel || fail "build"
    mkdir -p "${log_dir}"
    check_port_symbols
}

# The FreeRTOS port's mutex hooks must be the ones linked, not the library's
# weak single-caller defaults: nm says T (strong) rather than W (weak).
check_port_symbols() {
    local nm="${ARM_NONE_EABI_PREFIX:-arm-none-eabi-}nm" image hook symbols
    local images=(pkcs11_test provision_demo bench)
    [ -f "${build_dir}/provision_demo_ecdsa.elf" ] && images+=(provision_demo_ecdsa)
    [ -f "${build_dir}/tls_client.elf" ] && images+=(tls_client tls_client_audit)
    for image in "${images[@]}"; do
        symbols="$("${nm}" "${build_dir}/${image}.elf")"
        for hook in pvCorePkcs11MutexCreate vCorePkcs11MutexLock vCorePkcs11MutexUnlock vCorePkcs11MutexDestroy mbedtls_hardware_poll; do
            grep -q " T ${hook}\$" <<<"${symbols}" \
                || fail "${image}.elf: ${hook} is not a strong definition (port/freertos or port/qemu-mps2 not linked)"
        done
        grep -A1 "^ \.text\.pvCorePkcs11MutexCreate" "${build_dir}/${image}.map" | grep -c "core_pkcs11_freertos.c" >/dev/null \
            || fail "${image}.map: pvCorePkcs11MutexCreate does not come from port/freertos/core_pkcs11_freertos.c"
    done
    echo "port check: the mutex hooks in every image are port/freertos's strong definitions (arm-none-eabi-nm: T)"
}

cmd_test() {
    step "pkcs11_test: the token's functional checks on the Cortex-M3"
    local work rc=0
    mkdir -p "${log_dir}"
    work="$(mktemp -d "${TMPDIR:-/tmp}/core-pkcs11-test.XXXXXX")"
    run_qemu pkcs11_test "${work}" "${work}/token.img" "${log_dir}/pkcs11_test.log" || rc=$?
    rm -rf "${work}"
    local last
    last="$(tr -d '\r' <"${log_dir}/pkcs11_test.log" | tail -n 1)"
    [ "${rc}" = "0" ] || fail "pkcs11_test exited with ${rc} (last line: ${last})"
    [[ "${last}" =~ ^[0-9]+\ passed,\ 0\ failed$ ]] || fail "pkcs11_test: last line is '${last}'"
    echo "pkcs11_test: ${last}"
}

# The public key lines printed after "public key CKA_EC_POINT".
public_key_of() {
    tr -d '\r' <"$1" | awk '/^public key CKA_EC_POINT/ { on = 1; next } on && /^  [0-9a-f]+$/ { printf "%s", $1; next } on { exit }'
}

cmd_demo() {
    step "provision_demo: boot 1 and boot 2 on a fresh image"
    local work rc=0 log1="${log_dir}/provision_demo.boot1.log" log2="${log_dir}/provision_demo.boot2.log"
    mkdir -p "${log_dir}"
    work="$(mktemp -d "${TMPDIR:-/tmp}/core-pkcs11-demo.XXXXXX")"
    local image="${work}/token.img"

    echo "-- boot 1 (image ${image} does not exist yet)"
    run_qemu provision_demo "${work}" "${image}" "${log1}" || rc=$?
    [ "${rc}" = "0" ] || { rm -rf "${work}"; fail "provision_demo boot 1 exited with ${rc}"; }
    grep -q "provision: state EMPTY" "${log1}" || { rm -rf "${work}"; fail "boot 1 did not start from an empty token"; }
    grep -q "provision: boot 1 done: provisioned" "${log1}" || { rm -rf "${work}"; fail "boot 1 did not finish provisioning"; }

    echo "-- boot 2 (same image)"
    run_qemu provision_demo "${work}" "${image}" "${log2}" || rc=$?
    rm -rf "${work}"
    [ "${rc}" = "0" ] || fail "provision_demo boot 2 exited with ${rc}"

    if grep -q "^storage: none" "${log1}"; then
        echo
        echo "NOTE: this firmware runs without persistence (CORE_PKCS11_DEMO_PERSISTENCE=OFF,"
        echo "      or the library linked has no xCorePkcs11SetBlockDevice): token objects"
        echo "      live in RAM, so boot 2 provisioned again. Persistence across boots is"
        echo "      NOT verified."
        if [ "${REQUIRE_PERSISTENCE:-0}" = "1" ]; then
            fail "REQUIRE_PERSISTENCE=1 and the firmware has no persistence"
        fi
        echo "provision_demo: boot 1 OK, boot 2 OK (without persistence)"
        return 0
    fi

    grep -q "provision: state PROVISIONED" "${log2}" || fail "boot 2 did not find the objects provisioned by boot 1"
    grep -q "provision: boot 2 done: used the persisted objects, nothing provisioned" "${log2}" || fail "boot 2 did not finish"
    grep -q "C_GenerateKeyPair\|C_CreateObject" "${log2}" && fail "boot 2 provisioned again"
    local key1 key2
    key1="$(public_key_of "${log1}")"
    key2="$(public_key_of "${log2}")"
    [ -n "${key1}" ] && [ "${key1}" = "${key2}" ] || fail "boot 2's public key differs from boot 1's"
    echo "provision_demo: boot 1 provisioned, boot 2 found the same key pair and certificates, signed and verified"
}

cmd_bench() {
    step "bench: instructions per operation (-icount shift=0)"
    local work rc=0
    mkdir -p "${log_dir}"
    work="$(mktemp -d "${TMPDIR:-/tmp}/core-pkcs11-bench.XXXXXX")"
    run_qemu bench "${work}" "${work}/token.img" "${log_dir}/bench.log" || rc=$?
    rm -rf "${work}"
    [ "${rc}" = "0" ] || fail "bench exited with ${rc}"
}

cmd_size() {
    step "size"
    bash "${script_dir}/size-report.sh" "${build_dir}"
}

commands=("$@")
[ "${#commands[@]}" -gt 0 ] || commands=(all)

for c in "${commands[@]}"; do
    case "${c}" in
        build) cmd_build ;;
        test) cmd_test ;;
        demo) cmd_demo ;;
        bench) cmd_bench ;;
        size) cmd_size ;;
        all) cmd_build; cmd_test; cmd_demo; cmd_bench; cmd_size ;;
        tls-import) step "TLS flow 1 (import)"; bash "${script_dir}/tls/run.sh" import || fail "tls-import" ;;
        tls-device-key) step "TLS flow 2 (on-device key)"; bash "${script_dir}/tls/run.sh" device-key || fail "tls-device-key" ;;
        tls-test) step "TLS tests"; bash "${script_dir}/tls/run.sh" test || fail "tls-test" ;;
        tls-size) bash "${script_dir}/tls/run.sh" size ;;
        -h|--help|help) sed -n '2,35p' "$0"; exit 0 ;;
        *) fail "unknown command '${c}' (build, test, demo, bench, size, all, tls-import, tls-device-key, tls-test, tls-size)" ;;
    esac
done

echo
echo "freertos-demo/run.sh: ${commands[*]}: OK"
