#!/usr/bin/env bash
# tests/sh/crash.sh - kill -9 at any moment loses at most the batch in
# flight, never corrupts the store, and re-running the same command
# completes the work.
#
# Builds a synthetic JSONL corpus (deterministic, no third-party text),
# times one full ingest, then repeatedly starts
#     storyline ingest --quiet --batch 200 --db DB input.jsonl
# kills it with SIGKILL after a random delay (RANDOM=42, scaled to the
# measured run time, so slow builds such as ASan get the same coverage) and
# checks the store after every kill:
#   - PRAGMA integrity_check says ok, PRAGMA foreign_key_check says nothing
#   - storyline stats --json works; the article count is a multiple of the
#     batch size or the total, never smaller than after the previous kill
#   - no duplicate ids, and the stored ids are a prefix of the input
# Killed before the schema committed, the store is missing, an empty
# SQLite file, or one with a hot rollback journal (from the switch to WAL):
# then it must roll back to empty and read-only commands must refuse it
# cleanly.  The checks open the store read-only, so each run resumes from
# exactly what the kill left.  Runs resume on the same store; every few
# iterations (and once all is stored) it starts over with a fresh store and
# a short delay, so that kills also land while the store is created.  Finally
# the same command runs to completion and every article must be stored
# exactly once.
#
# Run it alone: tests/run.sh crash.  Knobs (environment): CRASH_ARTICLES
# (default 80000), CRASH_ITERATIONS (default 24).
set -u

N=${CRASH_ARTICLES:-80000}
ITER=${CRASH_ITERATIONS:-24}
BATCH=200
FRESH_EVERY=4

die() {
    printf 'crash.sh: FAIL: %s\n' "$*"
    exit 1
}

command -v storyline >/dev/null || die "storyline is not on PATH"
command -v sqlite3 >/dev/null || die "sqlite3 is not installed (scripts/deps.sh)"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/storyline-crash.XXXXXX") || die "mktemp"
pid=
cleanup() {
    if [ -n "$pid" ]; then
        kill -9 "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

IN=$TMP/input.jsonl
DB=$TMP/crash.db

# --- input ---------------------------------------------------------------
# N articles: a MINSTD generator (exact in awk's doubles, so every awk gives
# the same file), 2-6 paragraphs of sentences from a small vocabulary per
# article, now and then a boilerplate line that cleaning removes (so the
# removed table is written too).  Every paragraph is drawn afresh: articles
# that shared paragraphs would be partial copies of each other, and this
# test is about crashes, not a corpus made of copies.  Ids crash-000001...
# in input order.
awk -v N="$N" '
function rnd(n) { x = (x * 48271) % 2147483647; return x % n }
function paragraph(   p, s) {
    p = sentence()
    for (s = 1 + rnd(4); s > 0; s--) p = p " " sentence()
    return p
}
function sentence(   s, i, k) {
    k = 6 + rnd(14)
    s = w[rnd(nw)]
    for (i = 1; i < k; i++) s = s " " w[rnd(nw)]
    return toupper(substr(s, 1, 1)) substr(s, 2) "."
}
BEGIN {
    x = 42
    nw = split("city council river market school budget minister report " \
               "harbour station weather election court police hospital museum " \
               "bridge farmers trade storm vote plan water energy road league " \
               "festival mayor bank price survey officials residents project " \
               "said on monday tuesday friday after before during while with " \
               "the a new old local national early late more than about over", v, " ")
    for (i = 1; i <= nw; i++) w[i - 1] = v[i]
    nsrc = split("Daily Ledger|Harbour Times|Valley Post|Northern Courier", src, "|")
    for (n = 1; n <= N; n++) {
        id = sprintf("crash-%06d", n)
        title = sentence(); sub(/\.$/, "", title)
        text = paragraph()
        for (p = 1 + rnd(5); p > 0; p--) text = text "\\n\\n" paragraph()
        if (rnd(5) == 0) text = text "\\n\\nShare this article"
        printf "{\"id\":\"%s\",\"source\":\"%s\",\"url\":\"https://example.invalid/%s\"," \
               "\"date\":\"2024-%02d-%02d\",\"title\":\"%s\",\"text\":\"%s\"}\n",
               id, src[1 + rnd(nsrc)], id, 1 + rnd(12), 1 + rnd(28), title, text
    }
}' >"$IN" || die "generating the input"
lines=$(wc -l <"$IN")
[ "$lines" -eq "$N" ] || die "generated $lines lines, wanted $N"
idof() { printf 'crash-%06d' "$1"; }

# --- helpers -------------------------------------------------------------
now_ms() { local t=${EPOCHREALTIME/[.,]/}; echo $((t / 1000)); }
sleep_ms() { sleep "$(($1 / 1000)).$(printf '%03d' $(($1 % 1000)))"; }
ingest() { storyline ingest --quiet --batch "$BATCH" --db "$DB" "$IN"; }
q() { sqlite3 -readonly -batch "$DB" "$1" 2>&1; }   # read-only: leave the store as the crash left it

# check LABEL PREV: verify the store after a kill; sets COUNT.  PREV is the
# count after the previous kill on the same store.
check() {
    local label=$1 prev=$2 out
    COUNT=0
    if [ ! -e "$DB" ]; then
        # Killed before the store was created: nothing to check.
        [ "$prev" -eq 0 ] || die "$label: the store disappeared"
        STATE="no store yet"
        return
    fi
    if [ -e "$DB-journal" ]; then
        # Killed while SQLite switched the new file to WAL: a hot rollback
        # journal.  Read-only openers cannot roll it back; any writer (the
        # next ingest) does.  Check a rolled-back copy and leave the
        # original for the next run to recover.
        [ "$prev" -eq 0 ] || die "$label: a rollback journal beside a store that had $prev articles"
        rm -rf "$TMP/copy" && mkdir "$TMP/copy" && cp "$DB" "$DB-journal" "$TMP/copy/" ||
            die "$label: copying the store"
        # (This open may delete a journal that is not hot, e.g. beside an
        # empty file; hence the copy first.)
        out=$(storyline stats --db "$DB" --json 2>&1) &&
            die "$label: stats accepted a store with a hot journal: $out"
        [[ $out == *"not a storyline store"* ]] || die "$label: stats with a hot journal: $out"
        out=$(sqlite3 -batch "$TMP/copy/${DB##*/}" 'PRAGMA integrity_check' 2>&1)
        [ "$out" = ok ] || die "$label: integrity_check after rolling back the journal: $out"
        [ "$(sqlite3 -batch "$TMP/copy/${DB##*/}" "SELECT count(*) FROM sqlite_master")" = 0 ] ||
            die "$label: rolled-back store has tables"
        STATE="hot journal, rolls back to an empty store"
        return
    fi
    out=$(q 'PRAGMA integrity_check')
    [ "$out" = ok ] || die "$label: integrity_check: $out"
    out=$(q 'PRAGMA foreign_key_check')
    [ -z "$out" ] || die "$label: foreign_key_check: $out"
    local uv tables
    uv=$(q 'PRAGMA user_version')
    tables=$(q "SELECT count(*) FROM sqlite_master WHERE name = 'articles'")
    if [ "$uv" = 0 ] && [ "$tables" = 0 ]; then
        # Killed while the store was being created (before the schema
        # committed): a valid, empty SQLite file; stats rightly refuses it.
        [ "$prev" -eq 0 ] || die "$label: store lost its schema (had $prev articles)"
        out=$(storyline stats --db "$DB" --json 2>&1) &&
            die "$label: stats accepted a store without schema: $out"
        [[ $out == *"not a storyline store"* ]] || die "$label: stats on a store without schema: $out"
        STATE="empty store, no schema yet"
        return
    fi
    # Migrations commit all their steps at once: a kill leaves no schema
    # (above) or the current one (10).
    [ "$uv" -eq 10 ] && [ "$tables" = 1 ] ||
        die "$label: schema version '$uv', articles table '$tables'"
    out=$(storyline stats --db "$DB" --json 2>&1) || die "$label: storyline stats failed: $out"
    [[ $out =~ \"articles\":([0-9]+) ]] || die "$label: no article count in stats: $out"
    COUNT=${BASH_REMATCH[1]}
    local sq
    sq=$(q "SELECT count(*) || ' ' || (count(*) - count(DISTINCT id)) || ' ' || coalesce(max(id), '-') FROM articles")
    local n dup maxid
    read -r n dup maxid <<<"$sq"
    [ "$n" = "$COUNT" ] || die "$label: stats says $COUNT articles, sqlite3 says: $sq"
    [ "$dup" = 0 ] || die "$label: $dup duplicate ids"
    [ $((COUNT % BATCH)) -eq 0 ] || [ "$COUNT" -eq "$N" ] ||
        die "$label: $COUNT articles: not a whole number of batches of $BATCH (partial batch committed)"
    [ "$COUNT" -ge "$prev" ] || die "$label: $COUNT articles, fewer than the $prev after the previous kill"
    [ "$COUNT" -le "$N" ] || die "$label: $COUNT articles, more than the $N in the input"
    if [ "$COUNT" -gt 0 ]; then
        [ "$maxid" = "$(idof "$COUNT")" ] ||
            die "$label: $COUNT articles but the last id is $maxid: not a prefix of the input"
    fi
    STATE="$COUNT articles"
}

# --- one full run, timed ---------------------------------------------------
rm -f "$DB" "$DB-wal" "$DB-shm"
t0=$(now_ms)
ingest >"$TMP/out" 2>&1 || die "full ingest failed: $(cat "$TMP/out")"
t1=$(now_ms)
ingest >"$TMP/out" 2>&1 || die "re-running a complete ingest failed: $(cat "$TMP/out")"
t2=$(now_ms)
T_FULL=$((t1 - t0))          # a fresh store, everything stored
T_SKIP=$((t2 - t1))          # everything already present
[ "$T_FULL" -gt 0 ] || T_FULL=1
check "timing run" 0
[ "$COUNT" -eq "$N" ] || die "the full run stored $COUNT of $N articles"
echo "input: $N articles, $(($(wc -c <"$IN") / 1000000)) MB; full run ${T_FULL} ms, re-run ${T_SKIP} ms"

# --- kill -9 at random moments ----------------------------------------------
RANDOM=42
prev=0
fresh=1
n_fresh=0 n_killed=0 n_finished=0 n_mid=0
for ((i = 1; i <= ITER; i++)); do
    if [ "$fresh" -eq 1 ] || [ $(((i - 1) % FRESH_EVERY)) -eq 0 ]; then
        rm -f "$DB" "$DB-wal" "$DB-shm" "$DB-journal"
        prev=0
        n_fresh=$((n_fresh + 1))
        # Early moments: alternately within the first 1/25 and the first 1/3.
        if [ $((n_fresh % 2)) -eq 1 ]; then span=$((T_FULL / 25)); else span=$((T_FULL / 3)); fi
        what="fresh"
    else
        # The expected time of a resumed run: skip what is there, store the rest.
        span=$(((T_SKIP * prev + T_FULL * (N - prev)) / N))
        what="resume"
    fi
    [ "$span" -gt 0 ] || span=1
    delay=$((span * RANDOM / 32768))
    fresh=0

    # storyline itself, not a function or subshell, so $! is its pid.
    storyline ingest --quiet --batch "$BATCH" --db "$DB" "$IN" >"$TMP/out" 2>&1 &
    pid=$!
    sleep_ms "$delay"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    rc=$?
    pid=
    case $rc in
        137) how="killed"; n_killed=$((n_killed + 1)) ;;
        0) how="finished first"; n_finished=$((n_finished + 1)) ;;
        *) die "iteration $i: ingest exited with status $rc: $(cat "$TMP/out")" ;;
    esac
    check "iteration $i ($what, $how after ${delay} ms)" "$prev"
    if [ "$how" = "finished first" ] && [ "$COUNT" -ne "$N" ]; then
        die "iteration $i: ingest exited 0 but stored $COUNT of $N articles"
    fi
    [ "$COUNT" -gt 0 ] && [ "$COUNT" -lt "$N" ] && n_mid=$((n_mid + 1))
    [ "$COUNT" -eq "$N" ] && fresh=1   # nothing left to do: start over
    printf 'iteration %2d: %-6s kill after %5d ms: %-14s -> %s\n' "$i" "$what" "$delay" "$how" "$STATE"
    prev=$COUNT
done
echo "kills: $n_killed landed ($n_mid mid-way), $n_finished runs finished first, $n_fresh fresh stores"
[ "$n_killed" -ge $((ITER / 3)) ] || die "only $n_killed of $ITER kills landed while ingest ran"

# --- the same command, to completion ---------------------------------------
ingest >"$TMP/out" 2>&1 || die "the final run exited with status $?: $(cat "$TMP/out")"
check "final run" "$prev"
[ "$COUNT" -eq "$N" ] || die "final run: $COUNT of $N articles stored"
out=$(storyline ingest --batch "$BATCH" --db "$DB" "$IN" 2>&1) ||
    die "re-running after completion failed: $out"
[ "$out" = "read $N, stored 0, already present $N, rejected 0" ] ||
    die "re-running after completion: $out"
for k in 1 "$N"; do
    id=$(idof "$k")
    title=$(sed -n "${k}{s/.*\"title\":\"\([^\"]*\)\".*/\1/p;q}" "$IN")
    out=$(storyline show --db "$DB" "$id" 2>&1) || die "storyline show $id failed: $out"
    grep -qx "id *$id" <<<"$out" || die "storyline show $id: wrong id: $out"
    grep -qx "title *$title" <<<"$out" || die "storyline show $id: title is not '$title': $out"
done
echo "final run: all $N articles stored once, integrity ok, show works"
exit 0
