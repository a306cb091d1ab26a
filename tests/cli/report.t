# storyline report --html: one self-contained page of the stories, their
# timelines, claim groups with the denials beside the claims they dispute,
# entities with their spellings, and duplicate groups with what differs.

$ storyline ingest -q --db s.db $SHARED/seeds
$ { printf 'Beijing tells Kyiv to drop new sanctions plan\nBy Staff Writer\n'; tail -n +2 $SHARED/seeds/000_*.txt; } > copy000.txt
$ storyline ingest -q --db s.db copy000.txt
# An article whose title is markup shows it as text (its story's label
# and its timeline entry).
$ printf '{"id":"x1","source":"evil.example","date":"2026-03-09","title":"<script>alert(1)</script> Kyiv & \\"Beijing\\"","text":"Officials in Kyiv met on Monday to discuss the harbour."}\n' | storyline ingest -q --db s.db -
$ storyline report --db s.db --html r.html
$ python3 $ROOT/tests/sh/html_check.py r.html
  ok: parses, no script, no external reference
$ grep -c '&lt;script&gt;alert(1)&lt;/script&gt; Kyiv &amp; &quot;Beijing&quot;' r.html
  2

# The seeds' story: Zelensky's 155-citizens claim, carried by three
# reports, with China's denial beside it; Volodymyr Zelensky with his
# spellings; 000's near copy and what differs (its title and byline).
$ python3 $ROOT/tests/sh/html_check.py r.html pairs > pairs.txt; head -n 1 pairs.txt
  Volodymyr Zelensky assert (3 reports) | China deny
$ python3 $ROOT/tests/sh/html_check.py r.html entity 'Volodymyr Zelensky'
  Volodymyr Zelensky PER, 3 articles: Zelensky, Vladimir Zelensky, Volodymyr Zelensky
$ python3 $ROOT/tests/sh/html_check.py r.html differs
  near copies 000_e8a6cf9c6403bd55 | title: Kiev has announced new restrictions on Chinese individuals who allegedly support Russia’s defense industry for Beijing tells Kyiv to drop new sanctions plan | only in the representative: By Staff Writer

# One story only, to standard output.
$ storyline report --db s.db --html - --story 1 | python3 $ROOT/tests/sh/html_check.py - stories
  1

# Errors: no --html, no store, a place that cannot be written (nothing
# half-written is left).
$ storyline report --db s.db 2>&1 | head -n 1
  storyline: report needs --html OUT.html
$ storyline report --db none.db --html x.html
! storyline: none.db: no such store; run 'storyline ingest --db none.db PATH' first
[1]
$ storyline report --db s.db --html no/such/dir/r.html 2>&1; echo "exit $?"; ls no 2>&1 | head -n 1
  storyline: no/such/dir/r.html.tmp: No such file or directory
  exit 1
  ls: cannot access 'no': No such file or directory
