#!/usr/bin/env bash
# Installs what building and testing core-pkcs11 needs on Debian 12, as root.
# Idempotent: installs only what is missing. Fails loudly.
set -euo pipefail

need_apt=()
command -v cmake >/dev/null || need_apt+=(cmake)
command -v make >/dev/null || need_apt+=(make)
command -v gcc >/dev/null || need_apt+=(gcc libc6-dev)
command -v openssl >/dev/null || need_apt+=(openssl)
command -v arm-none-eabi-gcc >/dev/null || need_apt+=(gcc-arm-none-eabi)
command -v qemu-system-arm >/dev/null || need_apt+=(qemu-system-arm)
command -v mosquitto >/dev/null || need_apt+=(mosquitto)
command -v mosquitto_sub >/dev/null || need_apt+=(mosquitto-clients)
[ -e /usr/lib/arm-none-eabi/newlib/libc.a ] || need_apt+=(libnewlib-arm-none-eabi)
# bindgen (littlefs2-sys) needs libclang, and clang's headers for bare-metal targets.
compgen -G "/usr/lib/llvm-*/lib/libclang.so*" >/dev/null || need_apt+=(libclang-dev)
command -v clang >/dev/null || need_apt+=(clang)

if [ ${#need_apt[@]} -gt 0 ]; then
    echo "install-deps: apt-get install ${need_apt[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${need_apt[@]}"
fi

if ! command -v cargo >/dev/null; then
    echo "install-deps: cargo is missing: this project needs a Rust toolchain (rustup) on PATH" >&2
    exit 1
fi
if command -v rustup >/dev/null; then
    rustup target list --installed | grep -qx thumbv7m-none-eabi || rustup target add thumbv7m-none-eabi
    rustup component list --installed | grep -q '^clippy' || rustup component add clippy
    rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
fi
