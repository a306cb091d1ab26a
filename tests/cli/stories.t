# Stories: made at ingest, listed, shown as a timeline with copies folded
# under their originals, made again by recluster.

# The seeds are three stories: 002, 003 and 004 report one event (Zelensky's
# claim and China's denial); 000 and 001 are two others.
$ storyline ingest -q --db s.db $SHARED/seeds
# Ids follow the first report (no dates: ingest order); the largest is
# listed first, labelled by its most central article.
$ storyline stories --db s.db --assignments | sed 's/_[0-9a-f]*\t/ /' | sort
  000 1
  001 2
  002 3
  003 3
  004 3
$ storyline stories --db s.db --json | python3 -c 'import json,sys; [print(s["id"], len(s["articles"]), s["reports"], s["copies"], s["label"][:40], "|", ",".join(s["terms"][:3])) for s in map(json.loads, sys.stdin)]'
  3 3 3 0 Zelensky has put forth a controversial c | fighters,marking,official
  1 1 1 0 Kiev has announced new restrictions on C | individuals,kiev,defense
  2 1 1 0 China has tightened export controls on m | export,controls,western

# A near copy of 000 (new headline, a byline, a "Read more:" list) joins
# 000's story as a copy, not as a report of its own.
$ { printf 'Beijing tells Kyiv to drop new sanctions plan\nBy Staff Writer\n'; tail -n +2 $SHARED/seeds/000_*.txt; printf '\nRead more:\n- Port strike enters second week\n- Ferry fares to rise in spring\n'; } > copy000.txt
$ storyline ingest -q --db s.db copy000.txt
$ storyline story --db s.db 1 --json | python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["reports"], s["copies"], [(t["id"][:3], [c["id"] for c in t["copies"]]) for t in s["timeline"]])'
  1 1 [('000', ['copy000'])]
$ storyline story --db s.db 1
  story 1  1 report + 1 copy, 0 outlets
    Kiev has announced new restrictions on Chinese individuals who allegedly support Russia’s defense industry
    terms: individuals, kiev, sanctions, vladimir, immediately, correct, mistakes, spokesman
  
  (no date)   -                         Kiev has announced new restrictions on Chinese individuals who allegedly support Russia’s defense industry
                                        id 000_e8a6cf9c6403bd55
                copy: copy000, (no date), -
  
  15 more claim groups of one article: storyline claims --story 1

# Dated articles: an undated one keeps its place in ingest order.
$ printf '{"id":"a1","date":"2026-03-02","source":"north.example","title":"Dock strike in Velmora","text":"Harbour workers in Velmora walked out over pay on Monday; the dock union said the strike would last until the port authority raised wages."}\n{"id":"a2","source":"south.example","title":"Velmora strike goes on","text":"The dock strike in Velmora went on as the union and the port authority failed to agree on wages for harbour workers."}\n{"id":"a3","date":"2026-03-04","source":"east.example","title":"Velmora dock strike ends","text":"Velmora harbour workers ended their dock strike after the port authority agreed to raise wages, the union said."}\n' > strike.jsonl
$ storyline ingest -q --db t.db strike.jsonl 2>&1 && storyline stories --db t.db
  storyline: 1 article had no date, the first a2 (strike.jsonl:2); placed in stories in ingest order
  story 1  3 reports, 3 outlets, 2026-03-02 .. 2026-03-04
    .* (re)
    terms: .* (re)
$ storyline stories --db t.db --since 2026-03-05
  no stories

# A date that does not parse is named, and the article is placed by its
# position; among dated articles, those with no date are counted.
$ printf '{"id":"b1","date":"last Tuesday","title":"Velmora strike talks","text":"Talks between the dock union and the Velmora port authority on harbour workers wages went on."}\n{"id":"b2","title":"Ferries to Ostrin resume","text":"Ferries to Ostrin resumed after the strike."}\n' > odd.jsonl
$ cat strike.jsonl odd.jsonl > both.jsonl && storyline ingest --db u.db both.jsonl
  read 5, stored 5, already present 0, rejected 0
! storyline: both.jsonl:4: article b1: date 'last Tuesday' is not YYYY-MM-DD; its story places it in ingest order
! storyline: 2 articles had no date, the first a2 (both.jsonl:2); placed in stories in ingest order
$ storyline stories --db u.db --assignments | sort
  a1	1
  a2	1
  a3	1
  b1	1
  b2	2
$ storyline stories --db u.db --json | python3 -c 'import json,sys; print([(s["first_seen"], s["last_update"]) for s in map(json.loads, sys.stdin)])'
  [('2026-03-02', '2026-03-04'), (None, None)]
$ storyline stories --db t.db --since 2026-03-03 --json | python3 -c 'import json,sys; print([(s["first_seen"], s["last_update"], s["outlets"]) for s in map(json.loads, sys.stdin)])'
  [('2026-03-02', '2026-03-04', ['north.example', 'south.example', 'east.example'])]
$ storyline story --db t.db 1 | cut -c1-40
  story 1  3 reports, 3 outlets, 2026-03-0
    Velmora dock strike ends
    terms: ended, agreed, raise, velmora, 
  
  2026-03-02  north.example             Do
                                        id
  (no date)   south.example             Ve
                                        id
  2026-03-04  east.example              Ve
                                        id
  
  3 more claim groups of one article: stor

# The merge step: with a threshold no article passes, each article starts
# a story, and at the end of the batch the three are joined into the
# oldest; the other ids still resolve to it.
$ SL_STORY_PARAMS='th=2 merge=0.05' storyline ingest -q --db m.db strike.jsonl 2>/dev/null && storyline stories --db m.db --assignments
  a1	1
  a2	1
  a3	1
$ storyline story --db m.db 3 --json | python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["id"], s["reports"], s["first_seen"], s["last_update"])'
  1 3 2026-03-02 2026-03-04

# The same with story ids of 19 digits (a merge's statements once came
# from a formatted string that such ids outgrew).
$ export SL_STORY_PARAMS='th=2 merge=0.05'; printf '{"id":"z0","title":"Ferries to Ostrin resume","text":"Ferries to Ostrin resumed after the winter."}\n' | storyline ingest -q --db big.db - 2>/dev/null && sqlite3 big.db 'INSERT INTO stories VALUES(4000000000000000000, NULL, NULL, NULL, 0, 0, 0)' && storyline ingest -q --db big.db strike.jsonl 2>/dev/null; storyline stories --db big.db --assignments; unset SL_STORY_PARAMS
  a1	4000000000000000001
  a2	4000000000000000001
  a3	4000000000000000001
  z0	1

# Stories made with other settings are not mixed with new ones: ingest
# says so and stores the articles; recluster makes them again.
$ printf '{"id":"a4","date":"2026-03-05","title":"Velmora port reopens","text":"The port of Velmora reopened after the dock strike, and harbour workers returned."}\n' > more.jsonl
$ storyline ingest -q --db m.db more.jsonl; storyline stories --db m.db --assignments | wc -l
  3
! storyline: new articles are in no story: the stories were made with 'stories1 th=2 .* merge=0.05 .*', this storyline uses 'stories1 th=0.14 .*'; run 'storyline recluster' to rebuild them (re)
$ storyline recluster --db m.db && storyline stories --db m.db --assignments
  reclustered m.db
  a1	1
  a2	1
  a3	1
  a4	1

# recluster gives the same stories and ids.
$ storyline stories --db s.db --assignments | sort > before.tsv
$ storyline recluster --db s.db
  reclustered s.db
$ storyline stories --db s.db --assignments | sort | diff before.tsv - && echo same
  same

# An exact copy (the same text under another id and headline) ingested
# with its original joins the original's story unweighed: no story terms
# are kept for it.  With the original removed it stands alone, and
# recluster makes its terms from its text.
$ { head -n 1 strike.jsonl; head -n 1 strike.jsonl | sed 's/"id":"a1"/"id":"c1"/; s/Dock strike in Velmora/Velmora dockers walk out/'; } > exact.jsonl
$ storyline ingest -q --db x.db exact.jsonl && storyline stories --db x.db --assignments
  a1	1
  c1	1
$ storyline dups --db x.db --json | python3 -c 'import json,sys; [print(d["kind"], d["members"]) for d in map(json.loads, sys.stdin)]'
  exact ['a1', 'c1']
$ sqlite3 x.db 'SELECT a.id FROM story_terms t JOIN articles a ON a.seq = t.article'
  a1
$ storyline rm --db x.db a1 >/dev/null && sqlite3 x.db 'PRAGMA foreign_key_check; SELECT count(*) FROM story_members'
  1
$ storyline recluster --db x.db >/dev/null && storyline stories --db x.db --assignments
  c1	1
$ sqlite3 x.db 'SELECT a.id, length(t.terms) > 0 FROM story_terms t JOIN articles a ON a.seq = t.article'
  c1|1

# Bulk loading knows no copies: the copy keeps no terms either, and once
# reindexed it joins its original's story.
$ storyline ingest --no-index -q --db y.db exact.jsonl 2>/dev/null; storyline reindex --db y.db >/dev/null && storyline stories --db y.db --assignments
  a1	1
  c1	1
$ sqlite3 y.db 'SELECT a.id FROM story_terms t JOIN articles a ON a.seq = t.article'
  a1

# Errors: a story that does not exist, bad options.
$ storyline story --db s.db 99
! storyline: no story 99
[1]
$ storyline story --db s.db x
! storyline: a story id is a positive number, not 'x'
! usage: storyline story [--db FILE] [--json] ID
! 
! One story's timeline: its articles by date, each with its outlet and
! title, and the exact and near copies of each folded under it; then its
! claim groups that several reports carry or that dispute or are disputed
! (storyline claims --story ID lists them all).  The id of a story merged
! into another shows that one.
! 
!   --json    one object: the fields of 'stories --json', timeline
!             [{id, date, source, title, similarity, copies: [{id, date,
!             source}]}] and claim_groups [{id, speaker, stance, first:
!             {claim, article, date, outlet}, articles, reports, outlets,
!             claims: [{id, article, outlet, copy, cue, content}], disputes,
!             disputed_by}]
[2]
$ storyline stories --db s.db --since yesterday 2>&1 | head -1
  storyline: --since needs a date YYYY-MM-DD, not 'yesterday'
$ storyline stories --db none.db
! storyline: none.db: no such store; run 'storyline ingest --db none.db PATH' first
[1]
