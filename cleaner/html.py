"""HTML in: turn a page into text blocks, then let the text pipeline decide.

    page ─ visible blocks     every block of visible text, in reading order (lxml)
         ─ policy             is this page an article? (see below)
         ─ extraction         trafilatura: the blocks it takes for the body
         ─ headline           the page's <h1> above the body, which extractors leave out
         ─ recovery           prose the extractor lost, when it lost a section (see below)
         ─ text pipeline      article pages only: rule packs and heuristics, as for text,
                              without the body-span heuristic (choosing the body span is what
                              the extractor did)

The text pipeline's rules and heuristics describe the chrome of news and blog articles; on a
listing, a directory, a forum thread or a documentation page they remove content (a list of
entries looks like a teaser tail). So the article policy is applied only to a page that says
it is an article in its markup (og:type, JSON-LD or microdata) and whose extracted text is
mostly prose. Any other page, or one where that evidence is weak, keeps trafilatura's
extraction as it is: recall-oriented (on pages of other kinds it keeps list entries and posts
that the defaults drop), unless the recall-oriented walk kept far less than the defaults did
(it sometimes stops at one small block), then the defaults'. Article pages are extracted with
trafilatura's defaults, which measured better on articles. `bench/html_compare.py` measures
both policies on the html-articles dev pages and on an outside set of pages of many kinds.

The extractor is good at finding the article's container and poor at what sits inside it
(captions, credits, "Read more" teasers, share prompts): the pipeline's rules are the reverse.
Extractors also stop early on some pages (a pull quote or a widget in the middle of the body
ends their walk): when the visible text holds far more prose after the extraction than the
extraction itself, the extraction is judged truncated and the lost prose paragraphs are put
back in reading order. When trafilatura finds nothing, all visible blocks go through the full
text pipeline instead.

Every step is reported: what the extraction left out (summarised), what was recovered and
why, and what the pipeline removed (line by line, as for text).
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Callable
from cleaner.errors import InputError
from cleaner.heuristics import ALL as ALL_HEURISTICS
from cleaner.pipeline import Cleaner, CleanResult, default_cleaner
from cleaner.prose import features
from cleaner.streams import strip_compression

# File names taken for HTML without looking inside (a compressed page keeps its inner suffix).
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
# A text is HTML when it opens (after blanks and comments) with one of these tags.
_HTML_START = re.compile(r"\A(?:\s|<!--.*?-->)*(?:<\?xml[^>]*>\s*)?<(?:!doctype\s+html|html|head|body)\b",
                         re.IGNORECASE | re.DOTALL)
# A page declares its charset in the first KB or so; only used when it is not UTF-8.
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)
CHARSET_SNIFF_BYTES = 4096

# Elements whose text is never shown, and elements that start a new block of text.
_INVISIBLE = frozenset({"script", "style", "noscript", "template", "head", "svg", "math", "iframe",
                        "object", "embed", "canvas", "select", "option", "button", "datalist"})
_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
    "h5", "h6", "header", "hr", "label", "legend", "li", "main", "menu", "nav", "ol", "p", "pre",
    "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
# trafilatura marks list items with this prefix; it is not part of the page's text.
_LIST_MARK = re.compile(r"^- ")

# Recovery. A lost paragraph is prose: at least this many words and a sentence end (jusText's
# "long" paragraph is 200 characters, about 30 English words; 25 leaves room for short
# sentences), or for CJK text at least this many characters.
RECOVER_PARAGRAPH_WORDS = 25
RECOVER_PARAGRAPH_CJK_CHARS = 80
# After the extraction's last block, recovery walks on past at most this many kept lines that
# are not prose (a subheading, a pull quote); a longer stretch is the page's tail.
RECOVER_MAX_GAP = 3
# The extraction is judged truncated only when the prose found after it is at least this share
# of its own words and at least this many words: two or three paragraphs, more than an author
# bio or a "more stories" blurb. (On the html-articles dev pages, one page in 92 qualifies: an
# extraction that stopped at a pull quote, with 55% of the article lost.)
RECOVER_MIN_SHARE = 0.2
RECOVER_MIN_WORDS = 200
# Lines at least this many words long match an extracted block by containment (the extractor
# may join or split blocks); shorter ones only by equality, so "Share" never matches.
CONTAINED_MIN_WORDS = 4
# Left-out blocks shown in an explanation.
SHOW_LEFT_OUT = 5

OUTSIDE_BODY = "heuristic/outside-body"

# The page's policy. Markup that declares an article: og:type "article" (the Open Graph
# protocol's type for news and blog articles), or a JSON-LD / microdata type of schema.org's
# Article family that news and blog pages use (Article, BlogPosting and the NewsArticle subtypes;
# TechArticle and ScholarlyArticle are left out: documentation and papers are not the chrome
# the rules describe).
ARTICLE_SCHEMA_TYPES = frozenset({
    "Article", "NewsArticle", "AnalysisNewsArticle", "AskPublicNewsArticle", "BackgroundNewsArticle",
    "OpinionNewsArticle", "ReportageNewsArticle", "ReviewNewsArticle", "SatiricalArticle",
    "BlogPosting", "LiveBlogPosting",
})
# ... and the extracted text must be mostly prose: at least this share of its words in prose
# paragraphs (RECOVER_PARAGRAPH_WORDS words or more, with a sentence end). Measured with
# `bench/html_compare.py --variants`: on the outside set's tuning half 0.5 and 0.6 tie (token
# F1 0.9403), 0.4 is 0.0007 lower; on the html-articles dev pages 0.6 scores 0.9755, 0.5
# 0.9749, 0.4 0.9748.
ARTICLE_PROSE_SHARE = 0.6
# Off the article policy, the recall-oriented extraction is kept unless it holds less than this
# share of the words the defaults found: it then stopped at one small block. On the outside
# set's tuning half the ratio is 0.00-0.16 on the four pages where that happened and 0.79 or
# more on every other page; 0.5 sits in that gap.
RECALL_MIN_SHARE = 0.5
ARTICLE, AS_EXTRACTED, FALLBACK = "article", "as-extracted", "fallback"


def is_html_name(name: str) -> bool:
    return strip_compression(name).lower().endswith(HTML_SUFFIXES)


def looks_like_html(text: str) -> bool:
    """True when the text opens like an HTML document (a doctype, <html>, <head> or <body>)."""
    return bool(_HTML_START.match(text[:CHARSET_SNIFF_BYTES]))


def decode_html(data: bytes, name: str, *, invalid: str = "fail") -> str:
    """Page bytes to text: UTF-8, else the charset the page declares, else an error."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        declared = _CHARSET.search(data[:CHARSET_SNIFF_BYTES])
        if declared:
            try:
                return data.decode(declared.group(1).decode("ascii"))
            except (LookupError, UnicodeDecodeError):
                pass
        if invalid == "replace":
            return data.decode("utf-8", errors="replace")
        raise InputError(f"{name}: HTML is neither valid UTF-8 nor in a charset it declares "
                         f"(bad byte at {exc.start}); use --invalid-utf8 replace") from None


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip().lower()


# --- stage 1: the page's blocks ------------------------------------------------------------------

# libxml2 stops at 256 levels of nesting unless asked for more (huge_tree), and then at 2048:
# past its limit it drops the rest of the page without an error the caller sees, and a page
# came out empty. Pages are parsed with huge_tree; one deeper than that is refused.
LXML_DEFAULT_DEPTH = 255
MAX_DEPTH = 2048
# trafilatura asks libxml2 for `//p//text()`, which takes time quadratic in the number of <p>
# elements (its node sets are merged with a linear duplicate check: 10,000 <p> took 1.4 s,
# 20,000 9.9 s, 40,000 62 s on the 2-core development host). A long news article has a few
# hundred; a page with more than this many is not given to trafilatura, and all its visible
# blocks go through the full text pipeline instead (the fallback: more chrome may stay, no
# body is lost), so the time stays linear in the page's size.
MAX_EXTRACT_PARAGRAPHS = 10_000


def _parse(markup: str):
    from lxml import etree, html as lxml_html

    parser = lxml_html.HTMLParser(huge_tree=True)
    try:
        root = lxml_html.document_fromstring(markup, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"cannot parse the HTML: {exc}") from None
    if any("Excessive depth" in e.message for e in parser.error_log):
        raise InputError(f"the HTML is nested more than {MAX_DEPTH} elements deep; not cleaned "
                         "(the parser would drop everything below that depth)")
    return root


def visible_blocks(markup: str) -> list[str]:
    """Every block of visible text in reading order, whitespace collapsed: what a reader of the
    page sees, before any judgement of what is body."""
    return _blocks_of(_parse(markup))


def _blocks_of(root) -> list[str]:
    return _walk_blocks(root)[0]


def _walk_blocks(root) -> tuple[list[str], int]:
    """The visible blocks, and the depth of the deepest element seen. The walk keeps its own
    stack (pages nest deeper than Python's recursion limit)."""
    blocks: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        text = _SPACE.sub(" ", "".join(pending)).strip()
        if text:
            blocks.append(text)
        pending.clear()

    body = root.find("body")
    start = body if body is not None else root
    deepest = 0
    # (element, depth, entering?): on entering, its text and children; on leaving, its tail
    stack: list[tuple[object, int, bool]] = [(start, 1, True)]
    while stack:
        el, depth, entering = stack.pop()
        tag = el.tag.lower() if isinstance(el.tag, str) else None  # type: ignore[attr-defined]
        if not entering:
            if tag in _BLOCK:
                flush()
            if el.tail:  # type: ignore[attr-defined]
                pending.append(el.tail)  # type: ignore[attr-defined]
            continue
        deepest = max(deepest, depth)
        hidden = tag is None or tag in _INVISIBLE or el.get("hidden") is not None \
            or bool(_HIDDEN_STYLE.search(el.get("style") or ""))  # type: ignore[attr-defined]
        if hidden:
            if el.tail:  # type: ignore[attr-defined]
                pending.append(el.tail)  # type: ignore[attr-defined]
            continue
        if tag in _BLOCK:
            flush()
        if el.text:  # type: ignore[attr-defined]
            pending.append(el.text)  # type: ignore[attr-defined]
        stack.append((el, depth, False))
        stack.extend((child, depth + 1, True) for child in reversed(el))  # type: ignore[call-overload]
    flush()
    return blocks, deepest


def _first_h1(root) -> str | None:
    for h1 in root.iter("h1"):
        text = _SPACE.sub(" ", h1.text_content()).strip()
        if text:
            return text
    return None


@dataclass(frozen=True)
class Extracted:
    """trafilatura's view of the page: its body blocks, one per line, as it wrote them."""

    blocks: tuple[str, ...]


def html_import_error(e: ImportError) -> str:
    """The one-line message for a failed import of the HTML stack, naming the real cause:
    trafilatura itself missing, or something it imports (lxml_html_clean, on lxml >= 6.2)."""
    missing = getattr(e, "name", None) or ""
    if missing.split(".")[0] == "trafilatura":
        return "HTML input needs trafilatura: pip install 'cleaner[html]'"
    return (f"HTML input needs trafilatura, which failed to import: {e} "
            f"(pip install 'cleaner[html]' installs what it needs)")


def trafilatura_extract(markup, recall: bool = True) -> Extracted:
    """The body blocks trafilatura finds, with its defaults or recall-oriented (`recall`: it
    keeps borderline blocks). `markup` is the page's text, or a tree parsed with huge_tree for
    a page nested deeper than trafilatura's own parser reads (trafilatura may change a tree)."""
    try:
        import trafilatura
    except ImportError as e:
        raise InputError(html_import_error(e)) from None
    text = trafilatura.extract(markup, favor_recall=recall, include_comments=False, include_tables=True,
                               include_images=False, deduplicate=False) or ""
    return Extracted(tuple(ln for ln in text.splitlines() if ln.strip()))


# --- the page's policy ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Policy:
    """Which policy a page gets, with which extraction, and why (shown by --explain)."""

    name: str  # ARTICLE, AS_EXTRACTED or FALLBACK
    extraction: str  # "defaults", "recall-oriented" or "none"
    reasons: tuple[str, ...] = ()

    def line(self) -> str:
        return f"policy: {self.name} (extraction: {self.extraction}): " + "; ".join(self.reasons)


def article_markup(root) -> tuple[str, ...]:
    """What the page's markup says about its being an article: og:type "article", and JSON-LD
    or microdata types in ARTICLE_SCHEMA_TYPES. Empty when it says nothing of the kind."""
    found: list[str] = []
    for meta in root.iter("meta"):
        if (meta.get("property") or meta.get("name") or "").strip().lower() == "og:type" \
                and (meta.get("content") or "").strip().lower() == "article":
            found.append("og:type article")
            break
    types: set[str] = set()
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() == "application/ld+json" and script.text:
            types.update(_ld_types(script.text))
    for itemtype in root.xpath("//@itemtype"):
        types.update(t.rstrip("/").rsplit("/", 1)[-1] for t in str(itemtype).split())
    found.extend(f"schema.org type {t}" for t in sorted(types & ARTICLE_SCHEMA_TYPES))
    return tuple(found)


_LD_TYPE = re.compile(r'"@type"\s*:\s*(?:"([^"]+)"|\[([^\]]*)\])')


def _ld_types(text: str) -> set[str]:
    """The @type names in a JSON-LD block (read by pattern: pages ship broken JSON-LD, and the
    type names are all this needs)."""
    out: set[str] = set()
    for one, many in _LD_TYPE.findall(text):
        names = [one] if one else re.findall(r'"([^"]+)"', many)
        out.update(n.rsplit("/", 1)[-1].rsplit(":", 1)[-1] for n in names)
    return out


def prose_share(blocks: tuple[str, ...]) -> float:
    """The share of the blocks' words that sit in prose paragraphs (see `_is_prose`)."""
    total = sum(_words(b) for b in blocks)
    return sum(_words(b) for b in blocks if _is_prose(b)) / total if total else 0.0


def choose_extraction(markup_says: tuple[str, ...], extract: Callable[[bool], Extracted],
                      visible_words: int) -> tuple[Policy, Extracted]:
    """The page's policy and the extraction it uses. `extract(recall)` runs trafilatura.

    A page whose markup declares an article is extracted with the defaults first, to measure
    its prose. Off the article policy the recall-oriented extraction is kept unless it holds
    under RECALL_MIN_SHARE of the defaults' words; the defaults' extraction is only run for
    that test when the recall-oriented one holds under that share of the page's visible words
    (the defaults keep a part of the visible text, nearly always, so otherwise the test could
    not fail): most pages are extracted once."""
    defaults: Extracted | None = None
    if markup_says:
        defaults = extract(False)
        share = prose_share(defaults.blocks)
        if share >= ARTICLE_PROSE_SHARE:
            why = (f"the markup declares an article ({', '.join(markup_says)}) and {share:.0%} of the "
                   f"extracted words are prose (at least {ARTICLE_PROSE_SHARE:.0%})")
            return Policy(ARTICLE, "defaults", (why,)), defaults
        reasons = [f"the markup declares an article ({', '.join(markup_says)}), but only {share:.0%} of the "
                   f"extracted words are prose (the article policy needs {ARTICLE_PROSE_SHARE:.0%})"]
    else:
        reasons = ["the markup does not declare an article"]
    recall = extract(True)
    got = sum(_words(b) for b in recall.blocks)
    if got < RECALL_MIN_SHARE * visible_words:
        if defaults is None:
            defaults = extract(False)
        base = sum(_words(b) for b in defaults.blocks)
        if got < RECALL_MIN_SHARE * base:
            reasons.append(f"the recall-oriented extraction kept {got} words, less than {RECALL_MIN_SHARE:.0%} "
                           f"of the defaults' {base}: the defaults' extraction is kept as it is")
            return Policy(AS_EXTRACTED, "defaults", tuple(reasons)), defaults
    reasons.append("the recall-oriented extraction is kept as it is, with no rule or heuristic after it")
    return Policy(AS_EXTRACTED, "recall-oriented", tuple(reasons)), recall


# --- stage 2: headline and recovery --------------------------------------------------------------

@dataclass(frozen=True)
class Block:
    """One line handed to the text pipeline, with where it came from."""

    text: str
    origin: str  # "headline", "extracted", "recovered", "visible" (fallback)
    reason: str = ""


@dataclass(frozen=True)
class ExtractionReport:
    """What stage 1 did, for explanations: counts, what it left out, what was put back."""

    visible_blocks: int
    visible_words: int
    extracted_blocks: int
    extracted_words: int
    left_out: tuple[str, ...]  # visible blocks in neither the extraction nor the recovery
    left_out_words: int
    recovered: tuple[Block, ...] = ()
    headline: str | None = None
    fallback: str | None = None  # why all visible blocks were used, if they were
    policy: Policy = Policy(ARTICLE, "defaults")

    def summary_lines(self) -> list[str]:
        out = [self.policy.line(),
               f"extraction (trafilatura, {self.policy.extraction}): kept {self.extracted_blocks} of "
               f"{self.visible_blocks} visible blocks ({self.extracted_words} of {self.visible_words} words)"]
        if self.fallback:
            out.append(f"  fallback: {self.fallback}")
        if self.headline:
            out.append(f"  headline added from the page's <h1>: {self.headline}")
        if self.recovered:
            out.append(f"  recovered {len(self.recovered)} blocks: {self.recovered[0].reason}")
            for b in self.recovered:
                out.append(f"    + {_shorten(b.text)}")
        out.append(f"  left out: {len(self.left_out)} blocks, {self.left_out_words} words; the longest:")
        for text in sorted(self.left_out, key=len, reverse=True)[:SHOW_LEFT_OUT]:
            out.append(f"    | {_shorten(text)}")
        return out

    def to_dict(self) -> dict:
        return {
            "visible_blocks": self.visible_blocks, "visible_words": self.visible_words,
            "extracted_blocks": self.extracted_blocks, "extracted_words": self.extracted_words,
            "left_out_blocks": len(self.left_out), "left_out_words": self.left_out_words,
            "headline": self.headline, "fallback": self.fallback,
            "policy": {"name": self.policy.name, "extraction": self.policy.extraction,
                       "reasons": list(self.policy.reasons)},
            "recovered": [{"text": b.text, "reason": b.reason} for b in self.recovered],
        }


def _shorten(text: str, width: int = 80) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _words(text: str) -> int:
    return len(text.split())


def _is_prose(text: str) -> bool:
    f = features(text)
    long_enough = f.words >= RECOVER_PARAGRAPH_WORDS or (f.cjk and f.chars >= RECOVER_PARAGRAPH_CJK_CHARS)
    return long_enough and f.sentence_end


def match_blocks(visible: list[str], extracted: tuple[str, ...]) -> list[int | None]:
    """For each visible block, the index of the extracted block that holds it (or None): the
    first one equal to it, else (for blocks of CONTAINED_MIN_WORDS words or more) the first
    one that contains it.

    Containment is looked up through an index of the extracted blocks' words, not by trying
    every extracted block for every visible one (that made the time grow with the square of
    the page's size: 100 MB pages took minutes). If a block contains `n`, it contains each of
    n's inner words (all but the first and the last, which may be parts of longer words) as a
    whole word, so the blocks that hold all of its rarest inner words are the only candidates;
    each is then checked with `in`, as before."""
    norm_ex = [_norm(_LIST_MARK.sub("", b)) for b in extracted]
    exact: dict[str, int] = {}
    for j, b in enumerate(norm_ex):
        exact.setdefault(b, j)
    index = _WordIndex(norm_ex)
    out: list[int | None] = []
    for line in visible:
        n = _norm(line)
        j = exact.get(n) if n else None
        if j is None and n and len(n.split()) >= CONTAINED_MIN_WORDS:
            j = index.first_containing(n)
        out.append(j)
    return out


# The candidates for containment are narrowed by one more inner word while there are more than
# this many (each narrowing costs a set intersection; each candidate left costs a substring search).
_FEW_CANDIDATES = 8


class _WordIndex:
    """Which normalised blocks hold each word (words are separated by single spaces)."""

    def __init__(self, blocks: list[str]):
        self.blocks = blocks
        self.where: dict[str, list[int]] = {}
        for j, b in enumerate(blocks):
            for w in set(b.split(" ")):
                self.where.setdefault(w, []).append(j)

    def first_containing(self, n: str) -> int | None:
        inner = n.split(" ")[1:-1]
        if not inner:
            return next((k for k, b in enumerate(self.blocks) if n in b), None)
        postings = sorted((self.where.get(w, ()) for w in set(inner)), key=len)
        if not postings[0]:
            return None
        candidates = set(postings[0])
        for more in postings[1:]:
            if len(candidates) <= _FEW_CANDIDATES:
                break
            candidates.intersection_update(more)
        return next((k for k in sorted(candidates) if n in self.blocks[k]), None)


def recover(visible: list[str], hits: list[int | None], body_kept: Callable[[], list[bool]],
            extracted_words: int) -> dict[int, list[Block]]:
    """Prose paragraphs after the extraction's last block that the text pipeline keeps, keyed
    by the extracted block they follow; empty unless they add up to a lost section.
    `body_kept` (the text pipeline's verdict per visible block) is asked for only when all the
    prose after the extraction could add up to one: on most pages it cannot."""
    found = [i for i, j in enumerate(hits) if j is not None]
    if not found:
        return {}
    last_hit = found[-1]
    after = max(j for j in hits if j is not None)
    most = sum(_words(t) for t in visible[last_hit + 1:] if _is_prose(t))
    if not _enough(most, extracted_words):
        return {}
    kept = body_kept()
    lost: list[str] = []
    gap = 0
    for i in range(last_hit + 1, len(visible)):
        if not kept[i]:
            continue
        if _is_prose(visible[i]):
            lost.append(visible[i])
            gap = 0
        else:
            gap += 1
            if gap > RECOVER_MAX_GAP:
                break
    words = sum(_words(t) for t in lost)
    if not _enough(words, extracted_words):
        return {}
    why = (f"the extraction looks truncated: {words} words of prose follow its last block "
           f"({words / max(extracted_words, 1):.0%} of the {extracted_words} it kept), and the text pipeline keeps them")
    return {after: [Block(t, "recovered", why) for t in lost]}


def _enough(words: int, extracted_words: int) -> bool:
    return words >= RECOVER_MIN_WORDS and words >= RECOVER_MIN_SHARE * max(extracted_words, 1)


def page_blocks(markup: str, text_cleaner: Cleaner) -> tuple[list[Block], ExtractionReport]:
    """The lines the text pipeline will see, and the report of how they were chosen."""
    root = _parse(markup)
    visible, depth = _walk_blocks(root)
    headline = _first_h1(root)
    visible_words = sum(_words(b) for b in visible)
    paragraphs = sum(1 for _ in root.iter("p"))
    fallback_policy = Policy(FALLBACK, "none", ("all visible blocks go through the whole text pipeline",))
    if paragraphs > MAX_EXTRACT_PARAGRAPHS:
        report = ExtractionReport(len(visible), visible_words, 0, 0, (), 0,
                                  fallback=f"the page has {paragraphs} paragraphs, more than the extractor is given "
                                           f"({MAX_EXTRACT_PARAGRAPHS}); all visible blocks go to the text pipeline",
                                  policy=fallback_policy)
        return [Block(b, "visible") for b in visible], report
    markup_says = article_markup(root)

    def extract(recall: bool) -> Extracted:
        # trafilatura's parser stops at lxml's default depth: past it, it gets the tree (a
        # copy: trafilatura may change the tree it is given, and it may be given it twice)
        return trafilatura_extract(copy.deepcopy(root) if depth > LXML_DEFAULT_DEPTH else markup, recall=recall)

    policy, extracted = choose_extraction(markup_says, extract, visible_words)
    extracted_words = sum(_words(b) for b in extracted.blocks)
    if not extracted.blocks:
        report = ExtractionReport(len(visible), visible_words, 0, 0, (), 0,
                                  fallback="trafilatura found no body; all visible blocks go to the text pipeline",
                                  policy=fallback_policy)
        return [Block(b, "visible") for b in visible], report
    hits = match_blocks(visible, extracted.blocks)
    inserts = recover(visible, hits, lambda: [d.kept for d in text_cleaner.clean("\n".join(visible) + "\n").decisions],
                      extracted_words)

    blocks: list[Block] = []
    first = next((i for i, j in enumerate(hits) if j is not None), len(visible))
    h1_before = headline is not None and any(_norm(v) == _norm(headline) for v in visible[:first])
    if headline and h1_before and _norm(headline) != _norm(_LIST_MARK.sub("", extracted.blocks[0])):
        blocks.append(Block(headline, "headline"))
    else:
        headline = None
    for j, text in enumerate(extracted.blocks):
        blocks.append(Block(text, "extracted"))
        blocks.extend(inserts.get(j, ()))

    recovered = tuple(b for bs in inserts.values() for b in bs)
    taken = {_norm(b.text) for b in blocks}
    left = tuple(v for v, j in zip(visible, hits) if j is None and _norm(v) not in taken)
    report = ExtractionReport(len(visible), visible_words, len(extracted.blocks), extracted_words,
                              left, sum(_words(t) for t in left), recovered, headline, policy=policy)
    return blocks, report


# --- the whole run ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class HtmlResult:
    """The cleaned text, the extraction report, and the text pipeline's result on the blocks
    (its decisions are numbered by line of `extracted_text`)."""

    text: str
    extraction: ExtractionReport
    result: CleanResult
    extracted_text: str

    @property
    def decisions(self):
        return self.result.decisions

    def __str__(self) -> str:
        return self.text


@dataclass
class HtmlCleaner:
    """A text Cleaner used twice: in full on the visible blocks (to judge recovery and for the
    fallback), and without the body-span heuristic on the extracted blocks of an article page.
    The extracted blocks of any other page go through a Cleaner with no rule or heuristic (every
    line kept, each with its decision, as for any input)."""

    cleaner: Cleaner = field(default_factory=default_cleaner)
    _inside: Cleaner = field(init=False, repr=False)
    _keep_all: Cleaner = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._inside = without_heuristics(self.cleaner, {OUTSIDE_BODY})
        self._keep_all = Cleaner(builtin=False, disabled={h.id for h in ALL_HEURISTICS}, accelerate=False)

    def stage2(self, report: ExtractionReport) -> Cleaner:
        """The text pipeline the page's blocks go through, by its policy."""
        if report.fallback:
            return self.cleaner
        return self._inside if report.policy.name == ARTICLE else self._keep_all

    def clean(self, markup: str) -> HtmlResult:
        blocks, report = page_blocks(markup, self.cleaner)
        text = "".join(b.text + "\n" for b in blocks)
        result = self.stage2(report).clean(text)
        return HtmlResult(result.text, report, result, text)


def without_heuristics(cleaner: Cleaner, ids: set[str]) -> Cleaner:
    """The same packs (already compiled) with some heuristics left out."""
    twin = copy.copy(cleaner)
    twin.heuristics = tuple(h for h in cleaner.heuristics if h.id not in ids)
    return twin


_DEFAULT: HtmlCleaner | None = None


def clean_html(markup: str, cleaner: Cleaner | None = None) -> HtmlResult:
    """Clean one HTML page with the built-in packs (or the given Cleaner's)."""
    global _DEFAULT
    if cleaner is not None:
        return HtmlCleaner(cleaner).clean(markup)
    if _DEFAULT is None:
        _DEFAULT = HtmlCleaner()
    return _DEFAULT.clean(markup)

