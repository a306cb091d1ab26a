#!/usr/bin/env bash
# tests/sh/tag-odd.sh - the tagger on odd text never crashes nor reads
# outside its input (run under AddressSanitizer by make check-asan), and
# says which line it could not read.
#
# Inputs, made here (deterministic): random bytes; valid UTF-8 of many
# scripts, combining marks and symbols; a 200,000-byte word; a 50,000-token
# sentence with no full stop; lines of only punctuation, only spaces, only
# possessives ('s ’s); capitals headlines; CoNLL lines with one column,
# empty tokens and 10,000-token sentences.  Each goes through `storyline
# tag`, `tag --json` and `tag --conll`; the exit status must be 0 or 1 (1:
# a line was not UTF-8), never a signal, and --json must give one valid
# object per input line.
set -u
command -v storyline >/dev/null || { echo "tag-odd.sh: FAIL: storyline is not on PATH"; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 - "$dir" <<'PY'
import random, sys
d = sys.argv[1]
r = random.Random(7)
open(f"{d}/bytes.txt", "wb").write(bytes(r.randrange(256) for _ in range(200000)) + b"\n")
scripts = "Zelensky Київ Пекін 北京 林剑 Ελλάδα عربي हिन्दी Łódź é́́ ’s 's — … “” 🙂 ½ Ⅻ".split()
lines = []
for i in range(3000):
    lines.append(" ".join(r.choice(scripts) for _ in range(r.randrange(1, 40))))
lines.append("a" * 200000)
lines.append(" ".join("Word%d" % i for i in range(50000)))
lines += ["...!!!???", "     ", "'s ’s 's", "’", "'", "UKRAINE SAYS CHINA DENIES IT", "A", ""]
open(f"{d}/text.txt", "w", encoding="utf-8").write("\n".join(lines) + "\n")
c = []
for i in range(2000):
    if r.random() < 0.1:
        c.append("")
    else:
        c.append(r.choice(scripts) + (" X" * r.randrange(0, 3)))
c += [""] + ["Tok%d" % i for i in range(10000)] + ["", "-DOCSTART- -X- O", "", "’s", "'s", ""]
open(f"{d}/tokens.conll", "w", encoding="utf-8").write("\n".join(c) + "\n")
PY
fail=0
run() { # run NAME CMD...: exit 0 or 1, no signal
    "$@" >"$dir/out" 2>"$dir/err"
    local rc=$?
    if [ $rc -gt 1 ]; then
        echo "tag-odd.sh: FAIL: $* exited $rc"
        head -n 20 "$dir/err"
        fail=1
    fi
}
for f in bytes.txt text.txt; do
    run storyline tag "$dir/$f"
    run storyline tag --json "$dir/$f"
    want=$(wc -l <"$dir/$f")
    got=$(python3 -c 'import json,sys
n = 0
for l in open(sys.argv[1]): json.loads(l); n += 1
print(n)' "$dir/out" 2>/dev/null || echo bad)
    [ "$got" = "$want" ] || { echo "tag-odd.sh: FAIL: $f: --json gave $got objects for $want lines"; fail=1; }
done
grep -q '^storyline: .*bytes.txt:[0-9]*: invalid UTF-8' "$dir/err" 2>/dev/null ||
    { storyline tag "$dir/bytes.txt" 2>&1 >/dev/null | grep -q 'bytes.txt:[0-9]*: invalid UTF-8' ||
      { echo "tag-odd.sh: FAIL: bytes.txt: no message naming the line"; fail=1; }; }
run storyline tag --conll "$dir/tokens.conll"
[ "$(wc -l <"$dir/out")" = "$(wc -l <"$dir/tokens.conll")" ] ||
    { echo "tag-odd.sh: FAIL: tokens.conll: --conll changed the number of lines"; fail=1; }
exit $fail
