#!/usr/bin/env bash
# bench/eval_ner.sh - named-entity accuracy on CoNLL-2003 (../shared/data/
# conll2003): `storyline tag --conll` on the gold tokens, scored by
# ../shared/tools/score_ner.py (entity-level exact match, as conlleval).
#
#   BUILD=build SHARED=../shared bench/eval_ner.sh [dev|test ...]
#
# The model was trained on train.conll with the epoch chosen on dev.conll
# (make ner-model, with data/ner-lexicon.txt); test.conll is for reporting
# only.  The seconds are the wall time of the tagging alone, for a first
# look (bench for speed).
set -euo pipefail
. "$(dirname "$0")/paths.sh"
SPLITS=${*:-dev test}
OUT=$BUILD/eval/ner
mkdir -p "$OUT"
echo "== entities: storyline tag --conll, scored by ../shared/tools/score_ner.py"
printf '%-5s %8s %8s   %-26s %s\n' split tokens seconds "P / R / F1 (overall)" "F1 PER / ORG / LOC / MISC"
for split in $SPLITS; do
    in=$SHARED/data/conll2003/$split.conll
    [ -f "$in" ] || { echo "eval: $in is missing" >&2; exit 1; }
    start=$(date +%s.%N)
    "$BUILD/storyline" tag --conll "$in" >"$OUT/$split.conll"
    end=$(date +%s.%N)
    tokens=$(grep -cv -e '^$' -e '^-DOCSTART-' "$in")
    (cd "$SHARED" && python3 tools/score_ner.py "$in" "$OUT/$split.conll") | awk -v s="$split" -v n="$tokens" -v t0="$start" -v t1="$end" '
        $1 == "PER" || $1 == "ORG" || $1 == "LOC" || $1 == "MISC" { f[$1] = $4 }
        $1 == "overall" { o = sprintf("%.4f / %.4f / %.4f", $2, $3, $4) }
        END { printf "%-5s %8d %8.3f   %-26s %.4f / %.4f / %.4f / %.4f\n", s, n, t1 - t0, o, f["PER"], f["ORG"], f["LOC"], f["MISC"] }'
done
echo "bar (overall F1): test >= 0.88"
