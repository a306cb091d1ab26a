// storyline serve: the page.  Every text from the store is put in the
// document with textContent (never as markup), so an article titled
// <script>...</script> shows as those characters.
"use strict";

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = text;
  return e;
}

async function api(path) {
  const r = await fetch(path, {headers: {Accept: "application/json"}});
  const j = await r.json();
  if (!r.ok) throw new Error(j.error || r.statusText);
  return j;
}

const known = new Set();
let current = null;

async function loadStories() {
  const list = document.getElementById("stories");
  let stories;
  try {
    stories = await api("/api/stories");
  } catch (e) {
    document.getElementById("status").textContent = "cannot read stories: " + e.message;
    return;
  }
  const first = known.size === 0;
  list.replaceChildren();
  for (const s of stories) {
    const d = el("div", "story");
    d.dataset.id = s.id;
    d.append(el("div", null, s.label || "(no label)"));
    d.append(el("div", "meta", `story ${s.id} · ${s.reports} report${s.reports === 1 ? "" : "s"}` +
      (s.copies ? ` + ${s.copies} cop${s.copies === 1 ? "y" : "ies"}` : "") +
      ` · ${s.outlets.length} outlet${s.outlets.length === 1 ? "" : "s"}` +
      (s.last_update ? ` · ${s.last_update}` : "")));
    if (!first && !known.has(s.id)) d.classList.add("new");
    if (current === s.id) d.classList.add("on");
    d.addEventListener("click", () => showStory(s.id));
    known.add(s.id);
    list.append(d);
  }
  document.getElementById("status").textContent = `${stories.length} stories`;
}

function groupBox(g) {
  const box = el("div", "group" + (g.stance === "deny" && !g.negated ? " deny" : ""));
  const head = el("div");
  head.append(el("b", null, g.speaker || "(unknown)"), " ", el("span", "stance", g.stance),
    " ", el("span", "meta", `group ${g.id}: ${g.reports} report${g.reports === 1 ? "" : "s"}, ${g.outlets} outlet${g.outlets === 1 ? "" : "s"}`));
  box.append(head);
  for (const c of g.claims) {
    const w = el("div");
    w.append(el("span", "outlet", c.outlet || c.article), " ", el("span", "meta", c.date || ""), ": ",
      (c.source ? c.source + " " : "") + c.cue + " ", el("q", null, c.content));
    box.append(w);
  }
  return box;
}

async function showStory(id) {
  current = id;
  for (const d of document.querySelectorAll(".story")) d.classList.toggle("on", Number(d.dataset.id) === id);
  const view = document.getElementById("view");
  let s;
  try {
    s = await api(`/api/stories/${id}`);
  } catch (e) {
    view.replaceChildren(el("p", "meta", e.message));
    return;
  }
  const parts = [el("h2", null, s.label || "(no label)"),
    el("p", "meta", `story ${s.id} · ${s.reports} reports · ${s.copies} copies · ` +
      (s.outlets.join(", ") || "no outlets"))];
  const ol = el("ol", "timeline");
  for (const t of s.timeline) {
    const li = el("li");
    li.append(el("time", null, t.date || "(no date)"), " ", el("span", "outlet", t.source || "-"), " ",
      el("b", null, t.title || t.id));
    for (const c of t.copies) li.append(el("div", "copy", `copy: ${c.id} ${c.date || ""} ${c.source || ""}`));
    ol.append(li);
  }
  parts.push(el("h3", null, "Timeline"), ol, el("h3", null, "Claims"));
  const groups = new Map(s.claim_groups.map(g => [g.id, g]));
  const shown = s.claim_groups.filter(g => g.reports > 1 || g.disputes.length || g.disputed_by.length);
  for (const g of shown) {
    if (g.disputed_by.length) {
      const pair = el("div", "pair"), left = el("div"), right = el("div");
      left.append(groupBox(g));
      for (const d of g.disputed_by) if (groups.has(d)) right.append(groupBox(groups.get(d)));
      pair.append(left, right);
      parts.push(pair);
    } else if (!g.disputes.some(d => groups.has(d))) {
      parts.push(groupBox(g));
    }
  }
  if (!shown.length) parts.push(el("p", "meta", "No claim is carried by two reports or disputed."));
  view.replaceChildren(...parts);
}

function marked(text, marks) {
  // text with its [start, end) character ranges in <mark>, as text nodes
  const out = el("span"), chars = Array.from(text || "");
  let at = 0;
  for (const [a, b] of marks) {
    out.append(chars.slice(at, a).join(""), el("mark", null, chars.slice(a, b).join("")));
    at = b;
  }
  out.append(chars.slice(at).join(""));
  return out;
}

async function search(q, page) {
  const view = document.getElementById("view");
  let r;
  try {
    r = await api(`/api/search?q=${encodeURIComponent(q)}&page=${page}`);
  } catch (e) {
    view.replaceChildren(el("p", "meta", e.message));
    return;
  }
  const parts = [el("h2", null, `Search: ${q}`),
    el("p", "meta", `${r.groups} hit${r.groups === 1 ? "" : "s"} (${r.articles} articles), page ${r.page}`)];
  for (const h of r.hits) {
    const d = el("div", "hit"), t = el("div");
    t.append(el("b", null, ""));
    t.firstChild.append(marked(h.title || h.id, h.title_marks));
    d.append(t, el("div", "meta", `${h.id} · ${h.date || "(no date)"} · ${h.source || "-"}` +
      (h.copies.length ? ` · +${h.copies.length} cop${h.copies.length === 1 ? "y" : "ies"}` : "")));
    d.append(marked(h.snippet, h.snippet_marks));
    if (h.story) {
      const b = el("button", "link", `story ${h.story}`);
      b.addEventListener("click", () => showStory(h.story));
      d.append(" ", b);
    }
    parts.push(d);
  }
  if (r.groups > r.page * r.limit) {
    const more = el("button", "link", "next page");
    more.addEventListener("click", () => search(q, page + 1));
    parts.push(more);
  }
  view.replaceChildren(...parts);
}

document.getElementById("search").addEventListener("submit", ev => {
  ev.preventDefault();
  const q = document.getElementById("q").value.trim();
  if (q) search(q, 1);
});

loadStories();
setInterval(loadStories, 3000); // new stories appear without a reload
