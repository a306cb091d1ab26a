# ingest --dups-only: duplicates found at once, named entities, stories,
# claims and the search index left for 'storyline reindex', which then
# gives what a full ingest gives.

# The examples, with an exact copy of the first article right after it
# (its original is not yet stored when a worker prepares the copy).
$ { head -n 1 $EX/articles.jsonl; head -n 1 $EX/articles.jsonl | sed 's/"id": "[^"]*"/"id": "ferry-copy"/'; tail -n +2 $EX/articles.jsonl; } > in.jsonl
$ storyline ingest --dups-only --db d.db in.jsonl
  read 11, stored 11, already present 0, rejected 0
$ storyline ingest -q --db n.db in.jsonl

# Duplicates are there at once: the same relations, check and show.
$ storyline dups --db d.db > d.out; storyline dups --db n.db > n.out; cmp d.out n.out && grep -c . d.out
  2
$ storyline dups --db d.db --kind exact
  exact group of 2, representative ferry-harbourgazette, lowest similarity 1.000:
    ferry-copy ~ ferry-harbourgazette  exact 1.000
$ head -n 1 $EX/articles.jsonl | sed 's/"id": "[^"]*"/"id": "asked"/' | storyline check --db d.db --json -
  {"id":"asked","matches":[{"id":"ferry-harbourgazette","kind":"exact","similarity":1.0000,"containment":1.0000,"paragraphs":7,"words":281}]}

# What waits says so, and the store stays as it is.
$ storyline entities --db d.db
! storyline: articles were ingested with --dups-only: their entities, stories and search index wait for 'storyline reindex'
[1]
$ storyline stories --db d.db
! storyline: articles were ingested with --dups-only: their entities, stories and search index wait for 'storyline reindex'
[1]
$ storyline claims --db d.db
! storyline: articles were ingested with --dups-only: their entities, stories and search index wait for 'storyline reindex'
[1]
$ storyline search --db d.db ferry
! storyline: articles were ingested with --dups-only, which skips the search index; run 'storyline reindex' to build it
[1]

# Ingest without --dups-only refuses each article until then (nothing is
# stored); more --dups-only ingest goes on.
$ printf 'Ferry timetable changes at Port Kharim\nThe harbour authority said on Monday that the winter ferry timetable would start a week early because of the repairs to the north pier.\n' > timetable.txt
$ storyline ingest -q --db d.db timetable.txt
! storyline: timetable.txt: articles were ingested with --dups-only: their entities, stories and search index wait for 'storyline reindex'
[1]
$ storyline ingest --dups-only --db d.db timetable.txt
  read 1, stored 1, already present 0, rejected 0
$ storyline ingest -q --db n.db timetable.txt
$ storyline ingest --no-index --dups-only --db d.db in.jsonl 2>&1 | head -n 1
  storyline: --no-index skips duplicate detection, --dups-only keeps only it: choose one

# After reindex: the same entities, claims and search as the full ingest;
# the exact copy holds no entities of its own in either store, whatever
# the number of threads (a worker that prepared the copy before its
# original was stored once tagged it: 4 articles of Morning Lark, not 3).
$ storyline reindex --db d.db
  reindexed d.db
$ for c in entities claims 'search ferry' 'search --json kharim'; do storyline $c --db d.db > d.out 2>&1; storyline $c --db n.db > n.out 2>&1; cmp -s d.out n.out && echo "$c: same, $(grep -c . n.out) lines"; done
  entities: same, 120 lines
  claims: same, 275 lines
  search ferry: same, 13 lines
  search --json kharim: same, 1 lines

$ storyline ingest -q --threads 2 --db t2.db in.jsonl; storyline entities --db t2.db | head -n 1
  Morning Lark  PER  3 articles, 3 outlets

# Stories are placed at the rebuild, all in one run in date order (a full
# ingest places each batch as it commits); recluster makes both the same.
$ storyline stories --db d.db | grep -c '^story'
  8
$ storyline recluster --db d.db > /dev/null; storyline recluster --db n.db > /dev/null; storyline stories --db d.db > d.out; storyline stories --db n.db > n.out; cmp d.out n.out && echo same
  same
