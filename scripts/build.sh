#!/usr/bin/env bash
# build.sh [--sanitize]: configure (once) and build into build/ (or
# build-sanitize/ with ASan+UBSan). Incremental: rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=build
args=(-DCMAKE_BUILD_TYPE=Release)
if [[ ${1:-} == --sanitize ]]; then
    dir=build-sanitize
    args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DIDX_SANITIZE=ON)
fi
if [[ ! -f $dir/build.ninja ]]; then
    cmake -S . -B "$dir" -G Ninja "${args[@]}" >&2
fi
ninja -C "$dir" >&2
