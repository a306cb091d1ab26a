# Claims: who said what in the stored articles, found when first asked
# for, the same claim gathered across outlets (claim groups) and each
# denial linked to what it denies (disputes).

# The seeds: Zelensky's claim that at least 155 Chinese citizens fight for
# Russia is one claim group carried by 002, 003 and 004; China's denial
# disputes it; in 000, Lin Jian urges Ukraine to correct its mistakes.
$ storyline ingest -q --db s.db $SHARED/seeds
$ storyline claims --db s.db --json > all.jsonl
$ python3 -c 'import json; cs = [json.loads(l) for l in open("all.jsonl")]; g = {c["group"] for c in cs if c["article"].startswith("002") and "155" in c["values"]}; print(len(g), sorted({c["article"][:3] for c in cs if c["group"] in g}), {c["entity"] for c in cs if c["group"] in g})'
  1 ['002', '003', '004'] {'Volodymyr Zelensky'}
$ python3 -c 'import json; cs = [json.loads(l) for l in open("all.jsonl")]; g = {c["group"] for c in cs if c["article"].startswith("002") and "155" in c["values"]}; print(sorted({(c["entity"], c["content"]) for c in cs if c["stance"] == "deny" and g & set(c["disputes"])}))'
  [('China', 'that it is aware of its citizens fighting in Ukraine')]
$ python3 -c 'import json; cs = [json.loads(l) for l in open("all.jsonl")]; print(sorted({(c["entity"], c["stance"], c["direct"]) for c in cs if c["article"].startswith("000") and "We urge Ukraine" in c["content"]}))'
  [('Lin Jian', 'urge', True)]

# A speaker is found by any spelling of its entity; a stance filters.
$ storyline claims --db s.db --speaker Zelenskyy --json | python3 -c 'import json,sys; print({json.loads(l)["entity"] for l in sys.stdin})'
  {'Volodymyr Zelensky'}
$ storyline claims --db s.db --stance deny --json | python3 -c 'import json,sys; print({json.loads(l)["stance"] for l in sys.stdin})'
  {'deny'}
# "he added" is Lin Jian; "It has also said" the Foreign Ministry before it.
$ storyline claims --db s.db --story 1 | grep -A1 'claim ' | grep -E '"(he|It)"'
      Lin Jian ("he") added (urge, quoted): “We urge Ukraine to immediately correct its mistakes,”
      Foreign Ministry ("It") has also said (assert): Beijing supports a ceasefire ... an end to hostilities, and the promotion of peace talks

# The story shows the groups several articles carry, and the disputes.
$ storyline story --db s.db 3 | grep -A1 '^group' | grep -v '^--' | head -n 4
  group [0-9]+  Volodymyr Zelensky, assert: 5 claims, 3 articles, 0 outlets, story 3 (re)
    disputed by group [0-9]+ (re)
  group [0-9]+  China, deny: 1 claim, 1 article, 0 outlets, story 3 (re)
    disputes groups [0-9]+, [0-9]+ (re)
$ storyline story --db s.db 3 --json | python3 -c 'import json,sys; s=json.load(sys.stdin); g=[x for x in s["claim_groups"] if x["articles"] == 3][0]; d={x["id"]: x for x in s["claim_groups"]}[g["disputed_by"][0]]; print(len(s["timeline"]), g["speaker"], len(g["claims"]), d["speaker"], d["stance"], g["id"] in d["disputes"])'
  3 Volodymyr Zelensky 5 China deny True

# Claims are found once: asking again analyses nothing new.
$ python3 -c 'import sqlite3; d = sqlite3.connect("s.db"); print(d.execute("select count(*) from claims_done").fetchone()[0], d.execute("select count(*) > 50 from claims").fetchone()[0])'
  5 1

# Articles we wrote, from three outlets over three days: the mayor's
# figure is one group of three outlets, the first report first; "she
# promised" joins the quotation it restates; the barge operator's denial
# disputes what the engineers said, not the mayor's figure.
$ printf '%s\n' '{"id":"b1","source":"north.example","date":"2026-03-02","title":"Elm Street bridge repairs to cost $40 million, mayor says","text":"Mayor Anna Kessler said on Monday that repairs to the Elm Street bridge in Lakeford will cost $40 million and take most of the year.\nThe bridge has been closed to traffic since a barge struck one of its piers in February.\n“We will reopen the Elm Street bridge to traffic by June,” Kessler told reporters at city hall."}' '{"id":"b2","source":"south.example","date":"2026-03-03","title":"Lakeford bridge fix will cost $40 million","text":"Repairs to the Elm Street bridge in Lakeford will cost $40 million, Mayor Anna Kessler said on Monday.\nThe barge operator, Halvorsen Shipping, denied that its barge damaged the bridge piers, saying the piers were already cracked.\nThe bridge has been closed since February."}' '{"id":"b3","source":"east.example","date":"2026-03-04","title":"Mayor: Elm Street bridge open by June","text":"Lakeford mayor Anna Kessler said the repairs to the Elm Street bridge would cost $40 million.\nShe promised to reopen the bridge by June.\nCity engineers said a barge struck the bridge piers in February and damaged two of them."}' > bridge.jsonl
$ storyline ingest -q --db b.db bridge.jsonl
$ storyline claims --db b.db | grep -E '^group|^  dis'
  group 1  mayor, assert: 1 claim, 1 article, 1 outlet, story 1
  group 2  Anna Kessler, assert: 3 claims, 3 articles, 3 outlets, story 1
  group 3  Anna Kessler, assert: 2 claims, 2 articles, 2 outlets, story 1
  group 5  Halvorsen Shipping, deny: 1 claim, 1 article, 1 outlet, story 1
    disputes group 9
  group 6  Halvorsen Shipping, assert: 1 claim, 1 article, 1 outlet, story 1
  group 9  City engineers, assert: 1 claim, 1 article, 1 outlet, story 1
    disputed by group 5
$ storyline claims --db b.db --speaker kessler --json | python3 -c 'import json,sys; [print(c["group"], c["date"], c["outlet"], c["stance"], c["values"]) for c in map(json.loads, sys.stdin)]'
  2 2026-03-02 north.example assert ['$40 million']
  2 2026-03-03 south.example assert ['$40 million']
  2 2026-03-04 east.example assert ['$40 million']
  3 2026-03-02 north.example assert []
  3 2026-03-04 east.example promise []

# A new article is analysed on the next read; a removed one takes its
# claims with it.
$ printf '%s\n' '{"id":"b4","source":"west.example","date":"2026-03-05","title":"Bridge","text":"Anna Kessler said that repairs to the Elm Street bridge in Lakeford will cost $40 million."}' | storyline ingest -q --db b.db -
$ storyline claims --db b.db --speaker Kessler | grep '^group 2'
  group 2  Anna Kessler, assert: 4 claims, 4 articles, 4 outlets, story 1
$ storyline rm --db b.db b2 b4
  removed b2
  removed b4
$ storyline claims --db b.db | grep -c '^group 5'
  0
[1]
$ storyline claims --db b.db --speaker Kessler | grep '^group 2'
  group 2  Anna Kessler, assert: 2 claims, 2 articles, 2 outlets, story 1

# After an upgrade of the tagger (its fingerprint changes), every article
# is analysed again, with the same claims.
$ python3 -c 'import sqlite3; d = sqlite3.connect("b.db"); print(d.execute("select count(*) from claims").fetchone()[0]); d.execute("update meta set value = ? where key = ?", ("0 old", "claims")); d.commit()'
  6
$ storyline claims --db b.db >/dev/null; python3 -c 'import sqlite3; d = sqlite3.connect("b.db"); print(d.execute("select count(*) from claims").fetchone()[0], d.execute("select value <> ? from meta where key = ?", ("0 old", "claims")).fetchone()[0])'
  6 1

# Errors: a stance not in data/cues.txt, a bad story id, no store.
$ storyline claims --db b.db --stance doubt 2>&1 | head -n 1
  storyline: no stance 'doubt'
$ storyline claims --db b.db --story x 2>&1 | head -n 1
  storyline: --story needs a story id, not 'x'
$ storyline claims --db none.db
! storyline: none.db: no such store; run 'storyline ingest --db none.db PATH' first
[1]
$ storyline claims --db b.db --speaker "Nobody Anywhere"
  no claims

# An exact copy is not analysed again: its text's claims are its
# original's, with the speakers the original's names resolved, after the
# claims of a headline of its own.  A text that only has the same
# matching form (straight quotation marks for curly ones) is analysed
# itself, so that every span points into its own text.
$ printf '%s\n' '{"id":"b2-copy","source":"west.example","date":"2026-03-05","title":"Barge firm denies it damaged Lakeford bridge","text":"Repairs to the Elm Street bridge in Lakeford will cost $40 million, Mayor Anna Kessler said on Monday.\nThe barge operator, Halvorsen Shipping, denied that its barge damaged the bridge piers, saying the piers were already cracked.\nThe bridge has been closed since February."}' '{"id":"b1-plain","source":"west.example","date":"2026-03-05","title":"Elm Street bridge repairs to cost $40 million, mayor says","text":"Mayor Anna Kessler said on Monday that repairs to the Elm Street bridge in Lakeford will cost $40 million and take most of the year.\nThe bridge has been closed to traffic since a barge struck one of its piers in February.\n\"We will reopen the Elm Street bridge to traffic by June,\" Kessler told reporters at city hall."}' > copies.jsonl
$ storyline ingest -q --db cp.db bridge.jsonl copies.jsonl
$ storyline dups --db cp.db --kind exact | grep '~'
    b1-plain ~ b1  exact 1.000
    b2-copy ~ b2  exact 1.000
$ storyline claims --db cp.db > /dev/null
$ python3 -c 'import sqlite3; d = sqlite3.connect("cp.db"); q = "select c.n, c.cue, c.stance, c.content, c.spans, c.entity from claims c join articles a on a.seq = c.article where a.id = ? order by c.n"; o, k = d.execute(q, ("b2",)).fetchall(), d.execute(q, ("b2-copy",)).fetchall(); print(k[0][1:4], k[0][4][0], [x[1:] for x in k[1:]] == [x[1:] for x in o], len(o))'
  ('denies', 'deny', 'it damaged Lakeford bridge') S True 3
$ python3 -c 'import re, sqlite3; d = sqlite3.connect("cp.db"); t, = d.execute("select text from articles where id = ?", ("b1-plain",)).fetchone(); cs = d.execute("select c.content, c.spans from claims c join articles a on a.seq = c.article where a.id = ? and c.spans glob ?", ("b1-plain", "[sct]*")).fetchall(); print(len(cs), all(" ... ".join(t[int(a):int(b)] for a, b in re.findall(r"t (\d+)-(\d+)", s)) == c for c, s in cs), any(chr(34) in c for c, s in cs))'
  2 True True

# Claims are found on from where the last run stopped (meta claims_upto),
# not by reading every stored article again; with the article it stopped
# at removed, the next run starts from the first and misses nothing.
$ storyline ingest -q --db u.db bridge.jsonl
$ storyline claims --db u.db > /dev/null
$ python3 -c 'import sqlite3; d = sqlite3.connect("u.db"); print(d.execute("select value from meta where key = ?", ("claims_upto",)).fetchone()[0], d.execute("select max(seq) from articles").fetchone()[0])'
  3 3
$ storyline rm --db u.db b3
  removed b3
$ printf '%s\n' '{"id":"b4","source":"west.example","date":"2026-03-05","title":"Ferry to run while bridge is shut","text":"Lakeford will run a ferry across the river while the Elm Street bridge is closed, Mayor Anna Kessler said on Thursday."}' | storyline ingest -q --db u.db -
$ python3 -c 'import sqlite3; d = sqlite3.connect("u.db"); print(d.execute("select seq from articles where id = ?", ("b4",)).fetchone()[0])'
  4
$ storyline claims --db u.db --json | python3 -c 'import json,sys; print(sorted({c["article"] for c in map(json.loads, sys.stdin)}))'
  ['b1', 'b2', 'b4']
