#!/usr/bin/env bash
# `bargain diff --files` beside `git diff --no-index --word-diff` on the two real agreements in
# tests/data/oregon-afscme-osh-rn: the whole files, and every article the two share, one
# process per article (the same shell loop around both). Needs hyperfine (Debian: hyperfine).
# Prints hyperfine's summary of each comparison; medians are in the JSON files it names.
#
# `benches/cli_vs_git.sh index [ROUNDS]`: the history index on the generated 20,000-commit table
# instead (README, "Speed: the history index"); needs only git and GNU time (/usr/bin/time).
# BIN=PATH times that binary (e.g. the installed build, `cargo install-bargain --root DIR`)
# instead of the release build.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ${1:-} == index ]]; then
    rounds=${2:-7}
    cargo build --release --quiet --bin bargain --example generate
    bin=$PWD/target/index-vs-git/bargain
    mkdir -p target/index-vs-git
    install -m 755 "${BIN:-target/release/bargain}" "$bin"
    table=$PWD/target/bench-tables/1000-articles-20000-commits-seed-2025
    [[ -d $table/.git ]] || target/release/examples/generate "$table"
    # The same table and 100 commits more (passes made with plain git, with the tool's trailers).
    more=$PWD/target/index-vs-git/plus-100
    if [[ ! -d $more/.git ]]; then
        git clone -q "$table" "$more"
        for i in $(seq 1 100); do
            a=$(((i * 37) % 1000 + 1)) s=$( ((i % 2)) && echo employer || echo union)
            d=$(cd "$more" && ls -d proposals/"$a"-*)
            echo "Pass $i text for $a." >>"$more/$d/$s.md"
            git -C "$more" add "$d/$s.md"
            git -C "$more" -c user.name="$s lead" -c user.email="ai-lead@$s.example" commit -q \
                -m "$s pass on article $a" -m "Bargain-Article: ${d#proposals/}
Bargain-Side: $s"
        done
    fi
    article=$(cd "$table" && ls -d proposals/1-*)/
    # Git refreshes its index's file times (a copied table has stale ones, and then every status
    # check re-reads every file, which git log never does).
    git -C "$table" status --short >/dev/null
    # One timed run: "wall user+sys maxrss_kb", output thrown away.
    timed() { /usr/bin/time -f "%e %U %S %M" "$@" 2>&1 >/dev/null | tail -1 | awk '{print $1, $2 + $3, $4}'; }
    median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
    # pair NAME DIR SETUP BARGAIN... -- GIT...: alternating rounds, order swapped each round.
    pair() {
        local name=$1 dir=$2 setup=$3; shift 3
        local ours=() theirs=() seen=0
        for w in "$@"; do if [[ $w == -- ]]; then seen=1; elif ((seen)); then theirs+=("$w"); else ours+=("$w"); fi; done
        : >/tmp/index-vs-git.b; : >/tmp/index-vs-git.g
        for ((i = 0; i < rounds; i++)); do
            if ((i % 2)); then
                (cd "$dir" && timed "${theirs[@]}") >>/tmp/index-vs-git.g
                (cd "$dir" && eval "$setup" && timed "${ours[@]}") >>/tmp/index-vs-git.b
            else
                (cd "$dir" && eval "$setup" && timed "${ours[@]}") >>/tmp/index-vs-git.b
                (cd "$dir" && timed "${theirs[@]}") >>/tmp/index-vs-git.g
            fi
        done
        local bw bc bm gw gc gm
        bw=$(awk '{print $1}' /tmp/index-vs-git.b | median) bc=$(awk '{print $2}' /tmp/index-vs-git.b | median)
        bm=$(awk '{print $3}' /tmp/index-vs-git.b | sort -n | tail -1)
        gw=$(awk '{print $1}' /tmp/index-vs-git.g | median) gc=$(awk '{print $2}' /tmp/index-vs-git.g | median)
        gm=$(awk '{print $3}' /tmp/index-vs-git.g | sort -n | tail -1)
        printf '%s: bargain wall %s s, cpu %s s, peak %d MB | git wall %s s, cpu %s s, peak %d MB | ratio wall %.3f, cpu %.3f\n' \
            "$name" "$bw" "$bc" $((bm / 1024)) "$gw" "$gc" $((gm / 1024)) \
            "$(awk "BEGIN {print $bw / $gw}")" "$(awk "BEGIN {print $bc / $gc}")"
    }
    names=(git log --name-only --format=%H -- proposals/)
    (cd "$table" && rm -rf .git/bargain && "$bin" status --format csv >/dev/null)
    (cd "$more" && rm -rf .git/bargain && git checkout -q HEAD~100 2>/dev/null &&
        "$bin" status --format csv >/dev/null 2>&1 && git checkout -q - &&
        cp .git/bargain/index-v1 ../index-before-100)
    # Output identical to a cold run's after the 100 commits.
    (cd "$more" && cp ../index-before-100 .git/bargain/index-v1 && "$bin" status --format csv >../warm.csv &&
        rm .git/bargain/index-v1 && "$bin" status --format csv >../cold.csv &&
        cmp ../warm.csv ../cold.csv && echo "after 100 commits: output identical to a cold run's")
    pair "cold status (no index on disk)" "$table" "rm -rf .git/bargain" "$bin" status --format csv -- "${names[@]}"
    (cd "$table" && "$bin" status --format csv >/dev/null)
    pair "warm status (index on disk)" "$table" ":" "$bin" status --format csv -- "${names[@]}"
    pair "status after 100 new commits" "$more" "cp ../index-before-100 .git/bargain/index-v1" \
        "$bin" status --format csv -- "${names[@]}"
    pair "cold log 1" "$table" "rm -rf .git/bargain" "$bin" log 1 -- git log --format=%H -- "$article"
    pair "cold diff 1" "$table" "rm -rf .git/bargain" "$bin" diff 1 --color never -- git log --format=%H -- "$article"
    exit 0
fi
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
