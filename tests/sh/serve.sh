#!/usr/bin/env bash
# tests/sh/serve.sh - storyline serve over HTTP, on an ephemeral loopback
# port: status codes and bodies of the JSON API, the token on the write
# endpoint, the caps (body, header), ids validated, markup in an article
# kept as text, and ingest running while searches go on.
set -u
command -v curl >/dev/null || { echo "serve.sh: needs curl" >&2; exit 1; }
. "$ROOT/tests/serve_lib.sh"
fails=0
check() { # check NAME EXPECTED ACTUAL
    if [ "$2" == "$3" ]; then echo "ok   $1"; else echo "FAIL $1: expected '$2', got '$3'"; fails=$((fails + 1)); fi
}
storyline ingest -q --db s.db "$EX/articles.jsonl"
printf 'a-token-of-some-length\n' > token
start_server s.db --token-file token --max-body 64K
# status code of a request; body into b
req() { curl -s -o b -w '%{http_code}' "$@"; }
py() { python3 -c "import json,sys; d=json.load(open('b')); $1"; }

# Reads.
check "stories" 200 "$(req "$base/api/stories")"
check "stories body" "ferry 3" "$(py 'print(d[0]["terms"][0], len(d[0]["articles"]))')"
id=$(py 'print(d[0]["id"])')
check "one story" 200 "$(req "$base/api/stories/$id")"
check "story timeline" "3 list" "$(py 'print(len(d["timeline"]), type(d["claim_groups"]).__name__)')"
check "unknown story" 404 "$(req "$base/api/stories/9999")"
check "bad story id" 400 "$(req "$base/api/stories/12abc")"
check "article" 200 "$(req "$base/api/articles/cup-final")"
check "article body" "cup-final www.coastlinesports.example" "$(py 'print(d["id"], d["source"])')"
check "unknown article" 404 "$(req "$base/api/articles/nope")"
check "article id with a control byte" 400 "$(req "$base/api/articles/a%01b")"
check "search" 200 "$(req "$base/api/search?q=ferry&limit=2")"
check "search body" "3 2 ferry-ostercourier" "$(py 'print(d["groups"], len(d["hits"]), d["hits"][0]["id"])')"
check "search without q" 400 "$(req "$base/api/search")"
check "search bad page" 400 "$(req "$base/api/search?q=ferry&page=0")"
check "search bad stance" 400 "$(req "$base/api/search?q=ferry&stance=maybe")"
check "entities" 200 "$(req "$base/api/entities?type=LOC")"
check "entities are LOC" "LOC" "$(py 'print(" ".join(sorted({e["type"] for e in d})))')"
check "entity by name" 200 "$(req "$base/api/entities/Port%20Kharim")"
check "unknown entity" 404 "$(req "$base/api/entities/Nowhere%20At%20All")"
check "claims" 200 "$(req "$base/api/claims?stance=deny")"
check "no such path" 404 "$(req "$base/api/nothing")"
check "a method not allowed" 405 "$(req -X PUT "$base/api/stories")"
check "errors are JSON" "True" "$(py 'print("error" in d)')"
check "the page" 200 "$(req "$base/")"
check "the page's policy" "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'" \
    "$(curl -s -D - -o /dev/null "$base/" | sed -n 's/^Content-Security-Policy: //p' | tr -d '\r')"
check "the script" 200 "$(req "$base/app.js")"
check "the script writes no markup" 0 "$(grep -c innerHTML b)"

# Each read thread keeps its search answers while the store is unchanged:
# asked a few times (both threads), then again after a change below.
for _ in 1 2 3 4; do
    check "pier, before it is written of" 0 "$(req "$base/api/search?q=pier" >/dev/null; py 'print(d["articles"])')"
done

# The write endpoint: the token, the caps.
art='{"id":"x1","source":"evil.example","date":"2026-08-01","title":"<script>alert(1)</script> harbour","text":"The harbour master of Velmora said the new pier would open in August."}'
check "post without a token" 401 "$(req -X POST --data-binary "$art" "$base/api/articles")"
check "post with a wrong token" 401 "$(req -X POST -H 'Authorization: Bearer wrong-token-value' --data-binary "$art" "$base/api/articles")"
auth=(-H 'Authorization: Bearer a-token-of-some-length')
check "post" 200 "$(req -X POST "${auth[@]}" --data-binary "$art" "$base/api/articles")"
check "post body" "1 0 0" "$(py 'print(d["stored"], d["present"], d["rejected"])')"
check "post again" "0 1" "$(req -X POST "${auth[@]}" --data-binary "$art" "$base/api/articles" >/dev/null; py 'print(d["stored"], d["present"])')"
check "markup stays text" 200 "$(req "$base/api/articles/x1")"
check "markup title" "<script>alert(1)</script> harbour" "$(py 'print(d["title"])')"
for _ in 1 2 3 4; do
    check "found at once" "x1" "$(req "$base/api/search?q=pier" >/dev/null; py 'print(d["hits"][0]["id"])')"
done
# its claims are found by the server soon after (a thread, between ingests)
for _ in $(seq 50); do
    req "$base/api/claims?speaker=harbour%20master" >/dev/null
    [ "$(py 'print(sum(c["article"] == "x1" for c in d))')" != 0 ] && break
    sleep 0.1
done
check "its claim, found by the server" "said the new pier would open in August" \
    "$(py 'print(*[c["cue"] + " " + c["content"] for c in d if c["article"] == "x1"])')"
check "a JSONL body, a bad line named" "1 1 body:2" \
    "$(printf '{"id":"x2","title":"Pier","text":"The pier opened."}\nnot json\n' > body; req -X POST "${auth[@]}" --data-binary @body "$base/api/articles" >/dev/null; py 'print(d["stored"], d["rejected"], d["errors"][0].split(":")[0] + ":" + d["errors"][0].split(":")[1])')"
check "nothing valid" 400 "$(req -X POST "${auth[@]}" --data-binary 'not json' "$base/api/articles")"
head -c 70000 /dev/zero | tr '\0' 'a' > big
check "a body over --max-body" 413 "$(req -X POST "${auth[@]}" --data-binary @big "$base/api/articles")"
check "a header over the cap" 1 "$(code=$(req -H "X-Big: $(head -c 70000 /dev/zero | tr '\0' 'b')" "$base/api/stories"); [ "$code" -ge 400 ] || [ "$code" = 000 ]; echo $((1 - $?)))"

# Ingest while searching: every search answers, every article lands.
for i in $(seq 1 40); do
    printf '{"id":"live%d","source":"live.example","title":"Live report %d on the lighthouse","text":"The Velmora lighthouse keeper wrote report number %d today."}\n' "$i" "$i" "$i"
done > live.jsonl
split -l 4 live.jsonl part.
( for f in part.*; do curl -s -o /dev/null -X POST "${auth[@]}" --data-binary @"$f" "$base/api/articles"; done ) &
writer=$!
bad=0
for _ in $(seq 1 60); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$base/api/search?q=lighthouse")
    [ "$code" = 200 ] || bad=$((bad + 1))
done
wait $writer
check "searches during ingest" 0 "$bad"
check "every live article" 40 "$(req "$base/api/search?q=lighthouse&limit=100" >/dev/null; py 'print(d["articles"])')"
# another process writes to the store: every thread's answers are new
printf '{"id":"cli1","title":"The lighthouse","text":"A lighthouse report stored by the command line."}\n' |
    storyline ingest -q --db s.db -
for _ in 1 2 3 4; do
    check "an article another process stored" 41 \
        "$(req "$base/api/search?q=lighthouse&limit=100" >/dev/null; py 'print(d["articles"])')"
done

# Loopback unless told otherwise, and a bad address is refused.
check "default address" "127.0.0.1:8080" "$(storyline serve --help | sed -n 's/.*(default \(127[^;]*\);.*/\1/p')"
check "bad --listen" 2 "$(storyline serve --db s.db --listen nowhere >/dev/null 2>&1; echo $?)"

kill -TERM "$pid"
wait "$pid"
check "stops on SIGTERM" 0 "$?"
pid=""
[ $fails -eq 0 ] || { echo "serve.sh: $fails failed"; exit 1; }
