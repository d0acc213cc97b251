#!/usr/bin/env bash
# build.sh [--sanitize | --tsan] [TARGET...]: configure (once) and build.
#
#   (none)      Release, GCC, into build/: the product.
#   --sanitize  clang, ASan+UBSan, plus libFuzzer coverage and the fuzz
#               targets of tests/fuzz/, into build-asan/.
#   --tsan      clang, ThreadSanitizer, into build-tsan/ (the parallel
#               indexer and search tests: pass their targets).
# Incremental: rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-}
case $mode in
    --sanitize | --tsan) shift ;;
    *) mode= ;;
esac

dir=build
args=(-DCMAKE_BUILD_TYPE=Release)
if [[ -n $mode ]]; then
    # Debian 12's clang; libFuzzer and the sanitizer runtimes come with it.
    export CC=clang-14 CXX=clang++-14
    # Line tables are all a sanitizer report needs (file:line in its
    # stacks); full debug info made the ASan build 258 s, this 243 s.
    lines_only=(-DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -gline-tables-only -DNDEBUG"
                -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -gline-tables-only -DNDEBUG")
    if [[ $mode == --sanitize ]]; then
        dir=build-asan
        args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "${lines_only[@]}" -DIDX_SANITIZE=ON -DIDX_FUZZ=ON)
    else
        dir=build-tsan
        scripts/tsan_tbb.sh "$dir/tbb"
        args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "${lines_only[@]}" -DIDX_TSAN=ON "-DTBB_DIR=$PWD/$dir/tbb/lib/cmake/TBB")
    fi
fi
if [[ ! -f $dir/build.ninja ]]; then
    cmake -S . -B "$dir" -G Ninja "${args[@]}" >&2
fi
ninja -C "$dir" "$@" >&2
