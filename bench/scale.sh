#!/usr/bin/env bash
# bench/scale.sh - how duplicate detection grows with the corpus: 10k, 100k
# and 1M articles of the generator's scale corpus.
#
#   BUILD=build bench/scale.sh SCALE_DIR [SIZES]
#
# SCALE_DIR holds docs.jsonl made by (from ../shared, about 7 min, 2.9 GB):
#   python3 tools/make_dedup_corpus.py --profile scale --seed 3 \
#       --n-docs 1000000 --no-stats --out SCALE_DIR
# and, optionally, QUERIES.jsonl: articles to `check` (default: 500 lines
# from ../shared/data/dedup-dev, none of them stored, and 500 lines of the
# corpus from line 20,001, stored in the 100k and 1M stores).
# SIZES defaults to "10000 100000 1000000".  For each size it prints
# storyline dedup (time, MB/s, peak RSS, RSS per article), then, for an
# ingest with --dups-only and for the full one, the ingest into a store
# (time, MB/s, peak RSS, store bytes per article) and sl_check() latency
# percentiles on that store.  peak MiB is the process's own memory
# (RssAnon, bench/rss.c), not the pages of the store it maps.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
DIR=${1:?usage: bench/scale.sh SCALE_DIR [SIZES]}
SIZES=${2:-10000 100000 1000000}
SHARED=${SHARED:-$ROOT/../shared}
SL=$BUILD/storyline
RSS=$BUILD/tests/rss
[ -x "$RSS" ] || { echo "bench: $RSS is missing (make bench builds it)" >&2; exit 1; }
LAT=$BUILD/tests/check_latency
WORK=$BUILD/bench/scale
mkdir -p "$WORK"
Q=$DIR/QUERIES.jsonl
if [ ! -f "$Q" ]; then
    Q=$WORK/queries.jsonl
    { head -n 500 "$SHARED/data/dedup-dev/docs.jsonl"; sed -n '20001,20500p' "$DIR/docs.jsonl"; } >"$Q"
fi
# "wall user sys peak" of a command, from bench/rss.c
measure() { "$RSS" "$@" 2>&1 >/dev/null | sed -n 's/^rss: wall \([0-9.]*\) s  user \([0-9.]*\) s  sys \([0-9.]*\) s  peak [0-9]* KiB  anon \([0-9]*\) KiB.*/\1 \2 \3 \4/p'; }
printf '%-9s %-34s %9s %9s %10s %12s\n' articles step seconds MB/s "peak MiB" "B/article"
for n in $SIZES; do
    in=$WORK/docs-$n.jsonl
    head -n "$n" "$DIR/docs.jsonl" >"$in"
    mb=$(stat -c %s "$in" | awk '{print $1 / 1e6}')
    read -r w _ _ kb < <(measure wc -w "$in")
    printf '%-9s %-34s %9.2f %9.1f %10s %12s\n' "$n" "wc -w" "$w" "$(awk -v m="$mb" -v t="$w" 'BEGIN{print m/t}')" - -
    read -r w _ _ kb < <(measure "$SL" dedup --pairs --quiet "$in")
    printf '%-9s %-34s %9.2f %9.1f %10.1f %12.0f\n' "$n" "dedup --pairs (RSS/article)" "$w" \
        "$(awk -v m="$mb" -v t="$w" 'BEGIN{print m/t}')" "$(awk -v k="$kb" 'BEGIN{print k/1024}')" \
        "$(awk -v k="$kb" -v n="$n" 'BEGIN{print k*1024/n}')"
    # duplicates only (the rest waits for a reindex), then check on that store
    db=$WORK/dups-$n.db
    rm -f "$db" "$db-wal" "$db-shm"
    read -r w _ _ kb < <(measure "$SL" ingest --quiet --dups-only --db "$db" "$in")
    printf '%-9s %-34s %9.2f %9.1f %10.1f %12.0f\n' "$n" "ingest --dups-only (store/art.)" "$w" \
        "$(awk -v m="$mb" -v t="$w" 'BEGIN{print m/t}')" "$(awk -v k="$kb" 'BEGIN{print k/1024}')" \
        "$(stat -c %s "$db" | awk -v n="$n" '{print $1/n}')"
    printf '%-9s ' "$n"
    "$LAT" "$db" "$Q" 1000
    rm -f "$db" "$db-wal" "$db-shm"
    db=$WORK/store-$n.db
    rm -f "$db" "$db-wal" "$db-shm"
    read -r w _ _ kb < <(measure "$SL" ingest --quiet --db "$db" "$in")
    printf '%-9s %-34s %9.2f %9.1f %10.1f %12.0f\n' "$n" "ingest with duplicates (store/art.)" "$w" \
        "$(awk -v m="$mb" -v t="$w" 'BEGIN{print m/t}')" "$(awk -v k="$kb" 'BEGIN{print k/1024}')" \
        "$(stat -c %s "$db" | awk -v n="$n" '{print $1/n}')"
    printf '%-9s ' "$n"
    "$LAT" "$db" "$Q" 1000
    rm -f "$in"
done
