#!/usr/bin/env bash
# ./test.sh [--sanitize | --tsan]: set up, build, and run the tests.
#
#   (none)      the whole suite through ctest, on the Release build.
#   --sanitize  the whole suite under ASan+UBSan (clang), then each fuzz
#               target of tests/fuzz/ briefly (scripts/fuzz.sh).
#   --tsan      the parallel indexer and search tests under ThreadSanitizer.
set -euo pipefail
cd "$(dirname "$0")"
case ${1:-} in
    '' | --sanitize | --tsan) ;;
    *) echo "test.sh: unknown option '$1' (use --sanitize or --tsan, or nothing)" >&2; exit 2 ;;
esac
scripts/bootstrap.sh
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
# Runs a phase and notes its wall time on stderr.
phase() {
    local start=$SECONDS
    "$@"
    echo "test.sh: '$*' took $((SECONDS - start)) s" >&2
}
case ${1:-} in
    --sanitize)
        phase scripts/build.sh --sanitize
        phase ctest --test-dir build-asan --output-on-failure -j2
        phase scripts/fuzz.sh build-asan "${IDX_FUZZ_SECONDS:-10}"
        ;;
    --tsan)
        phase scripts/build.sh --tsan idx_unit_tests
        phase build-tsan/tests/idx_unit_tests --test-suite=parallel
        ;;
    *)
        phase scripts/build.sh
        phase ctest --test-dir build --output-on-failure -j2
        ;;
esac
