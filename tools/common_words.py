#!/usr/bin/env python3
"""Write data/common-words.txt: the words that say little about what an
article is about, for the topic measure of duplicate detection (see
src/fingerprint.h, fp_topic).

They are the N words found in the most documents of a news corpus in CoNLL
format (default: ../shared/data/conll2003/train.conll, Reuters 1996-97),
lower-cased, as \\w+ runs; only words of four letters or more are written,
because shorter ones never count as topic words.

    python3 tools/common_words.py [--top 1000] [CONLL] > data/common-words.txt
"""
import argparse
import collections
import re
import sys

WORD = re.compile(r"\w+")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("conll", nargs="?", default="../shared/data/conll2003/train.conll")
    ap.add_argument("--top", type=int, default=1000)
    args = ap.parse_args()
    df = collections.Counter()
    doc = set()
    docs = 0
    with open(args.conll, encoding="utf-8") as f:
        for line in f:
            if line.startswith("-DOCSTART-"):
                if doc:
                    df.update(doc)
                    docs += 1
                doc = set()
                continue
            cols = line.split()
            if cols:
                doc.update(WORD.findall(cols[0].lower()))
    if doc:
        df.update(doc)
        docs += 1
    # Ties are broken by the word, so the list is the same on every run.
    ranked = sorted(df.items(), key=lambda kv: (-kv[1], kv[0]))[:args.top]
    words = sorted(w for w, _ in ranked if len(w) >= 4 and not w.isdigit())
    print(f"# storyline common words, format 1: {len(words)} words of the {args.top} found in")
    print(f"# the most of {docs} documents of {args.conll.split('/')[-1]}, made by tools/common_words.py.")
    print("# One word a line, in matching form (lower case); '#' lines are comments.")
    for w in words:
        print(w)


if __name__ == "__main__":
    sys.exit(main())
