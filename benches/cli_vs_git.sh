#!/usr/bin/env bash
# `bargain diff --files` beside `git diff --no-index --word-diff` on the two real agreements in
# ../shared/data/oregon-afscme-osh-rn: the whole files, and every article the two share, one
# process per article (the same shell loop around both). Needs hyperfine (Debian: hyperfine).
# Prints hyperfine's summary of each comparison; medians are in the JSON files it names.
set -euo pipefail
cd "$(dirname "$0")/.."
data=../shared/data/oregon-afscme-osh-rn
old=$data/state-afscme-osh-registered-nurses-2023-2025.txt
new=$data/state-afscme-osh-registered-nurses-2025-2027.txt
out=target/cli-vs-git
runs=${RUNS:-40}
cargo build --release --quiet
cargo run --release --quiet --example agreement_articles -- "$old" "$new" "$out/articles"
bin=$PWD/target/release/bargain
hyperfine -N -i -w 5 -r "$runs" --export-json "$out/whole.json" \
    "$bin diff --files $old $new --color never" \
    "git diff --no-index --word-diff $old $new"
each='for f in '"$out"'/articles/old/*.txt; do CMD "$f" '"$out"'/articles/new/"${f##*/}"; done >/dev/null'
hyperfine -N -i -w 2 -r "$((runs / 4))" --export-json "$out/articles.json" \
    "sh -c '${each/CMD/$bin diff --color never --files}'" \
    "sh -c '${each/CMD/git diff --no-index --word-diff}'"
