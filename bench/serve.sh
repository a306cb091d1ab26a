#!/usr/bin/env bash
# bench/serve.sh - storyline serve under load on loopback, with wrk:
#   search   GET /api/search?q=WORD for words of the corpus, asked again and
#            again (search) and every request new (fresh), on a store of
#            the first N articles of FILE (default 100,000), for SECONDS;
#   ingest   POST /api/articles of new articles, JSONL bodies of 100,
#            through the same pipeline as the CLI (index, stories, names).
# Server and load share the 2 cores of this machine: the server gets 2
# threads, wrk 1 thread and 32 connections.  Bars: search 5,000 requests/s
# with p99 under 20 ms; ingest 2,000 articles/s.
#
#   BUILD=build bench/serve.sh FILE.jsonl [N] [SECONDS]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
IN=${1:?usage: bench/serve.sh FILE.jsonl [N] [SECONDS]}
N=${2:-100000}
SECONDS_RUN=${3:-10}
SL=$BUILD/storyline
WORK=$BUILD/bench/serve
command -v wrk >/dev/null || { echo "bench/serve.sh: needs wrk (apt-get install wrk)" >&2; exit 1; }
mkdir -p "$WORK"
db=$WORK/store.db
rm -f "$db" "$db-wal" "$db-shm"
sed -n "1,${N}p" "$IN" >"$WORK/in.jsonl"
have=$(wc -l <"$WORK/in.jsonl")
"$SL" ingest --quiet --db "$db" "$WORK/in.jsonl"
# the claims found before the server starts: else its claims thread finds
# them while the load runs, on the same cores, and each of its commits
# makes the readers forget the answers they keep
"$SL" claims --db "$db" >/dev/null
# articles to post: the next ones of FILE, new ids, 100 to a body
sed -n "$((N + 1)),$((N + 20000))p" "$IN" | python3 -c '
import json, sys
for i, l in enumerate(sys.stdin):
    a = json.loads(l); a["id"] = "live-%d" % i; print(json.dumps(a))' >"$WORK/live.jsonl"
posts=$(wc -l <"$WORK/live.jsonl")
split -l 100 -d -a 4 "$WORK/live.jsonl" "$WORK/body."
printf 'a-bench-token-of-some-length\n' >"$WORK/token"
"$SL" serve --db "$db" --listen 127.0.0.1:0 --token-file "$WORK/token" --threads 2 >"$WORK/out" 2>"$WORK/err" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' EXIT
for _ in $(seq 200); do grep -q serving "$WORK/out" 2>/dev/null && break; sleep 0.05; done
port=$(sed -n 's|.*http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$WORK/out")
base=http://127.0.0.1:$port
# search words: frequent and rare ones from the corpus's titles
python3 - "$WORK/in.jsonl" >"$WORK/words" <<'PY'
import collections, json, re, sys
c = collections.Counter()
for i, l in enumerate(open(sys.argv[1])):
    if i >= 20000: break
    c.update(w.lower() for w in re.findall(r"[A-Za-z]{5,}", json.loads(l).get("title") or ""))
words = [w for w, _ in c.most_common(400)]
print("\n".join(words[::4]))
PY
# search.lua asks the 100 words over and over (answers a read thread
# keeps); fresh.lua makes every request new (page 1, 2, ... of each word
# in turn), so that each is searched
for kind in search fresh; do
    if [ $kind = search ]; then page='""'; else page='"&page=" .. math.floor(i / #words + 1)'; fi
    cat >"$WORK/$kind.lua" <<LUA
local words = {}
for w in io.lines("$WORK/words") do words[#words + 1] = w end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/api/search?q=" .. words[(i % #words) + 1] .. "&limit=10" .. $page)
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %.1f %.3f %.3f\n", summary.requests, summary.errors.status
    + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
LUA
done
# a warm-up pass, not counted: every word asked of both server threads
# once, so that the repeated row measures answers kept, not the first
# searches (the fresh row measures those)
wrk -t1 -c32 -d3s -s "$WORK/search.lua" "$base" >/dev/null
echo "storyline serve on loopback, $have articles stored (${IN#"$ROOT"/}); server 2 threads, wrk 1 thread, 32 connections"
printf '%-8s %10s %8s %12s %10s %10s\n' load requests errors "per second" "p50 ms" "p99 ms"
for kind in search fresh; do
    read -r reqs errs secs p50 p99 < <(wrk -t1 -c32 -d"${SECONDS_RUN}s" --latency -s "$WORK/$kind.lua" "$base" | sed -n 's/^RESULT //p')
    awk -v r="$reqs" -v e="$errs" -v s="$secs" -v a="$p50" -v b="$p99" -v k="$kind" 'BEGIN {
        printf "%-8s %10d %8d %12.0f %10.2f %10.2f\n", k, r, e, r / s, a, b }'
done
# live ingest: the bodies posted one after another by 2 clients
start=$(date +%s.%N)
ls "$WORK"/body.* | xargs -P 2 -I{} curl -s -o /dev/null -w '%{http_code}\n' -X POST \
    -H 'Authorization: Bearer a-bench-token-of-some-length' --data-binary @{} "$base/api/articles" >"$WORK/codes"
end=$(date +%s.%N)
ok=$(grep -c '^200$' "$WORK/codes" || true)
stored=$(sqlite3 "$db" "SELECT count(*) FROM articles WHERE id LIKE 'live-%'")
awk -v n="$posts" -v k="$stored" -v b="$(wc -l <"$WORK/codes")" -v o="$ok" -v t0="$start" -v t1="$end" 'BEGIN {
    printf "%-8s %10d %8d %12.0f articles/s (%d bodies of 100, %d answered 200, %d stored)\n", "ingest", n, b - o, n / (t1 - t0), b, o, k }'
echo "search: 100 words of the titles asked over and over, after a 3 s warm-up (a read thread keeps its"
echo "answers while the store is unchanged); fresh: every request new, so every one is searched"
echo "bars: search 5,000 requests/s with p99 under 20 ms; ingest 2,000 articles/s"
rm -f "$WORK"/body.* "$WORK/in.jsonl" "$WORK/live.jsonl"
