#!/usr/bin/env bash
# bench/eval_dedup.sh - accuracy of storyline dedup on a labelled duplicate
# corpus made by ../shared/tools/make_dedup_corpus.py, scored by
# ../shared/tools/score_dedup.py (pairwise P/R/F1 per kind, after closure).
#
#   BUILD=build SHARED=../shared bench/eval_dedup.sh [CORPUS_DIR]
#
# CORPUS_DIR holds docs.jsonl and gold.tsv (default: ../shared/data/dedup-dev,
# the dev corpus that thresholds were chosen on; score a holdout made with
# the generator's holdout profile by passing its directory).
set -euo pipefail
. "$(dirname "$0")/paths.sh"
DIR=${1:-$SHARED/data/dedup-dev}
[ -f "$DIR/docs.jsonl" ] && [ -f "$DIR/gold.tsv" ] || {
    echo "eval: $DIR needs docs.jsonl and gold.tsv" >&2
    exit 1
}
OUT=$BUILD/eval
mkdir -p "$OUT"
echo "== duplicates: storyline dedup --pairs on $DIR"
"$BUILD/storyline" dedup --pairs <"$DIR/docs.jsonl" >"$OUT/dedup-pairs.tsv"
# The scorer reads provenance.tsv beside gold.tsv for the hard negatives.
(cd "$SHARED" && python3 tools/score_dedup.py "$DIR/gold.tsv" "$OUT/dedup-pairs.tsv")
echo "bars: exact+near F1 >= 0.98, partial F1 >= 0.93, no listed hard negative predicted"
