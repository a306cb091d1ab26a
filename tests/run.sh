#!/usr/bin/env bash
# tests/run.sh - run every test and end with "N passed, N failed".
#
#   unit tests     build/tests/test_*          cmocka, read as TAP
#   transcripts    tests/cli/*.t               see the format below
#   shell tests    tests/sh/*.sh               exit 0 passes, 77 cannot run here
#                                              (a tool is missing: skipped, said)
#
# Transcript format (one file is one scenario; its commands share a fresh
# temporary directory, which is the working directory):
#   # comment               ignored, as are blank lines
#   $ command               run by bash; $ROOT is the repository, $SHARED
#                           ../shared, $EX the examples; storyline is on PATH
#     stdout line           two spaces, then the expected line
#   ! stderr line           "! ", then the expected line
#   [N]                     the expected exit status (default 0)
# An expected line ending in " (re)" is an extended regular expression that
# must match the whole line.  Each command is one test.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
SHARED=${SHARED:-../shared}
case $SHARED in /*) ;; *) SHARED=$(cd "$ROOT/$SHARED" 2>/dev/null && pwd || echo "$ROOT/$SHARED") ;; esac
export ROOT BUILD SHARED EX=$ROOT/examples PATH="$BUILD:$PATH"
only=${1:-}

pass=0
fail=0
skip=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL %s\n' "$*"; }

# --- unit tests -----------------------------------------------------------
for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    [ -n "$only" ] && [[ $t != *"$only"* ]] && continue
    out=$(CMOCKA_MESSAGE_OUTPUT=TAP "$t" 2>&1)
    rc=$?
    n_ok=$(grep -c '^ok ' <<<"$out")
    n_bad=$(grep -c '^not ok ' <<<"$out")
    pass=$((pass + n_ok))
    if [ "$n_bad" -gt 0 ] || { [ $rc -ne 0 ] && [ "$n_bad" -eq 0 ]; }; then
        [ "$n_bad" -eq 0 ] && n_bad=1
        fail=$((fail + n_bad))
        printf 'FAIL %s (exit %d)\n' "$(basename "$t")" "$rc"
        grep -v '^ok ' <<<"$out" | sed 's/^/    /' | head -n 40
    fi
done

# --- transcripts ----------------------------------------------------------
# match EXPECTED_FILE ACTUAL_FILE: line by line, with (re) lines as regexes.
match() {
    local -a exp act
    mapfile -t exp <"$1"
    mapfile -t act <"$2"
    [ ${#exp[@]} -eq ${#act[@]} ] || return 1
    local i
    for i in "${!exp[@]}"; do
        local e=${exp[$i]} a=${act[$i]}
        if [[ $e == *" (re)" ]]; then
            [[ $a =~ ^${e% (re)}$ ]] || return 1
        else
            [ "$e" == "$a" ] || return 1
        fi
    done
    return 0
}

run_transcript() {
    local file=$1 name
    name=$(basename "$file" .t)
    local dir
    dir=$(mktemp -d)
    local cmd="" lineno=0 cmdline=0
    : >"$dir/.exp_out"; : >"$dir/.exp_err"
    local exp_rc=0
    flush() {
        [ -n "$cmd" ] || return 0
        (cd "$dir" && bash -c "$cmd" >"$dir/.out" 2>"$dir/.err")
        local rc=$?
        if match "$dir/.exp_out" "$dir/.out" && match "$dir/.exp_err" "$dir/.err" && [ $rc -eq $exp_rc ]; then
            ok
        else
            bad "$name.t:$cmdline: $cmd"
            echo "    exit $rc (expected $exp_rc)"
            diff -u "$dir/.exp_out" "$dir/.out" | sed -n '3,$s/^/    out/p' | head -n 30
            diff -u "$dir/.exp_err" "$dir/.err" | sed -n '3,$s/^/    err/p' | head -n 30
        fi
        cmd=""; exp_rc=0
        : >"$dir/.exp_out"; : >"$dir/.exp_err"
    }
    while IFS= read -r line || [ -n "$line" ]; do
        lineno=$((lineno + 1))
        case $line in
            '$ '*) flush; cmd=${line#\$ }; cmdline=$lineno ;;
            '  '*) printf '%s\n' "${line#  }" >>"$dir/.exp_out" ;;
            '! '*) printf '%s\n' "${line#! }" >>"$dir/.exp_err" ;;
            '!')   printf '\n' >>"$dir/.exp_err" ;;
            '['*']') exp_rc=${line//[\[\]]/} ;;
            '#'*|'') ;;
            *) bad "$name.t:$lineno: cannot read line: $line" ;;
        esac
    done <"$file"
    flush
    rm -rf "$dir"
}

for f in "$ROOT"/tests/cli/*.t; do
    [ -f "$f" ] || continue
    [ -n "$only" ] && [[ $f != *"$only"* ]] && continue
    run_transcript "$f"
done

# --- shell tests ----------------------------------------------------------
for s in "$ROOT"/tests/sh/*.sh; do
    [ -f "$s" ] || continue
    [ -n "$only" ] && [[ $s != *"$only"* ]] && continue
    out=$(bash "$s" 2>&1)
    rc=$?
    if [ $rc -eq 0 ]; then
        ok
    elif [ $rc -eq 77 ]; then # it cannot run here: said, not counted as passed
        skip=$((skip + 1))
        printf 'SKIP %s: %s\n' "$(basename "$s")" "$(tail -n 1 <<<"$out")"
    else
        bad "$(basename "$s")"
        printf '%s\n' "$out" | tail -n 30 | sed 's/^/    /'
    fi
done

if [ $skip -gt 0 ]; then echo "$pass passed, $fail failed, $skip skipped"; else echo "$pass passed, $fail failed"; fi
[ "$fail" -eq 0 ]
