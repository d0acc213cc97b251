#!/usr/bin/env bash
# ./test.sh [--sanitize]: set up, build, and run every test through ctest.
# With --sanitize, the build and the tests use ASan+UBSan (build-sanitize/).
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh
scripts/build.sh "$@"
dir=build
if [[ ${1:-} == --sanitize ]]; then dir=build-sanitize; fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --test-dir "$dir" --output-on-failure -j2
