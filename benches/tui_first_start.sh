#!/usr/bin/env bash
# The TUI's first start on a table with no index on disk (a fresh clone): from launch to the
# open article's history on screen ("History · N events"), and to the whole index ("Indexing
# history" gone from the status line). The release binary runs in tmux at 160×40 (a wide screen
# opens the first article at once); the screen is read every 10 ms. `COLS=80 ROWS=24` opens no
# article at start: the whole index alone, for comparison.
#
# `benches/tui_first_start.sh [TABLE] [RUNS]`: TABLE defaults to the generated 20,000-commit
# table under target/bench-tables/ (generated if missing); it is written to (its `.git/bargain`
# is removed before each run), so point it at a copy. Prints each run and the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin bargain --example generate
table=${1:-$PWD/target/bench-tables/1000-articles-20000-commits-seed-2025}
runs=${2:-5}
[[ -d $table/.git ]] || target/release/examples/generate "$table"
bin=$PWD/target/release/bargain
session=bargain-first-start-$$
now() { date +%s.%N; }
median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
histories=() indexes=()
for run in $(seq 1 "$runs"); do
    rm -rf "$table/.git/bargain"
    start=$(now)
    tmux new-session -d -s "$session" -x "${COLS:-160}" -y "${ROWS:-40}" -c "$table" "$bin"
    history='' index=''
    while [[ -z $index ]]; do
        screen=$(tmux capture-pane -p -t "$session" 2>/dev/null || true)
        t=$(now)
        if [[ -z $history && $screen =~ History\ ·\ [0-9]+\ events ]]; then
            history=$(echo "$t - $start" | bc)
        fi
        if [[ $screen == *Articles* && $screen != *Indexing* && $screen != *Opening* ]]; then
            index=$(echo "$t - $start" | bc)
        fi
        sleep 0.01
    done
    tmux kill-session -t "$session"
    echo "run $run: article's history on screen ${history:-(none)} s, whole index $index s"
    [[ -z $history ]] || histories+=("$history")
    indexes+=("$index")
done
if [[ ${#histories[@]} -gt 0 ]]; then
    echo "median of $runs: article's history $(printf '%s\n' "${histories[@]}" | median) s"
fi
echo "median of $runs: whole index $(printf '%s\n' "${indexes[@]}" | median) s"
