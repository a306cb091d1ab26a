#!/usr/bin/env python3
"""Score a clustering of articles into stories against labelled events.

    score_stories.py GOLD.jsonl PRED.tsv

GOLD.jsonl has one article a line with "id" and "label" (the event), as the
corpora in ../shared/data do.  PRED.tsv has lines "id<TAB>story" (what
`storyline stories --assign` prints).  An article of GOLD missing from PRED
counts as a story of its own; ids in PRED that GOLD lacks are ignored.

Prints BCubed precision, recall and F1 (Bagga and Baldwin: for each article,
the share of its predicted story that has its label, and of its label that
is in its story, averaged over articles) and pairwise precision, recall and
F1 (over all pairs of articles put together, or labelled together).
"""
import collections
import json
import sys


def f1(p, r):
    return 2 * p * r / (p + r) if p + r else 0.0


def score(gold, pred):
    by_label = collections.defaultdict(set)
    by_story = collections.defaultdict(set)
    for i, label in gold.items():
        by_label[label].add(i)
        by_story[pred.get(i, ("alone", i))].add(i)
    story_of = {i: pred.get(i, ("alone", i)) for i in gold}
    p = r = 0.0
    for i, label in gold.items():
        s = by_story[story_of[i]]
        g = by_label[label]
        both = len(s & g)
        p += both / len(s)
        r += both / len(g)
    n = len(gold)
    bp, br = p / n, r / n
    # pairs: together in both, in the prediction, in the gold
    tp = 0
    for s in by_story.values():
        c = collections.Counter(gold[i] for i in s)
        tp += sum(k * (k - 1) // 2 for k in c.values())
    pred_pairs = sum(len(s) * (len(s) - 1) // 2 for s in by_story.values())
    gold_pairs = sum(len(g) * (len(g) - 1) // 2 for g in by_label.values())
    pp = tp / pred_pairs if pred_pairs else 1.0
    pr = tp / gold_pairs if gold_pairs else 1.0
    return {"bcubed": (bp, br, f1(bp, br)), "pairwise": (pp, pr, f1(pp, pr)),
            "articles": n, "labels": len(by_label), "stories": len(by_story)}


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    gold = {}
    with open(argv[1], encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            gold[row["id"]] = row["label"]
    pred = {}
    with open(argv[2], encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line:
                continue
            parts = line.split("\t")
            if len(parts) < 2:
                sys.stderr.write("%s:%d: expected id<TAB>story\n" % (argv[2], n))
                return 1
            pred[parts[0]] = parts[1]
    s = score(gold, pred)
    print("articles %d, labels %d, stories %d" % (s["articles"], s["labels"], s["stories"]))
    print("bcubed   P %.4f  R %.4f  F1 %.4f" % s["bcubed"])
    print("pairwise P %.4f  R %.4f  F1 %.4f" % s["pairwise"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
