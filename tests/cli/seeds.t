# seeds.t - the five real articles in $SHARED/seeds (../shared/seeds), which
# show every cleaning problem in small: 002 repeats four of its paragraphs,
# 001 ends in a "Read more:" link list, 004 has subheadings and a list,
# 000 and 003 begin with a headline line, 001, 002 and 004 with a paragraph.
# Sentence and token counts are left to the segmenter tests: here they are
# matched as numbers only.

# Ingest the directory: all five are new.
$ storyline ingest $SHARED/seeds
  read 5, stored 5, already present 0, rejected 0

# Ingesting again changes nothing: same ids, same text, all "already present".
$ storyline ingest $SHARED/seeds
  read 5, stored 0, already present 5, rejected 0

# list: one line per article, in ingest order (the directory's byte order);
# the ids are the file stems.
$ storyline list | cut -f1
  000_e8a6cf9c6403bd55
  001_6893e9d60b43f7bd
  002_793e2e330b5da081
  003_9e3c76918542148b
  004_c1890f8c6de1186b

# The files have no source or date: list shows "-" for them.  The titles
# (4th column) are cut to 100 bytes with an ellipsis.
$ storyline list | cut -f2,3 | sort | uniq -c
        5 -	-
$ storyline list | cut -f4
  Kiev has announced new restrictions on Chinese individuals who allegedly support Russia’s defense …
  China has tightened export controls on military-capable drones, effective 1 September, in response t…
  Zelensky has put forth a controversial claim stating that at least 155 Chinese nationals are fightin…
  China denied claims that it is aware of its citizens fighting in Ukraine.
  Ukrainian President Volodymyr Zelensky has made a significant and controversial claim that at least …

# --- 002: four repeated paragraphs ----------------------------------------
# The file has 9 lines: paragraphs 2-5 are stored twice (lines 6-9).  The
# clean text keeps 5 paragraphs, and --explain names each removed copy and
# the paragraph it repeats.
$ storyline show 002_793e2e330b5da081 --explain | sed -n '/^size/p; /^cleaning:/,$p'
  size     5 paragraphs, [0-9]+ sentences, [0-9]+ tokens, 2635 bytes, hash [0-9a-f]{32} (re)
  cleaning:
    note: title: the first paragraph (no headline line)
    kept: 5 paragraphs (0 subheadings, 0 list items)
    removed repeated-paragraph (same as paragraph 2): In response, a Chinese government spokesperson urged all involved parties to accurately understand China's position, insisting that the country neither instigat… (555 bytes)
    removed repeated-paragraph (same as paragraph 3): Earlier claims by Zelensky highlighted confrontations with Chinese troops in Ukraine's Donetsk region, asserting that Russian forces are recruiting Chinese nati… (454 bytes)
    removed repeated-paragraph (same as paragraph 4): Zelensky characterized the involvement of Chinese citizens in the conflict as a potentially escalatory move on Russia’s part and called for international supp… (517 bytes)
    removed repeated-paragraph (same as paragraph 5): While China and Russia maintain a close political alliance, Beijing has sought to portray itself as a neutral party, avoiding the supply of lethal arms. Recent … (552 bytes)

# Every line of the file occurs exactly once in the clean text (JSON text
# field): 9 lines, 5 distinct, and each distinct line is counted 1 time.
$ storyline show --json 002_793e2e330b5da081 | python3 -c 'import json,sys; t=json.load(sys.stdin)["text"]; ls=[l.strip() for l in open(sys.argv[1],encoding="utf-8") if l.strip()]; print(len(ls), "lines,", len(set(ls)), "distinct, counts in the clean text:", sorted(set(t.count(l) for l in ls)))' $SHARED/seeds/002_793e2e330b5da081.txt
  9 lines, 5 distinct, counts in the clean text: [1]

# The same with a distinctive phrase of a repeated paragraph: twice in the
# file, once in the clean text.
$ grep -o 'Lin Jian reiterated' $SHARED/seeds/002_793e2e330b5da081.txt | wc -l
  2
$ storyline show --json 002_793e2e330b5da081 | python3 -c 'import json,sys; print(json.load(sys.stdin)["text"].count("Lin Jian reiterated"))'
  1

# --- 001: the "Read more:" list -------------------------------------------
# The "Read more:" line and its five "- " link lines are removed by the
# read-more rule (rule line numbers in boilerplate.rules shown as N, so that
# editing the rules file does not break this test).
$ storyline show 001_6893e9d60b43f7bd --explain | sed -n '/^cleaning:/,$p' | sed 's/boilerplate\.rules:[0-9]*/boilerplate.rules:N/'
  cleaning:
    note: title: the first paragraph (no headline line)
    kept: 5 paragraphs (0 subheadings, 0 list items)
    removed read-more (rule read-more, boilerplate.rules:N): Read more:
    removed read-more (rule read-more, boilerplate.rules:N): - Ukraine invites Chinese FM to Kyiv for second Peace Summit preps
    removed read-more (rule read-more, boilerplate.rules:N): - China invites Ukraine’s foreign minister for talks on “achieving peace” with Russia
    removed read-more (rule read-more, boilerplate.rules:N): - Russia has become so economically isolated that China could order the end of its war in Ukraine
    removed read-more (rule read-more, boilerplate.rules:N): - How China derailed Ukraine’s NATO membership invitation at the Washington summit
    removed read-more (rule read-more, boilerplate.rules:N): - Meloni believes China not interested in supporting Russian industry

# The clean text holds neither the "Read more" line nor any link headline.
$ storyline show --json 001_6893e9d60b43f7bd | python3 -c 'import json,sys; t=json.load(sys.stdin)["text"]; print("Read more" in t, "Meloni" in t, "NATO membership" in t, t.count("\n") + 1, "paragraphs")'
  False False False 5 paragraphs

# --- titles ---------------------------------------------------------------
# 000 and 003 open with a headline line: it becomes the title and leaves the
# text.  001, 002 and 004 open with a paragraph: the title is that first
# paragraph, which stays in the text as paragraph 1.
$ for id in 000_e8a6cf9c6403bd55 001_6893e9d60b43f7bd 002_793e2e330b5da081 003_9e3c76918542148b 004_c1890f8c6de1186b; do storyline show --json $id | python3 -c 'import json,sys; d=json.load(sys.stdin); first=open(sys.argv[1],encoding="utf-8").readline().strip(); p1=d["paragraphs"][0]["text"]; print(sys.argv[2], "title=first line" if d["title"]==first else "title=OTHER", "kept-as-paragraph-1" if p1==first else "moved-out-of-text" if first not in d["text"] else "DUPLICATED")' $SHARED/seeds/$id.txt $id; done
  000_e8a6cf9c6403bd55 title=first line moved-out-of-text
  001_6893e9d60b43f7bd title=first line kept-as-paragraph-1
  002_793e2e330b5da081 title=first line kept-as-paragraph-1
  003_9e3c76918542148b title=first line moved-out-of-text
  004_c1890f8c6de1186b title=first line kept-as-paragraph-1

# 000's title in full, and its note; the text starts with the second line.
$ storyline show 000_e8a6cf9c6403bd55 --explain | grep -E '^(title|size) |note:'
  title    Kiev has announced new restrictions on Chinese individuals who allegedly support Russia’s defense industry
  size     7 paragraphs, [0-9]+ sentences, [0-9]+ tokens, 1980 bytes, hash [0-9a-f]{32} (re)
    note: title: the first line, which reads as a headline
$ storyline show 000_e8a6cf9c6403bd55 | sed -n 9p | cut -d' ' -f1-6
  Beijing has urged Ukraine to “immediately

# 003's title in full, and its note.
$ storyline show 003_9e3c76918542148b --explain | grep -E '^title |note:'
  title    China denied claims that it is aware of its citizens fighting in Ukraine.
    note: title: the first line, which reads as a headline

# 000, 003 and 004 have nothing to remove.
$ for id in 000_e8a6cf9c6403bd55 003_9e3c76918542148b 004_c1890f8c6de1186b; do storyline show $id --explain | grep '^  removed'; done
    removed: nothing
    removed: nothing
    removed: nothing

# --- 004: subheadings and a list ------------------------------------------
# The five subheadings are marked "## "; "Zelensky claimed:" (ends in a
# colon, introduces a quote) is body text, not a subheading.
$ storyline show 004_c1890f8c6de1186b | grep '^## '
  ## “We Have Names and Passports” – Zelensky
  ## China Denies Allegations, Urges Caution
  ## Rising Concerns Over China-Russia Military Ties
  ## China’s Balancing Act
  ## North Korea Also in Focus
$ storyline show 004_c1890f8c6de1186b | grep -x '.*Zelensky claimed:'
  Zelensky claimed:

# The three list items are kept, as written.
$ storyline show 004_c1890f8c6de1186b | grep '^- '
  - Supplying dual-use technologies (e.g., drones, chips) to Russia.
  - Facilitating the production of ammunition and military vehicles.
  - Enabling military-related trade that helps prolong the conflict.
$ storyline show 004_c1890f8c6de1186b --explain | grep 'kept:'
    kept: 19 paragraphs (5 subheadings, 3 list items)

# --- stats ------------------------------------------------------------------
# Five articles, five distinct texts, ten removals (6 read-more in 001,
# 4 repeated paragraphs in 002).
$ storyline stats
  articles                 5
  sources                  0
  clean text               12.3 KB
  paragraphs               38
  sentences                [0-9]+ (re)
  tokens                   [0-9]+ (re)
  distinct texts           5
  removed by cleaning      10
    read-more              6
    repeated-paragraph     4
  store                    storyline.db, [0-9.]+ [KM]?B, schema 10 (re)
