#!/usr/bin/env bash
# ./run.sh [PATH]: set up, build, and run idx's main job on PATH (default:
# this repository): list the files, then search them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
target=${1:-$here}
"$here/scripts/bootstrap.sh"
"$here/scripts/build.sh"
idx=$here/build/idx

cd "$target"
echo "== idx files: $(pwd)"
TIMEFORMAT='(%R s)'
time { "$idx" files | wc -l; }
echo "== idx search -c 'TODO|FIXME' (files with counts, first 10)"
"$idx" search -c 'TODO|FIXME' --sort path | head -10 || true
