# help.t - version, help texts, and how the command line refuses bad usage.
# Usage errors exit 2 with a "storyline: ..." message on stderr followed by
# the relevant usage; they must never create a store.  The two main help
# texts are checked in full once; elsewhere the same text is compared with
# diff, so that a wording change is made in one place here.

# --version prints the name and the library version, nothing else.
$ storyline --version
  storyline 0.1.0

# "version" is accepted as a command too.
$ storyline version
  storyline 0.1.0

# --help: the full top-level usage, on stdout, exit 0.
$ storyline --help
  usage: storyline [--version] [--help] COMMAND [ARGS]
  
  Turn a stream of news articles into clean text, copies and stories in SQLite.
  
  commands:
    ingest PATH... | -   clean, segment and store articles (.txt trees, JSONL, stdin)
    show ID              one article: text, paragraphs, what cleaning removed
    list                 every stored article, one per line
    stats                figures about the corpus
    dedup [PATH...]      drop exact and near copies from a JSONL stream (no store)
    dups                 groups of exact and near copies, and partial copies, stored
    check PATH... | -    does an article copy a stored one? (stores nothing)
    rm ID...             remove articles, their index entries and relations
    reindex              rebuild the duplicate index (after an upgrade)
    stories              the stories: articles about one event, grouped
    story ID             one story's timeline, copies folded under reports
    recluster            make the stories again with current settings
    tag [FILE]           named entities (PER, ORG, LOC, MISC) in text (no store)
    entities             the named entities stored, each across its spellings
    entity NAME          one entity by any spelling, and the articles naming it
    attributions [FILE]  who said what in text or JSONL articles (no store)
    claims               who said what in the stored articles, across outlets
    search QUERY         full-text search, copies folded into one hit
    report --html OUT    one self-contained HTML page of stories, claims, copies
    serve                a JSON API and a web page over the store, with live ingest
    help COMMAND         help for a command (also: storyline COMMAND --help)
    --version            the version (also: storyline version)
  
  Commands with a store take --db FILE (default storyline.db).  See storyline(1).

# -h and "help" with no command print the same text.
$ storyline -h | diff - <(storyline --help) && echo same
  same
$ storyline help | diff - <(storyline --help) && echo same
  same

# "help ingest": the full usage of ingest, on stdout, exit 0.  Key lines:
# every option it accepts, and the promise about rejected inputs.
$ storyline help ingest
  usage: storyline ingest [--db FILE] [--format auto|txt|jsonl] [--quiet]
                          [--max-article-bytes N] [--rules FILE] [--dry-run]
                          [--batch N] [--no-index | --dups-only] [--threads N]
                          PATH... | -
  
  Read articles, clean and segment them, and store each new one.  PATH is a
  .txt file (the stem is the id), a .jsonl/.ndjson file (fields id, source, url,
  date, title, text; others are kept), a directory (walked for both), or - for
  standard input.  Articles already stored (same id, same text) are skipped, so
  re-running a command after a crash completes it.
  
    --db FILE                the store (default storyline.db)
    --format F               auto (by extension or first byte), txt or jsonl
    --max-article-bytes N    reject larger articles (default 4M; K, M, G
                             suffixes; at most 1G)
    --rules FILE             boilerplate rules (default: the built-in copy of
                             data/boilerplate.rules)
    --dry-run                clean and segment only; store nothing
    --batch N                articles per transaction (default 20000)
    --no-index               skip duplicate detection and the search index
                             (bulk loading); dups, check and search refuse
                             until 'storyline reindex'
    --dups-only              find duplicates and nothing else (deduplicating
                             a dataset in a store): named entities, stories,
                             claims and search wait for 'storyline reindex'
    --threads N              clean and fingerprint on N threads (default: one
                             per core); one writer stores, in input order
    -q, --quiet              no progress bar and no summary line
  
  Prints a summary: read (every input), stored, already present, rejected.
  Each rejected input gets one line on stderr with its file and its line
  and byte offset (from 0); the rest is still ingested; the exit status is
  then 1.  A dry run does not look in the store: nothing is "present".

# "ingest --help" prints exactly the same text as "help ingest", on stdout.
$ storyline ingest --help 2>&1 | diff - <(storyline help ingest) && echo same
  same

# The other commands have help too; check the first line of each, and that
# "help CMD" and "CMD --help" agree.
$ storyline help show | head -n 1
  usage: storyline show [--db FILE] [--json] [--explain] [--segments] ID
$ storyline help list | head -n 1
  usage: storyline list [--db FILE] [--json]
$ storyline help stats | head -n 1
  usage: storyline stats [--db FILE] [--json]
$ storyline help attributions | head -n 1
  usage: storyline attributions [--jsonl] [FILE | -]
$ for c in show list stats attributions; do storyline $c --help | diff - <(storyline help $c) && echo "$c same"; done
  show same
  list same
  stats same
  attributions same

# No arguments: the usage goes to stderr (nothing on stdout), exit 2.
$ storyline 2>err.txt; echo "exit $?"; diff err.txt <(storyline --help) && echo "stderr: the --help text"
  exit 2
  stderr: the --help text

# An unknown command is named, followed by the usage on stderr; exit 2.
$ storyline frobnicate 2>err.txt; echo "exit $?"; head -n 1 err.txt; tail -n +2 err.txt | diff - <(storyline --help) && echo "then the --help text"
  exit 2
  storyline: no command 'frobnicate'
  then the --help text

# "help" for an unknown command: the same message and exit 2.
$ storyline help frobnicate 2>err.txt; echo "exit $?"; head -n 1 err.txt
  exit 2
  storyline: no command 'frobnicate'

# A bad --format value: the message names the option and the value, then
# the ingest usage follows on stderr; exit 2, nothing on stdout.
$ storyline ingest --format xml x
! storyline: --format must be auto, txt or jsonl, not 'xml'
! usage: storyline ingest [--db FILE] [--format auto|txt|jsonl] [--quiet]
!                         [--max-article-bytes N] [--rules FILE] [--dry-run]
!                         [--batch N] [--no-index | --dups-only] [--threads N]
!                         PATH... | -
!
! Read articles, clean and segment them, and store each new one.  PATH is a
! .txt file (the stem is the id), a .jsonl/.ndjson file (fields id, source, url,
! date, title, text; others are kept), a directory (walked for both), or - for
! standard input.  Articles already stored (same id, same text) are skipped, so
! re-running a command after a crash completes it.
!
!   --db FILE                the store (default storyline.db)
!   --format F               auto (by extension or first byte), txt or jsonl
!   --max-article-bytes N    reject larger articles (default 4M; K, M, G
!                            suffixes; at most 1G)
!   --rules FILE             boilerplate rules (default: the built-in copy of
!                            data/boilerplate.rules)
!   --dry-run                clean and segment only; store nothing
!   --batch N                articles per transaction (default 20000)
!   --no-index               skip duplicate detection and the search index
!                            (bulk loading); dups, check and search refuse
!                            until 'storyline reindex'
!   --dups-only              find duplicates and nothing else (deduplicating
!                            a dataset in a store): named entities, stories,
!                            claims and search wait for 'storyline reindex'
!   --threads N              clean and fingerprint on N threads (default: one
!                            per core); one writer stores, in input order
!   -q, --quiet              no progress bar and no summary line
!
! Prints a summary: read (every input), stored, already present, rejected.
! Each rejected input gets one line on stderr with its file and its line
! and byte offset (from 0); the rest is still ingested; the exit status is
! then 1.  A dry run does not look in the store: nothing is "present".
[2]

# The remaining usage errors print the same ingest usage after their
# message (checked once here with diff); below only the message is shown.
# A --max-article-bytes that is not a size:
$ storyline ingest --max-article-bytes lots x 2>err.txt; echo "exit $?"; head -n 1 err.txt; tail -n +2 err.txt | diff - <(storyline help ingest) && echo "then the ingest usage"
  exit 2
  storyline: --max-article-bytes needs a size such as 4M, not 'lots'
  then the ingest usage

# Zero and negative sizes are refused as well.
$ storyline ingest --max-article-bytes 0 x 2>err.txt; echo "exit $?"; head -n 1 err.txt
  exit 2
  storyline: --max-article-bytes needs a size such as 4M, not '0'
$ storyline ingest --max-article-bytes -5 x 2>err.txt; echo "exit $?"; head -n 1 err.txt
  exit 2
  storyline: --max-article-bytes needs a size such as 4M, not '-5'

# Sizes too large to represent (past 2^64 bytes, with or without a suffix)
# are refused too, rather than wrapping around to some other cap.  (These
# two use --dry-run so that, should the value be accepted, no store is
# created to upset the checks below.)
$ storyline ingest --dry-run --max-article-bytes 18446744073709551616 x 2>err.txt; echo "exit $?"; head -n 1 err.txt
  exit 2
  storyline: --max-article-bytes needs a size such as 4M, not '18446744073709551616'
$ storyline ingest --dry-run --max-article-bytes 20000000000G x 2>err.txt; echo "exit $?"; head -n 1 err.txt
  exit 2
  storyline: --max-article-bytes needs a size such as 4M, not '20000000000G'

# --batch needs a positive number.
$ storyline ingest --batch 0 x 2>err.txt; echo "exit $?"; head -n 1 err.txt
  exit 2
  storyline: --batch needs a number of articles, not '0'

# ingest with no PATH at all.
$ storyline ingest 2>err.txt; echo "exit $?"; head -n 1 err.txt
  exit 2
  storyline: ingest needs a PATH, or - for standard input

# An unknown option: the message carries the program name like every other
# message ("storyline: ..." or "storyline ingest: ..."), not the bare
# subcommand name; the ingest usage follows.
$ storyline ingest --frob x 2>err.txt; echo "exit $?"; head -n 2 err.txt
  exit 2
  storyline( ingest)?: unrecognized option '--frob' (re)
  usage: storyline ingest [--db FILE] [--format auto|txt|jsonl] [--quiet]

# show with no id: a message, then the show usage, exit 2.
$ storyline show 2>err.txt; echo "exit $?"; head -n 1 err.txt; tail -n +2 err.txt | diff - <(storyline help show) && echo "then the show usage"
  exit 2
  storyline: show needs one ID
  then the show usage

# show with two ids is refused the same way.
$ storyline show a b 2>err.txt; echo "exit $?"; head -n 1 err.txt
  exit 2
  storyline: show needs one ID

# list takes no arguments.
$ storyline list extra 2>err.txt; echo "exit $?"; head -n 2 err.txt
  exit 2
  storyline: unexpected argument 'extra'
  usage: storyline list [--db FILE] [--json]

# None of the usage errors above created a store (only err.txt is here).
$ ls
  err.txt

# Read-only commands on a store that does not exist: exit 1 (not a usage
# error), a hint, and still no store created.
$ storyline list
! storyline: storyline.db: no such store; run 'storyline ingest --db storyline.db PATH' first
[1]
$ storyline show --db other.db some-id
! storyline: other.db: no such store; run 'storyline ingest --db other.db PATH' first
[1]
$ storyline stats
! storyline: storyline.db: no such store; run 'storyline ingest --db storyline.db PATH' first
[1]
$ ls
  err.txt
