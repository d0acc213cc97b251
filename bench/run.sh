#!/usr/bin/env bash
# bench/run.sh: idx side by side with the tools it replaces, on the Linux
# corpus (../shared/bench/corpus.sh), in one run, warm cache.
#
#   bench/run.sh [--quick] [--no-readme]
#
# Writes bench/results/<date>-<host>.md and, unless --no-readme, copies the
# table into README.md between the bench markers. Each row is the median of
# hyperfine runs (-N: no shell), output going to a pipe. Also checks that
# idx's answers equal the rival's on the same corpus and reports any diff.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
runs=15
update_readme=1
for a in "$@"; do
    case $a in
        --quick) runs=5 ;;
        --no-readme) update_readme=0 ;;
        *) echo "usage: bench/run.sh [--quick] [--no-readme]" >&2; exit 2 ;;
    esac
done

shared=${IDX_SHARED:-$here/../shared}
corpus=${IDX_BENCH_CORPUS:-$("$shared/bench/corpus.sh")}
idx=$here/build/idx
[[ -x $idx ]] || { echo "bench: build first (./run.sh or scripts/build.sh)" >&2; exit 2; }
work=$here/bench/work
mkdir -p "$work" bench/results
host=$(hostname -s 2>/dev/null || echo host)
day=$(date +%F)
out=bench/results/$day-$host.md
rows=$work/rows.md
: > "$rows"

# median <hyperfine json> <index>: the median of the index-th command, in ms.
median_ms() {
    awk -v want="$2" '/"median":/ { gsub(/[",]/, "", $2); n++; if (n == want) printf "%.1f", $2 * 1000 }' "$1"
}

# row NAME IDX_CMD RIVAL_NAME RIVAL_CMD: time both in one hyperfine run.
row() {
    local name=$1 idx_cmd=$2 rival=$3 rival_cmd=$4 json=$work/h.json
    hyperfine -N --warmup 3 --runs "$runs" --export-json "$json" --output=pipe \
        "$idx_cmd" "$rival_cmd" > "$work/hyperfine.log" 2>&1
    local a b
    a=$(median_ms "$json" 1)
    b=$(median_ms "$json" 2)
    printf '| %s | %s | %s | %s | %s |\n' "$name" "$a" "$rival" "$b" \
        "$(awk -v a="$a" -v b="$b" 'BEGIN { if (a > 0) printf "%.2f×", b / a; else print "-" }')" >> "$rows"
    echo "bench: $name: idx $a ms, $rival $b ms" >&2
}

cd "$corpus"

# Correctness first: the same file set as rg --files.
"$idx" files | LC_ALL=C sort > "$work/idx-files.txt"
rg --files | LC_ALL=C sort > "$work/rg-files.txt"
if cmp -s "$work/idx-files.txt" "$work/rg-files.txt"; then
    files_check="identical ($(wc -l < "$work/rg-files.txt") files)"
else
    files_check="DIFFERENT: $(diff "$work/rg-files.txt" "$work/idx-files.txt" | grep -c '^[<>]') lines differ"
fi

row "start-up (\`--version\`)" "$idx --version" "rg --version" "rg --version"
row "\`idx files\` vs \`rg --files\`" "$idx files" "rg --files" "rg --files"
row "\`idx files -t c\` vs \`rg --files -t c\`" "$idx files -t c" "rg --files -t c" "rg --files -t c"

cd "$here"
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
{
    echo "Measured $day on $host: $(nproc) cores ($cpu), $(free -g | awk '/Mem:/ {print $2}') GiB,"
    echo "Linux 6.1 corpus ($(wc -l < "$work/rg-files.txt") files), warm cache, median of $runs runs"
    echo "(hyperfine -N, output to a pipe). Ratio = rival / idx; above 1 means idx is faster."
    echo
    echo "| what | idx ms | rival | rival ms | ratio |"
    echo "|---|---|---|---|---|"
    cat "$rows"
    echo
    echo "Correctness on the same corpus: \`idx files\` vs \`rg --files\`: $files_check."
} > "$out"
echo "bench: wrote $out" >&2

if ((update_readme)); then
    awk -v table="$out" '
        /<!-- bench:start -->/ { print; while ((getline line < table) > 0) print line; skip = 1; next }
        /<!-- bench:end -->/ { skip = 0 }
        !skip { print }' README.md > "$work/README.md"
    mv "$work/README.md" README.md
fi
cat "$out"
