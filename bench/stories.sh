#!/usr/bin/env bash
# bench/stories.sh - story clustering throughput from 10k articles up, on
# text already ingested: `storyline recluster` (read each article's stored
# terms, place it, write its story) timed on stores of the first N
# articles of a JSONL file.
#
#   BUILD=build bench/stories.sh FILE.jsonl [SIZES]
#
# SIZES defaults to "10000 100000".  Use the generator's scale corpus
# (bench/scale.sh says how to make it) for text that is all new, and add
# 1000000 to SIZES for the 1M row; the bench file of bench/ingest.sh
# repeats its corpora, so most of its articles are exact copies, which
# join their original's story without being weighed.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
IN=${1:?usage: bench/stories.sh FILE.jsonl [SIZES]}
SIZES=${2:-10000 100000}
SL=$BUILD/storyline
RSS=$BUILD/tests/rss
[ -x "$RSS" ] || { echo "bench: $RSS is missing (make bench builds it)" >&2; exit 1; }
WORK=$BUILD/bench/stories
mkdir -p "$WORK"
measure() { "$RSS" "$@" 2>&1 >/dev/null | sed -n 's/^rss: wall \([0-9.]*\) s  user \([0-9.]*\) s  sys \([0-9.]*\) s  peak [0-9]* KiB  anon \([0-9]*\) KiB.*/\1 \2 \3 \4/p'; }
echo "story clustering on ${IN#"$ROOT"/} (storyline recluster: stored terms in, stories out; one core)"
printf '%-9s %9s %12s %14s %10s %9s %9s\n' articles seconds articles/s "us/article" "peak MiB" stories copies
for n in $SIZES; do
    in=$WORK/in-$n.jsonl
    head -n "$n" "$IN" >"$in"
    have=$(wc -l <"$in")
    db=$WORK/store-$n.db
    rm -f "$db" "$db-wal" "$db-shm"
    "$SL" ingest --quiet --db "$db" "$in"
    rm -f "$in"
    best="" peak=0
    for r in 1 2 3; do
        read -r w _ _ kb < <(measure "$SL" recluster --db "$db")
        if [ -z "$best" ] || awk -v a="$w" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$w; fi
        [ "$kb" -gt "$peak" ] && peak=$kb
    done
    st=$(sqlite3 "$db" "SELECT count(*) FROM stories")
    cp=$(sqlite3 "$db" "SELECT count(*) FROM story_members WHERE copy_of IS NOT NULL")
    awk -v n="$have" -v w="$best" -v k="$peak" -v s="$st" -v c="$cp" 'BEGIN {
        printf "%-9d %9.2f %12.0f %14.1f %10.1f %9d %9d\n", n, w, n / w, w * 1e6 / n, k / 1024, s, c }'
    rm -f "$db" "$db-wal" "$db-shm"
done
