# Named entities with the built-in model: raw text, JSON, CoNLL tokens.
# The sentences are ours; people, places and bodies of the seeds' story.

# Text: one line per entity, LINE:START-END (bytes), type, text.
$ printf 'Ukrainian President Volodymyr Zelensky said on Tuesday that Chinese citizens fight for Russia.\nLin Jian, a spokesman in Beijing, denied it.\n' | storyline tag
  1:0-9	MISC	Ukrainian
  1:20-38	PER	Volodymyr Zelensky
  1:60-67	MISC	Chinese
  1:87-93	LOC	Russia
  2:0-8	PER	Lin Jian
  2:25-32	LOC	Beijing

# JSON: one object per line, offsets in characters (the dash is three
# bytes and one character), what ../shared/tools/score_ner.py reads.
$ printf 'Zelensky met Putin in Kyiv \xe2\x80\x94 the talks in Minsk were short.\nno names here\n' | storyline tag --json
  {"char_entities":[[0,8,"PER","Zelensky"],[13,18,"PER","Putin"],[22,26,"LOC","Kyiv"],[42,47,"LOC","Minsk"]]}
  {"char_entities":[]}

# CoNLL: each line back with its tag; sentences stay apart, -DOCSTART-
# gets O.
$ printf -- '-DOCSTART- -X- O\n\nLin X\nJian X\nspoke X\nin X\nBeijing X\n.\n\nThe X\nEuropean X\nCommission X\nagreed X\n' | storyline tag --conll
  -DOCSTART- -X- O O
  
  Lin X B-PER
  Jian X I-PER
  spoke X O
  in X O
  Beijing X B-LOC
  . O
  
  The X O
  European X B-ORG
  Commission X I-ORG
  agreed X O

# A document is read whole: "Kessler" alone is taken for a person, but
# once the document has named Kessler GmbH it is the company; a new
# -DOCSTART- forgets it.  Blank lines come back as they were read.
$ printf -- 'Kessler\nsaid\n.\n\n-DOCSTART- -X- O\n\nKessler\nGmbH\nsaid\nprofit\nrose\n.\n\n\nKessler\nsaid\n.\n\n-DOCSTART- -X- O\n\nKessler\nsaid\n.\n' | storyline tag --conll
  Kessler B-PER
  said O
  . O
  
  -DOCSTART- -X- O O
  
  Kessler B-ORG
  GmbH I-ORG
  said O
  profit O
  rose O
  . O
  
  
  Kessler B-ORG
  said O
  . O
  
  -DOCSTART- -X- O O
  
  Kessler B-PER
  said O
  . O

# In text, a line is the document.
$ printf 'Kessler said.\nKessler GmbH said profit rose. Kessler said.\n' | storyline tag
  1:0-7	PER	Kessler
  2:0-12	ORG	Kessler GmbH
  2:31-38	ORG	Kessler

# Names the alias data lists are found where the model finds none (it
# knows no "Zelenskiy" at the start of a sentence), in any of their
# spellings, and take the data's type; --conll is the model alone.
$ printf 'Zelenskiy and Kiev\n' | storyline tag
  1:0-9	PER	Zelenskiy
  1:14-18	LOC	Kiev
$ printf 'Zelenskiy\nand\nKiev\n' | storyline tag --conll
  Zelenskiy O
  and O
  Kiev B-LOC

# Bad input: the line is named, the next lines are still tagged.
$ printf 'Zelensky spoke.\n\xff\xfe bad\nZelensky met Putin in Kyiv.\n' | storyline tag
  1:0-8	PER	Zelensky
  3:0-8	PER	Zelensky
  3:13-18	PER	Putin
  3:22-26	LOC	Kyiv
! storyline: <stdin>:2: invalid UTF-8 or a NUL at byte 0
[1]
$ storyline tag --conll --json 2>err.txt; echo "exit $?"; head -n 1 err.txt; tail -n +2 err.txt | diff - <(storyline help tag) && echo "then the tag usage"
  exit 2
  storyline: --conll writes CoNLL; it takes no --json
  then the tag usage

# Another model: a file that is not there, cut short, or damaged is named
# with what is wrong, before any input is read.
$ echo Putin | storyline tag --model missing.model
! storyline: missing.model: No such file or directory
[1]
$ head -c 1000 $ROOT/data/ner.model > cut.model; echo Putin | storyline tag --model cut.model 2>&1 | sed 's/ is [0-9]* bytes; its header says [0-9]*/ is N bytes; its header says M/'
  storyline: cut.model: NER model is N bytes; its header says M
$ python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[5000] ^= 1; open("bad.model", "wb").write(b)' $ROOT/data/ner.model; echo Putin | storyline tag --model bad.model
! storyline: bad.model: NER model checksum does not match: the file is damaged
[1]
$ printf 'not a model' > text.model; echo Putin | storyline tag --model text.model
! storyline: text.model: not a storyline NER model (no SLNER header)
[1]
# The file the build embeds, given as a file, tags the same.
$ printf 'Zelensky met Putin in Kyiv.\n' | storyline tag --model $ROOT/data/ner.model
  1:0-8	PER	Zelensky
  1:13-18	PER	Putin
  1:22-26	LOC	Kyiv
