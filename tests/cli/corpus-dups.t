# Duplicates in a store: found at ingest, listed by dups, asked by check,
# kept with the article (show --json), and removed by rm.

# The seeds hold no duplicates.
$ storyline ingest -q --db c.db $SHARED/seeds && storyline dups --db c.db
  no duplicates

# A copy of 000 with a new headline, a byline and a "Read more:" list is
# reported by check as a near copy of 000, without being stored.
$ { printf 'Beijing tells Kyiv to drop new sanctions plan\nBy Staff Writer\n'; tail -n +2 $SHARED/seeds/000_*.txt; printf '\nRead more:\n- Port strike enters second week\n- Ferry fares to rise in spring\n'; } > copy000.txt
$ storyline check --db c.db copy000.txt
  copy000:
    near copy of 000_e8a6cf9c6403bd55 (similarity 0.990, containment 1.000, 7 shared paragraphs)
$ storyline check --db c.db --json copy000.txt
  {"id":"copy000","matches":[{"id":"000_e8a6cf9c6403bd55","kind":"near","similarity":0.9899,"containment":1.0000,"paragraphs":7,"words":301}]}
$ storyline list --db c.db | wc -l
  5

# An article carrying two of 002's paragraphs amid its own text is a
# partial copy: its Jaccard with 002 (0.260) passes the near threshold, but
# it holds less than half of the shorter text (containment 0.466).
$ { printf 'Harbour council debates reports from the front\n'; printf 'The harbour council met on Thursday to discuss how the city should respond to reports from the front, with members split on whether to issue a statement at all and on who should sign it.\n'; printf 'Several members said the city had no foreign policy of its own and should leave the matter to the national government, while others argued that the families of local volunteers deserved to hear from the council.\n'; sed -n 2,3p $SHARED/seeds/002_*.txt; printf 'The chair reminded members that the council had issued two similar statements in the past decade, both after long debates, and that neither had changed anything beyond the tone of the local press.\n'; printf 'Council members agreed to return to the question next month, once the foreign ministry has published its own account of the claims and the families have been consulted.\n'; printf 'The meeting then moved on to the budget for the ferry terminal, which is running three months late and well over its original cost.\n'; } > partial002.txt
$ storyline check --db c.db partial002.txt
  partial002:
    partial copy of 002_793e2e330b5da081 (similarity 0.260, containment 0.466, 2 shared paragraphs)

# Stored, they become relations: a group with its representative and
# evidence, and a partial link naming the shared paragraphs (numbers in
# the later article and in the earlier one).
$ storyline ingest -q --db c.db copy000.txt partial002.txt $SHARED/seeds/000_e8a6cf9c6403bd55.txt
$ storyline dups --db c.db
  near group of 2, representative copy000, lowest similarity 0.990:
    copy000 ~ 000_e8a6cf9c6403bd55  near 0.990
  partial: partial002 shares 2 paragraphs (140 words, paragraphs 2:1,3:2) with 002_793e2e330b5da081; similarity 0.260
$ storyline dups --db c.db --kind partial --json | python3 -c 'import json,sys; [print(g["kind"], g["members"], g["representative"], g["evidence"][0]["shared"]) for g in map(json.loads, sys.stdin)]'
  partial ['002_793e2e330b5da081', 'partial002'] None 2:1,3:2
$ storyline show --db c.db 000_e8a6cf9c6403bd55 --json | python3 -c 'import json,sys; print([(x["id"], x["kind"]) for x in json.load(sys.stdin)["duplicates"]])'
  [('copy000', 'near')]

# rm takes the article, its index entries and relations away; check no
# longer finds it.
$ storyline rm --db c.db copy000
  removed copy000
$ storyline dups --db c.db --kind exact,near
  no duplicates
$ storyline rm --db c.db copy000
! storyline: no article with id 'copy000'
[1]

# Exact copies: one relation each to the first copy; removing the first
# keeps the others grouped.
$ for i in 1 2 3; do sed "s/^Kiev has announced/Copy $i: Kiev has announced/" $SHARED/seeds/000_*.txt > ex$i.txt; done; storyline ingest -q --db c.db ex1.txt ex2.txt ex3.txt
$ storyline dups --db c.db --kind exact,near --json | python3 -c 'import json,sys; [print(g["kind"], g["members"]) for g in map(json.loads, sys.stdin)]'
  exact ['000_e8a6cf9c6403bd55', 'ex1', 'ex2', 'ex3']
$ storyline rm --db c.db -q 000_e8a6cf9c6403bd55 2>/dev/null; storyline rm --db c.db 000_e8a6cf9c6403bd55 && storyline dups --db c.db --kind exact --json | python3 -c 'import json,sys; [print(g["kind"], g["members"]) for g in map(json.loads, sys.stdin)]'
  removed 000_e8a6cf9c6403bd55
  exact ['ex1', 'ex2', 'ex3']

# A store indexed with other fingerprint parameters is refused, clearly,
# until it is rebuilt.
$ sqlite3 c.db "UPDATE meta SET value = 'fp0 shingle=3' WHERE key = 'fingerprint'" && storyline dups --db c.db
! storyline: the duplicate index was built with 'fp0 shingle=3', this storyline uses 'fp3 shingle=5 k=128 rows=3 bands=8 para=10'; run 'storyline reindex' to rebuild it
[1]
$ storyline ingest --db c.db copy000.txt
! storyline: copy000.txt: the duplicate index was built with 'fp0 shingle=3', this storyline uses 'fp3 shingle=5 k=128 rows=3 bands=8 para=10'; run 'storyline reindex' to rebuild it
  read 1, stored 0, already present 0, rejected 1
[1]
$ storyline reindex --db c.db && storyline dups --db c.db --kind exact --json | python3 -c 'import json,sys; [print(g["kind"], g["members"]) for g in map(json.loads, sys.stdin)]'
  reindexed c.db
  exact ['ex1', 'ex2', 'ex3']

# Bulk loading with --no-index skips duplicate detection; the store says
# its index is behind, and duplicate commands refuse until reindex.
$ storyline ingest --no-index -q --db bulk.db $SHARED/seeds copy000.txt
$ storyline dups --db bulk.db
! storyline: articles were ingested with --no-index; run 'storyline reindex' to find their duplicates
[1]
$ storyline check --db bulk.db copy000.txt 2>&1 | tail -n 1
  storyline: copy000.txt: articles were ingested with --no-index; run 'storyline reindex' to find their duplicates
$ storyline reindex --db bulk.db && storyline dups --db bulk.db --kind near
  reindexed bulk.db
  near group of 2, representative copy000, lowest similarity 0.990:
    copy000 ~ 000_e8a6cf9c6403bd55  near 0.990

# Ingest cleans and fingerprints on several threads, verifies candidate
# copies on another (none with --threads 1) and stores in input order: any
# number of threads gives the same store.  A bad line in the middle is
# named with its line and the rest goes in.
$ { head -n 300 $SHARED/data/dedup-dev/docs.jsonl; printf '{"id":"bad","text":""}\n'; sed -n 301,600p $SHARED/data/dedup-dev/docs.jsonl; } > mix.jsonl
$ storyline ingest -q --threads 1 --db t1.db mix.jsonl
! storyline: mix.jsonl:301: no text
[1]
$ storyline ingest -q --threads 3 --db t3.db mix.jsonl
! storyline: mix.jsonl:301: no text
[1]
$ storyline dups --db t1.db --json > t1.json; storyline dups --db t3.db --json | cmp - t1.json && awk 'END { print (NR > 50 ? "same, over 50 groups and links" : "too few: " NR) }' t1.json
  same, over 50 groups and links
$ storyline ingest --threads 0 x 2>&1 | head -n 1
  storyline: --threads needs a number from 1 to 64, not '0'

# A damaged bucket of the index is named, with what to do; reindex
# rebuilds it and check answers again.
$ sqlite3 t1.db "WITH RECURSIVE b(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM b WHERE x < 65535) INSERT OR REPLACE INTO postings SELECT x, x'05ffff' FROM b"
$ head -n 1 mix.jsonl | python3 -c 'import json,sys; a=json.load(sys.stdin); a["id"]="edited"; a["text"]+="\nOne more line at the end."; print(json.dumps(a))' > edited.jsonl
$ storyline check --db t1.db edited.jsonl
! storyline: edited.jsonl:1: the duplicate index is damaged \(bucket [0-9]+\); run 'storyline reindex' (re)
[1]
$ storyline reindex --db t1.db >/dev/null && storyline check --db t1.db --json edited.jsonl | python3 -c 'import json,sys; print([m["kind"] for m in json.load(sys.stdin)["matches"]])'
  ['near']
