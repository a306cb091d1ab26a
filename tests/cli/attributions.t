# Who said what, with no store: source, cue, stance and content of each
# attributed statement.  The sentences are ours, about the seeds' story.

# Text: one line per attribution, source, cue, stance, content parted by
# tabs.  The stance comes from the cue words (data/cues.txt); "did not
# deny" keeps the stance and says it is negated.
$ printf 'Lin Jian denied that China supplies weapons to Russia.\n\xe2\x80\x9cWe have their names and passports,\xe2\x80\x9d Zelensky said on Wednesday.\nThe ministry did not deny the report.\nHe urged Ukraine to \xe2\x80\x9ccorrectly view China\xe2\x80\x99s constructive role.\xe2\x80\x9d\n' | storyline attributions
  Lin Jian	denied	deny	that China supplies weapons to Russia
  Zelensky	said	assert	“We have their names and passports,”
  The ministry	did not deny	deny (negated)	the report
  He	urged	urge	Ukraine to “correctly view China’s constructive role.”

# JSONL: offsets in characters (the accented letters are two bytes
# each), a quotation is direct, numbers in the content are values; the
# id comes back as it was given.
$ printf '{"id": "a", "text": "\xc3\x9cnic\xc3\xb6de: Lin Jian said that China is neutral."}\n{"id": 7, "text": "Officials said 155 citizens were paid $200 billion."}\n{"id": "q", "text": "\xe2\x80\x9cNo,\xe2\x80\x9d she said."}\n' | storyline attributions --jsonl
  {"id":"a","attributions":[{"source":[[9,17]],"cue":[[18,22]],"content":[[23,44]],"stance":"assert","negated":false,"direct":false,"values":[],"speaker":"Lin Jian"}]}
  {"id":7,"attributions":[{"source":[[0,9]],"cue":[[10,14]],"content":[[15,50]],"stance":"assert","negated":false,"direct":false,"values":["155","$200 billion"],"speaker":null}]}
  {"id":"q","attributions":[{"source":[[6,9]],"cue":[[10,14]],"content":[[0,5]],"stance":"assert","negated":false,"direct":true,"values":[],"speaker":null}]}

# The speaker is the name in the source, or for "he" or "she" the person
# named last before it; a source that names no one (Officials, she with
# no one before) has none.
$ printf '{"id": "p", "text": "Lin Jian spoke in Beijing on Tuesday. He said that China is neutral. China denied the claims."}\n' | storyline attributions --jsonl
  {"id":"p","attributions":[{"source":[[38,40]],"cue":[[41,45]],"content":[[46,67]],"stance":"assert","negated":false,"direct":false,"values":[],"speaker":"Lin Jian"},{"source":[[69,74]],"cue":[[75,81]],"content":[[82,92]],"stance":"deny","negated":false,"direct":false,"values":[],"speaker":"China"}]}

# Bad lines are named with their number; the others are still read
# ("said so" has no content to attribute).
$ printf '{"id": "a", "text": "Lin said so."}\nnot json\n{"id": "b"}\n{"id": "c", "text": "Zelensky said so."}\n' | storyline attributions --jsonl; echo "exit $?"
  {"id":"a","attributions":[{"source":[[0,3]],"cue":[[4,8]],"content":[],"stance":"assert","negated":false,"direct":false,"values":[],"speaker":null}]}
  {"id":"c","attributions":[{"source":[[0,8]],"cue":[[9,13]],"content":[],"stance":"assert","negated":false,"direct":false,"values":[],"speaker":"Zelensky"}]}
  exit 1
! storyline: <stdin>:2:3: not JSON: '[' or '{' expected near 'not'
! storyline: <stdin>:3: expected an object with a string "text" and an "id"

$ printf '\xff bad\n' | storyline attributions; echo "exit $?"
  exit 1
! storyline: <stdin>: invalid UTF-8 or a NUL at byte 0

# Each stance of data/cues.txt, on sentences we wrote from its
# definitions; a negation keeps the stance and says so; a neutral cue
# takes the stance a first-person quotation states.
$ printf '%s\n' 'The minister said that the budget would grow.' 'The company denied that it had broken the law.' 'The union urged the council to reopen the talks.' 'The mayor accused the firm of hiding the costs.' 'The agency warned that prices would rise again.' 'The governor promised that the road would open in May.' 'The ministry acknowledged that the data had been lost.' 'Senators questioned whether the plan would work.' 'The spokesman did not deny that talks had taken place.' 'The spokesman never said that the plant would close.' '“We reject these accusations,” the ministry said.' | storyline attributions | cut -f 1-3
  The minister	said	assert
  The company	denied	deny
  The union	urged	urge
  The mayor	accused	accuse
  The agency	warned	warn
  The governor	promised	promise
  The ministry	acknowledged	acknowledge
  Senators	questioned	question
  The spokesman	did not deny	deny (negated)
  The spokesman	never said	assert (negated)
  the ministry	said	deny

# A role stands for the name it was last seen with ("the spokesperson":
# Lin Jian; "the ministry": the Foreign Ministry; "the officials": U.S.);
# "it" for the speaker before.
$ printf '{"id":1,"text":"Foreign Ministry spokesperson Lin Jian spoke on Monday.\\nThe spokesperson said China opposes the sanctions.\\nThe Chinese Foreign Ministry issued a statement. The ministry said it was concerned. It said talks must go on.\\nU.S. officials met on Tuesday. The officials said talks would go on."}\n' | storyline attributions --jsonl | python3 -c 'import json,sys; [print(a["speaker"]) for r in map(json.loads, sys.stdin) for a in r["attributions"]]'
  Lin Jian
  Foreign Ministry
  Foreign Ministry
  U.S.

# Bad quotation marks and an endless sentence: no crash, work in
# proportion to the text (a word said 40,000 times in one sentence once
# cost a walk back through all of them from each), and the rest of the
# text is still analysed.
$ python3 -c 'import sys; sys.stdout.write("He said \u201cthis quotation never closes" + " and on" * 40000 + "\n\u201d\u201d \u201c \u2018 \" mismatched \" \u2019 quotes \u201c\n" + "\"" * 100000 + "\nThe mayor said that the bridge would open.\n")' > bad.txt
$ storyline attributions bad.txt | cut -f 1-2 | sort
  	
  He	said
  The mayor	said
