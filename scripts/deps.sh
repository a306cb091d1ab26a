#!/bin/sh
# scripts/deps.sh - install the Debian packages storyline needs to build and
# test, if any are missing.  Uses apt-get, through sudo when not root.
#
#   scripts/deps.sh            install what is missing
#   scripts/deps.sh --check    only say what is missing (exit 1 if anything)
#   scripts/deps.sh --browser  also what the browser test needs (chromium,
#                              node and npm; then: cd tests/browser && npm ci)
#   scripts/deps.sh --bench    also what make bench needs (wrk)
set -eu

# package: what it provides (checked by dpkg status)
PACKAGES="gcc make pkg-config libsqlite3-dev libutf8proc-dev libxxhash-dev
libjansson-dev libcmocka-dev libstemmer-dev libmicrohttpd-dev sqlite3 curl"
if [ "${1:-}" = "--browser" ]; then
    PACKAGES="$PACKAGES chromium nodejs"
    # some builds of nodejs carry npm; Debian's has it apart
    command -v npm >/dev/null 2>&1 || PACKAGES="$PACKAGES npm"
    shift
fi
if [ "${1:-}" = "--bench" ]; then
    PACKAGES="$PACKAGES wrk"
    shift
fi

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    echo "deps: all build dependencies are installed"
    exit 0
fi
if [ "${1:-}" = "--check" ]; then
    echo "deps: missing:$missing"
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "deps: missing:$missing" >&2
    echo "deps: apt-get not found; this script knows Debian and Ubuntu only." >&2
    echo "deps: install the equivalents of those packages with your package manager." >&2
    exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
elif command -v sudo >/dev/null 2>&1 && [ -t 0 ]; then
    SUDO="sudo"
else
    echo "deps: missing:$missing" >&2
    echo "deps: not root and sudo is not available; run as root:" >&2
    echo "      apt-get install -y$missing" >&2
    exit 1
fi

echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || { echo "deps: apt-get update failed" >&2; exit 1; }
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing ||
    { echo "deps: apt-get install failed for:$missing" >&2; exit 1; }
echo "deps: done"
