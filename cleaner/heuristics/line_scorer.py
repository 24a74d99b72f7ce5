"""A learned line scorer: what the rules and the other heuristics left, weighed line by line.

Rules name the chrome they know; on a site no rule was written from, chrome still has a shape:
a photo caption names a photographer or an agency and sits at the top, a share prompt says
"follow" and "newsletter", a teaser is short, bracketed or labelled, and sits next to other
removed lines. Each kept line gets features of its own (length, words, sentence shape,
capitals, digits, brackets, cue words from `cleaner/data/cue_words.toml`) and of its place
(position, its neighbours' shape and cues, its distance to a prose line, whether the lines
removed around it in this pass sit right next to it). A logistic model weighs them; its
weights and threshold are data (`cleaner/data/line_scorer.json`), fitted by
`bench/train_scorer.py` on the labelled Multi-News train split, and evaluated here in plain
Python. A line goes when its probability of being chrome reaches the threshold, which was set
for body safety (losing body is worse than keeping chrome); the reason names the score and
the three features that weighed most for that line. Some lines are never scored: prose of
PROSE_GATE_CHARS or more (most body lines; their features are not even measured), long
multi-sentence paragraphs, embedded tweets and captions glued to body text (see `vetoed`).

Idempotence: every feature but two depends only on the kept lines the scorer sees (the same
lines, the same verdict). The two that look at removals made earlier in the same pass
(`removed_before`, `removed_after`) are fitted with weights >= 0, so a later pass, or a run
on the output, where those lines are gone, can only score a line lower: nothing that was
kept is removed on a second run.
"""
from __future__ import annotations

import json
import math
from array import array
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import compress, count, repeat
from operator import attrgetter, ge, mul
from importlib import resources
from typing import Sequence

import regex

from cleaner.document import Document, Removal
from cleaner.heuristics.base import Heuristic
from cleaner.heuristics.spec import thresholds
from cleaner.lines import INDEX_TYPE
from cleaner.prose import CACHE_MAX_CHARS, Features

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    import tomli as tomllib  # type: ignore[no-redef]

MODEL_FILE = "line_scorer.json"
CUE_FILE = "cue_words.toml"

# The thresholds, each with where its number came from: heuristics.toml [line-scorer] (a
# prose line is what layout.py calls prose: the [classes] thresholds).
_T = thresholds("line-scorer")
MAX_CHARS = _T["MAX_CHARS"]
PROSE_MIN_WORDS = _T["PROSE_MIN_WORDS"]
PROSE_MIN_STOPWORDS = _T["PROSE_MIN_STOPWORDS"]
PROSE_MIN_CJK_CHARS = _T["PROSE_MIN_CJK_CHARS"]
BODY_REACH = _T["BODY_REACH"]
SHORT_CHARS = _T["SHORT_CHARS"]
VETO_SENTENCES = _T["VETO_SENTENCES"]
VETO_CHARS = _T["VETO_CHARS"]
PROSE_GATE_CHARS = _T["PROSE_GATE_CHARS"]
# Never removed, whatever the score (body safety): besides long paragraphs (VETO_*), an
# embedded tweet ("... — Name (@handle) July 16, 2015"), which the labels keep as a quote,
# and a photo credit in brackets with text glued after it (the labels keep glued lines).
_TWEET = regex.compile(r"\(@\w{1,15}\) \p{L}+\.? \d{1,2}, \d{4}$")
_GLUED = regex.compile(r"[(\[](?:Photo|Photos|Image|Credit|AP|AFP|Reuters|Getty)\b[^()\[\]]{0,80}[)\]]\s+\S.{30,}$")
# Model.floor's slack under the candidate bounds: the position term `wpos / (n - 1) * k` may
# round a little past `wpos` (a prefilter; the bounds themselves decide).
FLOOR_MARGIN = 1e-6
# Feature cache: one entry per distinct line text, cleared when it grows past this.
CACHE_MAX = 1 << 16

_LABEL = regex.compile(r"^[\p{Lu}\d][\w'’&.\- ]{0,30}:\s+\S")
_CAPS_LABEL = regex.compile(r"^[\p{Lu}\d][\p{Lu}\d'’&.\- ]{2,30}(?::|\s[-–—|]\s)")
_PAREN_TAIL = regex.compile(r"[(\[][^()\[\]]{1,80}[)\]]\.?$")
_BRACKETED = regex.compile(r"^[(\[].*[)\]]\.?$")
# A credit's "Name/Agency" shape, at the start or the end of the line.
_SLASH_NAMES = regex.compile(r"^\p{Lu}[\p{L}.\-]+(?: \p{Lu}[\p{L}.\-]+){0,3} ?/ ?\p{Lu}"
                             r"|\p{Lu}[\p{L}.\-]* ?/ ?\p{Lu}[\p{L}.\-]+(?: \p{Lu}[\p{L}.\-]+){0,3}\)?\.?$")
_HANDLE_OR_URL = regex.compile(r"@\w|https?://|www\.|\.com\b")
_BULLET = regex.compile(r"^[•■*►▶◆●·>»-]")
_QUOTE = regex.compile(r"^[\"“‘'«]")
_N_OF_M = regex.compile(r"^\d{1,3} (?:of|/) \d{1,3}\b")
_TAIL_CUE = regex.compile(r"(?:read more|more »|»|\.\.\.|…)$", regex.I)
_DIGIT = regex.compile(r"\d")

CUE_GROUPS = ("caption", "agency", "teaser", "share", "byline", "widget")

# The features, in the order of the model's weights. Own: from the line alone.
OWN = ("log_chars", "short", "tiny", "log_words", "stopwords", "capitalised", "sentence_end",
       "sentences", "headline_shape", "digits", "starts_bracket", "paren_tail", "bracketed",
       "label", "caps_label", "slash_names", "handle_or_url", "bullet", "quote", "n_of_m",
       "tail_cue", "pipe", "cjk", "prose") + tuple(f"cue_{g}" for g in CUE_GROUPS)
# Context: from the line's place among the kept lines (and the removals next to it).
CONTEXT = ("first", "top3", "bottom3", "position", "prev_prose", "next_prose", "prev_short",
           "next_short", "prev_cue", "next_cue", "near_body", "far_from_body", "removed_before",
           "removed_after")
FEATURES = OWN + CONTEXT
# The context features that depend on the line's place alone.
_PLACED = ("first", "top3", "bottom3", "position")
# Fitted with weights >= 0 (see the module docstring: idempotence).
NON_NEGATIVE = ("removed_before", "removed_after")


@dataclass(frozen=True)
class Model:
    """A logistic model over FEATURES: chrome probability = sigmoid(bias + weights . x)."""

    weights: tuple[float, ...]
    bias: float
    threshold: float

    @cached_property
    def bounds(self) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
        """Without and with removals in the document: the lowest own weighted sum plus
        position term that can still reach `cut` for a line in the middle, the lowest own sum
        that can for one of the first or last three, and the position weight (when positive).
        Each is the cut less every positive context weight that can apply there."""
        w = dict(zip(CONTEXT, self.weights[len(OWN):]))
        out = []
        for removals in (False, True):
            rest = sum(v for name, v in w.items() if v > 0 and name not in _PLACED
                       and (removals or name not in NON_NEGATIVE))
            wpos = max(w["position"], 0.0)
            mid = self.cut - rest
            edge = mid - wpos - sum(max(w[name], 0.0) for name in ("first", "top3", "bottom3"))
            out.append((mid, edge, wpos))
        return out[0], out[1]

    @cached_property
    def floor(self) -> tuple[float, float]:
        """Without and with removals: an own weighted sum below this reaches `cut` nowhere
        (below both bounds, with a margin for the rounding of the position term)."""
        return tuple(min(mid - wpos, edge) - FLOOR_MARGIN for mid, edge, wpos in self.bounds)  # type: ignore[return-value]

    @cached_property
    def cut(self) -> float:
        """The threshold as a logit: a line goes when bias + weights . x >= cut."""
        t = min(max(self.threshold, 1e-9), 1 - 1e-9)
        return math.log(t / (1 - t))

    def to_json(self, extra: dict | None = None) -> str:
        body = {"features": list(FEATURES), "weights": list(self.weights), "bias": self.bias,
                "threshold": self.threshold, **(extra or {})}
        return json.dumps(body, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> "Model":
        data = json.loads(text)
        if tuple(data["features"]) != FEATURES:
            raise ValueError(f"{MODEL_FILE}: its features are not this module's (refit with bench/train_scorer.py)")
        return cls(tuple(float(w) for w in data["weights"]), float(data["bias"]), float(data["threshold"]))


@lru_cache(maxsize=1)
def shipped_model() -> Model:
    return Model.from_json(resources.files("cleaner.data").joinpath(MODEL_FILE).read_text(encoding="utf-8"))


_model: Model | None = None  # set_model's override (cross-validation, training)


def model() -> Model:
    return _model if _model is not None else shipped_model()


def set_model(m: Model | None) -> None:
    """Use `m` instead of the shipped model (None: back to the shipped one); for the
    cross-validation and training scripts."""
    global _model
    _model = m
    _own_cache.clear()


@dataclass(frozen=True)
class CueGroup:
    """A cue group's pattern (any of its words, as a whole word), and what its screen looks
    for: the words as substrings, mapped to their case classes' representatives where the
    group ignores case (`folded`; see case_classes)."""

    pattern: regex.Pattern
    words: tuple[str, ...]
    folded: bool


@lru_cache(maxsize=1)
def cue_groups() -> tuple[tuple[CueGroup, ...], dict[int, str]]:
    """One CueGroup per cue group, in CUE_GROUPS order (from cleaner/data/cue_words.toml),
    and the case-class map their screens read a line through."""
    data = tomllib.loads(resources.files("cleaner.data").joinpath(CUE_FILE).read_text(encoding="utf-8"))
    table = case_classes("".join(sorted({ch for group in CUE_GROUPS if not data[group].get("case")
                                         for word in data[group]["words"] for ch in word})))
    out = []
    for group in CUE_GROUPS:
        spec = data[group]
        words = sorted(spec["words"], key=len, reverse=True)
        alts = "|".join(regex.escape(w) for w in words)
        folded = not spec.get("case")
        out.append(CueGroup(regex.compile(rf"(?<!\w)(?:{alts})(?!\w)", regex.IGNORECASE if folded else 0),
                            tuple(w.translate(table) if folded else w for w in words), folded))
    return tuple(out), table


def cue_patterns() -> tuple[regex.Pattern, ...]:
    """One pattern per cue group, in CUE_GROUPS order."""
    return tuple(group.pattern for group in cue_groups()[0])


# Every code point that regex's case-insensitive matching takes for a cue word's character is
# in the Basic Multilingual Plane (tests/test_line_scorer.py checks all of Unicode), so the
# case classes are read from it: a scan of 64 K characters, once per process.
CASE_SCAN_LIMIT = 0x10000


def case_classes(chars: str, limit: int = CASE_SCAN_LIMIT) -> dict[int, str]:
    """{code point: representative} for every code point below `limit` that regex's
    IGNORECASE matching takes for one of `chars` (and for `chars`), so that any two that one
    matches the other share a representative: wherever a word matches a line
    case-insensitively, the line mapped by this holds the word mapped by it. (The relation is
    not transitive, as "İ" matches "i" and "i" matches "I" but "İ" not "I": characters joined
    by any chain of matches share one, the least of them. Without regex.FULLCASE, which the
    cue patterns do not set, a character matches one character, never a sequence: "ß" is
    not taken for "ss".)"""
    any_of = regex.compile("[" + "".join(map(regex.escape, chars)) + "]", regex.IGNORECASE)
    found = sorted(set(any_of.findall("".join(map(chr, range(limit))))) | set(chars))
    joined = {c: c for c in found}  # each character's link toward its representative

    def root(c: str) -> str:
        while joined[c] != c:
            c = joined[c]
        return c

    each = [(d, regex.compile(regex.escape(d), regex.IGNORECASE).fullmatch) for d in chars]
    for c in found:
        for d, matches in each:
            if matches(c):
                a, b = sorted((root(c), root(d)))
                joined[b] = a
    return {ord(c): root(c) for c in found}


# Lines shorter than this are searched without the screen: the six searches of a short line
# cost less than its screen (measured on generated lines: at 16 characters 7.1 µs searched,
# 7.9 screened; at 24, 9.6 and 8.9; at 64, 22.1 and 12.4).
CUE_SCREEN_MIN_CHARS = 20


def cue_flags(text: str) -> tuple[float, ...]:
    """1.0 for each cue group whose pattern matches in the line, else 0.0. A group's pattern
    is searched only where the line holds one of its words (mapped to case classes where it
    ignores case): a match needs one, most lines hold none, and a search tries the
    alternation at every position (26 of own_features' 38 µs a line on the bench lines)."""
    groups, table = cue_groups()
    if len(text) < CUE_SCREEN_MIN_CHARS:
        return tuple(1.0 if g.pattern.search(text) else 0.0 for g in groups)
    mapped = text.translate(table)
    return tuple(1.0 if any(map((mapped if g.folded else text).__contains__, g.words)) and g.pattern.search(text)
                 else 0.0 for g in groups)


def is_prose(f: Features) -> bool:
    if f.cjk:
        return f.chars >= PROSE_MIN_CJK_CHARS and f.sentence_end
    return f.words >= PROSE_MIN_WORDS and f.stopword_ratio >= PROSE_MIN_STOPWORDS and f.sentence_end


def own_features(text: str, f: Features) -> tuple[float, ...]:
    """The OWN features of one stripped line with its Features."""
    cues = cue_flags(text)
    chars = max(f.chars, 1)
    return (
        math.log1p(f.chars) / 7.0,
        float(f.chars < SHORT_CHARS),
        float(f.words <= 3),
        math.log1p(f.words) / 5.0,
        f.stopword_ratio,
        f.capitalised_ratio,
        float(f.sentence_end),
        min(f.sentences, 5) / 5.0,
        float(not f.sentence_end and f.words >= 2 and f.chars <= 200),
        min(len(_DIGIT.findall(text, 0, 400)) / min(chars, 400) * 4, 1.0),
        float(text[:1] in "([" ),
        float(bool(_PAREN_TAIL.search(text))),
        float(bool(_BRACKETED.match(text))),
        float(bool(_LABEL.match(text))),
        float(bool(_CAPS_LABEL.match(text))),
        float(bool(_SLASH_NAMES.search(text))),
        float(bool(_HANDLE_OR_URL.search(text))),
        float(bool(_BULLET.match(text))),
        float(bool(_QUOTE.match(text))),
        float(bool(_N_OF_M.match(text))),
        float(bool(_TAIL_CUE.search(text))),
        float("|" in text),
        float(f.cjk),
        float(is_prose(f)),
    ) + cues


_N_OWN = len(OWN)
_I_SHORT, _I_PROSE = OWN.index("short"), OWN.index("prose")
_CUE_SLICE = slice(OWN.index("cue_caption"), _N_OWN)


def vetoed(text: str, f: Features) -> bool:
    """Is this line kept whatever its score (see VETO_SENTENCES)?"""
    return (f.sentences >= VETO_SENTENCES and f.chars >= VETO_CHARS) or bool(_TWEET.search(text)) or bool(_GLUED.search(text))


class _Own:
    """A line's own features, their weighted sum (minus infinity for a vetoed line) and the
    flags its neighbours look at."""

    __slots__ = ("x", "partial", "short", "prose", "cue", "veto", "_slim")

    def __init__(self, x: tuple[float, ...] | None, weights: Sequence[float], bias: float, veto: bool):
        self.x = x  # None: a long prose line, never scored (PROSE_GATE_CHARS); _LAZY: measured again when scored
        self.veto = veto or x is None
        self._slim: _Own | None = None
        if x is None:
            self.partial, self.short, self.prose, self.cue = -math.inf, False, True, False
            return
        self.partial = -math.inf if veto else bias + sum(w * v for w, v in zip(weights, x) if v)
        self.short = x[_I_SHORT] > 0
        self.prose = x[_I_PROSE] > 0
        self.cue = any(x[_CUE_SLICE])

    def slim(self) -> "_Own":
        """The same without the feature vector (measured again for the few lines scored): what
        a document of more lines than the cache holds keeps per line, a tenth of the size
        (made once per _Own, so repeated lines share it)."""
        if self._slim is None:
            if self.x is None or self.x is _LONG_X:
                self._slim = self  # nothing to drop (None, or a shared constant)
            else:
                slim = object.__new__(_Own)
                slim.x, slim.partial, slim.short, slim.prose, slim.cue, slim.veto = (
                    _LAZY, self.partial, self.short, self.prose, self.cue, self.veto)
                slim._slim = self._slim = slim
        return self._slim


_LAZY: tuple[float, ...] = ()  # a slim _Own's x: own_features(text, features) again


def _x(doc: Document, i: int, own: _Own) -> tuple[float, ...]:
    """The own feature vector of line `i`, whose _Own is `own` (measured again if slim)."""
    x = own.x
    return own_features(doc.lines.stripped[i], doc.features(i)) if x is _LAZY else x  # type: ignore[return-value]


_own_cache: dict[str, _Own] = {}


def _own(text: str, f: Features, m: Model) -> _Own:
    """The line's _Own, from the cache (chrome and short lines repeat across documents). A
    line longer than MAX_CHARS is never scored: only its prose flag is measured, uncached."""
    hit = _own_cache.get(text)
    if hit is None:
        if f.chars >= PROSE_GATE_CHARS and is_prose(f):
            hit = _PROSE_LINE
        elif len(text) > MAX_CHARS:
            hit = _LONG_LINE
        else:
            hit = _Own(own_features(text, f), m.weights[:_N_OWN], m.bias, vetoed(text, f))
        if len(text) <= CACHE_MAX_CHARS:  # (longer keys would make the cache large)
            if len(_own_cache) >= CACHE_MAX:
                _own_cache.clear()
            _own_cache[text] = hit
    return hit


_PROSE_LINE = _Own(None, (), 0.0, True)  # a long prose line: prose, not short, no cue
_LONG_X = tuple(0.0 for _ in OWN)
_LONG_LINE = _Own(_LONG_X, (), 0.0, True)  # over MAX_CHARS, not prose
_PARTIAL = attrgetter("partial")


def context_features(doc: Document, kept: Sequence[int], owns: Sequence[_Own], k: int) -> tuple[float, ...]:
    """The CONTEXT features of the k-th kept line with text (`kept`: their indices in the
    document, `owns`: their _Own): its place, its neighbours among the kept lines, and
    whether lines removed in this pass (doc.removed) sit right before or after it."""
    n = len(kept)
    prev = owns[k - 1] if k > 0 else None
    nxt = owns[k + 1] if k + 1 < n else None
    if prev is not None and prev.prose or nxt is not None and nxt.prose:
        dist = 1
    else:
        dist = BODY_REACH + 1
        for d in range(2, BODY_REACH + 1):
            if (k >= d and owns[k - d].prose) or (k + d < n and owns[k + d].prose):
                dist = d
                break
    before = after = 0.0
    if doc.removed:
        # Between two kept lines with text, a line is blank or removed in this pass: a
        # removed line with text sits there when any line there has text.
        stripped, i = doc.lines.stripped, kept[k]
        lo = kept[k - 1] + 1 if k > 0 else 0
        hi = kept[k + 1] if k + 1 < n else len(stripped)
        before = 1.0 if lo < i and any(stripped[lo:i]) else 0.0
        after = 1.0 if i + 1 < hi and any(stripped[i + 1:hi]) else 0.0
    return (
        1.0 if k == 0 else 0.0,
        1.0 if k < 3 else 0.0,
        1.0 if k >= n - 3 else 0.0,
        k / (n - 1) if n > 1 else 0.0,
        1.0 if prev is not None and prev.prose else 0.0,
        1.0 if nxt is not None and nxt.prose else 0.0,
        1.0 if prev is None or prev.short else 0.0,
        1.0 if nxt is None or nxt.short else 0.0,
        1.0 if prev is not None and prev.cue else 0.0,
        1.0 if nxt is not None and nxt.cue else 0.0,
        1.0 if dist == 1 else 0.0,
        1.0 if dist > BODY_REACH else 0.0,
        before,
        after,
    )


@dataclass(frozen=True)
class Row:
    """One scored line: its index in the document and its feature vector (FEATURES order)."""

    index: int
    x: tuple[float, ...]
    partial: float = 0.0  # bias + the own features' weighted sum (under the model it was built for)


def _candidates(doc: Document, m: Model, every: bool) -> tuple[Sequence[int], list[_Own], Sequence[int]]:
    """The kept lines with text, their _Own, and the positions (among them) worth scoring:
    with `every` (training), every line up to MAX_CHARS; otherwise those not vetoed whose own
    weighted sum plus the most their place can add (positional weights for where they stand,
    every other positive context weight) reaches the threshold. Prose is far below it, so
    for most lines the work is a cache look-up and one comparison."""
    kept = doc.kept_text_indices()
    n = len(kept)
    if not n:
        return kept, [], []
    stripped = doc.lines.stripped
    owns = list(map(_own_cache.get, map(stripped.__getitem__, kept)))
    if n > CACHE_MAX:
        # More lines than the cache holds: each line's full _Own would stay alive for the
        # whole document (a feature vector of some 30 floats, about 1 KB a line); the slim
        # ones keep what the scoring reads, and the few lines scored are measured again.
        # Slim ones that read the same are one object (a document of short lines has few).
        same: dict[tuple, _Own] = {}
        for k, o in enumerate(owns):
            if o is None:
                o = _own(stripped[kept[k]], doc.features(kept[k]), m)
            key = (o.partial, o.short, o.prose, o.cue, o.veto, o.x is None, o.x is _LONG_X)
            slim = same.get(key)
            owns[k] = slim if slim is not None else same.setdefault(key, o.slim())
    elif not all(owns):  # (an _Own is true; a miss is None)
        for k, o in enumerate(owns):
            if o is None:
                owns[k] = _own(stripped[kept[k]], doc.features(kept[k]), m)
    if every:
        return kept, owns, [k for k in range(n) if owns[k].x is not None and len(stripped[kept[k]]) <= MAX_CHARS]
    removals = bool(doc.removed)
    # Most lines (prose: minus infinity) are below the lowest bound anywhere: set aside in C
    # (an iterator: no list of them is kept, on a document of short lines nearly every line).
    maybe = compress(count(), map(ge, map(_PARTIAL, owns), repeat(m.floor[removals])))
    mid, edge, wpos = m.bounds[removals]
    # mid/edge hold the most the position feature (k / (n - 1)) can add; add what it does add
    step = wpos / (n - 1) if n > 1 else 0.0
    # (an array: on a document of short lines nearly every line is chosen, and a list would
    # hold an int of its own for each)
    chosen = array(INDEX_TYPE, (k for k in maybe
                                if (p := owns[k].partial) + step * k >= mid or (p >= edge and (k < 3 or k >= n - 3))))
    return kept, owns, chosen



def rows(doc: Document, m: Model | None = None, *, every: bool = False) -> list[Row]:
    """The kept lines worth scoring (see _candidates), with their features."""
    m = m or model()
    kept, owns, chosen = _candidates(doc, m, every)
    return [Row(kept[k], _x(doc, kept[k], owns[k]) + context_features(doc, kept, owns, k), owns[k].partial)
            for k in chosen]


def contributions(x: Sequence[float], m: Model) -> list[tuple[float, str]]:
    """Each feature's weight times its value, largest first (ties by name)."""
    return sorted(((w * v, name) for name, w, v in zip(FEATURES, m.weights, x) if v and w),
                  key=lambda c: (-c[0], c[1]))


def score(x: Sequence[float], m: Model) -> float:
    """The chrome probability of a feature vector."""
    z = m.bias + sum(w * v for w, v in zip(m.weights, x) if v)
    return 1.0 / (1.0 + math.exp(-max(min(z, 60.0), -60.0)))


_explained: dict[tuple[float, ...], str] = {}
_explained_by: list[Model | None] = [None]  # the model the memo's reasons are of


def explain(x: tuple[float, ...], m: Model) -> str:
    """The reason of a removal: the score and the three largest contributions (memoised per
    model: chrome repeats across documents, and formatting it costs more than scoring)."""
    if _explained_by[0] is not m:
        _explained.clear()
        _explained_by[0] = m
    hit = _explained.get(x)
    if hit is None:
        if len(_explained) >= CACHE_MAX:
            _explained.clear()
        hit = _explained[x] = _explain(x, m)
    return hit


def _explain(x: Sequence[float], m: Model) -> str:
    p = score(x, m)
    top = ", ".join(f"{name} {c:+.2f}" for c, name in contributions(x, m)[:3])
    return f"score {p:.2f} >= {m.threshold:.2f}: {top}"


def _line_scorer(doc: Document) -> dict[int, Removal]:
    m = model()
    out: dict[int, Removal] = {}
    cut = m.cut
    ctx_w = m.weights[_N_OWN:]
    kept, owns, chosen = _candidates(doc, m, False)
    why: dict[str, Removal] = {}  # one Removal per reason, shared by the lines it is given for
    for k in chosen:
        ctx = context_features(doc, kept, owns, k)
        if owns[k].partial + sum(map(mul, ctx_w, ctx)) >= cut:
            x = owns[k].x
            reason = explain((x if x is not _LAZY else _x(doc, kept[k], owns[k])) + ctx, m)
            out[kept[k]] = why.get(reason) or why.setdefault(reason, LINE_SCORER.removal(reason))
    return out


LINE_SCORER = Heuristic(
    id="heuristic/line-scorer",
    family="other",
    summary=__doc__ or "",
    run=_line_scorer,
)
