#!/usr/bin/env bash
# Token images shared between core-pkcs11-tool and the FreeRTOS firmware (QEMU mps2-an385,
# freertos-demo/ image provision_demo, which takes the token image path as its second
# semihosting argument).
#
# Usage: bash tests/consumers/firmware_images.sh tool-to-firmware|firmware-to-tool
#   tool-to-firmware  the tool provisions a fresh image with the firmware's labels ("Device
#                     Priv TLS Key"/"Device Pub TLS Key" generated, "Device Cert" and
#                     "Root Cert" from rust/engine/tests/data); the firmware boots on it, finds
#                     the four objects (state PROVISIONED), reads the certificates back
#                     unchanged, signs and verifies, and prints the tool's public key.
#   firmware-to-tool  boot 1 of the firmware provisions a fresh image; the tool lists the
#                     four objects, exports the public key the firmware printed and makes a
#                     CSR signed by the firmware's key that openssl verifies.
#
# Uses the firmware in FIRMWARE_BUILD_DIR, else target/freertos-demo-build (what
# freertos-demo/run.sh builds), else builds it into target/consumers/freertos-demo-build. Called by tests/consumers/run.sh (which builds
# the tool into target/consumers); exits non-zero on failure.

set -euo pipefail
# shellcheck source=tests/consumers/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The firmware: FIRMWARE_BUILD_DIR, else the one freertos-demo/run.sh built (scripts/test.sh
# builds it before), else a build of our own.
if [ -n "${FIRMWARE_BUILD_DIR:-}" ]; then
    FW_BUILD="${FIRMWARE_BUILD_DIR}"
elif [ -f "${REPO}/target/freertos-demo-build/provision_demo.elf" ]; then
    FW_BUILD="${REPO}/target/freertos-demo-build"
else
    FW_BUILD="${OUT}/freertos-demo-build"
fi
ELF="${FW_BUILD}/provision_demo.elf"
QEMU_TIMEOUT="${QEMU_TIMEOUT:-300}"
if [ -z "${WORK:-}" ]; then
    WORK="$(mktemp -d "${TMPDIR:-/tmp}/core-pkcs11-fw.XXXXXX")"
    trap 'rm -rf "${WORK}"' EXIT
fi

[ -x "${TOOL}" ] || { echo "${TOOL} is not built (run tests/consumers/run.sh)"; exit 1; }

if [ ! -f "${ELF}" ]; then
    echo "building the firmware into ${FW_BUILD}"
    FREERTOS_DEMO_BUILD_DIR="${FW_BUILD}" bash "${REPO}/freertos-demo/run.sh" build
fi
[ -f "${ELF}" ] || { echo "${ELF} was not built"; exit 1; }

# boot IMAGE LOG: runs provision_demo on the token image IMAGE; returns its exit code.
boot() {
    local image="$1" log="$2" rc=0
    echo "\$ qemu-system-arm -M mps2-an385 ... provision_demo.elf (token image ${image})"
    (
        cd "$(dirname "${image}")"
        timeout --foreground -k 10 "${QEMU_TIMEOUT}" \
            qemu-system-arm -M mps2-an385 -cpu cortex-m3 \
            -display none -monitor none -serial stdio \
            -semihosting-config "enable=on,target=native,arg=provision_demo,arg=${image//,/,,}" \
            -icount shift=0 -kernel "${ELF}" </dev/null
    ) >"${log}" 2>&1 || rc=$?
    tr -d '\r' <"${log}" >"${log}.txt"
    sed 's/^/  | /' "${log}.txt"
    echo "firmware exit code ${rc}"
    return "${rc}"
}

# The public key (hex of CKA_EC_POINT) the firmware printed.
firmware_public_key() {
    awk '/^public key CKA_EC_POINT/ { on = 1; next } on && /^  [0-9a-f]+$/ { printf "%s", $1; next } on { exit }' "$1"
}

tool_to_firmware() {
    fresh_image tool-to-firmware
    local img="${T}/token.img"
    "${TOOL}" --image "${img}" generate --label "Device Priv TLS Key" --public-label "Device Pub TLS Key" \
        --id 01 | tee gen.txt
    "${TOOL}" --image "${img}" import-cert --label "Device Cert" --id 01 "${DATA}/p256_leaf_v1.der"
    "${TOOL}" --image "${img}" import-cert --label "Root Cert" "${DATA}/p256_cert.der"
    "${TOOL}" --image "${img}" list
    boot "${img}" boot.log
    local log=boot.log.txt
    expect "${log}" 'provision: image .* exists' 'the firmware opened the tool-made image'
    expect "${log}" 'provision: state PROVISIONED: found "Device Priv TLS Key", "Device Pub TLS Key", "Device Cert", "Root Cert"' \
        'the firmware found the four objects by label and class'
    expect "${log}" 'read back unchanged' 'the certificates read back as imported'
    expect "${log}" 'C_Sign CKM_ECDSA over SHA-256.*: OK' 'signed with the tool-generated private key'
    expect "${log}" 'C_Verify with "Device Pub TLS Key": signature valid' 'verified with the tool-generated public key'
    expect "${log}" 'provision: boot 2 done: used the persisted objects, nothing provisioned'
    expect_not "${log}" 'C_GenerateKeyPair|C_CreateObject'
    local tool_key fw_key
    tool_key="$(sed -n 's/^public key: //p' gen.txt)"
    fw_key="$(firmware_public_key "${log}")"
    echo "tool:     ${tool_key}"
    echo "firmware: ${fw_key}"
    [ -n "${tool_key}" ] && [ "${fw_key}" = "0441${tool_key}" ] \
        || { echo "the firmware's public key is not the tool's"; return 1; }
    echo "ok: the firmware printed the public key the tool generated"
    # The firmware's use left the image readable by the tool.
    "${TOOL}" --image "${img}" info | tee info.txt
    expect info.txt 'damaged records: 0'
}

firmware_to_tool() {
    fresh_image firmware-to-tool
    local img="${T}/token.img"
    boot "${img}" boot.log
    local log=boot.log.txt
    expect "${log}" 'provision: state EMPTY' 'boot 1 started from an empty image'
    expect "${log}" 'provision: boot 1 done: provisioned'
    "${TOOL}" --image "${img}" list | tee list.txt
    expect list.txt '^private key "Device Priv TLS Key"' 'the tool lists the private key (default PIN)'
    expect list.txt '^public key "Device Pub TLS Key"'
    expect list.txt '^certificate "Device Cert"'
    expect list.txt '^certificate "Root Cert"'
    expect list.txt 'subject: CN=core-pkcs11-leaf, O=Test' 'the device certificate'
    expect list.txt '^4 objects$'
    "${TOOL}" --image "${img}" info | tee info.txt
    expect info.txt 'damaged records: 0'
    "${TOOL}" --image "${img}" export-pubkey --label "Device Pub TLS Key" --der --out pub.der
    local fw_key tool_key
    fw_key="$(firmware_public_key "${log}")"
    tool_key="$(od -An -tx1 -v pub.der | tr -d ' \n')"
    echo "firmware: ${fw_key}"
    echo "tool SPKI: ${tool_key}"
    [ -n "${fw_key}" ] && [ "0441${tool_key: -130}" = "${fw_key}" ] \
        || { echo "the exported public key is not the one the firmware printed"; return 1; }
    echo "ok: the tool exports the public key the firmware generated"
    "${TOOL}" --image "${img}" csr --label "Device Priv TLS Key" --subject "CN=fw-device" --out fw.csr
    openssl req -verify -noout -in fw.csr 2>&1 | tee req.txt
    expect req.txt 'verify OK' 'a CSR signed by the firmware-generated key verifies'
}

case "${1:-}" in
    tool-to-firmware) tool_to_firmware ;;
    firmware-to-tool) firmware_to_tool ;;
    *)
        echo "usage: $0 tool-to-firmware|firmware-to-tool" >&2
        exit 2
        ;;
esac
