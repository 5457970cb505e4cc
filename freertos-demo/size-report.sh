#!/usr/bin/env bash
# core-pkcs11 FreeRTOS demo: flash and static RAM of core-pkcs11 as linked into
# the firmware, from the link maps (and arm-none-eabi-size of each image).
#
# SPDX-License-Identifier: MIT
# Copyright (c) the core-pkcs11 authors.
#
# Usage: freertos-demo/size-report.sh [build dir]
#   (default <repo>/target/freertos-demo-build; run.sh builds it)
#
# For every image, the bytes each component contributes to the output
# sections, summed over the input sections the link map attributes to it:
#   flash = .isr_vector .text .rodata .ARM.ex* .*_array + .data (its load image)
#   RAM   = .data + .bss (static; the FreeRTOS heap, configTOTAL_HEAP_SIZE, is
#           the ucHeap array in the kernel's .bss, the task stacks are in the
#           demo's .bss; newlib's heap and the main stack are listed apart)
# Components: core-pkcs11 (the Rust code and its config shim in
# libcore_pkcs11.a), the littlefs C code and the compiler-builtins also in
# libcore_pkcs11.a (most builtins are shadowed by libgcc), libc/libgcc, the FreeRTOS kernel, port/freertos,
# the board (port/qemu-mps2, startup) and the demo application.

set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "${script_dir}/.." && pwd)"
build_dir="${1:-${FREERTOS_DEMO_BUILD_DIR:-${repo_root}/target/freertos-demo-build}}"
size_tool="${ARM_NONE_EABI_PREFIX:-arm-none-eabi-}size"

if [ ! -f "${build_dir}/pkcs11_test.map" ]; then
    echo "size-report.sh: no link maps in ${build_dir}: build first (freertos-demo/run.sh build)" >&2
    exit 1
fi

# Sums a link map by component and output section; prints one line per
# component: name text rodata data bss.
summarise_map() {
    awk '
    function hex(s,   i, n, c) {
        n = 0
        s = tolower(s)
        sub(/^0x/, "", s)
        for (i = 1; i <= length(s); i++) {
            c = index("0123456789abcdef", substr(s, i, 1))
            if (c == 0) break
            n = n * 16 + (c - 1)
        }
        return n
    }
    function component(file) {
        if (file ~ /libcore_pkcs11\.a\(compiler_builtins/) return "core-pkcs11-builtins"
        if (file ~ /libcore_pkcs11\.a\([^)]*-lfs\.o\)/) return "core-pkcs11-littlefs"
        if (file ~ /libcore_pkcs11\.a/) return "core-pkcs11"
        if (file ~ /lib(c|c_nano|g|g_nano|gcc|m|nosys)\.a|crt[a-z0-9]*\.o/) return "libc+libgcc"
        if (file ~ /freertos_kernel/) return "freertos-kernel"
        if (file ~ /core_pkcs11_freertos_port/) return "port-freertos"
        if (file ~ /demo_board|startup/) return "board+startup"
        if (file ~ /\.obj$|\.o$/) return "demo-app"
        return "other"
    }
    function kind(sec) {
        if (sec == ".text" || sec == ".isr_vector" || sec ~ /^\.ARM\.ex/ || sec ~ /_array$/) return "text"
        if (sec == ".rodata") return "rodata"
        if (sec == ".data") return "data"
        if (sec == ".bss") return "bss"
        return ""
    }
    function add(size, file,   c, k) {
        k = kind(out)
        if (k == "") return
        c = component(file)
        sum[c, k] += hex(size)
        seen[c] = 1
    }
    /^Linker script and memory map/ { inmap = 1; next }
    !inmap { next }
    # An output section: name at column 0.
    /^\.[^ ]+/ { out = $1; pending = ""; next }
    /^[^ .]/ { pending = ""; next }
    # An input section on one line: " .name 0xaddr 0xsize file"
    /^ [^ ]/ && NF >= 4 && $2 ~ /^0x/ && $3 ~ /^0x/ {
        add($3, $4); pending = ""; next
    }
    # An input section whose name is too long: address, size and file follow.
    /^ [^ ]/ && NF == 1 { pending = $1; next }
    pending != "" && /^ +0x[0-9a-f]+ +0x[0-9a-f]+ +[^ ]/ {
        add($2, $3); pending = ""; next
    }
    { pending = "" }
    END {
        for (c in seen) if (sum[c, "text"] + sum[c, "rodata"] + sum[c, "data"] + sum[c, "bss"] > 0) printf "%s %d %d %d %d\n", c, sum[c, "text"], sum[c, "rodata"], sum[c, "data"], sum[c, "bss"]
    }' "$1" | sort
}

print_image() {
    local image="$1"
    local map="${build_dir}/${image}.map"
    local elf="${build_dir}/${image}.elf"

    [ -f "${map}" ] && [ -f "${elf}" ] || return 0

    echo
    echo "== ${image}.elf"
    "${size_tool}" -A "${elf}" | awk '$1 ~ /^\.(isr_vector|text|rodata|ARM|data|bss|newlib_heap|main_stack|init_array|fini_array)/ { printf "   %-14s %8d\n", $1, $2 }'
    "${size_tool}" "${elf}" | sed 's/^/   /'
    printf '   %-22s %9s %9s %7s %9s | %9s %9s\n' component text rodata data bss flash "RAM"
    summarise_map "${map}" | while read -r name text rodata data bss; do
        printf '   %-22s %9d %9d %7d %9d | %9d %9d\n' "${name}" "${text}" "${rodata}" "${data}" "${bss}" \
            $((text + rodata + data)) $((data + bss))
    done
}

echo "core-pkcs11 FreeRTOS demo: size report (${build_dir})"
echo "flash = text + rodata + data; RAM = data + bss (static). Bytes."
for image in pkcs11_test provision_demo provision_demo_ecdsa_rsa provision_demo_ecdsa bench size_baseline; do
    print_image "${image}"
done

# headline <image> <what the library was built with>: core-pkcs11's flash and
# static RAM in <image>, the Rust code alone and with the littlefs C code and
# compiler-builtins of the same archive.
headline() {
    local image="$1" build="$2"
    [ -f "${build_dir}/${image}.map" ] || return 0
    summarise_map "${build_dir}/${image}.map" | awk -v image="${image}" -v build="${build}" '
        $1 == "core-pkcs11" { lib = $2 + $3 + $4 }
        $1 ~ /^core-pkcs11/ { f += $2 + $3 + $4; r += $4 + $5 }
        END {
            printf "%-24s %-30s core-pkcs11 flash %7d bytes (%6.1f KiB); all of libcore_pkcs11.a (+ littlefs, builtins) %7d bytes (%6.1f KiB); static RAM %d bytes\n", image, build, lib, lib / 1024, f, f / 1024, r
        }'
}

# The headline: core-pkcs11 in the provisioning demo (the smallest real use),
# with the default features, with ECDSA + RSA + SHA-256 (no AES-CMAC) and with
# ECDSA + SHA-256 only.
if [ -f "${build_dir}/provision_demo.map" ]; then
    echo
    headline provision_demo "(default: ecdsa, rsa, cmac)"
    headline provision_demo_ecdsa_rsa "(cargo features: ecdsa, rsa)"
    headline provision_demo_ecdsa "(cargo features: ecdsa)"
    base=$("${size_tool}" "${build_dir}/size_baseline.elf" | awk 'NR == 2 { print $1 + $2 }')
    demo=$("${size_tool}" "${build_dir}/provision_demo.elf" | awk 'NR == 2 { print $1 + $2 }')
    echo "provision_demo flash (text+data) ${demo} bytes vs. size_baseline (same kernel, board, printf; no token) ${base} bytes: +$((demo - base)) bytes for core-pkcs11, the port, the demo code and the libc it pulls in"
fi
