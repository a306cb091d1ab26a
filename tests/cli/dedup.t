# storyline dedup: exact, near and partial copies in a stream, no store.
# Fixtures are made here from ../shared/seeds and text written for the test.

# The seeds hold no copies: 002, 003 and 004 tell one event in their own
# words; 002's repeated paragraphs do not make it a copy of anything.
$ storyline dedup --pairs $SHARED/seeds
! read 5, kept 5, copies 0 (exact 0, near 0), partial links 0, rejected 0

# 000 republished with a new headline, a byline and a "Read more:" list is
# a near copy.  --explain adds Jaccard, containment, shared paragraphs, words.
$ { printf 'Beijing tells Kyiv to drop new sanctions plan\nBy Staff Writer\n'; tail -n +2 $SHARED/seeds/000_*.txt; printf '\nRead more:\n- Port strike enters second week\n- Ferry fares to rise in spring\n'; } > copy000.txt
$ storyline dedup --pairs --explain -q $SHARED/seeds/000_*.txt copy000.txt
  copy000	000_e8a6cf9c6403bd55	near	0.990	1.000	7	301

# An article that carries two of 002's paragraphs amid its own text is a
# partial copy of 002, not a near one.
$ { printf 'Harbour council debates reports from the front\n'; printf 'The harbour council met on Thursday to discuss how the city should respond to reports from the front, with members split on whether to issue a statement at all and on who should sign it.\n'; printf 'Several members said the city had no foreign policy of its own and should leave the matter to the national government, while others argued that the families of local volunteers deserved to hear from the council.\n'; sed -n 2,3p $SHARED/seeds/002_*.txt; printf 'The chair reminded members that the council had issued two similar statements in the past decade, both after long debates, and that neither had changed anything beyond the tone of the local press.\n'; printf 'Council members agreed to return to the question next month, once the foreign ministry has published its own account of the claims and the families have been consulted.\n'; printf 'The meeting then moved on to the budget for the ferry terminal, which is running three months late and well over its original cost.\n'; } > partial002.txt
$ storyline dedup --pairs --explain -q $SHARED/seeds/002_*.txt partial002.txt | cut -f1-3,6-7
  partial002	002_793e2e330b5da081	partial	2	140

# A shared footer makes nothing a copy: cleaning removes it, and two short
# lines are no passage.
$ printf '{"id":"a","text":"The bridge reopened on Monday after a week of repairs to the deck and the railings.\\n\\u00a9 2026 The Harbour Gazette. All rights reserved. This material may not be published, broadcast, rewritten or redistributed."}\n{"id":"b","text":"A new bakery opened on Mill Street, selling bread made from grain grown in the valley.\\n\\u00a9 2026 The Harbour Gazette. All rights reserved. This material may not be published, broadcast, rewritten or redistributed."}\n' > footer.jsonl
$ storyline dedup --pairs footer.jsonl
! read 2, kept 2, copies 0 (exact 0, near 0), partial links 0, rejected 0

# The kept stream: an exact re-post (new id, new title) and a copy with
# different quotes, case and spacing are dropped; lines are copied as read.
$ python3 -c 'import json,sys; L=open(sys.argv[1]).read().splitlines(); a=json.loads(L[3]); a["id"]="council-budget-again"; a["title"]="Rates to rise 3.5 per cent"; c=json.loads(L[5]); c["id"]="cup-final-shouty"; c["text"]=c["text"].upper().replace("\u2019","\x27").replace(". ",".  "); print("\n".join(L+[json.dumps(a),json.dumps(c)]))' $EX/articles.jsonl > mixed.jsonl
$ storyline dedup mixed.jsonl > kept.jsonl; cmp kept.jsonl $EX/articles.jsonl && echo same
! read 12, kept 10, copies 2 (exact 2, near 0), partial links 0, rejected 0
  same
$ storyline dedup --pairs -q mixed.jsonl
  council-budget-again	council-budget	exact
  cup-final-shouty	cup-final	exact

# Cluster ids: each article with its group's representative (the earliest,
# then the longest).
$ storyline dedup --clusters -q mixed.jsonl | grep -E 'council|cup'
  council-budget	council-budget
  cup-final	cup-final
  council-budget-again	council-budget
  cup-final-shouty	cup-final

# --keep longest writes, for each group, its longest member, in input order.
$ storyline dedup --keep longest -q mixed.jsonl | wc -l
  10

# Bad lines are reported with their position and skipped; the rest goes on.
$ printf '{"id":"x","text":"A good line about the weather on the coast."}\n{"id":"y" "text":"broken"}\n' | storyline dedup --pairs
! storyline: <stdin>:2: byte 10: expected ',' or '}'
! read 2, kept 1, copies 0 (exact 0, near 0), partial links 0, rejected 1
[1]

# Usage errors.
$ storyline dedup --keep best 2>err.txt; echo "exit $?"; head -n 2 err.txt
  exit 2
  storyline: --keep must be first or longest, not 'best'
  usage: storyline dedup [--keep first|longest] [--pairs | --clusters] [--explain]
$ storyline dedup --pairs --clusters 2>&1 >/dev/null | head -n 1
  storyline: choose one of --pairs and --clusters
$ storyline dedup --threads 0 2>&1 >/dev/null | head -n 1
  storyline: --threads needs a number from 1 to 64, not '0'

# The fingerprints wait in a scratch file; a TMPDIR that cannot hold one
# is named.
$ printf '{"id":"a","text":"A line."}\n' | TMPDIR=/nonexistent storyline dedup
! storyline: cannot make a scratch file in /nonexistent: No such file or directory
[1]

# Any number of threads gives the same pairs.
$ storyline dedup --pairs -q --threads 1 mixed.jsonl > one.tsv; storyline dedup --pairs -q --threads 3 mixed.jsonl | cmp - one.tsv && echo same
  same

# Above one thread the input is read a batch ahead on a thread of its own;
# over several batches (1024 articles each), with bad lines and copies
# across batch ends, the output and the messages are those of one thread.
$ python3 -c 'import json; [print("{\"id\":\"b%d\" broken}" % i if i % 997 == 5 else json.dumps({"id": "a%d" % i, "text": "Ferry %d sails from pier %d at dawn, carrying %d passengers and %d cars to the island." % (i % 1400, i % 1400 + 3, i % 1400 * 7, i % 1400 * 11)})) for i in range(3000)]' > batches.jsonl
$ storyline dedup --threads 1 batches.jsonl > one.out 2> one.err; storyline dedup --threads 2 batches.jsonl > two.out 2> two.err; cmp one.out two.out && cmp one.err two.err && echo same; cat two.err
  same
  storyline: batches.jsonl:6: byte 11: expected ',' or '}'
  storyline: batches.jsonl:1003: byte 14: expected ',' or '}'
  storyline: batches.jsonl:2000: byte 14: expected ',' or '}'
  storyline: batches.jsonl:2997: byte 14: expected ',' or '}'
  read 3000, kept 1400, copies 1596 (exact 1596, near 0), partial links 0, rejected 4
