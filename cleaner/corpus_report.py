"""A corpus run at a glance: one self-contained HTML page of what was removed, and why.

People who clean a dataset do not read 50,000 `--explain` lines. The page gives the totals,
a table per rule and heuristic (lines and characters removed, documents touched, share of
the corpus, a few sampled examples in context), a chart of removals by family, the documents
that lost the most, and a view of any listed document with its removed lines struck through,
coloured by family, with rule and reason beside them; a filter narrows it all to one rule.

It stays small and fast on a corpus of any size: the counts are exact, the examples and the
documents shown are samples of fixed size (chosen with a fixed seed, so the same run gives
the same page), and the page says what was sampled. Nothing is loaded from the network.
"""
from __future__ import annotations

import heapq
import html
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from cleaner.pipeline import CleanResult

# Sample sizes: enough to judge a rule or a run by eye, small enough that a report over
# millions of documents stays a page of a few MB.
EXAMPLES_PER_RULE = 5
TOP_DOCUMENTS = 30        # the documents that lost the most characters
SAMPLED_DOCUMENTS = 30    # and a uniform sample of the rest (reservoir sampling)
MAX_DOCUMENT_LINES = 600  # lines shown of one document (the rest is cut, and the page says so)
SHOW_CHARS = 300          # characters shown of one line in an example

# One colour per rule family (the families of cleaner.kinds.FAMILIES, plus the layout tidy).
FAMILY_COLOURS = {
    "nav": "#4e79a7", "byline": "#f28e2b", "share": "#e15759", "legal": "#76b7b2",
    "widget": "#59a14f", "teaser": "#edc948", "caption": "#b07aa1", "footer": "#ff9da7",
    "credit": "#9c755f", "duplicate": "#bab0ac", "separator": "#86bcb6", "other": "#8cd17d",
    "layout": "#d4d4d4",
}


@dataclass
class RuleTally:
    """What one rule or heuristic removed across the run."""

    rule: str
    family: str
    reason: str
    lines: int = 0
    chars: int = 0
    documents: int = 0
    examples: list[tuple[str, int, str, str, str]] = field(default_factory=list)  # doc, line, before, text, after
    seen: int = 0  # removed lines offered to the example reservoir


@dataclass(frozen=True)
class DocumentView:
    """One document as shown: each line's text and, for removed lines, rule, family, reason."""

    name: str
    lines: tuple[tuple[str, str | None, str | None, str | None], ...]
    total_lines: int
    removed_lines: int
    removed_chars: int
    chars: int
    rules: frozenset[str]


class CorpusReport:
    """Tallies a run document by document (`add`) and renders the page (`render`)."""

    def __init__(self, *, seed: int = 0, examples_per_rule: int = EXAMPLES_PER_RULE,
                 top_documents: int = TOP_DOCUMENTS, sampled_documents: int = SAMPLED_DOCUMENTS,
                 max_document_lines: int = MAX_DOCUMENT_LINES):
        self._rng = random.Random(seed)
        self.examples_per_rule = examples_per_rule
        self.top_documents = top_documents
        self.sampled_documents = sampled_documents
        self.max_document_lines = max_document_lines
        self.documents = 0
        self.changed_documents = 0
        self.lines = 0
        self.text_lines = 0
        self.chars = 0
        self.removed_lines = 0
        self.removed_chars = 0
        self.warnings = 0
        self.rules: dict[str, RuleTally] = {}
        self.family_lines: Counter[str] = Counter()
        self.family_chars: Counter[str] = Counter()
        self._top: list[tuple[int, int, DocumentView]] = []  # min-heap by (removed chars, -order)
        self._sample: list[DocumentView] = []
        self._offered = 0  # documents offered to the uniform sample

    # --- tallying -----------------------------------------------------------------------

    def add(self, name: str, result: CleanResult) -> None:
        """Count one cleaned document, and keep it if it falls in a sample."""
        order = self.documents
        self.documents += 1
        decisions = result.decisions
        self.lines += len(decisions)
        chars = 0
        for d in decisions:
            if d.text.strip():
                self.text_lines += 1
                chars += len(d.text)
        self.chars += chars
        self.warnings += len(result.warnings)
        removed = [d for d in result.removed if d.text.strip()]
        if not removed:
            self._offer_sample(name, result, 0, 0, chars, frozenset())
            return
        self.changed_documents += 1
        removed_chars = 0
        touched: set[str] = set()
        for d in removed:
            rule = d.rule or "?"
            family = d.family or "other"
            n = len(d.text)
            removed_chars += n
            tally = self.rules.get(rule)
            if tally is None:
                tally = self.rules[rule] = RuleTally(rule, family, d.reason or "")
            tally.lines += 1
            tally.chars += n
            if rule not in touched:
                touched.add(rule)
                tally.documents += 1
            self.family_lines[family] += 1
            self.family_chars[family] += n
            self._offer_example(tally, name, d.line, decisions)
        self.removed_lines += len(removed)
        self.removed_chars += removed_chars
        view_args = (name, result, len(removed), removed_chars, chars, frozenset(touched))
        key = (removed_chars, -order)
        if len(self._top) < self.top_documents:
            heapq.heappush(self._top, (*key, self._view(*view_args)))
        elif self._top and key > self._top[0][:2]:
            _, _, dropped = heapq.heapreplace(self._top, (*key, self._view(*view_args)))
            self._offer_view(dropped)
        else:
            self._offer_sample(*view_args)

    def _offer_example(self, tally: RuleTally, doc: str, line: int, decisions: Sequence) -> None:
        """Reservoir sampling: each removed line of the rule is equally likely to be shown."""
        tally.seen += 1
        slot = self._draw(len(tally.examples), tally.seen, self.examples_per_rule)
        if slot is None:
            return
        i = line - 1  # decisions are numbered from 1
        before = decisions[i - 1].text if i > 0 else ""
        after = decisions[i + 1].text if i + 1 < len(decisions) else ""
        _put(tally.examples, slot, (doc, line, _cut(before), _cut(decisions[i].text), _cut(after)))

    def _offer_sample(self, name: str, result: CleanResult, removed_lines: int, removed_chars: int,
                      chars: int, rules: frozenset[str]) -> None:
        self._offered += 1
        slot = self._draw(len(self._sample), self._offered, self.sampled_documents)
        if slot is not None:
            _put(self._sample, slot, self._view(name, result, removed_lines, removed_chars, chars, rules))

    def _offer_view(self, view: DocumentView) -> None:
        """A document pushed out of the top list joins the uniform sample's draw."""
        self._offered += 1
        slot = self._draw(len(self._sample), self._offered, self.sampled_documents)
        if slot is not None:
            _put(self._sample, slot, view)

    def _draw(self, filled: int, seen: int, size: int) -> int | None:
        """Reservoir sampling's step: the slot the seen-th item takes in a reservoir of `size`
        holding `filled` items, or None when it is not kept."""
        slot = filled if filled < size else self._rng.randrange(seen)
        return slot if slot < size else None

    def _view(self, name: str, result: CleanResult, removed_lines: int, removed_chars: int,
              chars: int, rules: frozenset[str]) -> DocumentView:
        shown = tuple((d.text, d.rule, d.family, d.reason)
                      for d in result.decisions[: self.max_document_lines])
        return DocumentView(name, shown, len(result.decisions), removed_lines, removed_chars, chars, rules)

    # --- the page ------------------------------------------------------------------------

    def shown_documents(self) -> list[DocumentView]:
        """The documents on the page: the top list by characters removed, then the sample."""
        top = [v for _, _, v in sorted(self._top, key=lambda t: (-t[0], -t[1]))]
        sample = sorted(self._sample, key=lambda v: -v.removed_chars)
        return top + sample

    def render(self, title: str = "cleaner report") -> str:
        """The whole page, one self-contained HTML string."""
        docs = self.shown_documents()
        rules = sorted(self.rules.values(), key=lambda t: (-t.chars, t.rule))
        parts = [_HEAD.replace("{title}", html.escape(title)), f"<h1>{html.escape(title)}</h1>",
                 self._totals(len(docs)), "<h2>Removals by family</h2>", self._chart(),
                 self._filter(rules), "<h2>Rules and heuristics</h2>", self._rules_table(rules),
                 "<h2>Documents</h2>", self._documents_table(docs)]
        parts += [self._document_section(k, v) for k, v in enumerate(docs)]
        parts.append(_SCRIPT)
        parts.append("</body></html>\n")
        return "\n".join(parts)

    def _totals(self, shown: int) -> str:
        share = self.removed_chars / self.chars if self.chars else 0.0
        return (
            '<section id="totals"><p>'
            f"<b>{self.documents:,}</b> documents, <b>{self.changed_documents:,}</b> changed; "
            f"<b>{self.removed_lines:,}</b> of {self.text_lines:,} lines with text removed "
            f"(<b>{self.removed_chars:,}</b> of {self.chars:,} characters, {share:.1%}); "
            f"{len(self.rules)} rules and heuristics fired"
            + (f"; {self.warnings:,} warnings (rules that timed out)" if self.warnings else "")
            + ".</p><p class=\"note\">Sampled: counts are exact; each rule shows up to "
            f"{self.examples_per_rule} removed lines drawn at random from all it removed; "
            f"{shown} documents are listed: the {min(self.top_documents, len(self._top))} that lost the "
            f"most characters and {len(self._sample)} drawn at random from the rest; a document "
            f"view shows at most {self.max_document_lines} lines.</p></section>")

    def _chart(self) -> str:
        """Horizontal bars of characters removed per family, as inline SVG."""
        rows = self.family_chars.most_common()
        if not rows:
            return '<p id="family-chart">Nothing was removed.</p>'
        top = rows[0][1]
        height = 22 * len(rows) + 4
        bars = []
        for k, (family, chars) in enumerate(rows):
            y = 22 * k + 2
            width = max(1, round(360 * chars / top))
            bars.append(
                f'<text x="0" y="{y + 14}">{html.escape(family)}</text>'
                f'<rect x="90" y="{y}" width="{width}" height="18" fill="{_colour(family)}">'
                f"<title>{html.escape(family)}: {chars:,} characters, "
                f"{self.family_lines[family]:,} lines</title></rect>"
                f'<text x="{96 + width}" y="{y + 14}">{_count(self.family_lines[family], "line")}, '
                f"{_count(chars, 'char')}</text>")
        return (f'<svg id="family-chart" role="img" aria-label="characters removed by family" '
                f'width="720" height="{height}">{"".join(bars)}</svg>')

    @staticmethod
    def _filter(rules: Sequence[RuleTally]) -> str:
        options = "".join(f'<option value="{html.escape(t.rule)}">{html.escape(t.rule)}</option>' for t in rules)
        return ('<p><label>Filter by rule: <select id="rule-filter"><option value="">all rules</option>'
                f"{options}</select></label></p>")

    def _rules_table(self, rules: Sequence[RuleTally]) -> str:
        rows = []
        for t in rules:
            share = t.chars / self.chars if self.chars else 0.0
            examples = "".join(
                f'<li><a href="#{_doc_anchor_name(doc)}">{html.escape(doc)}</a>:{line}'
                f'<div class="ctx">{html.escape(before)}</div>'
                f'<div class="ex" style="border-color:{_colour(t.family)}"><s>{html.escape(text)}</s></div>'
                f'<div class="ctx">{html.escape(after)}</div></li>'
                for doc, line, before, text, after in t.examples)
            rows.append(
                f'<tr data-rule="{html.escape(t.rule)}"><td><code>{html.escape(t.rule)}</code></td>'
                f'<td><span class="fam" style="background:{_colour(t.family)}">{html.escape(t.family)}</span></td>'
                f"<td class=n>{t.lines:,}</td><td class=n>{t.chars:,}</td><td class=n>{t.documents:,}</td>"
                f"<td class=n>{share:.2%}</td>"
                f"<td><details><summary>{len(t.examples)} of {t.lines:,}</summary>"
                f'<p class="reason">{html.escape(t.reason)}</p><ul>{examples}</ul></details></td></tr>')
        return ('<table id="rules"><thead><tr><th>rule</th><th>family</th><th>lines</th><th>chars</th>'
                "<th>documents</th><th>share of corpus</th><th>examples</th></tr></thead><tbody>"
                + "".join(rows) + "</tbody></table>")

    @staticmethod
    def _documents_table(docs: Sequence[DocumentView]) -> str:
        rows = []
        for k, v in enumerate(docs):
            share = v.removed_chars / v.chars if v.chars else 0.0
            rows.append(
                f'<tr data-rules="{html.escape(" ".join(sorted(v.rules)))}">'
                f'<td><a href="#doc-{k}">{html.escape(v.name)}</a></td><td class=n>{v.removed_lines:,}</td>'
                f"<td class=n>{v.removed_chars:,}</td><td class=n>{share:.1%}</td></tr>")
        return ('<table id="documents"><thead><tr><th>document</th><th>lines removed</th>'
                "<th>chars removed</th><th>share</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")

    @staticmethod
    def _document_section(k: int, v: DocumentView) -> str:
        out = [f'<section class="doc" id="doc-{k}" data-name="{html.escape(v.name)}" '
               f'data-anchor="{_doc_anchor_name(v.name)}"><p><a href="#totals">back to the report</a></p>'
               f"<h3>{html.escape(v.name)}: {_count(v.removed_lines, 'line')} removed</h3>"
               '<ol class="lines">']
        for text, rule, family, reason in v.lines:
            if rule is None:
                out.append(f"<li>{html.escape(text) or '&nbsp;'}</li>")
            else:
                fam = family or "other"
                out.append(
                    f'<li class="removed" data-rule="{html.escape(rule)}" style="border-color:{_colour(fam)}" '
                    f'title="{html.escape(rule)}: {html.escape(reason or "")}">'
                    f"<s>{html.escape(text) or '&nbsp;'}</s>"
                    f'<span class="why">{html.escape(rule)}</span></li>')
        out.append("</ol>")
        if v.total_lines > len(v.lines):
            out.append(f'<p class="note">{v.total_lines - len(v.lines):,} more lines not shown.</p>')
        out.append("</section>")
        return "".join(out)


def build(results: Iterable[tuple[str, CleanResult]], title: str = "cleaner report", **options) -> str:
    """The page for a run given as (document name, result) pairs."""
    report = CorpusReport(**options)
    for name, result in results:
        report.add(name, result)
    return report.render(title)


def _put(items: list, slot: int, item) -> None:
    if slot == len(items):
        items.append(item)
    else:
        items[slot] = item


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _cut(text: str) -> str:
    text = text.strip()
    return text if len(text) <= SHOW_CHARS else text[: SHOW_CHARS - 1] + "…"


def _colour(family: str) -> str:
    return FAMILY_COLOURS.get(family, "#999999")


def _doc_anchor_name(name: str) -> str:
    """An example's link target: the document's name, made safe for a fragment."""
    return "name-" + "".join(c if c.isalnum() else "_" for c in name)[:120]


_HEAD = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5em auto; max-width: 1100px; color: #222; }
table { border-collapse: collapse; width: 100%; margin: .5em 0 1.5em; }
th, td { border-bottom: 1px solid #ddd; padding: .3em .5em; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.fam { padding: 0 .4em; border-radius: 3px; color: #111; }
.note, .reason, .ctx { color: #666; }
.ex { border-left: 4px solid; padding-left: .4em; }
svg text { font-size: 12px; }
section.doc { display: none; border-top: 2px solid #999; margin-top: 1em; }
section.doc:target, section.doc.open { display: block; }
body:has(section.doc:target) > :not(section.doc:target),
body:has(section.doc.open) > :not(section.doc.open) { display: none; }
ol.lines li { white-space: pre-wrap; }
ol.lines li.removed { border-left: 4px solid; padding-left: .4em; color: #777; }
ol.lines li.removed .why { float: right; font-size: 12px; color: #444; }
ol.lines li.dim { opacity: .35; }
[hidden] { display: none !important; }
</style></head><body>"""

# Filter by rule (also from `?rule=ID` in the address), and open a document named by an
# example's link. Marks <body data-ready="1"> when done, for the browser test.
_SCRIPT = """<script>
(function () {
  var select = document.getElementById("rule-filter");
  function apply(rule) {
    document.querySelectorAll("#rules tbody tr").forEach(function (tr) {
      tr.hidden = rule !== "" && tr.dataset.rule !== rule;
    });
    document.querySelectorAll("#documents tbody tr").forEach(function (tr) {
      tr.hidden = rule !== "" && tr.dataset.rules.split(" ").indexOf(rule) < 0;
    });
    document.querySelectorAll("ol.lines li.removed").forEach(function (li) {
      li.classList.toggle("dim", rule !== "" && li.dataset.rule !== rule);
    });
  }
  select.addEventListener("change", function () { apply(select.value); });
  var wanted = new URLSearchParams(window.location.search).get("rule") || "";
  if (wanted) { select.value = wanted; apply(select.value); }
  function openByName() {
    var hash = window.location.hash.slice(1);
    if (hash.indexOf("name-") !== 0) { return; }
    var doc = document.querySelector('section.doc[data-anchor="' + hash + '"]');
    document.querySelectorAll("section.doc.open").forEach(function (s) { s.classList.remove("open"); });
    if (doc) { doc.classList.add("open"); doc.scrollIntoView(); }
  }
  window.addEventListener("hashchange", openByName);
  openByName();
  document.body.dataset.ready = "1";
})();
</script>"""

__all__ = ["CorpusReport", "build", "RuleTally", "DocumentView"]
