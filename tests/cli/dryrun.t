# dryrun.t - ingest options that change what is written: --dry-run,
# --quiet, --format.

# --- --dry-run ------------------------------------------------------------
# Cleans and segments every article, stores nothing, and creates no store
# (no storyline.db, no -wal or -shm file).  The summary says "cleaned"
# instead of "stored".
$ storyline ingest --dry-run $EX
  read 20, cleaned 20, already present 0, rejected 0
$ ls storyline.db* 2>/dev/null | wc -l
  0

# The same with an explicit --db: that file is not created either.
$ storyline ingest --dry-run --db dry.db $EX/txt/cup-final.txt
  read 1, cleaned 1, already present 0, rejected 0
$ ls dry.db* 2>/dev/null | wc -l
  0
$ storyline list --db dry.db
! storyline: dry.db: no such store; run 'storyline ingest --db dry.db PATH' first
[1]

# Bad input is still reported, with its position, and the exit is 1.
$ printf 'Bad headline\nSome text with caf\xe9 in it.\n' > latin1.txt && storyline ingest --dry-run latin1.txt $EX/txt/cup-final.txt
  read 2, cleaned 1, already present 0, rejected 1
! storyline: latin1.txt: invalid UTF-8 at byte 31 of the text
[1]
$ ls storyline.db* 2>/dev/null | wc -l
  0

# Against an existing store, a dry run leaves it exactly as it was: same
# articles, same bytes on disk.
$ storyline ingest --db real.db $EX/txt/cup-final.txt
  read 1, stored 1, already present 0, rejected 0
$ cksum < real.db > real.sum && storyline ingest --dry-run --db real.db $EX/txt
  read 10, cleaned 10, already present 0, rejected 0
$ cksum < real.db | diff real.sum - && storyline list --db real.db | cut -f1
  cup-final

# --- --quiet ----------------------------------------------------------------
# No summary line (and no progress bar): nothing on stdout or stderr, exit
# 0, and the articles are stored.
$ storyline ingest --quiet --db quiet.db $EX/txt
$ storyline list --db quiet.db | wc -l
  10

# -q is the short form; re-ingesting quietly prints nothing either.
$ storyline ingest -q --db quiet.db $EX/articles.jsonl

# --quiet hides the summary, not the errors: a rejected input still gets
# its line on stderr and exit 1.
$ storyline ingest -q --db quiet.db latin1.txt
! storyline: latin1.txt: invalid UTF-8 at byte 31 of the text
[1]

# --- --format ---------------------------------------------------------------
# --format txt on a .jsonl file reads the whole file as one text article:
# its id is the file stem, and each JSON line becomes one paragraph.
$ storyline ingest --format txt --db fmt.db $EX/articles.jsonl
  read 1, stored 1, already present 0, rejected 0
$ storyline list --db fmt.db | cut -f1
  articles
$ storyline show --json --db fmt.db articles | python3 -c 'import json,sys; d=json.load(sys.stdin); ps=d["paragraphs"]; print(len(ps), "paragraphs;", all(p["text"].startswith("{\"id\": ") for p in ps), d["title"] == ps[0]["text"])'
  10 paragraphs; True True

# --format txt when walking a directory: only .txt files are read, so the
# .jsonl file in $EX is skipped.
$ storyline ingest --format txt --dry-run $EX
  read 10, cleaned 10, already present 0, rejected 0

# --format jsonl on a .txt file: every line is parsed as JSON and refused.
$ printf 'Headline\nBody text.\n' > plain.txt && storyline ingest --format jsonl --db fmt.db plain.txt
  read 2, stored 0, already present 0, rejected 2
! storyline: plain.txt:1: byte 0: not a JSON object
! storyline: plain.txt:2: byte 0: not a JSON object
[1]

# --format auto (the default) decides by the first byte for names without
# a known extension: "{" is JSONL, anything else one text article.
$ printf '{"id":"auto-j","text":"An article in a file named feed."}\n' > feed && printf 'Auto headline\nA text article in a file named note.\n' > note && storyline ingest --db auto.db feed note
  read 2, stored 2, already present 0, rejected 0
$ storyline list --db auto.db | cut -f1
  auto-j
  note
