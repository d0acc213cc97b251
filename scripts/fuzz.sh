#!/usr/bin/env bash
# fuzz.sh BUILD_DIR SECONDS: runs each libFuzzer target of tests/fuzz for
# SECONDS, two at a time, from the seeds in tests/fuzz/corpus/<target>/.
# New inputs go to a scratch corpus, not into the repository. A crash
# leaves its input in BUILD_DIR/fuzz/crashes/ and fails the script.
set -euo pipefail
bin=$(realpath "$1")/fuzz seconds=$2
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The targets make their scratch trees under TMPDIR: inside $work, removed.
export TMPDIR=$work
mkdir -p "$bin/crashes"
# Hyperscan's compiler allocates a lot: shallower malloc stacks and a smaller
# quarantine triple the planner target's speed; reports stay readable.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}malloc_context_size=8:quarantine_size_mb=64
export LSAN_OPTIONS=suppressions=$PWD/tests/fuzz/lsan.supp

# The index target's seed is a real index, made by the target itself.
mkdir -p "$work/seeds/index_file"
if ! IDX_FUZZ_MAKE_SEED="$work/seeds/index_file/index.db" "$bin/index_file_fuzz" >"$work/seed.log" 2>&1; then
    echo "fuzz: making the index seed failed:" >&2
    tail -n 30 "$work/seed.log" >&2
    exit 1
fi

run() {
    local t=$1 seeds=$PWD/tests/fuzz/corpus/$1
    [[ -d $work/seeds/$t ]] && seeds=$work/seeds/$t
    mkdir -p "$work/new/$t"
    if "$bin/${t}_fuzz" "$work/new/$t" "$seeds" -max_total_time="$seconds" -timeout=60 -rss_limit_mb=2048 \
        -artifact_prefix="$bin/crashes/${t}-" -print_final_stats=1 >"$work/$t.log" 2>&1; then
        printf 'fuzz: %-12s %s\n' "$t" "$(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$work/$t.log" |
            grep -o '[0-9]*$') runs, no crash" >&2
    else
        printf 'fuzz: %s FAILED; its log:\n' "$t" >&2
        tail -n 60 "$work/$t.log" >&2
        return 1
    fi
}

targets=(query_plan ignore sse_parser mcp_request tool_args index_file)
status=0
for ((i = 0; i < ${#targets[@]}; i += 2)); do
    run "${targets[i]}" & a=$!
    run "${targets[i + 1]}" & b=$!
    wait $a || status=1
    wait $b || status=1
done
exit $status
