#!/usr/bin/env bash
# Runs every test of core-pkcs11: formatting, lints, Rust unit and C-ABI integration
# tests, the Cortex-M3 and feature-subset builds, and the C drop-in tests under ctest.
# Exits non-zero at the first failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n== %s\n' "$*"; }

step "dependencies"
bash scripts/install-deps.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (host, all targets)"
cargo clippy --workspace --all-targets -- -D warnings

step "cargo clippy (Cortex-M3)"
cargo clippy -p core-pkcs11 --profile device --target thumbv7m-none-eabi -- -D warnings

step "feature subsets: lint-clean; engine tests (unit tests only for RSA without ECDSA: the token tests generate EC keys)"
cargo clippy -q -p core-pkcs11-engine --all-targets --no-default-features --features ecdsa -- -D warnings
cargo clippy -q -p core-pkcs11-engine --all-targets --no-default-features --features rsa -- -D warnings
cargo clippy -q -p core-pkcs11 --profile device --target thumbv7m-none-eabi --no-default-features --features ecdsa -- -D warnings
cargo clippy -q -p core-pkcs11-ffi --all-targets --features pal -- -D warnings
cargo test -q -p core-pkcs11-engine --no-default-features --features ecdsa
cargo test -q -p core-pkcs11-engine --lib --no-default-features --features rsa
cargo build -q -p core-pkcs11 --profile device --target thumbv7m-none-eabi --no-default-features --features ecdsa

step "Cortex-M3 static library"
cargo build -p core-pkcs11 --profile device --target thumbv7m-none-eabi
test -s target/thumbv7m-none-eabi/device/libcore_pkcs11.a

step "cargo test (workspace)"
cargo test --workspace

step "engine unit tests with the 32-bit RSA limbs and P-256 field of Cortex-M targets (on the host)"
RUSTFLAGS="--cfg core_pkcs11_limb32" CARGO_TARGET_DIR=target/limb32 \
    cargo test -p core-pkcs11-engine --lib

step "host benchmark, a few iterations (proves it runs; no timing is asserted)"
bash scripts/bench/host.sh --quick

step "FreeRTOS firmware on QEMU mps2-an385: functional test, both boots, TLS flows, bench, size"
REQUIRE_PERSISTENCE=1 bash freertos-demo/run.sh build test demo tls-test bench size

step "Cortex-M3 results next to the C reference (scripts/bench/device_report.py; judges nothing)"
bash freertos-demo/size-report.sh >target/freertos-demo-build/size-report.txt
mkdir -p target/bench
python3 scripts/bench/device_report.py target/freertos-demo-build/logs/bench.log \
    target/freertos-demo-build/size-report.txt target/bench --no-chart
cat target/bench/device.md

step "core-pkcs11-tool and the standard PKCS #11 consumers (tests/consumers)"
bash tests/consumers/run.sh

step "C drop-in tests (CMake + ctest)"
bash tests/c/run.sh
