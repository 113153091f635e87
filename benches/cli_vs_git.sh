#!/usr/bin/env bash
# `bargain diff --files` beside `git diff --no-index --word-diff` on the two real agreements in
# tests/data/oregon-afscme-osh-rn: the whole files, and every article the two share, one
# process per article (the same shell loop around both). Needs hyperfine (Debian: hyperfine).
# Prints hyperfine's summary of each comparison; medians are in the JSON files it names.
set -euo pipefail
cd "$(dirname "$0")/.."
data=tests/data/oregon-afscme-osh-rn
old=$data/state-afscme-osh-registered-nurses-2023-2025.txt
new=$data/state-afscme-osh-registered-nurses-2025-2027.txt
out=target/cli-vs-git
runs=${RUNS:-40}
cargo build --release --quiet
cargo run --release --quiet --example agreement_articles -- "$old" "$new" "$out/articles"
# Timed as installed (`cargo install` copies the binary): a file written by the linker sits in
# the page cache in small pieces and costs every run a dozen more page faults to map (measured:
# 443 against 431 for a copy of the same file, perf stat -r 40), which git's installed binary
# does not pay either.
bin=$PWD/$out/bargain
install -m 755 target/release/bargain "$bin"
hyperfine -N -i -w 5 -r "$runs" --export-json "$out/whole.json" \
    "$bin diff --files $old $new --color never" \
    "git diff --no-index --word-diff $old $new"
each='for f in '"$out"'/articles/old/*.txt; do CMD "$f" '"$out"'/articles/new/"${f##*/}"; done >/dev/null'
hyperfine -N -i -w 2 -r "$((runs / 4))" --export-json "$out/articles.json" \
    "sh -c '${each/CMD/$bin diff --color never --files}'" \
    "sh -c '${each/CMD/git diff --no-index --word-diff}'"

# Hyperfine runs one command's runs, then the other's; on a noisy machine the load drifts in
# between. Here the whole-file pair runs alternately, the order swapped each round, and the
# median of each is printed with their ratio.
rounds=${ROUNDS:-200}
times_b=() times_g=()
run() { local s=$EPOCHREALTIME; "$@" >/dev/null 2>&1 || true; echo "$s $EPOCHREALTIME"; }
for ((i = 0; i < rounds; i++)); do
    if ((i % 2)); then
        g=$(run git diff --no-index --word-diff "$old" "$new")
        b=$(run "$bin" diff --files "$old" "$new" --color never)
    else
        b=$(run "$bin" diff --files "$old" "$new" --color never)
        g=$(run git diff --no-index --word-diff "$old" "$new")
    fi
    times_b+=("$(awk '{printf "%.3f", ($2 - $1) * 1000}' <<<"$b")")
    times_g+=("$(awk '{printf "%.3f", ($2 - $1) * 1000}' <<<"$g")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
mb=$(median "${times_b[@]}") mg=$(median "${times_g[@]}")
echo "alternating, $rounds rounds: bargain median $mb ms, git median $mg ms, ratio $(awk "BEGIN {printf \"%.2f\", $mb / $mg}")"
