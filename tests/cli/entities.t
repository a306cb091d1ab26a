# Named entities stored at ingest and resolved across spellings and
# articles: `entities` lists them, `entity NAME` finds one by any spelling.

# The seeds: 000 writes "Kiev" and "Vladimir Zelensky", the others "Kyiv"
# and "Volodymyr Zelensky"; later mentions shorten to "Zelensky" or "Lin".
$ storyline ingest -q --db s.db $SHARED/seeds
$ storyline entities --db s.db --type PER --json | python3 -c 'import json,sys; [print(e["name"], "|", ",".join(sorted(e["variants"])), "|", ",".join(a[:3] for a in e["articles"])) for e in map(json.loads, sys.stdin) if e["name"] in ("Volodymyr Zelensky", "Lin Jian", "Vladimir Putin")]'
  Lin Jian | Lin,Lin Jian | 000,002,003,004
  Volodymyr Zelensky | Vladimir Zelensky,Volodymyr Zelensky,Zelensky | 000,002,003,004
  Vladimir Putin | Vladimir Putin | 000
$ storyline entity --db s.db Kiev --json | python3 -c 'import json,sys; e=json.load(sys.stdin); print(e["name"], e["type"], sorted(e["variants"]), [a["id"][:3] for a in e["articles"]])'
  Kyiv LOC ['Kiev', 'Kyiv'] ['000', '004']
# Putin is not Zelensky, though both are a Vladimir somewhere.
$ storyline entity --db s.db Putin | head -n 2
  Vladimir Putin  PER  1 article, 0 outlets
    as: Vladimir Putin
# A demonym is linked to its country, not merged with it.
$ storyline entities --db s.db --type MISC | grep -A1 '^Chinese '
  Chinese  MISC  5 articles, 0 outlets, demonym of China
    as: Chinese
$ storyline entity --db s.db China | head -n 1
  China  LOC  5 articles, 0 outlets

# Transliterations fold (-yy, -iy), accents and case do not matter, and
# a surname alone finds the one person who has it.
$ printf '{"id":"z1","source":"a.example","title":"Zelenskyy in Brussels","text":"Volodymyr Zelenskyy met European Union leaders in Brussels on Thursday. Zelenskyy asked for more air defence."}\n{"id":"z2","source":"b.example","title":"Talks","text":"President Volodymyr Zelenskiy said the talks in Brussels went well, and NATO officials agreed."}\n' > z.jsonl
$ storyline ingest -q --db s.db z.jsonl
$ storyline entity --db s.db ZELENSKIY --json | python3 -c 'import json,sys; e=json.load(sys.stdin); print(e["name"], e["outlets"], sorted(e["variants"]), len(e["articles"]))'
  Volodymyr Zelensky 2 ['Vladimir Zelensky', 'Volodymyr Zelenskiy', 'Volodymyr Zelensky', 'Volodymyr Zelenskyy', 'Zelensky', 'Zelenskyy'] 6
$ storyline entity --db s.db Brussels | head -n 1
  Brussels  LOC  2 articles, 2 outlets

# A full name takes over a one-word person of its surname, never a place
# or a group of that name: Carlos Spain does not swallow Spain.
$ printf '{"id":"sp1","source":"a.example","title":"Troops","text":"Spain sent more troops to the border on Monday, the government in Madrid said."}\n{"id":"sp2","source":"b.example","title":"Appeal","text":"The lawyer Carlos Spain said on Tuesday that his client would appeal. Mr Spain added that the court had erred."}\n' > sp.jsonl
$ storyline ingest -q --db sp.db sp.jsonl
$ storyline entity --db sp.db Spain | head -n 1
  Spain  LOC  1 article, 1 outlet
$ storyline entity --db sp.db "Carlos Spain" | head -n 1
  Carlos Spain  PER  1 article, 1 outlet

# Entities of one story only: 000's people (Zelensky, Putin, Lin Jian).
$ storyline entities --db s.db --story 1 --type PER | grep PER | cut -d' ' -f1,2
  Lin Jian
  Vladimir Putin
  Volodymyr Zelensky

# Removing an article takes its mentions with it.
$ storyline rm --db s.db z2
  removed z2
$ storyline entity --db s.db Brussels | head -n 1
  Brussels  LOC  1 article, 1 outlet

# Errors: an unknown name, a bad type.
$ storyline entity --db s.db "Nobody Anywhere"
! storyline: no entity 'Nobody Anywhere'
[1]
$ storyline entities --db s.db --type PERSON 2>&1 | head -n 1
  storyline: --type must be PER, ORG, LOC or MISC, not 'PERSON'

# A store from before entities (its tables empty, as the upgrade leaves
# them): reindex tags its articles, with the same result as ingest.
$ python3 -c 'import sqlite3; d = sqlite3.connect("s.db"); print(d.execute("select count(*), sum(n) from mentions").fetchone()); d.executescript("delete from mentions; delete from entities; delete from entity_links;")'
  (93, 244)
$ storyline entities --db s.db
  no entities
$ storyline reindex --db s.db
  reindexed s.db
$ python3 -c 'import sqlite3; d = sqlite3.connect("s.db"); print(d.execute("select count(*), sum(n) from mentions").fetchone())'
  (93, 244)
$ storyline entity --db s.db Kiev | head -n 1
  Kyiv  LOC  2 articles, 0 outlets
