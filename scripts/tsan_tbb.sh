#!/usr/bin/env bash
# tsan_tbb.sh DIR: builds oneTBB with ThreadSanitizer into DIR (once).
#
# Debian's libtbb is not instrumented, so TSan cannot see the hand-off of a
# task from one worker to another inside it and reports every such hand-off
# as a race (875 false reports on the parallel tests). The TSan build links
# this instead: the same release as libtbb-dev (2021.8.0), from Debian's
# source package, checked against the checksum in Debian's Sources index.
set -euo pipefail
dir=$1
[[ -f $dir/lib/cmake/TBB/TBBConfig.cmake ]] && exit 0
version=2021.8.0
sha256=7e9111b8bb59c8800bf6d0b06afe7b0891937443d2dae1ee1101c8e2ede6a7ef
url=http://deb.debian.org/debian/pool/main/o/onetbb/onetbb_${version}.orig.tar.xz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "tsan_tbb: building oneTBB $version with ThreadSanitizer" >&2
curl -sSfL -o "$work/src.tar.xz" "$url"
echo "$sha256  $work/src.tar.xz" | sha256sum -c --quiet -
mkdir "$work/src"
tar -xf "$work/src.tar.xz" -C "$work/src" --strip-components=1
CC=clang-14 CXX=clang++-14 cmake -S "$work/src" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DTBB_SANITIZE=thread -DTBB_TEST=OFF -DTBB_EXAMPLES=OFF -DTBBMALLOC_BUILD=OFF -DTBB_STRICT=OFF \
    -DCMAKE_INSTALL_PREFIX="$(realpath -m "$dir")" >/dev/null
ninja -C "$work/build" install >/dev/null
