#!/usr/bin/env bash
# bench/symbols.sh CORPUS WORK RUNS: the symbol and agent rows of the bench
# (issues 5 and 6), as Markdown on stdout. Called by bench/run.sh from the
# corpus, with IDX_DB set to an index built with symbols.
#
#   - def, refs and sym beside GNU global (`global -x`, `global -rx`) and
#     universal-ctags' readtags on a tags file built here;
#   - map --tokens 2048; a query with a literal name against the same query
#     parsing every C file (--no-index);
#   - idx ask --replay: a turn with a search tool call, no network (the
#     non-LLM time per turn);
#   - ctags recall: C functions under kernel/ and Python classes, functions
#     and methods in Debian's Python standard library.
set -euo pipefail
corpus=$1 work=$2 runs=$3
here=$(cd "$(dirname "$0")/.." && pwd)
idx=$here/build/idx
cd "$corpus"
export GTAGSROOT=$corpus GTAGSDBPATH=$work/gtags

median_ms() {
    awk -v want="$2" '/"median":/ { gsub(/[",]/, "", $2); n++; if (n == want) printf "%.1f", $2 * 1000 }' "$1"
}

if [[ ! -s $work/tags ]]; then
    echo "bench: building a ctags tags file for readtags" >&2
    ctags -R -f "$work/tags" --languages=C,C++ . 2> /dev/null
fi

# idx watch runs meanwhile (bench/run.sh), so `idx` hands each lookup to
# it; idx-lookup is what `idx` becomes when no watcher answers (idx's own
# start, ~0.2 ms, comes on top of it then).
lookup=$here/build/idx-lookup
echo "Symbol lookups (median ms of $runs runs, whole process; \`idx\` with \`idx watch\` running, which answers it;"
echo "\`idx-lookup\` is the same lookup without a watcher; readtags on a \`ctags -R\` tags file of the C and C++ files):"
echo
echo "| lookup | idx ms | without watcher (idx-lookup) ms | global ms | readtags ms |"
echo "|---|---|---|---|---|"
for name in mutex_lock kmalloc rxrpc_kernel_recv_data; do
    json=$work/sym.json
    hyperfine -N -i --warmup 3 --runs "$runs" --export-json "$json" --output=pipe \
        "$idx def $name" "$lookup def $name" "global -x $name" "readtags -t $work/tags $name" > "$work/hyperfine.log" 2>&1
    echo "| \`idx def $name\` / \`global -x\` / \`readtags\` | $(median_ms "$json" 1) | $(median_ms "$json" 2) | $(median_ms "$json" 3) | $(median_ms "$json" 4) |"
    hyperfine -N -i --warmup 3 --runs "$runs" --export-json "$json" --output=pipe \
        "$idx sym $name" "$lookup sym $name" "global -x $name" "readtags -t $work/tags $name" > "$work/hyperfine.log" 2>&1
    echo "| \`idx sym $name\` (fuzzy, ranked) / \`global -x\` / \`readtags\` | $(median_ms "$json" 1) | $(median_ms "$json" 2) | $(median_ms "$json" 3) | $(median_ms "$json" 4) |"
done
for name in rxrpc_kernel_recv_data mutex_lock_nested; do
    hyperfine -N -i --warmup 3 --runs "$runs" --export-json "$json" --output=pipe \
        "$idx refs $name" "$lookup refs $name" "global -rx $name" > "$work/hyperfine.log" 2>&1
    echo "| \`idx refs $name\` / \`global -rx\` | $(median_ms "$json" 1) | $(median_ms "$json" 2) | $(median_ms "$json" 3) | - |"
done
# Abbreviations: mtxlck finds mutex_lock; mlnested and krrd are the hard
# cases (common letters: thousands of candidate groups to read and score).
hyperfine -N -i --warmup 3 --runs "$runs" --export-json "$json" --output=pipe \
    "$idx sym mtxlck" "$idx sym mlnested" "$idx sym krrd" \
    "$lookup sym mtxlck" "$lookup sym mlnested" "$lookup sym krrd" > "$work/hyperfine.log" 2>&1
echo "| \`idx sym mtxlck\` (finds mutex_lock) | $(median_ms "$json" 1) | $(median_ms "$json" 4) | - | - |"
echo "| \`idx sym mlnested\` (finds mutex_lock_nested) | $(median_ms "$json" 2) | $(median_ms "$json" 5) | - | - |"
echo "| \`idx sym krrd\` (finds kref_read) | $(median_ms "$json" 3) | $(median_ms "$json" 6) | - | - |"

echo
echo "Structure and agent (median ms):"
echo
echo "| what | idx ms | baseline | baseline ms |"
echo "|---|---|---|---|"
hyperfine -N --warmup 2 --runs "$runs" --export-json "$json" --output=pipe \
    "$idx map --tokens 2048" > "$work/hyperfine.log" 2>&1
echo "| \`idx map --tokens 2048\` | $(median_ms "$json" 1) | - | - |"
q='(call_expression function: (identifier) @f (#eq? @f "kmalloc_array"))'
# The indexed query 3 times (one run of it varied 10.5-15.1 s on this VM);
# the two-minute baseline once.
hyperfine -N -i --runs 3 --export-json "$json" --output=pipe "$idx query '$q' --lang c" > "$work/hyperfine.log" 2>&1
query_ms=$(median_ms "$json" 1)
hyperfine -N -i --runs 1 --export-json "$json" --output=pipe "$idx query '$q' --lang c --no-index" > "$work/hyperfine.log" 2>&1
echo "| \`idx query\` for calls of kmalloc_array | $query_ms | the same query parsing every C file (\`--no-index\`) | $(median_ms "$json" 1) |"
hyperfine -N --warmup 2 --runs "$runs" --export-json "$json" --output=pipe \
    "$idx ask q --replay $here/bench/ask_replay.json -q" "$idx --version" > "$work/hyperfine.log" 2>&1
a=$(median_ms "$json" 1)
echo "| \`idx ask --replay\`: 2 turns, one search call (whole process) | $a | \`idx --version\` (process start) | $(median_ms "$json" 2) |"
profile=$("$idx" ask q --replay "$here/bench/ask_replay.json" -q --profile 2>&1 >/dev/null | awk '/non-LLM time/ {gsub(/[(]/, "", $8); print $3, $8}')
echo
echo "Non-LLM time per turn of \`idx ask\` (\`--profile\`, tools included): ${profile#* } ms (total ${profile%% *} ms for 2 turns)."

echo
echo "Recall against universal-ctags (same file, line and name):"
echo
kernel=$(python3 "$here/bench/ctags_recall.py" . kernel C f --idx "$idx" --min 0 2> /dev/null)
echo "- $kernel"
pyroot=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
# An index of an older schema (from an older idx) asks for --rebuild.
(cd "$pyroot" && { IDX_DB=$work/python.db "$idx" index . || IDX_DB=$work/python.db "$idx" index --rebuild .; } > /dev/null 2>&1)
py=$(cd "$pyroot" && IDX_DB=$work/python.db python3 "$here/bench/ctags_recall.py" . . Python cfm --idx "$idx" --min 0 2> /dev/null)
echo "- Python standard library ($pyroot): $py"
