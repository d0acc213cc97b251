#!/usr/bin/env bash
# ./run.sh [PATH]: set up, build, and run idx's main job on PATH (default:
# this repository): index it, show the index status, list the files and run
# a search.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
target=${1:-$here}
"$here/scripts/bootstrap.sh"
"$here/scripts/build.sh" idx  # the product only; ./test.sh builds the tests
idx=$here/build/idx

cd "$target"
echo "== idx index $(pwd)"
"$idx" index
echo "== idx status"
"$idx" status --limit 5
echo "== idx files | wc -l"
TIMEFORMAT='(%R s)'
time { "$idx" files | wc -l; }
echo "== idx search -c 'TODO|FIXME' --sort path (first 10)"
"$idx" search -c 'TODO|FIXME' --sort path | head -10 || true
