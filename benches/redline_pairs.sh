#!/usr/bin/env bash
# The redline beside git on every real pair of tests/data/: whole file, the two editions swapped,
# and article by article (one process per unit the editions share), CPU of alternating runs.
# README, "Redlines beside git on every real pair". Needs farm-bench (alternating pairs, medians,
# ratios pair by pair); BIN defaults to the installed build, installed the README's way
# (`cargo install-bargain`, into target/redline-pairs/).
#
#   benches/redline_pairs.sh [BIN]
set -euo pipefail
cd "$(dirname "$0")/.."
out=$PWD/target/redline-pairs
mkdir -p "$out"
bin=${1:-}
if [[ -z $bin ]]; then
    cargo install-bargain --quiet --force --root "$out"
    bin=$out/bin/bargain
fi
cargo build --release --quiet --example agreement_articles
# The loops run in sh (dash on Debian), whose own cost per process is smaller than bash's, so
# that as little as possible of what is timed is neither program.
cat >"$out/ten.sh" <<'SH'
#!/bin/sh
# ten processes in a row: ten.sh git A B, or ten.sh BIN A B
for i in 0 1 2 3 4 5 6 7 8 9; do
    if [ "$1" = git ]; then git diff --no-index --word-diff --color=never "$2" "$3"
    else "$1" diff --files "$2" "$3" --format plain; fi
done >/dev/null 2>&1
exit 0
SH
cat >"$out/units.sh" <<'SH'
#!/bin/sh
# one process per unit: units.sh git DIR, or units.sh BIN DIR
for f in "$2"/old/*.txt; do
    if [ "$1" = git ]; then git diff --no-index --word-diff --color=never "$f" "$2/new/${f##*/}"
    else "$1" diff --files "$f" "$2/new/${f##*/}" --format plain; fi
done >/dev/null 2>&1
exit 0
SH
chmod +x "$out/ten.sh" "$out/units.sh"
ratio() { farm-bench "$@" 2>&1 | awk '/A\/B cpu/ {print $3 "x"}'; }
for d in tests/data/*/; do
    set -- "$d"*.txt
    name=$(basename "$d")
    target/release/examples/agreement_articles "$1" "$2" "$out/$name" >/dev/null 2>&1
    whole=$(ratio -n 11 --vs "$out/ten.sh git $1 $2" -- "$out/ten.sh" "$bin" "$1" "$2")
    swapped=$(ratio -n 11 --vs "$out/ten.sh git $2 $1" -- "$out/ten.sh" "$bin" "$2" "$1")
    per=$(ratio -n 9 --vs "$out/units.sh git $out/$name" -- "$out/units.sh" "$bin" "$out/$name")
    echo "$name: whole $whole, swapped $swapped, units $per (CPU, bargain / git, medians)"
done
