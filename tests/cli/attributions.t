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
