# examples.t - the repository's own example corpus ($EX, see
# examples/README.md): ten articles, each in two forms (examples/txt/ID.txt
# and a line of examples/articles.jsonl) that must clean to the same text.

# Ingest the whole examples directory: 20 inputs.  The walk reads
# articles.jsonl before txt/ (byte order), so the ten JSONL articles are
# stored and each .txt form is recognised as the same id with the same
# clean text: "already present", not a conflict.
$ storyline ingest $EX
  read 20, stored 10, already present 10, rejected 0

# The same, checked directly: each form alone in its own store, then the
# clean text of every id compared between the two stores.
$ storyline ingest --db txt.db $EX/txt && storyline ingest --db jsonl.db $EX/articles.jsonl
  read 10, stored 10, already present 0, rejected 0
  read 10, stored 10, already present 0, rejected 0
$ for id in $(storyline list --db txt.db | cut -f1); do a=$(storyline show --json --db txt.db $id | python3 -c 'import json,sys; print(json.load(sys.stdin)["text"])'); b=$(storyline show --json --db jsonl.db $id | python3 -c 'import json,sys; print(json.load(sys.stdin)["text"])'); [ "$a" = "$b" ] && echo "$id same" || echo "$id DIFFERENT"; done
  battery-lab same
  clinic-opening same
  council-budget same
  cup-final same
  export-ruling same
  ferry-continentalwire same
  ferry-harbourgazette same
  ferry-ostercourier same
  mayor-race same
  mountain-pass same

# list: the ten ids in ingest order (the order of articles.jsonl), with
# date, source and title separated by tabs (shown here as " | ").
$ storyline list | sed 's/\t/ | /g'
  ferry-harbourgazette | 2026-07-23 | www.harbourgazette.example | Two dead as ferry and grain barge collide in fog near Port Kharim
  ferry-ostercourier | 2026-07-23 | www.ostervalleycourier.example | Two die as Morning Lark ferry hits barge in fog outside Port Karim
  ferry-continentalwire | 2026-07-24 | www.continentalwire.example | Ferry operator denies radar fault after deadly Oster River collision
  council-budget | 2026-02-12 | www.millbrookherald.example | Millbrook council approves budget with 3.5 per cent rise in rates
  battery-lab | 2026-04-07 | www.northlightpost.example | Salt-water battery could keep solar power flowing through the night, researchers say
  cup-final | 2026-05-17 | www.coastlinesports.example | Harbour City win Coastal Cup with late penalty against Ridgeway Rovers
  export-ruling | 2026-03-03 | www.tradeledger.example | Valmont Systems wins export licence for thermal sensors after dual-use review
  clinic-opening | 2026-06-02 | www.harbourgazette.example | New 24-hour urgent care clinic opens in Harbour East
  mountain-pass | 2026-01-19 | www.ostervalleycourier.example | Snow shuts Greyfell Pass again, stranding 300 vehicles overnight
  mayor-race | 2026-09-08 | www.millbrookherald.example | Mayoral candidate rejects claim she skipped planning votes

# list --json: ten lines, each one JSON object with a non-empty "id" and
# "title"; the ids are unique.
$ storyline list --json | python3 -c 'import json,sys; rows=[json.loads(l) for l in sys.stdin]; print(len(rows), "lines;", all(isinstance(r, dict) and r.get("id") and r.get("title") for r in rows), len(set(r["id"] for r in rows)), "ids")'
  10 lines; True 10 ids

# --- battery-lab: a scraper-repeated block ---------------------------------
# Paragraphs 2-4 were stored twice (as 5-7); the copies are removed and
# each one names the paragraph it repeats.  The title comes from the JSONL
# "title" field, so there is no title note.  (The origin path depends on
# where the repository is.)
$ storyline show battery-lab --explain | sed -n '1,7p; /^cleaning:/,$p'
  id       battery-lab
  title    Salt-water battery could keep solar power flowing through the night, researchers say
  source   www.northlightpost.example
  date     2026-04-07
  url      https://www.northlightpost.example/science/2026/04/07/salt-water-battery-kestrel-university
  origin   .*/examples/articles\.jsonl:5 (re)
  size     6 paragraphs, [0-9]+ sentences, [0-9]+ tokens, 1308 bytes, hash [0-9a-f]{32} (re)
  cleaning:
    kept: 6 paragraphs (0 subheadings, 0 list items)
    removed repeated-paragraph (same as paragraph 2): The prototype, described in a paper published on Monday, supplied power without a break through a 24-hour test cycle and kept 91 per cent of its capacity after … (189 bytes)
    removed repeated-paragraph (same as paragraph 3): “The materials are boring, and that is the point,” said Dr. Priya Nandakumar, who leads the university’s energy storage group. “You can buy everything i… (210 bytes)
    removed repeated-paragraph (same as paragraph 4): The cell holds less energy for its weight than a lithium battery, so it is far too heavy for cars or phones. Nandakumar said that it was meant for homes, school… (236 bytes)

# --- cup-final: prompts and a copyright line --------------------------------
# A follow prompt and a sign-up prompt in the middle, a share prompt and a
# © line at the end: each removed by its own rule (rule line numbers in
# boilerplate.rules shown as N).
$ storyline show cup-final --explain | sed -n '/^cleaning:/,$p' | sed 's/boilerplate\.rules:[0-9]*/boilerplate.rules:N/'
  cleaning:
    kept: 7 paragraphs (0 subheadings, 0 list items)
    removed follow-prompt (rule follow-prompt, boilerplate.rules:N): Follow us on Twitter and Facebook
    removed subscribe-prompt (rule subscribe-prompt, boilerplate.rules:N): Click here to sign up for breaking news alerts
    removed share-prompt (rule share-prompt, boilerplate.rules:N): Share this article
    removed copyright (rule copyright, boilerplate.rules:N): © 2026 Coastline Sports Daily. All rights reserved.

# The article text that surrounded the prompts is all still there.
$ storyline show cup-final | grep -c -e '^Harbour City won' -e '^Ridgeway led' -e '^The winner came' -e '^City will now play'
  4

# --- ferry-ostercourier: unknown fields are kept ----------------------------
# "section" is not a field storyline knows; it is kept in "extra".
$ storyline show --json ferry-ostercourier | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["id"], d["extra"])'
  ferry-ostercourier {'section': 'news'}

# Its "Read more:" line and four link lines are removed.
$ storyline show --json ferry-ostercourier | python3 -c 'import json,sys; d=json.load(sys.stdin); print([r["reason"] for r in d["removed"]], "Read more" in d["text"])'
  ['read-more', 'read-more', 'read-more', 'read-more', 'read-more'] False

# --- council-budget: subheadings and a list -------------------------------
$ storyline show council-budget | grep -E '^(## |- )'
  ## Where the Money Goes
  - $3.8 million to raise the Millbrook Creek levee by half a metre
  - $1.1 million to keep the central library open on Sundays
  - $650,000 for 40 new bus shelters across the district
  ## Rates and Charges
  ## What Happens Next

# --- re-ingesting ---------------------------------------------------------
# One .txt file on its own is recognised as already stored.
$ storyline ingest $EX/txt/cup-final.txt
  read 1, stored 0, already present 1, rejected 0

# Nothing changed: still ten articles and fifteen removals.
$ storyline stats | grep -E '^(articles|distinct texts|removed by cleaning) '
  articles                 10
  distinct texts           10
  removed by cleaning      15
