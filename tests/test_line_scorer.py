"""The line scorer (heuristic/line-scorer): its explanation, its determinism, its shipped
model's refit, and its guarantees (body safety vetoes, idempotence on the benches)."""
from __future__ import annotations

import importlib.util
import json
import math
import sys
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from cleaner import Cleaner, clean
from cleaner.document import Document
from cleaner.heuristics import CONTENT_HEURISTICS, SECOND_COPY
from cleaner.heuristics import line_scorer as ls

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT.parent / "shared" / "bench"
TRAIN = BENCH / "multinews" / "train"

P1 = ("The council voted on Tuesday to close the library for six months while the roof is repaired, "
      "a decision that drew protests from parents and teachers who rely on its reading rooms.")
P2 = ("Officials said the repairs would cost about $2 million and that the work could not wait, "
      "because water had already damaged part of the collection stored on the upper floor.")
P3 = ("The library's director said the staff would run a smaller service from the town hall, "
      "with a few thousand books and the children's reading hour on Saturday mornings.")
CAPTION = "A woman walks past the closed library in this undated image. (Courtesy Jane Doe/Town Archive)"


def _train_scorer():
    spec = importlib.util.spec_from_file_location("train_scorer", ROOT / "bench" / "train_scorer.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["train_scorer"] = mod
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def test_registered_after_the_other_content_heuristics():
    assert CONTENT_HEURISTICS[-1] is ls.LINE_SCORER
    assert ls.LINE_SCORER not in (SECOND_COPY,)


def test_shipped_model_matches_the_features_and_loads():
    data = json.loads(resources.files("cleaner.data").joinpath(ls.MODEL_FILE).read_text(encoding="utf-8"))
    assert tuple(data["features"]) == ls.FEATURES
    m = ls.shipped_model()
    assert len(m.weights) == len(ls.FEATURES) and 0 < m.threshold < 1
    for name in ls.NON_NEGATIVE:  # what makes a second run unable to remove more
        assert m.weights[ls.FEATURES.index(name)] >= 0


def test_a_removal_is_explained_by_its_score_and_top_three_features():
    text = f"{P1}\n\nPhoto gallery: inside the old library\n\n{P2}\n\n{P3}\n"
    result = clean(text)
    gone = [d for d in result.removed if d.rule == ls.LINE_SCORER.id]
    assert [d.text for d in gone] == ["Photo gallery: inside the old library"]
    assert result.text == f"{P1}\n\n{P2}\n\n{P3}\n"
    reason = gone[0].reason
    assert reason.startswith("score ") and f" >= {ls.model().threshold:.2f}: " in reason
    parts = reason.split(": ", 1)[1].split(", ")
    assert len(parts) == 3
    m = ls.model()
    for part in parts:  # each "name +w" names a feature and its contribution
        name, value = part.rsplit(" ", 1)
        assert name in ls.FEATURES and float(value) != 0
    contribs = [float(p.rsplit(" ", 1)[1]) for p in parts]
    assert contribs == sorted(contribs, reverse=True)
    score = float(reason.split()[1])
    assert score >= m.threshold


def test_the_explanation_agrees_with_the_model_arithmetic():
    m = ls.Model(tuple(0.5 if n in ("short", "cue_share") else 0.0 for n in ls.FEATURES), -0.2, 0.6)
    x = tuple(1.0 if n in ("short", "cue_share", "top3") else 0.0 for n in ls.FEATURES)
    p = ls.score(x, m)
    assert p == pytest.approx(1 / (1 + math.exp(-0.8)))
    assert ls.explain(x, m) == f"score {p:.2f} >= 0.60: cue_share +0.50, short +0.50"


def test_scores_are_deterministic_across_runs_and_cleaners():
    text = (TRAIN / "c24c716462b0.txt").read_text(encoding="utf-8") if TRAIN.is_dir() else f"{P1}\n{CAPTION}\n{P2}\n"
    first = [(d.line, d.reason) for d in Cleaner(accelerate=False).clean(text).removed]
    for accelerate in (False, True, None):
        again = [(d.line, d.reason) for d in Cleaner(accelerate=accelerate).clean(text).removed]
        assert again == first


def test_body_paragraphs_are_never_scored_as_chrome():
    text = f"{P1}\n\n{P2}\n\n{P3}\n"
    assert clean(text).text == text


def test_vetoed_lines_are_kept_whatever_their_score():
    """A paragraph of several sentences, an embedded tweet and a caption glued to body text
    are kept even by a model that would remove every line."""
    eager = ls.Model(tuple(0.0 for _ in ls.FEATURES), 10.0, 0.5)
    tweet = "Pictures of my dad playing together back in the day pic.twitter.com/y7lXh6acVn — Maggs (@mjpoukkula) July 16, 2015"
    glued = "A worker returns a bag near the finish line. (Photo: Charles Krupa, AP) Story Highlights Student was watching race"
    long_para = f"{P1} {P2} {P3}"
    text = f"{long_para}\n{tweet}\n{P1}\n{glued}\n{P2}\nShare this\n{P3}\n"
    ls.set_model(eager)
    try:
        out = Cleaner(builtin=False, disabled=["heuristic/second-copy"]).clean(text)
    finally:
        ls.set_model(None)
    scored = [d.text for d in out.removed if d.rule == ls.LINE_SCORER.id]
    assert "Share this" in scored  # the eager model does remove what is not vetoed
    assert not {long_para, tweet, glued} & set(scored)


def test_the_removal_context_only_raises_a_score():
    """removed_before/after are the only features that see outside the kept lines; a line
    whose neighbour went in the same pass scores at least as high as without it."""
    cleaner = Cleaner(disabled=[ls.LINE_SCORER.id], accelerate=False)
    text = f"{P1}\nAdvertisement\nJane Doe for The Daily Bugle\n{P2}\n"
    doc = Document.from_text(text)
    for stage in cleaner.stages():
        if stage is SECOND_COPY:
            break
        doc = stage(doc)
    with_ctx = {r.index: ls.score(r.x, ls.model()) for r in ls.rows(doc, every=True)}
    bare = Document.from_text(f"{P1}\nJane Doe for The Daily Bugle\n{P2}\n")
    assert doc.removed and 1 in doc.removed  # the ad marker went in this pass
    without = {r.index: ls.score(r.x, ls.model()) for r in ls.rows(bare, every=True)}
    assert with_ctx[2] >= without[1]


@pytest.mark.skipif(not TRAIN.is_dir(), reason="the shared Multi-News bench is not here")
def test_refit_reproduces_the_shipped_weights_exactly():
    """bench/train_scorer.py on the train split gives the shipped file, byte for byte."""
    pytest.importorskip("scipy")
    ts = _train_scorer()
    cases = ts.load_cases([TRAIN], BENCH)
    shipped = resources.files("cleaner.data").joinpath(ls.MODEL_FILE).read_text(encoding="utf-8")
    assert ts.model_json(cases) == shipped


@pytest.mark.skipif(not BENCH.is_dir(), reason="the shared bench is not here")
@pytest.mark.parametrize("split", ["multinews/train", "multinews/dev", "html-articles/dev"])
def test_cleaning_is_idempotent_on_the_benches(split):
    cleaner = Cleaner()
    for path in sorted((BENCH / split).glob("*.txt")):
        if path.name.endswith(".gold.txt"):
            continue
        once = cleaner.clean(path.read_text(encoding="utf-8")).text
        assert cleaner.clean(once).text == once, path.name


def test_long_documents_keep_slim_line_records_with_the_same_decisions(monkeypatch):
    """Past the cache's size a document keeps slim, shared records per line (no feature
    vector, measured again for the lines scored): the decisions are those of full records."""
    from conftest import SEEDS

    from cleaner import Cleaner
    from cleaner.heuristics import line_scorer as ls

    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")) if ".expected" not in p.name]
    if TRAIN.is_dir():
        texts += [p.read_text(encoding="utf-8") for p in sorted(TRAIN.glob("*.txt"))[:60] if ".gold" not in p.name]
    texts.append(f"{P1}\n{CAPTION}\n{P2}\n")
    c = Cleaner(accelerate=False)
    want = [c.clean(t) for t in texts]
    monkeypatch.setattr(ls, "CACHE_MAX", 2)  # every seed is "longer than the cache"
    ls._own_cache.clear()
    got = [c.clean(t) for t in texts]
    assert [(r.text, tuple(r.decisions)) for r in got] == [(r.text, tuple(r.decisions)) for r in want]
    assert any(d.rule == ls.LINE_SCORER.id for r in got for d in r.removed)
    doc = Document.from_text("".join(f"Share item {k}\n" for k in range(50)))
    kept, owns, _ = ls._candidates(doc, ls.model(), False)
    assert all(o.x is ls._LAZY for o in owns) and len({id(o) for o in owns}) < 5  # slim, and shared


# --- the cue-word screen ----------------------------------------------------------------------

def plain_cue_flags(text: str) -> tuple[float, ...]:
    """The cue features as the policy states them: each group's pattern searched in the line."""
    return tuple(1.0 if p.search(text) else 0.0 for p in ls.cue_patterns())


def _cue_words() -> list[str]:
    import tomllib

    data = tomllib.loads(resources.files("cleaner.data").joinpath(ls.CUE_FILE).read_text(encoding="utf-8"))
    return [w for group in ls.CUE_GROUPS for w in data[group]["words"]]


def test_the_cue_screen_finds_what_the_patterns_find_on_the_bench_lines():
    lines = [ln.strip() for p in sorted(BENCH.glob("*/*/*.txt")) for ln in p.read_text(encoding="utf-8").splitlines()]
    lines = [ln for ln in lines if ln]
    flags = [ls.cue_flags(ln) for ln in lines]
    assert flags == [plain_cue_flags(ln) for ln in lines]
    assert all(any(f[k] for f in flags) for k in range(len(ls.CUE_GROUPS)))  # every group matches somewhere


# Characters a cue word's letters match case-insensitively besides their own upper and lower
# case (the Kelvin sign, the long s, the dotted capital I, the dotless i), and others around them.
_EDGY = "KkſSsİıIi ẞß.:+'’-_@#©1"
_STAND_INS = {"k": "\u212a", "s": "\u017f", "i": "\u0130", "I": "\u0130"}


@given(st.sampled_from(_cue_words()), st.text(_EDGY, max_size=4), st.text(_EDGY, max_size=4),
       st.lists(st.booleans(), max_size=40), st.lists(st.booleans(), max_size=40))
@settings(max_examples=400, deadline=None)
def test_the_cue_screen_finds_every_match_whatever_the_case(word, before, after, upper, stand_in):
    """A cue word in any case, with any of its letters taken by a character that matches it
    case-insensitively, anywhere in a line: the screen lets the search run wherever it finds."""
    word = "".join(c.upper() if k < len(upper) and upper[k] else c for k, c in enumerate(word))
    word = "".join(_STAND_INS.get(c, c) if k < len(stand_in) and stand_in[k] else c for k, c in enumerate(word))
    for text in (before + word + after, f"{'x' * ls.CUE_SCREEN_MIN_CHARS} {before}{word}{after}"):  # short and screened
        assert ls.cue_flags(text) == plain_cue_flags(text)


def test_a_dotted_capital_i_in_a_cue_word_is_found():
    """regex takes "İ" for "i" but not for "I": the screen must still let it through."""
    for text in ("Pİctured: the council voted", "PİCTURED: the council voted", "pıctured here and there, again"):
        assert ls.cue_flags(text) == plain_cue_flags(text)
    assert ls.cue_flags("Pİctured: the council voted")[ls.CUE_GROUPS.index("caption")] == 1.0


def test_case_classes_are_read_whole_from_the_basic_plane():
    """Every code point that matches a cue word's character case-insensitively is below
    CASE_SCAN_LIMIT, found by the one character-class scan the cleaner makes (the same as
    scanning for each character on its own), and any character that matches another shares
    its representative (so mapping a line keeps every match)."""
    import regex

    chars = "".join(sorted({ch for w in _cue_words() for ch in w}))
    table = ls.case_classes(chars)
    assert ls.case_classes(chars, limit=0x110000) == table
    everything = "".join(map(chr, range(0x110000)))
    each = {ord(c) for d in chars for c in regex.findall(regex.escape(d), everything, regex.IGNORECASE)}
    assert each | set(map(ord, chars)) == set(table)
    for c in table:
        for d in chars:
            if regex.fullmatch(regex.escape(d), chr(c), regex.IGNORECASE):
                assert table[c] == table[ord(d)], (chr(c), d)
    assert table[0x212A] == table[ord("k")] and table[0x17F] == table[ord("s")] and table[0x130] == table[ord("I")]
    # one character for one: the patterns do not fold a character to a sequence ("ß" for "ss")
    assert not any(p.flags & regex.FULLCASE for p in ls.cue_patterns())
