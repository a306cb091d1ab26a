# tests/serve_lib.sh - sourced by the tests that need a running
# `storyline serve` (tests/sh/serve.sh, tests/sh/browser.sh): a temporary
# directory to work in, and start_server DB [OPTIONS...], which starts the
# server on an ephemeral loopback port and sets pid, port and base.  The
# server is stopped and the directory removed on exit.
dir=$(mktemp -d)
pid=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT
cd "$dir" || exit 1
start_server() {
    local db=$1
    shift
    storyline serve --db "$db" --listen 127.0.0.1:0 "$@" >"$dir/serve.out" 2>"$dir/serve.err" &
    pid=$!
    for _ in $(seq 100); do grep -q serving "$dir/serve.out" 2>/dev/null && break; sleep 0.05; done
    port=$(sed -n 's|.*http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$dir/serve.out")
    [ -n "$port" ] || { echo "FAIL the server did not start: $(cat "$dir/serve.out" "$dir/serve.err")"; exit 1; }
    base=http://127.0.0.1:$port
}
