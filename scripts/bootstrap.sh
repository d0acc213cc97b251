#!/usr/bin/env bash
# bootstrap.sh: install what idx needs to build and test, and nothing twice.
#
# - Debian 12 packages, with apt-get, only those not yet installed.
# - The pinned tree-sitter runtime and grammars, with `npm ci` from
#   grammars/package-lock.json, only when the lockfile changed.
# Safe to run again: a second run installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf 'bootstrap: %s\n' "$*" >&2; }

SUDO=
if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; fi

# Build, libraries, and the tools the tests and benchmarks compare against.
PACKAGES=(
    build-essential cmake ninja-build pkg-config git ca-certificates util-linux
    libtbb-dev libsqlite3-dev sqlite3 libcurl4-openssl-dev libsimdjson-dev doctest-dev libcli11-dev
    libfmt-dev libroaring-dev libxxhash-dev libpcre2-dev libzstd-dev
    ripgrep hyperfine universal-ctags global codesearch ugrep python3
    # The `idx` client is C, linked statically against musl (cli/idx_client.c).
    musl-tools
    # ./test.sh --sanitize / --tsan: clang with libFuzzer and the sanitizer
    # runtimes; llvm-symbolizer for readable reports.
    clang-14 libclang-rt-14-dev llvm-14
    # scripts/tsan_tbb.sh fetches Debian's oneTBB source.
    curl xz-utils
)
# Hyperscan. On amd64, Intel's libhyperscan-dev (5.4.0): Vectorscan 5.4.9's
# AVX-512 scanner misses true matches (`[A-Z]{3}_` against a 68-byte line in
# tests/search/line_matcher_test.cpp; its AVX2 path and Hyperscan find it),
# and the two packages conflict, so an installed Vectorscan is replaced.
# Elsewhere (arm64), Vectorscan, the portable fork.
if [[ $(dpkg --print-architecture) == amd64 ]]; then
    PACKAGES+=(libhyperscan-dev)
    if dpkg-query -W -f='${Status}' libvectorscan-dev 2>/dev/null | grep -q 'install ok installed'; then
        PACKAGES+=(libvectorscan-dev- libvectorscan5-)
    fi
else
    PACKAGES+=(libvectorscan-dev)
fi
# Node.js and npm fetch the grammars. Any npm on PATH will do (some images
# ship NodeSource's nodejs, which conflicts with Debian's npm package).
if ! command -v npm >/dev/null 2>&1; then PACKAGES+=(nodejs npm); fi

missing=()
for p in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then missing+=("$p"); fi
done
if ((${#missing[@]})); then
    log "installing: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
else
    log "Debian packages: all present"
fi

# npm packages at pinned versions: the grammars, and the MCP Inspector CLI
# the tests drive `idx mcp` with. Reinstalled only when a lockfile differs
# from the one installed.
npm_ci() {
    local dir=$1 what=$2
    local want stamp
    want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
    stamp=$dir/node_modules/.idx-lock-sha256
    if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
        log "fetching $what with npm ci"
        (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) >&2
        echo "$want" > "$stamp"
    else
        log "$what: up to date"
    fi
}
npm_ci grammars "grammars"
npm_ci tests/mcp "the MCP Inspector"
