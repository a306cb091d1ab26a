#!/usr/bin/env bash
# tests/sh/browser.sh - the page of storyline serve in headless Chromium
# (tests/browser/page.mjs, playwright-core): it lists the seeds' stories,
# shows an article titled with markup as text, searches, opens a story
# with its timeline and the denial beside the claim it disputes, and shows
# a story ingested meanwhile without a reload.  Saves a screenshot in
# build/browser/page.png.  Needs chromium (Debian) and playwright-core
# (npm, in tests/browser: .ci/run installs both); exits 77 without them.
set -u
chrome=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
[ -n "$chrome" ] || { echo "no chromium (apt-get install chromium)"; exit 77; }
[ -d "$ROOT/tests/browser/node_modules/playwright-core" ] ||
    { echo "no playwright-core (cd tests/browser && npm ci)"; exit 77; }
command -v node >/dev/null || { echo "no node"; exit 77; }
. "$ROOT/tests/serve_lib.sh"
storyline ingest -q --db s.db "$SHARED/seeds"
printf '{"id":"x1","source":"evil.example","date":"2026-03-09","title":"<script>alert(1)</script> Tidal mill reopens","text":"<b>bold</b> The tidal mill at Velmora reopened on Monday after repairs, the trust said."}\n' |
    storyline ingest -q --db s.db -
storyline claims --db s.db >/dev/null
printf 'a-browser-test-token\n' > token
start_server s.db --token-file token
mkdir -p "$BUILD/browser"
NODE_PATH=$ROOT/tests/browser/node_modules node "$ROOT/tests/browser/page.mjs" "$base" \
    "$chrome" a-browser-test-token "$BUILD/browser/page.png"
