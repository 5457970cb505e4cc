# Shared by tests/consumers/run.sh and firmware_images.sh (sourced, not run).
#
# Sets REPO, OUT (build output), MODULE (the PKCS #11 module built with
# tests/consumers/config), TOOL (core-pkcs11-tool), WORK (temporary directory of this run),
# and the helpers below.

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${CONSUMERS_TARGET_DIR:-${REPO}/target/consumers}"
MODULE="${OUT}/release/libcore_pkcs11.so"
TOOL="${OUT}/release/core-pkcs11-tool"
DATA="${REPO}/rust/engine/tests/data"
TOOL_DATA="${REPO}/rust/tool/tests/data"

# fresh_image NAME: a new directory $T with $T/token.img (not created yet) as the module's
# image (CORE_PKCS11_STORE) and the tool's default; cd's into $T.
fresh_image() {
    T="$(mktemp -d "${WORK}/$1.XXXXXX")"
    export CORE_PKCS11_STORE="${T}/token.img"
    cd "${T}"
}

# expect FILE PATTERN [WHAT]: fails unless FILE has a line matching the extended regex.
expect() {
    if ! grep -Eq -- "$2" "$1"; then
        echo "EXPECTED in $1: /$2/ ${3:-}"
        echo "---- $1:"
        cat "$1"
        echo "----"
        return 1
    fi
    echo "ok: ${3:-$2}"
}

# expect_not FILE PATTERN [WHAT]
expect_not() {
    if grep -Eq -- "$2" "$1"; then
        echo "UNEXPECTED in $1: /$2/ ${3:-}"
        cat "$1"
        return 1
    fi
}

# show CMD...: prints the command, runs it with its output on the log.
show() {
    echo "\$ $*"
    "$@"
}

# free_port: a free TCP port on 127.0.0.1.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
