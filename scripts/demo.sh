#!/usr/bin/env bash
# End-to-end example: a C application written against core_pkcs11.h only is built with
# CMake against libcore_pkcs11.a and run. It provisions a P-256 key pair and a
# certificate, finds them by label and class with the corePKCS11 wrappers, hashes,
# signs and verifies, and checks the PKI helpers.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-deps.sh
bash tests/c/run.sh >/dev/null
echo "== running the drop-in application (tests/c/drop_in_test.c)"
cd target/ctest-build/drop_in_test.work
../drop_in_test
