#!/usr/bin/env bash
# The core-pkcs11 PKCS #11 module and core-pkcs11-tool against the standard consumers:
# OpenSC pkcs11-tool, GnuTLS p11tool, OpenSSL with libp11's pkcs11 engine and curl (TLS 1.3
# client authentication), Python PyKCS11, the Rust cryptoki crate, and the FreeRTOS
# firmware on QEMU reading and writing images the tool reads and writes
# (firmware_images.sh).
#
# Usage: bash tests/consumers/run.sh [TEST...]   (default: every test; names below)
#
# Installs what is missing with apt-get --no-install-recommends (opensc, gnutls-bin,
# libengine-pkcs11-openssl, curl, openssl, python3-pykcs11) and fails loudly when it cannot.
# Builds the module with tests/consumers/config (64 objects, 16 sessions) and the tool into
# target/consumers (CONSUMERS_TARGET_DIR), so the normal build is untouched. Every test runs
# on its own temporary image (CORE_PKCS11_STORE). Logs: target/consumers/logs/. Ends with
# "N passed, M failed"; the exit code is non-zero when M > 0.

set -uo pipefail
# shellcheck source=tests/consumers/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "${REPO}"

LOGS="${OUT}/logs"
mkdir -p "${LOGS}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/core-pkcs11-consumers.XXXXXX")"
export WORK
cleanup() { rm -rf "${WORK}"; }
trap cleanup EXIT

die() {
    echo "tests/consumers/run.sh: FAILED: $*" >&2
    echo "0 passed, 1 failed"
    exit 1
}

step() { printf '\n== %s\n' "$*"; }

# ---------------------------------------------------------------------------
# Dependencies and builds
# ---------------------------------------------------------------------------

PYTHON=/usr/bin/python3

engine_so() {
    dpkg -L libengine-pkcs11-openssl 2>/dev/null | grep -E '/engines-[0-9]+/pkcs11\.so$' | head -n 1
}

install_deps() {
    local missing=()
    command -v pkcs11-tool >/dev/null 2>&1 || missing+=(opensc)
    command -v p11tool >/dev/null 2>&1 || missing+=(gnutls-bin)
    [ -n "$(engine_so)" ] || missing+=(libengine-pkcs11-openssl)
    command -v curl >/dev/null 2>&1 || missing+=(curl)
    command -v openssl >/dev/null 2>&1 || missing+=(openssl)
    "${PYTHON}" -c 'import PyKCS11' >/dev/null 2>&1 || missing+=(python3-pykcs11)
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "installing: ${missing[*]}"
        if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
            die "missing ${missing[*]}: install them (apt-get install --no-install-recommends ${missing[*]})"
        fi
        apt-get update -qq || die "apt-get update failed"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
            || die "apt-get install ${missing[*]} failed"
    fi
    command -v pkcs11-tool >/dev/null 2>&1 || die "pkcs11-tool (opensc) is missing after installing"
    command -v p11tool >/dev/null 2>&1 || die "p11tool (gnutls-bin) is missing after installing"
    ENGINE_SO="$(engine_so)"
    [ -n "${ENGINE_SO}" ] || die "the pkcs11 engine (libengine-pkcs11-openssl) is missing after installing"
    command -v curl >/dev/null 2>&1 || die "curl is missing after installing"
    "${PYTHON}" -c 'import PyKCS11' || die "PyKCS11 (python3-pykcs11) is missing after installing"
    echo "pkcs11-tool: $(dpkg-query -W -f='${Version}' opensc 2>/dev/null)," \
        "p11tool: $(dpkg-query -W -f='${Version}' gnutls-bin 2>/dev/null)," \
        "libp11 engine: $(dpkg-query -W -f='${Version}' libengine-pkcs11-openssl 2>/dev/null) (${ENGINE_SO})," \
        "$(openssl version), $(curl --version | head -n 1 | cut -d' ' -f1-2)," \
        "PyKCS11: $(dpkg-query -W -f='${Version}' python3-pykcs11 2>/dev/null || echo pip)"
}

build() {
    CORE_PKCS11_CONFIG_DIR="${REPO}/tests/consumers/config" \
        cargo build -q -p core-pkcs11 -p core-pkcs11-tool --release --target-dir "${OUT}" \
        || die "building the module and the tool"
    [ -f "${MODULE}" ] || die "${MODULE} was not built"
    [ -x "${TOOL}" ] || die "${TOOL} was not built"
    cargo build -q --release --manifest-path "${REPO}/tests/consumers/cryptoki/Cargo.toml" \
        --target-dir "${OUT}/cryptoki" || die "building the cryptoki consumer"
    CRYPTOKI_BIN="${OUT}/cryptoki/release/core-pkcs11-cryptoki-consumer"
}

# ---------------------------------------------------------------------------
# Tests (each runs in a subshell with errexit, on its own image)
# ---------------------------------------------------------------------------

P11() { pkcs11-tool --module "${MODULE}" "$@"; }

# pkcs11-tool --init-token / --init-pin on the current image.
opensc_init() {
    show P11 --init-token --label consumers --so-pin 12345678
    show P11 --init-pin --so-pin 12345678 --pin 123456
}

test_opensc_lists() {
    fresh_image opensc-lists
    show P11 --list-slots | tee slots.txt
    expect slots.txt 'core-pkcs11 slot'
    show P11 --list-token-slots | tee tslots.txt
    expect tslots.txt 'token state|token label'
    show P11 --list-mechanisms | tee mechs.txt
    for m in 'SHA256, digest' 'ECDSA-KEY-PAIR-GEN' 'ECDSA, keySize=\{256,256\}, sign, verify' \
        'ECDSA-SHA256' 'RSA-PKCS, keySize=\{2048,4096\}, sign, verify' 'SHA256-RSA-PKCS'; do
        expect mechs.txt "${m}"
    done
    # Objects the tool wrote, listed by the module.
    show "${TOOL}" generate --label tool-key --id 0101
    show "${TOOL}" import-cert --label tool-cert "${DATA}/p256_cert.der"
    show P11 --list-objects | tee public.txt
    expect public.txt 'Certificate Object; type = X.509 cert' 'the certificate'
    expect public.txt 'label: +tool-cert'
    expect public.txt 'Public Key Object; EC'
    expect_not public.txt 'Private Key Object'
    show P11 --login --pin 0000 --list-objects | tee all.txt
    expect all.txt 'Private Key Object; EC' 'the private key after login'
    expect all.txt 'ID: +0101'
}

test_opensc_ec() {
    fresh_image opensc-ec
    opensc_init
    show P11 --login --pin 123456 --keypairgen --key-type EC:prime256v1 --id 01 --label ec1 | tee gen.txt
    expect gen.txt 'Key pair generated'
    echo "data signed by pkcs11-tool" >data.txt
    show P11 --login --pin 123456 --sign --id 01 -m ECDSA-SHA256 -i data.txt -o sig.der --signature-format openssl
    show P11 --login --pin 123456 --verify --id 01 -m ECDSA-SHA256 -i data.txt --signature-file sig.der \
        --signature-format openssl | tee verify.txt
    expect verify.txt 'Signature is valid'
    show P11 --read-object --type pubkey --id 01 -o pub.der
    show openssl dgst -sha256 -verify <(openssl pkey -pubin -inform DER -in pub.der) -signature sig.der data.txt
    # CKM_ECDSA over a hash computed outside.
    openssl dgst -sha256 -binary data.txt >hash.bin
    show P11 --login --pin 123456 --sign --id 01 -m ECDSA -i hash.bin -o raw.sig
    show P11 --login --pin 123456 --verify --id 01 -m ECDSA -i hash.bin --signature-file raw.sig | tee v2.txt
    expect v2.txt 'Signature is valid'
    # A tampered message: pkcs11-tool 0.23 says so (its exit code stays 0).
    echo tampered >>data.txt
    P11 --login --pin 123456 --verify --id 01 -m ECDSA-SHA256 -i data.txt --signature-file sig.der \
        --signature-format openssl >bad.txt 2>&1 || true
    cat bad.txt
    expect bad.txt 'Invalid signature|CKR_SIGNATURE_INVALID' 'tampered message rejected'
    expect_not bad.txt 'Signature is valid'
}

test_opensc_rsa() {
    fresh_image opensc-rsa
    opensc_init
    # The RSA key comes in with the tool (the token does not generate RSA keys).
    show "${TOOL}" --pin 123456 import-key --label rsa1 --id 02 "${TOOL_DATA}/rsa2048_pkcs1.pem"
    show "${TOOL}" export-pubkey --label rsa1 --out rsapub.pem
    echo "data signed with RSA by pkcs11-tool" >data.txt
    show P11 --login --pin 123456 --sign --id 02 -m SHA256-RSA-PKCS -i data.txt -o sig.bin
    show P11 --login --pin 123456 --verify --id 02 -m SHA256-RSA-PKCS -i data.txt --signature-file sig.bin | tee v.txt
    expect v.txt 'Signature is valid'
    show openssl dgst -sha256 -verify rsapub.pem -signature sig.bin data.txt
    # CKM_RSA_PKCS: pkcs11-tool passes the data as the DigestInfo-like input.
    show P11 --login --pin 123456 --sign --id 02 -m RSA-PKCS -i data.txt -o raw.sig
    show P11 --login --pin 123456 --verify --id 02 -m RSA-PKCS -i data.txt --signature-file raw.sig | tee v2.txt
    expect v2.txt 'Signature is valid'
}

test_opensc_cert() {
    fresh_image opensc-cert
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout k.pem \
        -subj /CN=opensc-written -days 10 -outform DER -out cert.der 2>/dev/null
    show P11 --login --pin 0000 --write-object cert.der --type cert --label cert1 --id 03 | tee w.txt
    expect w.txt 'Certificate Object'
    show P11 --list-objects --type cert | tee l.txt
    expect l.txt 'label: +cert1'
    expect l.txt 'subject: +DN: CN=opensc-written'
    show P11 --read-object --type cert --label cert1 -o back.der
    cmp cert.der back.der && echo "ok: the certificate reads back unchanged"
    show "${TOOL}" list | tee tool.txt
    expect tool.txt 'subject: CN=opensc-written' 'the tool lists the module-written certificate'
}

test_opensc_test() {
    fresh_image opensc-test
    opensc_init
    show P11 --login --pin 123456 --keypairgen --key-type EC:prime256v1 --id 01 --label ec1 >/dev/null
    show "${TOOL}" --pin 123456 import-key --label rsa1 --id 02 "${TOOL_DATA}/rsa2048_pkcs1.pem"
    show P11 --login --pin 123456 --test 2>&1 | tee test.txt
    expect test.txt 'seems to be OK' 'C_SeedRandom/C_GenerateRandom'
    expect test.txt 'SHA256: OK' 'digests'
    expect test.txt 'RSA-PKCS: OK' 'RSA sign/verify of the imported key'
    expect test.txt '^No errors$' 'pkcs11-tool --test: No errors'
}

test_p11tool() {
    fresh_image p11tool
    # GnuTLS lists uninitialised tokens too; initialise so that the URL has a label.
    show "${TOOL}" init --label gnutls --so-pin 12345678 --pin 123456
    show "${TOOL}" --pin 123456 generate --label ec1 --id 01
    show "${TOOL}" --pin 123456 import-key --label rsa1 --id 02 "${TOOL_DATA}/rsa2048_pkcs1.pem"
    show p11tool --provider "${MODULE}" --list-tokens | tee tokens.txt
    expect tokens.txt 'Label: gnutls'
    expect tokens.txt 'Manufacturer: core-pkcs11'
    export GNUTLS_PIN=123456
    show p11tool --provider "${MODULE}" --login --list-all "pkcs11:token=gnutls" | tee all.txt
    expect all.txt 'Type: Private key \(EC/ECDSA-SECP256R1\)'
    expect all.txt 'Type: Private key \(RSA-2048\)'
    expect all.txt 'Type: Public key \(EC/ECDSA-SECP256R1\)'
    for key in ec1 rsa1; do
        show p11tool --provider "${MODULE}" --login --test-sign "pkcs11:token=gnutls;object=${key};type=private" \
            >sign-${key}.txt 2>&1
        cat sign-${key}.txt
        expect sign-${key}.txt 'Verifying against public key in the token\.\.\. ok' "test-sign ${key}"
    done
}

test_openssl_curl() {
    fresh_image openssl-curl
    # libp11 skips tokens without CKF_TOKEN_INITIALIZED: initialise first.
    show "${TOOL}" init --label tls --so-pin 12345678 --pin 123456
    show "${TOOL}" --pin 123456 generate --label tls-client --id 0c
    cat >openssl.cnf <<EOF
openssl_conf = openssl_init
[openssl_init]
engines = engine_section
[engine_section]
pkcs11 = pkcs11_section
[pkcs11_section]
engine_id = pkcs11
dynamic_path = ${ENGINE_SO}
MODULE_PATH = ${MODULE}
PIN = 123456
init = 0
[req]
distinguished_name = dn
x509_extensions = client_ext
prompt = no
[dn]
CN = tls-client
[client_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
EOF
    export OPENSSL_CONF="${T}/openssl.cnf"
    local key='pkcs11:object=tls-client;type=private'
    show openssl req -new -x509 -days 30 -sha256 -engine pkcs11 -keyform engine -key "${key}" \
        -subj /CN=tls-client -out client.pem
    show openssl x509 -in client.pem -noout -subject -ext extendedKeyUsage
    # The certificate holds the token's key.
    show "${TOOL}" export-pubkey --label tls-client --out token-pub.pem
    cmp <(openssl x509 -in client.pem -noout -pubkey) token-pub.pem && echo "ok: the certificate's key is the token's"
    OPENSSL_CONF=/dev/null openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -keyout server.key -out server.pem -subj /CN=localhost -days 10 \
        -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" 2>/dev/null
    local port server rc=0
    port="$(free_port)"
    OPENSSL_CONF=/dev/null openssl s_server -accept "127.0.0.1:${port}" -tls1_3 -cert server.pem -key server.key \
        -Verify 1 -CAfile client.pem -verify_return_error -www >server.log 2>&1 </dev/null &
    server=$!
    for _ in $(seq 50); do
        grep -q ACCEPT server.log 2>/dev/null && break
        sleep 0.1
    done
    show curl -sS --max-time 20 --cacert server.pem --engine pkcs11 --key-type ENG --key "${key}" \
        --cert client.pem "https://127.0.0.1:${port}/" -o response.html || rc=$?
    kill "${server}" 2>/dev/null || true
    wait "${server}" 2>/dev/null || true
    echo "---- s_server output:"
    cat server.log
    [ "${rc}" = "0" ] || { echo "curl failed (${rc})"; return 1; }
    expect server.log 'depth=0 CN = tls-client' 'the server received the client certificate'
    expect server.log 'verify return:1' 'and verified it'
    expect response.html 'TLSv1\.3' 'TLS 1.3'
    expect response.html 'Client certificate' 'the session has a client certificate'
    expect response.html 'Subject: CN *= *tls-client'
    echo "client authentication: curl with the OpenSSL engine (libp11), not the provider"
}

test_pykcs11() {
    fresh_image pykcs11
    show "${TOOL}" generate --label py-ec --id 0d
    show "${PYTHON}" "${REPO}/tests/consumers/pykcs11_test.py" "${MODULE}" py-ec 0000
}

test_cryptoki() {
    fresh_image cryptoki
    export CORE_PKCS11_MODULE="${MODULE}"
    show "${CRYPTOKI_BIN}"
    # Its token objects were destroyed again.
    show "${TOOL}" list | tee list.txt
    expect list.txt '^0 objects'
}

test_tool_and_module() {
    fresh_image tool-module
    # pkcs11-tool --sign refuses a token without CKF_TOKEN_INITIALIZED: initialise first.
    show "${TOOL}" init --label tool-made --so-pin 12345678 --pin 123456
    export CORE_PKCS11_TOOL_PIN=123456
    show "${TOOL}" --pin-env CORE_PKCS11_TOOL_PIN generate --label dev --id 01
    show "${TOOL}" --pin 123456 csr --label dev --subject "CN=device-1,O=Example" --out dev.csr
    show openssl req -verify -noout -in dev.csr 2>&1 | tee req.txt
    expect req.txt 'verify OK' 'openssl req -verify accepts the CSR'
    show openssl req -in dev.csr -noout -subject | tee subj.txt
    expect subj.txt 'CN = device-1, O = Example'
    show "${TOOL}" --pin 123456 import-key --label rsa --id 03 "${TOOL_DATA}/rsa2048_pkcs1.pem"
    show "${TOOL}" --pin 123456 csr --label rsa --subject "CN=rsa-device" --out rsa.csr
    show openssl req -verify -noout -in rsa.csr
    # The module signs with the tool's keys (pkcs11-tool --sign picks the key by --id only);
    # OpenSSL checks with the tool's export.
    show "${TOOL}" export-pubkey --label dev --out dev.pem
    show "${TOOL}" export-pubkey --label rsa --out rsa.pem
    echo "tool-made key" >data.txt
    show P11 --login --pin 123456 --sign --id 01 -m ECDSA-SHA256 -i data.txt -o sig.der --signature-format openssl
    show openssl dgst -sha256 -verify dev.pem -signature sig.der data.txt
    show P11 --login --pin 123456 --sign --id 03 -m SHA256-RSA-PKCS -i data.txt -o rsa.sig
    show openssl dgst -sha256 -verify rsa.pem -signature rsa.sig data.txt
    # The module's objects show in the tool.
    show P11 --login --pin 123456 --keypairgen --key-type EC:prime256v1 --label module-key --id 02 >/dev/null
    show "${TOOL}" --pin 123456 list | tee list.txt
    expect list.txt 'private key "module-key"'
    expect list.txt 'generated on the token'
    # One process at a time: while the module holds the image, the tool waits, then says so.
    mkfifo hold.in
    "${PYTHON}" "${REPO}/tests/consumers/pykcs11_test.py" hold "${MODULE}" <hold.in >hold.out 2>&1 &
    local holder=$!
    exec 3>hold.in
    for _ in $(seq 100); do grep -q held hold.out && break; sleep 0.1; done
    expect hold.out '^held$' 'a PyKCS11 process holds the module (C_Initialize)'
    local rc=0
    "${TOOL}" list >busy.out 2>busy.err || rc=$?
    exec 3>&-
    wait "${holder}"
    cat busy.err
    [ "${rc}" = "4" ] || { echo "exit code ${rc}, expected 4"; return 1; }
    expect busy.err 'in use by another process' 'the tool refuses an image the module holds'
    expect busy.err 'waiting for the token image' 'with a progress indication while it waits'
    show "${TOOL}" info | tee info.txt
    expect info.txt 'damaged records: 0'
}

# ---------------------------------------------------------------------------

ALL_TESTS=(opensc_lists opensc_ec opensc_rsa opensc_cert opensc_test p11tool openssl_curl pykcs11 cryptoki
    tool_and_module firmware_reads_tool_image tool_reads_firmware_image)

test_firmware_reads_tool_image() { bash "${REPO}/tests/consumers/firmware_images.sh" tool-to-firmware; }
test_tool_reads_firmware_image() { bash "${REPO}/tests/consumers/firmware_images.sh" firmware-to-tool; }

PASSED=0
FAILED=0
FAILED_NAMES=()

run_test() {
    local name="$1" log="${LOGS}/$1.log" rc
    printf '%-28s ' "${name}"
    (
        set -euo pipefail
        "test_${name}"
    ) >"${log}" 2>&1
    rc=$?
    if [ "${rc}" = "0" ]; then
        PASSED=$((PASSED + 1))
        echo "PASS"
    else
        FAILED=$((FAILED + 1))
        FAILED_NAMES+=("${name}")
        echo "FAIL (exit ${rc}; log ${log})"
        tail -n 25 "${log}" | sed 's/^/    | /'
    fi
}

step "dependencies"
install_deps
step "build (module with tests/consumers/config, tool, cryptoki consumer) into ${OUT}"
build
export ENGINE_SO CRYPTOKI_BIN PYTHON

selected=("$@")
[ "${#selected[@]}" -gt 0 ] || selected=("${ALL_TESTS[@]}")
step "tests (logs in ${LOGS})"
for t in "${selected[@]}"; do
    t="${t//-/_}"
    if ! declare -F "test_${t}" >/dev/null; then
        die "unknown test '${t}' (tests: ${ALL_TESTS[*]})"
    fi
    run_test "${t}"
done

if [[ " ${selected[*]//-/_} " == *" opensc_test "* ]] && [ -f "${LOGS}/opensc_test.log" ]; then
    step "what pkcs11-tool --test printed"
    sed -n '/--test/,$p' "${LOGS}/opensc_test.log" | grep -v '^ok:' | sed 's/^/  /'
fi

echo
[ "${FAILED}" = "0" ] || echo "failed: ${FAILED_NAMES[*]}"
echo "${PASSED} passed, ${FAILED} failed"
[ "${FAILED}" = "0" ]
