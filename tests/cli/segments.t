# show --segments: sentences as byte offsets into the clean text, each with
# its tokens.  Abbreviations (Mr., U.S.) do not end a sentence; a quotation
# that ends a sentence keeps its closing mark; tokens keep internal
# apostrophes and hyphens, and numbers keep their separators.
$ printf 'Harbour reopens\nMr. Smith said the U.S. port\342\200\231s dual-use cranes cost $200 billion, or 1,000.5 tonnes on 23 July. \342\200\234It works.\342\200\235 Then rain.\n' > seg.txt && storyline ingest -q --db seg.db seg.txt
$ storyline show --db seg.db seg --segments | sed -n '/^segments/,$p'
  segments: 3 sentences, 29 tokens
    [0, 97) Mr. Smith said the U.S. port’s dual-use cranes cost $200 billion, or 1,000.5 tonnes on 23 July.
      Mr | . | Smith | said | the | U.S. | port’s | dual-use | cranes | cost | $ | 200 | billion | , | or | 1,000.5 | tonnes | on | 23 | July | .
    [98, 113) “It works.”
      “ | It | works | . | ”
    [114, 124) Then rain.
      Then | rain | .

# The same spans in JSON, with each token's kind; the offsets cut the text
# into the same strings.
$ storyline show --db seg.db seg --segments --json | python3 -c 'import json,sys; d=json.load(sys.stdin); t=d["text"].encode(); print(*[t[a:b].decode() for a,b in d["segments"]["sentences"]], sep="|"); print(*["%s/%s" % (t[a:b].decode(), k) for a,b,k in d["segments"]["tokens"] if k != "word"])'
  Mr. Smith said the U.S. port’s dual-use cranes cost $200 billion, or 1,000.5 tonnes on 23 July.|“It works.”|Then rain.
  ./punct $/symbol 200/number ,/punct 1,000.5/number 23/number ./punct “/punct ./punct ”/punct ./punct
