#!/usr/bin/env bash
# bench/ingest.sh - ingest throughput and peak memory on a large JSONL built
# from the article corpora in ../shared/data, beside `cat` and `wc -w` on the
# same file, in one run.
#
#   BUILD=build SHARED=../shared bench/ingest.sh [TARGET_MB]
#
# The input repeats every article corpus (giveme, ecbplus, basil, news-base,
# dedup-dev, polnear) until it passes TARGET_MB (default 500); each round
# renames the ids ("r7-...") so that every article is new to the store.
# The file lives in $BUILD/bench/ and is reused while its recipe is the same.
set -euo pipefail
. "$(dirname "$0")/paths.sh"
TARGET_MB=${1:-500}
SL=$BUILD/storyline
RSS=$BUILD/tests/rss
[ -x "$RSS" ] || { echo "bench: $RSS is missing (make bench builds it)" >&2; exit 1; }
OUT=$BUILD/bench
mkdir -p "$OUT"

corpora=()
for f in giveme/articles.jsonl ecbplus/articles.jsonl basil/articles.jsonl \
         news-base/articles.jsonl dedup-dev/docs.jsonl polnear/train.jsonl \
         polnear/dev.jsonl polnear/test.jsonl; do
    [ -f "$SHARED/data/$f" ] && corpora+=("$SHARED/data/$f")
done
if [ ${#corpora[@]} -eq 0 ]; then
    echo "bench: no corpora under $SHARED/data; set SHARED=path/to/shared" >&2
    exit 1
fi

BIG=$OUT/articles-${TARGET_MB}mb.jsonl
if [ ! -s "$BIG" ]; then
    echo "bench: building $BIG from ${#corpora[@]} corpora ..." >&2
    round=0
    : >"$BIG.tmp"
    while [ "$(stat -c %s "$BIG.tmp")" -lt $((TARGET_MB * 1000000)) ]; do
        round=$((round + 1))
        cat "${corpora[@]}" | sed "s/^{\"id\": *\"/{\"id\": \"r$round-/" >>"$BIG.tmp"
    done
    mv "$BIG.tmp" "$BIG"
fi
bytes=$(stat -c %s "$BIG")
lines=$(wc -l <"$BIG")
mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }')
echo "input: $BIG"
echo "       $mb MB, $lines articles"
echo

# measure NAME CMD...: run CMD under rss RUNS times (a fresh store before
# each run: $FRESH is removed), keep the best wall seconds and the largest
# anonymous peak KiB (bench/rss.c: the store's pages mapped are not
# counted).  Best-of-N, because other load on a shared machine only ever
# makes a run slower.
RUNS=${BENCH_RUNS:-3}
declare -A WALL PEAK
measure() {
    local name=$1
    shift
    local line w p r
    WALL[$name]=""
    PEAK[$name]=0
    for ((r = 0; r < RUNS; r++)); do
        if [ -n "${FRESH:-}" ]; then rm -f "$FRESH" "$FRESH-wal" "$FRESH-shm"; fi
        line=$("$RSS" "$@" 2>&1 >/dev/null | grep '^rss:' | tail -n 1)
        w=$(awk '{ print $3 }' <<<"$line")
        p=$(awk '{ print $15 }' <<<"$line")
        if [ -z "${WALL[$name]}" ] || awk -v a="$w" -v b="${WALL[$name]}" 'BEGIN { exit !(a < b) }'; then
            WALL[$name]=$w
        fi
        if [ "$p" -gt "${PEAK[$name]}" ]; then PEAK[$name]=$p; fi
    done
}

cat "$BIG" >/dev/null # warm the page cache for every contestant
measure cat cat "$BIG"
measure wc wc -w "$BIG"
measure clean "$SL" ingest --dry-run --quiet "$BIG"
FRESH=$OUT/bench.db measure ingest "$SL" ingest --quiet --no-index --db "$OUT/bench.db" "$BIG"
FRESH=$OUT/bench.db measure dupsonly "$SL" ingest --quiet --dups-only --db "$OUT/bench.db" "$BIG"
FRESH=$OUT/bench.db measure dupingest "$SL" ingest --quiet --db "$OUT/bench.db" "$BIG"
measure dedup "$SL" dedup --pairs --quiet "$BIG"
stored=$("$SL" stats --json --db "$OUT/bench.db" | sed 's/.*"articles":\([0-9]*\).*/\1/')
rounds=$(grep -o '^{"id": "r[0-9]*-' "$BIG" | tail -n 1 | tr -dc '0-9')

echo "best of $RUNS runs each (BENCH_RUNS=N to change); storyline on every core (--threads), wc -w on one; same file, in the page cache"
echo "peak MiB: the process's own memory (RssAnon); the pages of the store it maps are the kernel's cache"
printf '%-34s %9s %10s %12s %10s %12s\n' "" "seconds" "MB/s" "articles/s" "peak MiB" "vs wc -w"
row() {
    local name=$1 label=$2
    awk -v w="${WALL[$name]}" -v p="${PEAK[$name]}" -v b="$bytes" -v n="$lines" \
        -v base="${WALL[wc]}" -v label="$label" 'BEGIN {
        printf "%-34s %9.2f %10.1f %12.0f %10.1f %11.2fx\n", label, w, b / 1e6 / w, n / w, p / 1024, base / w
    }'
}
row cat "cat >/dev/null"
row wc "wc -w"
row clean "storyline: clean+segment (dry run)"
row ingest "storyline: ingest, --no-index"
row dupsonly "storyline: ingest --dups-only"
row dupingest "storyline: ingest, full analysis"
row dedup "storyline dedup --pairs (stream)"
echo
echo "stored $stored of $lines articles; store $(du -h "$OUT/bench.db" | cut -f1)"
echo "targets: clean+segment >= 300 MB/s, ingest without duplicates >= 120 MB/s, peak RSS < 64 MiB;"
echo "         ingest with duplicates >= 40 MB/s; dedup >= 100 MB/s on 2 cores, index <= 256 B/article"
echo "(--dups-only: duplicates only, entities, stories and search at 'storyline reindex';"
echo " full analysis: duplicates, search, stories and named entities at ingest)"
echo "note: the input repeats each corpus ${rounds:-16} times under new ids, so most articles are exact"
echo "copies of earlier ones: the duplicate rows are faster here than on text that is all new"

# The same figures on text that is mostly new: dedup-dev, the labelled
# duplicate corpus (real articles, 40 % copies of one another, as the
# generator's README says), where datasketch was measured.
DEV=$SHARED/data/dedup-dev/docs.jsonl
if [ -f "$DEV" ]; then
    dbytes=$(stat -c %s "$DEV")
    dlines=$(wc -l <"$DEV")
    cat "$DEV" >/dev/null
    measure dwc wc -w "$DEV"
    measure ddedup "$SL" dedup --pairs --quiet "$DEV"
    FRESH=$OUT/dev.db measure ddup "$SL" ingest --quiet --db "$OUT/dev.db" "$DEV"
    FRESH=$OUT/dev.db measure ddonly "$SL" ingest --quiet --dups-only --db "$OUT/dev.db" "$DEV"
    # what --dups-only leaves: the rebuild of that store (entities, search, stories)
    RUNS=1 measure dreindex "$SL" reindex --db "$OUT/dev.db"
    echo
    echo "on ${DEV#"$ROOT"/}: $(awk -v b="$dbytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB, $dlines articles (best of $RUNS)"
    printf '%-34s %9s %10s %12s %10s %12s\n' "" "seconds" "MB/s" "articles/s" "peak MiB" "vs wc -w"
    bytes=$dbytes lines=$dlines
    WALL[wc]=${WALL[dwc]}
    row dwc "wc -w"
    row ddedup "storyline dedup --pairs (stream)"
    row ddonly "storyline: ingest --dups-only"
    row dreindex "  then storyline reindex"
    row ddup "storyline: ingest, full analysis"
    awk -v w="${WALL[ddedup]}" -v b="$dbytes" 'BEGIN {
        printf "datasketch MinHash+LSH, measured on this file on the same machine: about 3 MB/s;\n"
        printf "storyline dedup is %.0f times that\n", b / 1e6 / w / 3 }'
fi
