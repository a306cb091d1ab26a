#!/usr/bin/env bash
# bench/eval_attrib.sh - attribution accuracy on PolNeAR (../shared/data/
# polnear): `storyline attributions --jsonl` on the articles, scored by
# ../shared/tools/score_attrib.py (attributions paired by cue overlap).
#
#   BUILD=build SHARED=../shared bench/eval_attrib.sh [dev|test ...]
#
# The model was trained on train.jsonl with its epochs chosen on
# dev.jsonl (make attrib-model); test.jsonl is for reporting only.
set -euo pipefail
. "$(dirname "$0")/paths.sh"
SPLITS=${*:-dev test}
OUT=$BUILD/eval/attrib
mkdir -p "$OUT"
echo "== attributions: storyline attributions --jsonl, scored by ../shared/tools/score_attrib.py"
printf '%-5s %8s   %-22s %-26s %-26s %s\n' split seconds "attribution P/R/F1" "source exact F1" "cue exact F1" \
    "content token F1"
for split in $SPLITS; do
    in=$SHARED/data/polnear/$split.jsonl
    [ -f "$in" ] || { echo "eval: $in is missing" >&2; exit 1; }
    start=$(date +%s.%N)
    "$BUILD/storyline" attributions --jsonl "$in" >"$OUT/$split.jsonl"
    end=$(date +%s.%N)
    (cd "$SHARED" && python3 tools/score_attrib.py "$in" "$OUT/$split.jsonl") | awk -v s="$split" -v t0="$start" -v t1="$end" '
        $1 == "attribution" { a = sprintf("%.3f/%.3f/%.3f", $2, $3, $4) }
        $1 == "source" && $2 == "exact" { src = sprintf("%.4f (P %.3f R %.3f)", $5, $3, $4) }
        $1 == "cue" && $2 == "exact" { cue = sprintf("%.4f (P %.3f R %.3f)", $5, $3, $4) }
        $1 == "content" && $2 == "token" { con = sprintf("%.4f (P %.3f R %.3f)", $5, $3, $4) }
        END { printf "%-5s %8.3f   %-22s %-26s %-26s %s\n", s, t1 - t0, a, src, cue, con }'
done
echo "bars (dev and test): source exact F1 >= 0.77, cue exact F1 >= 0.71, content token F1 >= 0.80"
