#!/usr/bin/env bash
# bench/ner.sh - named-entity tagging speed on one core, beside `wc -w` on
# the same input, in one run:
#   tokens   CoNLL-2003's training tokens five times over, through
#            `storyline tag --conll` (the tagger on given tokens);
#   text     news-base's article texts, one a line, through `storyline tag`
#            (sentences and tokens found first, as for stored articles);
# and attributions (`storyline attributions --jsonl`) on the same articles.
#
#   BUILD=build SHARED=../shared bench/ner.sh
#
# Best of BENCH_RUNS (default 3) wall times.
set -euo pipefail
. "$(dirname "$0")/paths.sh"
SL=$BUILD/storyline
OUT=$BUILD/bench/ner
RUNS=${BENCH_RUNS:-3}
mkdir -p "$OUT"
conll=$SHARED/data/conll2003/train.conll
news=$SHARED/data/news-base/articles.jsonl
[ -f "$conll" ] && [ -f "$news" ] || { echo "bench: needs $conll and $news" >&2; exit 1; }
for r in 1 2 3 4 5; do cat "$conll"; done >"$OUT/tokens.conll"
python3 -c 'import json,sys
for l in open(sys.argv[1]): print(json.loads(l)["text"].replace("\n", " "))' "$news" >"$OUT/text.txt"
# best WALL seconds of RUNS runs of a command
best() {
    local b="" t
    for ((i = 0; i < RUNS; i++)); do
        /usr/bin/time -o "$OUT/time" -f %e "$@" >/dev/null 2>&1
        t=$(tail -n 1 "$OUT/time")
        if [ -z "$b" ] || awk -v a="$t" -v b="$b" 'BEGIN { exit !(a < b) }'; then b=$t; fi
    done
    echo "$b"
}
tok=$(grep -cv -e '^$' -e '^-DOCSTART-' "$OUT/tokens.conll")
words=$(wc -w <"$OUT/text.txt")
echo "named-entity tagging, one core (best of $RUNS)"
printf '%-8s %10s %9s %14s %10s %12s\n' input tokens seconds tokens/s "wc -w s" "vs wc -w"
for kind in tokens text; do
    if [ $kind = tokens ]; then f=$OUT/tokens.conll n=$tok cmd=("$SL" tag --conll "$f")
    else f=$OUT/text.txt n=$words cmd=("$SL" tag "$f"); fi
    s=$(best "${cmd[@]}")
    w=$(best wc -w "$f")
    awk -v k=$kind -v n="$n" -v s="$s" -v w="$w" 'BEGIN {
        printf "%-8s %10d %9.2f %14.0f %10.2f %11.3fx\n", k, n, s, n / s, w, w / s }'
done
echo "text: tokens counted as wc -w words (punctuation tokens come on top)"
echo "bar: 500,000 tokens/s on one core"
# Attributions on the same articles, as JSONL: names, then sources, cues
# and contents in two stages, then the grouping and the JSON out.
python3 -c 'import json,sys
for i, l in enumerate(open(sys.argv[1])): print(json.dumps({"id": i, "text": json.loads(l)["text"]}))' "$news" >"$OUT/articles.jsonl"
arts=$(wc -l <"$OUT/articles.jsonl")
s=$(best "$SL" attributions --jsonl "$OUT/articles.jsonl")
w=$(best wc -w "$OUT/articles.jsonl")
# sentences as the segmenter finds them: those of the stored articles
rm -f "$OUT/claims.db"*
"$SL" ingest -q --db "$OUT/claims.db" "$OUT/articles.jsonl"
sents=$("$SL" stats --db "$OUT/claims.db" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["sentences"])')
echo "attributions (storyline attributions --jsonl), one core (best of $RUNS)"
printf '%-8s %10s %9s %9s %12s %14s %10s %12s\n' articles words sentences seconds sentences/s words/s "wc -w s" \
    "vs wc -w"
awk -v a="$arts" -v n="$words" -v m="$sents" -v s="$s" -v w="$w" 'BEGIN {
    printf "%-8d %10d %9d %9.2f %12.0f %14.0f %10.2f %11.3fx\n", a, n, m, s, m / s, n / s, w, w / s }'
echo "bar: 100,000 sentences/s on one core"
# Claims of the same articles stored: the first `claims` finds them (the
# tagger, speakers resolved, stored); a second only reads and groups them.
first=$( { /usr/bin/time -f %e "$SL" claims --db "$OUT/claims.db" >/dev/null; } 2>&1 | tail -n 1)
again=$(best "$SL" claims --db "$OUT/claims.db")
n_claims=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from claims").fetchone()[0])' "$OUT/claims.db")
echo "storyline claims on the stored articles: $n_claims claims"
awk -v a="$arts" -v f="$first" -v g="$again" -v c="$n_claims" 'BEGIN {
    printf "  first (analysis):  %6.2f s, %8.0f articles/s\n", f, a / f
    printf "  again (grouping):  %6.2f s, %8.0f claims/s\n", g, c / g }'
# Model load: `tag` on one word (loads and checks the model: header, XXH64
# of every byte) less `--version` (the same process, no model), 50 runs each.
ms() {
    python3 - "$@" <<'PY'
import subprocess, sys, time
runs = 50
def t(cmd, stdin):
    best = 1e9
    for _ in range(runs):
        s = time.perf_counter()
        subprocess.run(cmd, input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - s)
    return best
sl = sys.argv[1]
a = t([sl, "tag"], b"Putin\n")
b = t([sl, "--version"], b"")
print("model load: %.1f ms (tag on one word %.1f ms, --version %.1f ms; best of %d); bar: 50 ms" % ((a - b) * 1e3, a * 1e3, b * 1e3, runs))
PY
}
ms "$SL"
