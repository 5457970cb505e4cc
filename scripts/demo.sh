#!/usr/bin/env bash
# End-to-end demo: builds the library for the Cortex-M3 and the FreeRTOS firmware for QEMU's
# mps2-an385 board, then boots it twice on a fresh flash image (a host file):
#   boot 1 provisions the device through core_pkcs11.h (key pair generated on the device,
#          device and root certificates imported) and prints the public key;
#   boot 2 finds the persisted objects by label and class, signs with C_Sign and verifies
#          with C_Verify, provisioning nothing.
# Then TLS client authentication with the key in the token (flow 2 of freertos-demo/tls):
# the device generates its key, has a local CA sign its CSR (made with C_Sign), and connects
# with TLS 1.3 to a local mosquitto, the CertificateVerify signed by C_Sign; a subscriber on
# the host shows the message the device published.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-deps.sh
REQUIRE_PERSISTENCE=1 bash freertos-demo/run.sh build demo tls-device-key
