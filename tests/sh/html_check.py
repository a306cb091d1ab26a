#!/usr/bin/env python3
"""tests/sh/html_check.py FILE [what [arg]] - read a page of storyline
report (FILE or - for stdin) and print what a test checks:

  (nothing)   "ok: ..." when it parses, holds no <script> element, no event
              handler attribute and no reference outside the page
  pairs       each disputed claim group and the groups beside it
  entity N    the entity line of N (first story's)
  differs     each copy's differences from its group's representative
  stories     the number of stories
"""
import html.parser
import sys


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.bad, self.nodes = [], [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.bad.append("a script element")
        for k, v in attrs:
            if k.startswith("on"):
                self.bad.append("an event handler " + k)
            if k in ("src", "href") and v and not v.startswith("#"):
                self.bad.append("a reference " + v)
        if tag == "link":
            self.bad.append("a link element")
        node = {"tag": tag, "class": a.get("class", ""), "id": a.get("id", ""), "kids": [], "text": []}
        if self.stack:
            self.stack[-1]["kids"].append(node)
            self.stack[-1]["text"].append(node)
        else:
            self.nodes.append(node)
        if tag not in ("meta", "br", "img", "link"):
            self.stack.append(node)

    def handle_endtag(self, tag):
        while self.stack:
            n = self.stack.pop()
            if n["tag"] == tag:
                break

    def handle_data(self, d):
        if self.stack:
            self.stack[-1]["text"].append(d)


def text(n):
    return "".join(t if isinstance(t, str) else text(t) for t in n["text"])


def walk(n):
    yield n
    for k in n["kids"]:
        yield from walk(k)


def find(nodes, tag=None, cls=None):
    for root in nodes:
        for n in walk(root):
            if (tag is None or n["tag"] == tag) and (cls is None or cls in n["class"].split()):
                yield n


def head(group):
    b = next(find([group], "b"))
    st = next(find([group], "span", "stance"))
    return "%s %s" % (text(b), text(st))


def main():
    src = sys.stdin.read() if sys.argv[1] == "-" else open(sys.argv[1], encoding="utf-8").read()
    p = Page()
    p.feed(src)
    what = sys.argv[2] if len(sys.argv) > 2 else ""
    if not what:
        print("bad: " + "; ".join(p.bad) if p.bad else "ok: parses, no script, no external reference")
    elif what == "pairs":
        for pair in find(p.nodes, "div", "pair"):
            left, right = pair["kids"][0], pair["kids"][1]
            claim = next(find([left], "div", "group"))
            reports = text(next(find([claim], "span", "meta"))).split(": ")[1].split(",")[0]
            beside = [head(g) for g in find([right], "div", "group")]
            print("%s (%s) | %s" % (head(claim), reports, ", ".join(beside)))
    elif what == "entity":
        for li in find(p.nodes, "li"):
            if li["kids"] and li["kids"][0]["tag"] == "b" and text(li["kids"][0]) == sys.argv[3]:
                print(" ".join(text(li).split()))
                break
    elif what == "differs":
        for sec in (n for n in find(p.nodes, "section") if n["id"] == "duplicates"):
            for g in find([sec], "div", "group"):
                kind = text(next(find([g], "b")))
                for w in find([g], "div", "wording"):
                    copy = text(next(find([w], "code")))
                    items = [" ".join(text(li).split()) for li in find([w], "li")]
                    print("%s %s | %s" % (kind, copy, " | ".join(items)))
    elif what == "stories":
        print(sum(1 for _ in find(p.nodes, "article", "story")))


main()
