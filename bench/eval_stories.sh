#!/usr/bin/env bash
# bench/eval_stories.sh - accuracy of story clustering on the labelled event
# corpora in ../shared/data (giveme, ecbplus, basil), scored by our
# tools/score_stories.py (BCubed and pairwise precision, recall, F1).
#
#   BUILD=build SHARED=../shared bench/eval_stories.sh [dev|test ...]
#
# Each file is ingested into a fresh store (stories are made at ingest, in
# date order), its assignments listed by `storyline stories --assignments`
# and scored against the labels.  The settings were chosen on the dev
# files; the test files are for reporting only.
set -euo pipefail
. "$(dirname "$0")/paths.sh"
SPLITS=${*:-dev test}
OUT=$BUILD/eval/stories
mkdir -p "$OUT"
echo "== stories: storyline ingest, then stories --assignments, scored by tools/score_stories.py"
printf '%-8s %-5s %8s %7s %8s   %-26s %-26s\n' corpus split articles labels stories \
    "BCubed P / R / F1" "pairwise P / R / F1"
for split in $SPLITS; do
    for c in giveme ecbplus basil; do
        in=$SHARED/data/$c/$split.jsonl
        [ -f "$in" ] || { echo "eval: $in is missing" >&2; exit 1; }
        db=$OUT/$c-$split.db
        rm -f "$db" "$db-wal" "$db-shm"
        "$BUILD/storyline" ingest --quiet --db "$db" "$in" 2>"$OUT/$c-$split.log"
        "$BUILD/storyline" stories --db "$db" --assignments >"$OUT/$c-$split.tsv"
        python3 "$ROOT/tools/score_stories.py" "$in" "$OUT/$c-$split.tsv" | awk -v c="$c" -v s="$split" '
            /^articles/ { a = $2; l = $4; st = $6; gsub(",", "", a); gsub(",", "", l) }
            /^bcubed/   { b = sprintf("%.3f / %.3f / %.3f", $3, $5, $7) }
            /^pairwise/ { p = sprintf("%.3f / %.3f / %.3f", $3, $5, $7) }
            END { printf "%-8s %-5s %8s %7s %8s   %-26s %-26s\n", c, s, a, l, st, b, p }'
    done
done
echo "bars (BCubed F1): dev >= 0.90 each; test >= 0.92 giveme, 0.87 ecbplus, 0.96 basil"
