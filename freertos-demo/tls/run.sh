#!/usr/bin/env bash
# core-pkcs11 FreeRTOS demo: TLS client authentication with the device key in
# the token, end to end: the tls_client firmware in QEMU (mps2-an385, LAN9118,
# QEMU user networking restricted to one forwarded localhost port) connects
# with TLS 1.3 to a mosquitto broker on 127.0.0.1 that requires a client
# certificate, and publishes over MQTT; a mosquitto_sub on the host receives.
#
# SPDX-License-Identifier: MIT
# Copyright (c) the core-pkcs11 authors.
#
# Usage: freertos-demo/tls/run.sh [command...]
#   import      flow 1: openssl makes the device key and a CA-signed
#               certificate on the host; boot 1 imports them (C_CreateObject
#               from host files through semihosting), boot 2 connects and
#               publishes
#   device-key  flow 2 (the demo): boot 1 generates the key pair in the token
#               and writes a PKCS #10 request signed with C_Sign; the CA signs
#               it; boot 2 imports the certificate and the root; boot 3
#               connects and publishes; boot 4 connects again with what
#               persisted
#   test        both flows and the negative and audit tests; prints one
#               PASS/FAIL line per check and "N passed, M failed" last
#   size        flash and static RAM of tls_client, by component (nm)
#   (default: test)
#
# Needs the images tls_client and tls_client_audit (freertos-demo/run.sh
# build), and mosquitto, mosquitto-clients, openssl, qemu-system-arm (installed
# with apt-get when missing and root).
#
# Environment:
#   FREERTOS_DEMO_BUILD_DIR  build directory (default <repo>/target/freertos-demo-build)
#   QEMU_TIMEOUT             seconds per QEMU run (default 120)
#   TLS_PROVISION            "tool" (default): the key (flow 1) and the
#                            certificates go into the device image through the
#                            host tool (cargo run -p core-pkcs11-tool --
#                            --image ...), as a factory would; "firmware":
#                            through a firmware boot that imports host files
#                            with C_CreateObject
#   KEEP_WORK                1: keep the temporary directory (CA, broker
#                            config and log, token images)
#
# Nothing leaves the machine: QEMU runs with restrict=on and only
# guestfwd=tcp:10.0.2.100:8883-tcp:127.0.0.1:<broker port>; the broker listens
# on 127.0.0.1 only. Logs: <build dir>/logs/tls/.

set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "${script_dir}/../.." && pwd)"
build_dir="${FREERTOS_DEMO_BUILD_DIR:-${repo_root}/target/freertos-demo-build}"
log_dir="${build_dir}/logs/tls"
qemu_timeout="${QEMU_TIMEOUT:-120}"
provision_mode="${TLS_PROVISION:-tool}"

SERVER_NAME="broker.core-pkcs11.test"
ORG="core-pkcs11 demo"

passed=0
failed=0
work=""
broker_pid=""
broker_port=""
broker_dir=""
sub_pids=()

fail() {
    echo "freertos-demo/tls/run.sh: FAILED: $*" >&2
    exit 1
}

step() { printf '\n== %s\n' "$*"; }

check() {
    local what="$1"
    shift
    if "$@"; then
        echo "PASS: ${what}"
        passed=$((passed + 1))
    else
        echo "FAIL: ${what}"
        failed=$((failed + 1))
    fi
}

cleanup() {
    local p
    for p in "${sub_pids[@]}"; do
        kill "${p}" 2>/dev/null || true
    done
    if [ -n "${broker_pid}" ]; then
        kill "${broker_pid}" 2>/dev/null || true
        wait "${broker_pid}" 2>/dev/null || true
    fi
    if [ -n "${work}" ] && [ -d "${work}" ]; then
        if [ "${KEEP_WORK:-0}" = "1" ]; then
            echo "work directory kept: ${work}"
        else
            rm -rf "${work}"
        fi
    fi
}
trap cleanup EXIT

# ---------------------------------------------------------------------------
# Tools
# ---------------------------------------------------------------------------

need_tools() {
    local missing=()
    command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || missing+=(mosquitto)
    command -v mosquitto_sub >/dev/null 2>&1 || missing+=(mosquitto-clients)
    command -v openssl >/dev/null 2>&1 || missing+=(openssl)
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
    # The Debian package starts a system broker on port 1883; ours use their own
    # port and configuration, so it does not matter.
    for image in tls_client tls_client_audit; do
        [ -f "${build_dir}/${image}.elf" ] || fail "${build_dir}/${image}.elf not built (run: freertos-demo/run.sh build)"
    done
}

mosquitto_bin() {
    command -v mosquitto 2>/dev/null || echo /usr/sbin/mosquitto
}

# ---------------------------------------------------------------------------
# Certificates (openssl, P-256)
# ---------------------------------------------------------------------------

# make_ca <dir> <common name>: dir/ca.key, dir/ca.pem, dir/ca.der
make_ca() {
    local dir="$1" cn="$2"
    mkdir -p "${dir}"
    openssl ecparam -name prime256v1 -genkey -noout -out "${dir}/ca.key"
    openssl req -x509 -new -key "${dir}/ca.key" -sha256 -days 3650 \
        -subj "/O=${ORG}/CN=${cn}" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -out "${dir}/ca.pem"
    openssl x509 -in "${dir}/ca.pem" -outform DER -out "${dir}/ca.der"
}

# sign_request <ca dir> <request (PEM or DER)> <extensions> <out.pem>
sign_request() {
    local ca="$1" request="$2" ext="$3" out="$4" inform=PEM
    case "${request}" in *.der) inform=DER ;; esac
    printf '%s\n' "${ext}" >"${out}.ext"
    openssl x509 -req -inform "${inform}" -in "${request}" -CA "${ca}/ca.pem" -CAkey "${ca}/ca.key" \
        -set_serial "0x$(openssl rand -hex 8)" -days 365 -sha256 -extfile "${out}.ext" -out "${out}" 2>/dev/null
    rm -f "${out}.ext"
}

CLIENT_EXT=$'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth'
SERVER_EXT=$'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:'"${SERVER_NAME}"',DNS:localhost'

# make_key_and_cert <ca dir> <prefix> <common name> <extensions>: prefix.key
# (PEM), prefix.key.der (SEC1 DER), prefix.pem, prefix.der
make_key_and_cert() {
    local ca="$1" prefix="$2" cn="$3" ext="$4"
    openssl ecparam -name prime256v1 -genkey -noout -out "${prefix}.key"
    openssl ec -in "${prefix}.key" -outform DER -out "${prefix}.key.der" 2>/dev/null
    openssl req -new -key "${prefix}.key" -subj "/O=${ORG}/CN=${cn}" -out "${prefix}.csr"
    sign_request "${ca}" "${prefix}.csr" "${ext}" "${prefix}.pem"
    openssl x509 -in "${prefix}.pem" -outform DER -out "${prefix}.der"
}

setup_pki() {
    step "PKI: test CA, broker certificate, subscriber certificate (openssl, P-256) in ${work}"
    make_ca "${work}/ca" "core-pkcs11 test CA"
    make_key_and_cert "${work}/ca" "${work}/server" "${SERVER_NAME}" "${SERVER_EXT}"
    make_key_and_cert "${work}/ca" "${work}/subscriber" "host-subscriber" "${CLIENT_EXT}"
    # A second CA that nobody trusts, for the negative tests.
    make_ca "${work}/other-ca" "core-pkcs11 other CA"
    make_key_and_cert "${work}/other-ca" "${work}/other-server" "${SERVER_NAME}" "${SERVER_EXT}"
    echo "CA: $(openssl x509 -in "${work}/ca/ca.pem" -noout -subject)"
    echo "broker: $(openssl x509 -in "${work}/server.pem" -noout -subject) (SAN DNS:${SERVER_NAME})"
}

# ---------------------------------------------------------------------------
# Broker (mosquitto on 127.0.0.1, TLS 1.3, client certificates required)
# ---------------------------------------------------------------------------

port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# broker_start <name> <server cert prefix>: a broker with its own config and log
# in ${work}/<name>, on a free port; sets broker_pid, broker_port, broker_dir.
broker_start() {
    local name="$1" server="$2" attempt port
    broker_dir="${work}/${name}"
    mkdir -p "${broker_dir}"
    cp "${work}/ca/ca.pem" "${broker_dir}/ca.pem"
    cp "${server}.pem" "${broker_dir}/server.pem"
    cp "${server}.key" "${broker_dir}/server.key"
    : >"${broker_dir}/mosquitto.log"
    # Run as root, mosquitto drops to the user "mosquitto": it must read its files.
    if [ "$(id -u)" = "0" ] && id mosquitto >/dev/null 2>&1; then
        chown -R mosquitto "${broker_dir}"
        chmod 755 "${work}"
    fi
    for attempt in 1 2 3 4 5 6 7 8 9 10; do
        port=$((20000 + RANDOM % 40000))
        port_in_use "${port}" && continue
        cat >"${broker_dir}/mosquitto.conf" <<EOF
# core-pkcs11 TLS demo broker (${name})
per_listener_settings true
persistence false
log_dest file ${broker_dir}/mosquitto.log
log_type all
connection_messages true
listener ${port} 127.0.0.1
cafile ${broker_dir}/ca.pem
certfile ${broker_dir}/server.pem
keyfile ${broker_dir}/server.key
tls_version tlsv1.3
require_certificate true
use_identity_as_username true
allow_anonymous false
EOF
        "$(mosquitto_bin)" -c "${broker_dir}/mosquitto.conf" >"${broker_dir}/stdout.log" 2>&1 &
        broker_pid=$!
        local i
        for i in $(seq 1 50); do
            if grep -q "mosquitto version .* running" "${broker_dir}/mosquitto.log" 2>/dev/null; then
                broker_port="${port}"
                echo "broker (${name}): mosquitto pid ${broker_pid} on 127.0.0.1:${port}, TLS 1.3, require_certificate, use_identity_as_username (log ${broker_dir}/mosquitto.log)"
                return 0
            fi
            kill -0 "${broker_pid}" 2>/dev/null || break
            sleep 0.1
        done
        kill "${broker_pid}" 2>/dev/null || true
        wait "${broker_pid}" 2>/dev/null || true
        broker_pid=""
        echo "broker (${name}): port ${port} did not work (attempt ${attempt}):"
        tail -n 3 "${broker_dir}/mosquitto.log" "${broker_dir}/stdout.log" 2>/dev/null || true
    done
    fail "cannot start mosquitto"
}

broker_stop() {
    if [ -n "${broker_pid}" ]; then
        kill "${broker_pid}" 2>/dev/null || true
        wait "${broker_pid}" 2>/dev/null || true
        broker_pid=""
    fi
    cp "${broker_dir}/mosquitto.log" "${log_dir}/$(basename "${broker_dir}").mosquitto.log" 2>/dev/null || true
}

# sub_start <topic> <out file>: mosquitto_sub (its own client certificate)
# waiting for one message; returns once the broker has its SUBSCRIBE.
sub_start() {
    local topic="$1" out="$2" before i
    before="$(grep -c "Received SUBSCRIBE" "${broker_dir}/mosquitto.log" || true)"
    timeout 90 mosquitto_sub -h localhost -p "${broker_port}" \
        --cafile "${work}/ca/ca.pem" --cert "${work}/subscriber.pem" --key "${work}/subscriber.key" \
        --tls-version tlsv1.3 -t "${topic}" -v -C 1 -W 80 >"${out}" 2>&1 &
    sub_pids+=($!)
    for i in $(seq 1 100); do
        [ "$(grep -c "Received SUBSCRIBE" "${broker_dir}/mosquitto.log" || true)" -gt "${before}" ] && return 0
        sleep 0.1
    done
    echo "subscriber did not subscribe:"
    cat "${out}"
    return 1
}

# sub_wait <out file> <expected line>: waits for the subscriber to end; 0 if it
# printed the expected "topic message" line.
sub_wait() {
    local out="$1" expected="$2" i
    for i in $(seq 1 50); do
        grep -qxF "${expected}" "${out}" && break
        sleep 0.1
    done
    if grep -qxF "${expected}" "${out}"; then
        echo "subscriber (mosquitto_sub on the host) received: $(tr -d '\r' <"${out}" | head -n 1)"
        return 0
    fi
    echo "subscriber (mosquitto_sub on the host) did NOT receive '${expected}'; it printed: $(head -c 300 "${out}")"
    return 1
}

sub_stop_all() {
    local p
    for p in "${sub_pids[@]}"; do
        kill "${p}" 2>/dev/null || true
    done
    sub_pids=()
}

# ---------------------------------------------------------------------------
# Firmware runs
# ---------------------------------------------------------------------------

# run_fw <image> <log name> <token image> <network: yes|no> <args...>: runs the
# firmware in QEMU (cwd ${work}); returns its exit code.
run_fw() {
    local image="$1" logname="$2" token="$3" network="$4"
    shift 4
    local elf="${build_dir}/${image}.elf" log="${log_dir}/${logname}.log" rc=0
    local semi="enable=on,target=native,arg=${image},arg=${token}" a
    for a in "$@"; do
        semi="${semi},arg=${a//,/,,}"
    done
    local nic=(-nic none)
    if [ "${network}" = "yes" ]; then
        nic=(-nic "user,model=lan9118,restrict=on,guestfwd=tcp:10.0.2.100:8883-tcp:127.0.0.1:${broker_port}")
    fi
    echo "\$ qemu-system-arm -M mps2-an385 ${nic[*]} -kernel ${image}.elf  ${token} $*   (log: ${log})"
    (
        cd "${work}"
        timeout --foreground -k 10 "${qemu_timeout}" \
            qemu-system-arm -M mps2-an385 -cpu cortex-m3 \
                -display none -monitor none -serial stdio \
                "${nic[@]}" \
                -semihosting-config "${semi}" \
                -kernel "${elf}" </dev/null
    ) >"${log}" 2>&1 || rc=$?
    sed 's/^/  | /' "${log}"
    if [ "${rc}" = "124" ] || [ "${rc}" = "137" ]; then
        echo "  ${image}: TIMED OUT after ${qemu_timeout} s"
    else
        echo "  ${image}: exit code ${rc}"
    fi
    return "${rc}"
}

log_has() { grep -qF -- "$2" "${log_dir}/$1.log"; }
log_lacks() { ! grep -qF -- "$2" "${log_dir}/$1.log"; }
broker_log_has() { grep -qF -- "$1" "${broker_dir}/mosquitto.log"; }
broker_log_matches() { grep -qE -- "$1" "${broker_dir}/mosquitto.log"; }
is_eq() { [ "$1" = "$2" ]; }

# provision_certs <token image> <key.der|-> <cert.der> <root.der> <log name>
provision() {
    local token="$1" key="$2" cert="$3" root="$4" logname="$5"
    if [ "${provision_mode}" = "tool" ]; then
        local tool=(cargo run -q --manifest-path "${repo_root}/Cargo.toml" -p core-pkcs11-tool -- --image "${work}/${token}")
        if [ "${key}" != "-" ]; then
            "${tool[@]}" import-key --label "Device Priv TLS Key" "${work}/${key%.der}" || return 1
        fi
        "${tool[@]}" import-cert --label "Device Cert" "${work}/${cert%.der}.pem" || return 1
        "${tool[@]}" import-cert --label "Root Cert" "${work}/${root%.der}.pem" || return 1
        return 0
    fi
    run_fw tls_client "${logname}" "${token}" no import "${key}" "${cert}" "${root}"
}

# connect_and_check <image> <log name> <token> <client id> <subject CN> <label>
# Starts the subscriber, boots the device, checks the message and the broker log.
connect_and_check() {
    local image="$1" logname="$2" token="$3" client="$4" cn="$5" label="$6" rc=0
    local topic="devices/${client}/hello"
    local message="hello from ${client} (${label}) $(openssl rand -hex 4)"
    local out="${work}/${logname}.sub"
    sub_start "${topic}" "${out}" || true
    run_fw "${image}" "${logname}" "${token}" yes connect "${SERVER_NAME}" "${client}" "${topic}" ${message} || rc=$?
    check "${label}: the device connected and published (exit 0)" is_eq "${rc}" 0
    check "${label}: C_Sign made the CertificateVerify signature" log_has "${logname}" "tls: CertificateVerify signed by C_Sign in the token"
    check "${label}: the firmware verified the broker's certificate against Root Cert" log_has "${logname}" "verified against \"Root Cert\" from the token"
    check "${label}: a subscriber on the host received the device's message" sub_wait "${out}" "${topic} ${message}"
    check "${label}: the broker's log names the device certificate's subject (CN=${cn})" \
        broker_log_matches "New client connected from 127\.0\.0\.1:[0-9]+ as ${client} \(.*u'${cn}'\)"
    grep -E "New client connected .* as ${client} " "${broker_dir}/mosquitto.log" | sed 's/^/  broker log: /' || true
    sub_stop_all
}

# ---------------------------------------------------------------------------
# Flows
# ---------------------------------------------------------------------------

flow_import() {
    step "flow 1 (import): the device key and certificate made with openssl, written into the device image"
    local cn="device-import-$(openssl rand -hex 3)"
    make_key_and_cert "${work}/ca" "${work}/device1" "${cn}" "${CLIENT_EXT}"
    echo "host: openssl made the P-256 key and a certificate for CN=${cn}, signed by the test CA"
    local rc=0
    provision flow1.img device1.key.der device1.der ca/ca.der flow1-import || rc=$?
    check "flow 1: key, certificate and root written into the device image (${provision_mode})" is_eq "${rc}" 0
    broker_start broker-flow1 "${work}/server"
    connect_and_check tls_client flow1-connect flow1.img "${cn}" "${cn}" "flow 1"
    broker_stop
}

flow_device_key() {
    step "flow 2 (on-device key): the key pair is generated in the token and never exists outside it"
    local cn="device-onchip-$(openssl rand -hex 3)" rc=0
    run_fw tls_client flow2-boot1-keygen flow2.img no keygen flow2.csr.der "${cn}" || rc=$?
    check "flow 2 boot 1: C_GenerateKeyPair and a PKCS #10 request signed with C_Sign (exit 0)" is_eq "${rc}" 0
    check "flow 2: the request's signature verifies (openssl req -verify)" \
        openssl req -inform DER -in "${work}/flow2.csr.der" -noout -verify
    openssl req -inform DER -in "${work}/flow2.csr.der" -noout -subject 2>/dev/null | sed 's/^/  request: /' || true
    sign_request "${work}/ca" "${work}/flow2.csr.der" "${CLIENT_EXT}" "${work}/device2.pem"
    openssl x509 -in "${work}/device2.pem" -outform DER -out "${work}/device2.der"
    echo "host: the CA signed the request: $(openssl x509 -in "${work}/device2.pem" -noout -subject -issuer | tr '\n' ' ')"
    rc=0
    provision flow2.img - device2.der ca/ca.der flow2-boot2-import || rc=$?
    check "flow 2 boot 2: the CA-signed certificate and the root written into the device image (${provision_mode})" is_eq "${rc}" 0
    broker_start broker-flow2 "${work}/server"
    connect_and_check tls_client flow2-boot3-connect flow2.img "${cn}" "${cn}" "flow 2 boot 3"
    connect_and_check tls_client flow2-boot4-connect-again flow2.img "${cn}" "${cn}" "flow 2 boot 4 (what persisted)"
    check "flow 2 boot 4: nothing provisioned again" log_lacks flow2-boot4-connect-again "C_GenerateKeyPair"
    broker_stop
}

# expect_refused <log name> <exit code> <line>
expect_exit() {
    local got="$1" want="$2"
    [ "${got}" = "${want}" ]
}

negative_tests() {
    step "negative: a device certificate not signed by the test CA"
    local rc
    make_key_and_cert "${work}/other-ca" "${work}/rogue" "device-rogue" "${CLIENT_EXT}"
    rc=0
    provision neg-rogue.img rogue.key.der rogue.der ca/ca.der neg-rogue-import || rc=$?
    check "negative (foreign CA): provisioning the rogue device" is_eq "${rc}" 0
    broker_start broker-negative "${work}/server"
    rc=0
    run_fw tls_client neg-rogue-connect neg-rogue.img yes connect "${SERVER_NAME}" device-rogue devices/device-rogue/hello rogue || rc=$?
    check "negative (foreign CA): the firmware exits 14 (refused by the broker)" expect_exit "${rc}" 14
    check "negative (foreign CA): the firmware reports the broker's refusal" log_has neg-rogue-connect "FAILED: the broker refused the device"
    check "negative (foreign CA): the broker refused the certificate (its log)" broker_log_matches "certificate verify failed|unknown ca|peer did not return a certificate"
    check "negative (foreign CA): the broker never accepted the client" bash -c "! grep -q \"as device-rogue \" '${broker_dir}/mosquitto.log'"

    step "negative: a device whose key does not match its certificate"
    make_key_and_cert "${work}/ca" "${work}/honest" "device-honest" "${CLIENT_EXT}"
    make_key_and_cert "${work}/ca" "${work}/other-key" "device-other" "${CLIENT_EXT}"
    rc=0
    provision neg-mismatch.img other-key.key.der honest.der ca/ca.der neg-mismatch-import || rc=$?
    check "negative (key mismatch): provisioning the key of another certificate" is_eq "${rc}" 0
    rc=0
    run_fw tls_client neg-mismatch-connect neg-mismatch.img yes connect "${SERVER_NAME}" device-honest devices/device-honest/hello mismatch || rc=$?
    check "negative (key mismatch): the firmware exits 14 (refused by the broker)" expect_exit "${rc}" 14
    check "negative (key mismatch): the firmware reports the broker's refusal" log_has neg-mismatch-connect "FAILED: the broker refused the device"
    check "negative (key mismatch): the broker rejected the CertificateVerify (its log)" \
        broker_log_matches "bad signature|signature|decrypt error|OpenSSL Error"
    check "negative (key mismatch): the broker never accepted the client" bash -c "! grep -q \"as device-honest \" '${broker_dir}/mosquitto.log'"

    step "negative: the firmware checks the broker's host name"
    rc=0
    run_fw tls_client neg-hostname flow1.img yes connect wrong-name.core-pkcs11.test device-x devices/device-x/hello x || rc=$?
    check "negative (host name): the firmware refuses a broker certificate for another name (exit 13)" expect_exit "${rc}" 13
    check "negative (host name): the firmware says why" log_has neg-hostname "not for host \"wrong-name.core-pkcs11.test\""
    broker_stop

    step "negative: a broker presenting a certificate from another CA"
    broker_start broker-other-ca "${work}/other-server"
    rc=0
    run_fw tls_client neg-other-ca flow1.img yes connect "${SERVER_NAME}" device-x devices/device-x/hello x || rc=$?
    check "negative (broker from another CA): the firmware refuses the broker (exit 13)" expect_exit "${rc}" 13
    check "negative (broker from another CA): the firmware reports the untrusted server" log_has neg-other-ca "the server is not trusted"
    check "negative (broker from another CA): no CertificateVerify was signed" log_lacks neg-other-ca "signed by C_Sign in the token"
    broker_stop
}

audit_tests() {
    step "audit: the TLS code never reads a private key attribute (tls_client_audit counts C_GetAttributeValue on private keys)"
    broker_start broker-audit "${work}/server"
    local cn
    cn="$(openssl x509 -in "${work}/device1.pem" -noout -subject -nameopt multiline | awk -F' = ' '/commonName/ {print $2}')"
    connect_and_check tls_client_audit audit-connect flow1.img "${cn}" "${cn}" "audit build"
    local count control
    count="$(sed -n 's/^audit: C_GetAttributeValue calls on a private key object by the firmware.s TLS code: \([0-9]*\).*/\1/p' "${log_dir}/audit-connect.log" | tr -d '\r')"
    control="$(sed -n 's/^audit: control: .* counter \([0-9]*\).*/\1/p' "${log_dir}/audit-connect.log" | tr -d '\r')"
    echo "audit: C_GetAttributeValue calls on the private key during the whole connection: ${count:-none} (control read afterwards: counter ${control:-none})"
    check "audit: the TLS code made 0 C_GetAttributeValue calls on the private key (count printed: ${count:-none})" is_eq "${count}" 0
    check "audit: the counter works (a deliberate read afterwards counted 1)" is_eq "${control}" 1

    step "a failing C_Sign ends the handshake with an error, not a panic (test build injects the failure)"
    local rc=0
    run_fw tls_client_audit sign-failure flow1.img yes connect-inject-sign-failure "${SERVER_NAME}" device-x devices/device-x/hello x || rc=$?
    check "signing failure: the firmware exits 15 (signing failed), not 3 (panic)" expect_exit "${rc}" 15
    check "signing failure: the firmware names the failed call" log_has sign-failure "signing the CertificateVerify failed: C_Sign returned CK_RV 0x"
    broker_stop
}

# ---------------------------------------------------------------------------
# Size
# ---------------------------------------------------------------------------

# Flash by component from the symbols (sizes in decimal), for tls_client and,
# for comparison, provision_demo (the token alone, libcore_pkcs11.a). p256 and
# sha2 appear twice in tls_client: 0.14/0.11 in the token, 0.13/0.10 in
# embedded-tls; the difference of the p256 and sha2 rows is their cost.
size_report() {
    local nm="${ARM_NONE_EABI_PREFIX:-arm-none-eabi-}nm" size="${ARM_NONE_EABI_PREFIX:-arm-none-eabi-}size" e
    step "size of the TLS firmware"
    "${size}" "${build_dir}/tls_client.elf" "${build_dir}/provision_demo.elf" "${build_dir}/size_baseline.elf"
    for e in tls_client provision_demo; do
        echo "-- ${e}: flash of symbols by component (text + rodata + data, bytes)"
        "${nm}" -S -t d --size-sort -C "${build_dir}/${e}.elf" | awk '
            $3 ~ /^[TtRrDd]$/ {
                n = $0; sub(/^[0-9]+ [0-9]+ [A-Za-z] /, "", n); sz = $2 + 0
                c = "other (LTO-merged Rust, libc, kernel, board, C)"
                if (n ~ /p256::|primeorder::|elliptic_curve::|ecdsa::|crypto_bigint::|ff::|group::|rfc6979/) c = "p256/ecdsa/elliptic-curve/bigint"
                else if (n ~ /sha2::|digest::|hmac::|hkdf::/) c = "sha2/digest/hmac/hkdf"
                else if (n ~ /embedded_tls::/) c = "embedded-tls"
                else if (n ~ /smoltcp::/) c = "smoltcp"
                else if (n ~ /aes::|aes_gcm|ghash|polyval|ctr::/) c = "aes-gcm"
                else if (n ~ /core_pkcs11_tls_demo::/) c = "freertos-demo/tls (driver, MQTT, helper)"
                else if (n ~ /core_pkcs11_engine|core_pkcs11_ffi|core_pkcs11_littlefs/) c = "token crates"
                else if (n ~ /^lfs_/) c = "littlefs"
                else if (n ~ /^der::|const_oid/) c = "der"
                s[c] += sz; t += sz
            }
            END { for (k in s) printf "  %8d  %s\n", s[k], k; printf "  %8d  total\n", t }' | sort -k2
    done
}

# ---------------------------------------------------------------------------

commands=("$@")
[ "${#commands[@]}" -gt 0 ] || commands=(test)
for c in "${commands[@]}"; do
    case "${c}" in
        import|device-key|test) ;;
        size) size_report; exit 0 ;;
        -h|--help|help) sed -n '2,40p' "$0"; exit 0 ;;
        *) fail "unknown command '${c}' (import, device-key, test)" ;;
    esac
done

need_tools
mkdir -p "${log_dir}"
work="$(mktemp -d "${TMPDIR:-/tmp}/core-pkcs11-tls.XXXXXX")"
setup_pki

for c in "${commands[@]}"; do
    case "${c}" in
        import) flow_import ;;
        device-key) flow_device_key ;;
        test)
            flow_import
            flow_device_key
            negative_tests
            audit_tests
            ;;
    esac
done

echo
echo "${passed} passed, ${failed} failed"
[ "${failed}" = "0" ]
