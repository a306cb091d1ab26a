# Full-text search: BM25 over titles and texts, the copies of an article
# one hit, filters, pages, and an index kept in step with ingest and rm.

$ storyline ingest -q --db s.db $EX/articles.jsonl
# Three outlets report the ferry collision; the title weighs most.
$ storyline search --db s.db ferry | grep -E '^[0-9]+\. '
  1. Two die as Morning Lark [ferry] hits barge in fog outside Port Karim
  2. Two dead as [ferry] and grain barge collide in fog near Port Kharim
  3. [Ferry] operator denies radar fault after deadly Oster River collision
$ storyline search --db s.db ferry | tail -n 1
  3 hits (3 articles), page 1 of 1
# Filters: an outlet, dates, a story, a stance of the claims.
$ storyline search --db s.db ferry --source www.harbourgazette.example --json | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["groups"], [h["id"] for h in r["hits"]])'
  1 ['ferry-harbourgazette']
$ storyline search --db s.db ferry --since 2026-07-24 --json | python3 -c 'import json,sys; r=json.load(sys.stdin); print([(h["id"], h["date"]) for h in r["hits"]])'
  [('ferry-continentalwire', '2026-07-24')]
$ storyline search --db s.db ferry --until 2026-07-23 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["groups"])'
  2
$ storyline search --db s.db ferry --stance deny --json | python3 -c 'import json,sys; print([h["id"] for h in json.load(sys.stdin)["hits"]])'
  ['ferry-continentalwire']
# Pages count hits; past the last one the total is still told.
$ storyline search --db s.db ferry --limit 2 --page 2 --json | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["groups"], r["page"], len(r["hits"]))'
  3 2 1
$ storyline search --db s.db ferry --limit 2 --page 3
  3 hits; no page 3 (2 pages)
# Marks are character offsets into the snippet and title as given.
$ storyline search --db s.db "Port Kharim" --json | python3 -c 'import json,sys; h=json.load(sys.stdin)["hits"][0]; print(h["id"], [h["title"][a:b] for a, b in h["title_marks"]], sorted({h["snippet"][a:b] for a, b in h["snippet_marks"]}))'
  ferry-harbourgazette ['Port', 'Kharim'] ['Kharim', 'Port']

# A phrase, OR, a prefix ("collid*": collide, collided; not collision); characters FTS5 would take for syntax are
# searched for as written, never an error.
$ storyline search --db s.db '"grain barge"' --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["groups"])'
  3
$ storyline search --db s.db ferry OR budget --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["groups"])'
  4
$ storyline search --db s.db 'collid*' --json | python3 -c 'import json,sys; print([h["id"] for h in json.load(sys.stdin)["hits"]])'
  ['ferry-harbourgazette']
$ for q in 'U.S.' '"unclosed' 'a:b' 'OR' '-x' 'NEAR(' '*'; do storyline search --db s.db -- "$q" >/dev/null 2>&1; echo "$q $?"; done
  U.S. 0
  "unclosed 0
  a:b 0
  OR 0
  -x 0
  NEAR( 0
  * 0

# The seeds and a near copy of 000: one hit, its best matching article
# (the copy, with "sanctions" in its title), "+1 copy"; an entity by any
# spelling ("Kyiv" finds 004 and the copy's group).
$ storyline ingest -q --db t.db $SHARED/seeds
$ { printf 'Beijing tells Kyiv to drop new sanctions plan\nBy Staff Writer\n'; tail -n +2 $SHARED/seeds/000_*.txt; } > copy000.txt
$ storyline ingest -q --db t.db copy000.txt
$ storyline search --db t.db sanctions --json | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["groups"], r["articles"], [(h["id"][:7], h["copies"]) for h in r["hits"]][:2])'
  2 3 [('copy000', ['000_e8a6cf9c6403bd55']), ('001_689', [])]
$ storyline search --db t.db sanctions | grep -c '+1 copy'
  1
$ storyline search --db t.db citizens --entity Kyiv --json | python3 -c 'import json,sys; print(sorted(h["id"][:3] for h in json.load(sys.stdin)["hits"]))'
  ['004', 'cop']
$ storyline search --db t.db citizens --story 3 --json | python3 -c 'import json,sys; print(sorted(h["id"][:3] for h in json.load(sys.stdin)["hits"]))'
  ['002', '003', '004']

# The index follows ingest and rm.
$ printf '{"id":"n1","title":"Lighthouse keeper retires","text":"The last keeper of the Velmora lighthouse retired on Friday."}\n' | storyline ingest -q --db t.db -
$ storyline search --db t.db lighthouse --json | python3 -c 'import json,sys; print([h["id"] for h in json.load(sys.stdin)["hits"]])'
  ['n1']
$ storyline rm --db t.db n1
  removed n1
$ storyline search --db t.db lighthouse
  no matches
# n1 was the newest article; the next one is indexed all the same (it
# does not take n1's place in ingest order), and a search finds it and
# not n1's words.
$ printf '{"id":"n2","title":"Harbour crane restored","text":"The old steam crane of the harbour works again."}\n' | storyline ingest -q --db t.db -
$ storyline search --db t.db crane --json | python3 -c 'import json,sys; print([h["id"] for h in json.load(sys.stdin)["hits"]])'
  ['n2']
$ storyline search --db t.db keeper
  no matches
$ storyline rm --db t.db n2
  removed n2
$ storyline search --db t.db crane
  no matches
# A text is indexed once: an exact copy by its title alone, found through
# its original by the original's words, and given the text when the
# original is removed.
$ printf '{"id":"w1","source":"wire.example","title":"Tram line opens","text":"The new tram line to Osterby opened on Sunday."}\n{"id":"w2","source":"paper.example","title":"Trams return at last","text":"The new tram line to Osterby opened on Sunday."}\n' | storyline ingest -q --db t.db -
$ storyline search --db t.db osterby --json | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["groups"], r["articles"], [(h["id"], h["copies"]) for h in r["hits"]])'
  1 2 [('w1', ['w2'])]
$ storyline search --db t.db return --json | python3 -c 'import json,sys; print([h["id"] for h in json.load(sys.stdin)["hits"]])'
  ['w2']
$ storyline search --db t.db osterby --source paper.example --json | python3 -c 'import json,sys; r=json.load(sys.stdin); print([(h["id"], h["title_marks"], h["snippet_marks"] != []) for h in r["hits"]])'
  [('w2', [], True)]
$ storyline rm --db t.db w1
  removed w1
$ storyline search --db t.db osterby --json | python3 -c 'import json,sys; print([(h["id"], h["copies"]) for h in json.load(sys.stdin)["hits"]])'
  [('w2', [])]
$ storyline rm --db t.db w2
  removed w2
$ storyline search --db t.db osterby
  no matches

# A store from before search gets its index when first opened for
# writing; until then a reader says so.
$ python3 -c 'import sqlite3; d = sqlite3.connect("t.db"); d.executescript("DROP TRIGGER articles_fts_out; DROP TRIGGER articles_seq_high; DROP TABLE articles_fts; DELETE FROM meta WHERE key = " + chr(39) + "search_upto" + chr(39) + "; PRAGMA user_version = 7;")'
$ storyline search --db t.db sanctions
! storyline: t.db: schema version 7 is older than 10; open it once for writing to migrate
[1]
$ storyline claims --db t.db > /dev/null
$ storyline search --db t.db sanctions | tail -n 1
  2 hits (3 articles), page 1 of 1

# Errors: no query, an unknown entity, bad options.
$ storyline search --db t.db 2>&1 | head -n 1
  storyline: search needs a QUERY
$ storyline search --db t.db '   '
! storyline: nothing to search for
[1]
$ storyline search --db t.db sanctions --entity "Nobody Anywhere"
! storyline: no entity 'Nobody Anywhere'
[1]
$ storyline search --db t.db x --page 0 2>&1 | head -n 1
  storyline: --page needs a number, not '0'

# Bulk loading (--no-index) skips the search index too; search says so
# until 'storyline reindex' builds it.  An article removed meanwhile does
# not damage the index.
$ storyline ingest -q --no-index --db b.db $EX/articles.jsonl
$ storyline search --db b.db ferry
! storyline: articles were ingested with --no-index, which skips the search index; run 'storyline reindex' to build it
[1]
$ storyline rm --db b.db cup-final
  removed cup-final
$ storyline reindex --db b.db
  reindexed b.db
$ storyline search --db b.db ferry | tail -n 1
  3 hits (3 articles), page 1 of 1
$ python3 -c 'import sqlite3; d = sqlite3.connect("b.db"); d.execute("INSERT INTO articles_fts(articles_fts) VALUES(?)", ("integrity-check",)); print(d.execute("select count(*) from articles_fts").fetchone()[0])'
  9
