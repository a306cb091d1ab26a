# badinput.t - one scenario per class of bad input.
#
# Every scenario uses its own store (--db NAME.db) and follows the same steps:
#   1. store a good article ("base") and record its list line and its show
#      output (setup.sh);
#   2. ingest the bad input alone: one stderr line naming the file and the
#      position (line number for JSONL, byte offset for text), exit 1, and
#      nothing stored;
#   3. ingest it again mixed with good inputs in the same command: the good
#      ones ARE stored, the bad one is reported the same way, exit 1;
#   4. after each, "base" must be unchanged (unchanged.sh compares list and
#      show with what setup.sh recorded).
# Byte positions: in a .txt file "byte N" is the offset from the start of
# the file, counting from 0 (the BOM included); in a JSONL file "FILE:LINE:
# byte N" counts the bytes of that line from 1.

# --- fixtures and helpers ---------------------------------------------------
$ printf 'Baseline article headline\nThe baseline article was stored before any bad input arrived.\n' > base.txt
$ printf 'Good article A\nThe first good article sits next to bad input in one command.\n' > good-a.txt
$ printf 'Good article B\nThe second good article sits next to bad input in one command.\n' > good-b.txt
$ printf '%s\n' 'storyline ingest --db "$1" base.txt && storyline list --db "$1" > "$1.list" && storyline show --db "$1" base > "$1.show"' > setup.sh
$ printf '%s\n' 'storyline list --db "$1" | head -n 1 | diff "$1.list" - && storyline show --db "$1" base | diff "$1.show" - && echo "base unchanged"' > unchanged.sh

# --- invalid UTF-8 in a .txt file ------------------------------------------
# latin1.txt holds a Latin-1 "é" (0xE9) at offset 31, as od shows.
$ sh setup.sh utf8.db
  read 1, stored 1, already present 0, rejected 0
$ printf 'Bad headline\nSome text with caf\xe9 in it.\n' > latin1.txt && od -An -tx1 -j31 -N1 latin1.txt
   e9
$ storyline ingest --db utf8.db latin1.txt
  read 1, stored 0, already present 0, rejected 1
! storyline: latin1.txt: invalid UTF-8 at byte 31 of the text
[1]
$ storyline list --db utf8.db | cut -f1; sh unchanged.sh utf8.db
  base
  base unchanged
$ storyline ingest --db utf8.db good-a.txt latin1.txt good-b.txt
  read 3, stored 2, already present 0, rejected 1
! storyline: latin1.txt: invalid UTF-8 at byte 31 of the text
[1]
$ storyline list --db utf8.db | cut -f1; sh unchanged.sh utf8.db
  base
  good-a
  good-b
  base unchanged
$ storyline show --db utf8.db latin1
! storyline: no article with id 'latin1'
[1]

# The offset counts from the start of the file, BOM included: 0xFF at 5.
$ printf '\xef\xbb\xbfab\xff\n' > bomthenbad.txt && storyline ingest --db utf8.db bomthenbad.txt
  read 1, stored 0, already present 0, rejected 1
! storyline: bomthenbad.txt: invalid UTF-8 at byte 5 of the text
[1]

# Found while walking a directory, the file is named by its path in it;
# the good file beside it is stored.
$ mkdir tree && cp latin1.txt tree/ && printf 'Tree headline\nA good article found in the same directory.\n' > tree/tree-good.txt
$ storyline ingest --db utf8.db tree
  read 2, stored 1, already present 0, rejected 1
! storyline: tree/latin1.txt: invalid UTF-8 at byte 31 of the text
[1]
$ storyline list --db utf8.db | cut -f1; sh unchanged.sh utf8.db
  base
  good-a
  good-b
  tree-good
  base unchanged

# --- a NUL byte in a .txt file ---------------------------------------------
# nul.txt has a NUL at offset 22.
$ sh setup.sh nul.db
  read 1, stored 1, already present 0, rejected 0
$ printf 'Bad headline\nSome text\000 with a NUL.\n' > nul.txt && od -An -tx1 -j22 -N1 nul.txt
   00
$ storyline ingest --db nul.db nul.txt
  read 1, stored 0, already present 0, rejected 1
! storyline: nul.txt: NUL byte at byte 22 of the text
[1]
$ storyline list --db nul.db | cut -f1; sh unchanged.sh nul.db
  base
  base unchanged
$ storyline ingest --db nul.db good-a.txt nul.txt good-b.txt
  read 3, stored 2, already present 0, rejected 1
! storyline: nul.txt: NUL byte at byte 22 of the text
[1]
$ storyline list --db nul.db | cut -f1; sh unchanged.sh nul.db
  base
  good-a
  good-b
  base unchanged

# --- invalid UTF-8 inside a JSONL line ---------------------------------------
# Line 2 has 0xE9 as its 26th byte (cut -b counts from 1).
$ sh setup.sh jutf8.db
  read 1, stored 1, already present 0, rejected 0
$ printf '{"id":"j-bad","text":"caf\xe9 au lait is the bad line."}\n' > bad-line.jsonl
$ printf '{"id":"j-a","text":"The first good JSONL article."}\n{"id":"j-bad","text":"caf\xe9 au lait is the bad line."}\n{"id":"j-b","text":"The second good JSONL article."}\n' > mixed-utf8.jsonl && sed -n 2p mixed-utf8.jsonl | cut -b 26 | od -An -tx1
   e9 0a
$ storyline ingest --db jutf8.db bad-line.jsonl
  read 1, stored 0, already present 0, rejected 1
! storyline: bad-line.jsonl:1: invalid UTF-8 at byte 3 of the text
[1]
$ storyline list --db jutf8.db | cut -f1; sh unchanged.sh jutf8.db
  base
  base unchanged
$ storyline ingest --db jutf8.db mixed-utf8.jsonl
  read 3, stored 2, already present 0, rejected 1
! storyline: mixed-utf8.jsonl:2: invalid UTF-8 at byte 3 of the text
[1]
$ storyline list --db jutf8.db | cut -f1; sh unchanged.sh jutf8.db
  base
  j-a
  j-b
  base unchanged

# A raw NUL byte inside a JSONL line is a control character, which JSON does
# not allow in a string: named at its offset in the line.
$ printf '{"id":"j-nul","text":"\000"}\n{"id":"j-c","text":"The third good JSONL article."}\n' > nul.jsonl && storyline ingest --db jutf8.db nul.jsonl
  read 2, stored 1, already present 0, rejected 1
! storyline: nul.jsonl:1: byte 22: control character in string
[1]

# Invalid UTF-8 in a metadata field or in an unknown field is refused too,
# naming the field; the good line after it is stored.
$ printf '{"id":"j-t","title":"caf\xe9","text":"Body."}\n{"id":"j-x","text":"Body.","note":"\xff"}\n{"id":"j-d","text":"The fourth good JSONL article."}\n' > fields.jsonl && storyline ingest --db jutf8.db fields.jsonl
  read 3, stored 1, already present 0, rejected 2
! storyline: fields.jsonl:1: invalid UTF-8 at byte 3 of field title
! storyline: fields.jsonl:2: invalid UTF-8 at byte 9 of field extra
[1]

# --- an empty .txt file -------------------------------------------------------
$ sh setup.sh empty.db
  read 1, stored 1, already present 0, rejected 0
$ : > empty.txt
$ storyline ingest --db empty.db empty.txt
  read 1, stored 0, already present 0, rejected 1
! storyline: empty.txt: empty file
[1]
$ storyline list --db empty.db | cut -f1; sh unchanged.sh empty.db
  base
  base unchanged
$ storyline ingest --db empty.db good-a.txt empty.txt good-b.txt
  read 3, stored 2, already present 0, rejected 1
! storyline: empty.txt: empty file
[1]
$ storyline list --db empty.db | cut -f1; sh unchanged.sh empty.db
  base
  good-a
  good-b
  base unchanged

# A file of blank lines only has no text either.
$ printf '  \n\n\t\n' > blank.txt && storyline ingest --db empty.db blank.txt
  read 1, stored 0, already present 0, rejected 1
! storyline: blank.txt: no text
[1]

# --- an article over --max-article-bytes ----------------------------------------
# With a cap of 1K (1024 bytes): a 2122-byte .txt file, and a JSONL line
# whose text is 2121 bytes.
$ sh setup.sh big.db
  read 1, stored 1, already present 0, rejected 0
$ t=$(yes 'Filler sentence for the size test.' | head -n 60 | tr '\n' ' '); { echo 'Big article headline'; echo "$t"; } > big.txt; printf '{"id":"big-a","text":"Small JSONL article A."}\n{"id":"big-j","text":"Big article headline\\n%s"}\n{"id":"big-b","text":"Small JSONL article B."}\n' "$t" > big.jsonl; wc -c < big.txt
  2122
$ storyline ingest --db big.db --max-article-bytes 1K big.txt
  read 1, stored 0, already present 0, rejected 1
! storyline: big.txt: 2122 bytes, over the cap of 1024 (--max-article-bytes)
[1]
$ storyline list --db big.db | cut -f1; sh unchanged.sh big.db
  base
  base unchanged
$ storyline ingest --db big.db --max-article-bytes 1K good-a.txt big.txt good-b.txt
  read 3, stored 2, already present 0, rejected 1
! storyline: big.txt: 2122 bytes, over the cap of 1024 (--max-article-bytes)
[1]
$ storyline ingest --db big.db --max-article-bytes 1K big.jsonl
  read 3, stored 2, already present 0, rejected 1
! storyline: big.jsonl:2: text is 2121 bytes, over the cap of 1024 (--max-article-bytes)
[1]
$ storyline list --db big.db | cut -f1; sh unchanged.sh big.db
  base
  good-a
  good-b
  big-a
  big-b
  base unchanged

# Without the small cap (default 4M) the same article is fine.
$ storyline ingest --db big.db big.txt
  read 1, stored 1, already present 0, rejected 0

# The cap is inclusive: a 1024-byte article is accepted, 1025 bytes are not.
$ { echo 'Boundary headline'; head -c 1005 /dev/zero | tr '\0' x; echo; } > cap1024.txt; { echo 'Boundary headline'; head -c 1006 /dev/zero | tr '\0' x; echo; } > cap1025.txt; wc -c cap1024.txt cap1025.txt | head -n 2
  1024 cap1024.txt
  1025 cap1025.txt
$ storyline ingest --db big.db --max-article-bytes 1K cap1024.txt cap1025.txt
  read 2, stored 1, already present 0, rejected 1
! storyline: cap1025.txt: text is 1025 bytes, over the cap of 1024 (--max-article-bytes)
[1]

# A BOM is not part of the article (cleaning drops it, and the reader does
# not count it against the cap), so the same 1024-byte article with a BOM
# in front is accepted too.
$ { printf '\357\273\277'; cat cap1024.txt; } > bomcap1024.txt && storyline ingest --db big.db --max-article-bytes 1K bomcap1024.txt
  read 1, stored 1, already present 0, rejected 0

# --- a malformed JSONL line ---------------------------------------------------
# Line 2 misses the comma between its two members: the parser stops at the
# 15th byte, the '"' where a ',' or '}' was expected.
$ sh setup.sh json.db
  read 1, stored 1, already present 0, rejected 0
$ printf '{"id":"m-a","text":"The first good JSONL article."}\n{"id":"m-bad" "text":"There is no comma before this member."}\n{"id":"m-b","text":"The second good JSONL article."}\n' > comma.jsonl && sed -n 2p comma.jsonl | cut -b 15
  "
$ sed -n 2p comma.jsonl > comma-alone.jsonl && storyline ingest --db json.db comma-alone.jsonl
  read 1, stored 0, already present 0, rejected 1
! storyline: comma-alone.jsonl:1: byte 14: expected ',' or '}'
[1]
$ storyline list --db json.db | cut -f1; sh unchanged.sh json.db
  base
  base unchanged
$ storyline ingest --db json.db comma.jsonl
  read 3, stored 2, already present 0, rejected 1
! storyline: comma.jsonl:2: byte 14: expected ',' or '}'
[1]
$ storyline list --db json.db | cut -f1; sh unchanged.sh json.db
  base
  m-a
  m-b
  base unchanged

# A line that is not JSON at all, and a line cut off inside a string (the
# position is that of the string's opening quote, the 22nd byte).
$ printf 'Just a line of plain text\n{"id":"m-cut","text":"cut off\n' > notjson.jsonl && storyline ingest --db json.db notjson.jsonl
  read 2, stored 0, already present 0, rejected 2
! storyline: notjson.jsonl:1: byte 0: not a JSON object
! storyline: notjson.jsonl:2: byte 21: unterminated string
[1]

# --- a JSONL line with no "text" field -------------------------------------------
# (a "text" of null counts as absent)
$ sh setup.sh notext.db
  read 1, stored 1, already present 0, rejected 0
$ printf '{"id":"n-bad","title":"A title but no text"}\n' > notext-alone.jsonl && storyline ingest --db notext.db notext-alone.jsonl
  read 1, stored 0, already present 0, rejected 1
! storyline: notext-alone.jsonl:1: no "text" field
[1]
$ storyline list --db notext.db | cut -f1; sh unchanged.sh notext.db
  base
  base unchanged
$ printf '{"id":"n-a","text":"The first good JSONL article."}\n{"id":"n-bad","title":"A title but no text"}\n{"id":"n-null","text":null}\n{"id":"n-b","text":"The second good JSONL article."}\n' > notext.jsonl && storyline ingest --db notext.db notext.jsonl
  read 4, stored 2, already present 0, rejected 2
! storyline: notext.jsonl:2: no "text" field
! storyline: notext.jsonl:3: no "text" field
[1]
$ storyline list --db notext.db | cut -f1; sh unchanged.sh notext.db
  base
  n-a
  n-b
  base unchanged

# --- a JSONL line whose text is empty or whitespace only ----------------------------
$ sh setup.sh blank.db
  read 1, stored 1, already present 0, rejected 0
$ printf '{"id":"e-empty","text":""}\n' > emptytext-alone.jsonl && storyline ingest --db blank.db emptytext-alone.jsonl
  read 1, stored 0, already present 0, rejected 1
! storyline: emptytext-alone.jsonl:1: no text
[1]
$ storyline list --db blank.db | cut -f1; sh unchanged.sh blank.db
  base
  base unchanged
$ printf '{"id":"e-a","text":"The first good JSONL article."}\n{"id":"e-empty","text":""}\n{"id":"e-space","text":"  \\n\\t \\n "}\n{"id":"e-b","text":"The second good JSONL article."}\n' > emptytext.jsonl && storyline ingest --db blank.db emptytext.jsonl
  read 4, stored 2, already present 0, rejected 2
! storyline: emptytext.jsonl:2: no text
! storyline: emptytext.jsonl:3: no text
[1]
$ storyline list --db blank.db | cut -f1; sh unchanged.sh blank.db
  base
  e-a
  e-b
  base unchanged

# --- a JSONL line with a wrong type ------------------------------------------------
# "text" is a number: the message points at the value, the 22nd byte.
$ sh setup.sh type.db
  read 1, stored 1, already present 0, rejected 0
$ printf '{"id":"w-bad","text":42}\n' > type-alone.jsonl && storyline ingest --db type.db type-alone.jsonl
  read 1, stored 0, already present 0, rejected 1
! storyline: type-alone.jsonl:1: byte 21: field "text" must be a string
[1]
$ storyline list --db type.db | cut -f1; sh unchanged.sh type.db
  base
  base unchanged
$ printf '{"id":"w-a","text":"The first good JSONL article."}\n{"id":"w-bad","text":42}\n{"id":"w-arr","text":["an","array"]}\n{"id":"w-b","text":"The second good JSONL article."}\n' > type.jsonl && storyline ingest --db type.db type.jsonl
  read 4, stored 2, already present 0, rejected 2
! storyline: type.jsonl:2: byte 21: field "text" must be a string
! storyline: type.jsonl:3: byte 21: field "text" must be a string
[1]
$ storyline list --db type.db | cut -f1; sh unchanged.sh type.db
  base
  w-a
  w-b
  base unchanged

# --- paths that cannot be read ---------------------------------------------------
# A path that does not exist, and a symlink that points nowhere.
$ sh setup.sh path.db
  read 1, stored 1, already present 0, rejected 0
$ ln -s does-not-exist.txt dangling.txt
$ storyline ingest --db path.db missing.txt
  read 1, stored 0, already present 0, rejected 1
! storyline: missing.txt: No such file or directory
[1]
$ storyline ingest --db path.db dangling.txt
  read 1, stored 0, already present 0, rejected 1
! storyline: dangling.txt: No such file or directory
[1]
$ storyline list --db path.db | cut -f1; sh unchanged.sh path.db
  base
  base unchanged
$ storyline ingest --db path.db good-a.txt missing.txt dangling.txt good-b.txt
  read 4, stored 2, already present 0, rejected 2
! storyline: missing.txt: No such file or directory
! storyline: dangling.txt: No such file or directory
[1]
$ storyline list --db path.db | cut -f1; sh unchanged.sh path.db
  base
  good-a
  good-b
  base unchanged
# (An unreadable directory is not tested: the tests may run as root, for
# whom chmod 000 changes nothing.)

# --- a UTF-8 BOM at the start of a .txt file ----------------------------------------
# Accepted: the BOM is removed (and said so by --explain); it is not part of
# the id, the title or the text.
$ sh setup.sh bom.db
  read 1, stored 1, already present 0, rejected 0
$ printf '\357\273\277Bom headline\nThe body of the article that starts with a BOM.\n' > bom.txt
$ storyline ingest --db bom.db good-a.txt bom.txt good-b.txt
  read 3, stored 3, already present 0, rejected 0
$ storyline show --db bom.db bom --explain
  id       bom
  title    Bom headline
  source   -
  date     -
  url      -
  origin   bom.txt
  size     1 paragraphs?, [0-9]+ sentences?, [0-9]+ tokens, 47 bytes, hash [0-9a-f]{32} (re)
  
  The body of the article that starts with a BOM.
  
  cleaning:
    note: title: the first line, which reads as a headline
    kept: 1 paragraph (0 subheadings, 0 list items)
    removed bom (a byte order mark before the text)
$ storyline show --json --db bom.db bom | python3 -c 'import json,sys; d=json.load(sys.stdin); print("\ufeff" in d["title"] + d["text"], [r["reason"] for r in d["removed"]])'
  False ['bom']
$ storyline list --db bom.db | cut -f1; sh unchanged.sh bom.db
  base
  good-a
  bom
  good-b
  base unchanged

# --- the same id with different text ------------------------------------------------
# Rejected, and the stored article keeps its text: once from a .txt file of
# the same name in another directory, once from a JSONL line with that id.
$ sh setup.sh conflict.db
  read 1, stored 1, already present 0, rejected 0
$ mkdir other && printf 'Baseline article headline\nA different text under the same id.\n' > other/base.txt
$ storyline ingest --db conflict.db other/base.txt
  read 1, stored 0, already present 0, rejected 1
! storyline: other/base.txt: id 'base' is already stored with different text; nothing changed
[1]
$ storyline list --db conflict.db | cut -f1; sh unchanged.sh conflict.db
  base
  base unchanged
$ printf '{"id":"c-a","text":"The first good JSONL article."}\n{"id":"base","text":"Different text again."}\n{"id":"c-b","text":"The second good JSONL article."}\n' > conflict.jsonl && storyline ingest --db conflict.db good-a.txt other/base.txt conflict.jsonl
  read 5, stored 3, already present 0, rejected 2
! storyline: other/base.txt: id 'base' is already stored with different text; nothing changed
! storyline: conflict.jsonl:2: id 'base' is already stored with different text; nothing changed
[1]
$ storyline list --db conflict.db | cut -f1; sh unchanged.sh conflict.db
  base
  good-a
  c-a
  c-b
  base unchanged

# The same id with the same text is not a conflict.
$ storyline ingest --db conflict.db base.txt
  read 1, stored 0, already present 1, rejected 0

# --- standard input ---------------------------------------------------------------
# "-" reads stdin; a stream starting with "{" is JSONL, and its rejections
# are named "<stdin>:LINE".
$ sh setup.sh stdin.db
  read 1, stored 1, already present 0, rejected 0
$ printf '{"id":"s-a","text":"The first article from standard input."}\n{"id":"s-bad" "text":"no comma"}\n{"id":"s-b","text":"The second article from standard input."}\n' | storyline ingest --db stdin.db -
  read 3, stored 2, already present 0, rejected 1
! storyline: <stdin>:2: byte 14: expected ',' or '}'
[1]

# Other streams are one plain-text article; with no file name its id is
# "h" and 16 hex digits of the content hash.
$ printf 'Stdin headline\nA plain-text article read from standard input.\n' | storyline ingest --db stdin.db -
  read 1, stored 1, already present 0, rejected 0
$ storyline list --db stdin.db | cut -f1,4
  base	Baseline article headline
  s-a	The first article from standard input.
  s-b	The second article from standard input.
  h[0-9a-f]{16}	Stdin headline (re)
$ storyline list --db stdin.db | tail -n 1 | cut -f1 > stdin.id && storyline show --db stdin.db "$(cat stdin.id)" | sed -n '2p; 6p; 9p'
  title    Stdin headline
  origin   <stdin>
  A plain-text article read from standard input.

# The id comes from the text, so the same text again is already present.
$ printf 'Stdin headline\nA plain-text article read from standard input.\n' | storyline ingest --db stdin.db -
  read 1, stored 0, already present 1, rejected 0

# A bad plain-text stream is named <stdin>, with the byte offset.
$ printf 'Bad headline\nSome text with caf\xe9 in it.\n' | storyline ingest --db stdin.db -
  read 1, stored 0, already present 0, rejected 1
! storyline: <stdin>: invalid UTF-8 at byte 31 of the text
[1]
$ storyline list --db stdin.db | wc -l; sh unchanged.sh stdin.db
  4
  base unchanged
