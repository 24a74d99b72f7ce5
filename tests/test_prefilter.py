"""The anchored prefilter is an optimisation only: it must never change a decision."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from cleaner import Cleaner
from cleaner.document import Document
from cleaner.kinds import apply_rule
from cleaner.prefilter import anchored_body, top_level_alternatives

CLEANER = Cleaner()
EXAMPLES = sorted({e for r in CLEANER.rules for e in (*r.examples, *r.counterexamples)})


def test_top_level_split_ignores_groups_classes_and_escapes():
    assert top_level_alternatives(r"^a|^(b|c)|^[|]x|^\|y") == ["^a", "^(b|c)", "^[|]x", r"^\|y"]


def test_anchored_only_when_every_alternative_is():
    assert anchored_body(r"^Ad$|^Sponsored$") == "Ad$|Sponsored$"
    assert anchored_body(r"^Ad$|\bcookies\b") is None
    assert anchored_body(r"^(a)\1") is None  # back-references are never joined


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(EXAMPLES), st.text(max_size=60)), min_size=1, max_size=12))
def test_prefiltered_rules_decide_exactly_as_unfiltered(lines):
    doc = Document.from_text("\n".join(lines))
    texts = [(i, ln.stripped) for i, ln in enumerate(doc.lines) if not ln.blank]
    for pack in CLEANER.packs:
        candidates = pack.prefilter.candidates(texts)
        for rule in pack.rules:
            only = candidates if rule.id in pack.anchored else None
            assert apply_rule(rule, doc, set(), only) == apply_rule(rule, doc, set()), rule.id


def test_the_anchored_prefilter_is_time_limited_and_then_names_every_line():
    """A pattern that backtracks badly runs out of time: no candidate set (every line is one),
    rather than a hang; in time, the lines a pattern may open."""
    from cleaner.prefilter import AnchoredSet

    slow = AnchoredSet([("(x+x+)+y", False)])
    assert slow.candidates([(0, "x" * 5000)], timeout=0.05) is None
    plain = AnchoredSet([("Related", True)])
    assert plain.candidates([(0, "related links"), (1, "Unrelated")], timeout=0.05) == {0}


def test_a_packs_joined_prefilter_is_compiled_when_first_used_not_when_the_cleaner_is_built():
    """Building a Cleaner is start-up time every run pays; with the native scanner on, the
    joined patterns serve only lines it could not see. Used, they give the same candidates;
    patterns that do not join give no prefilter (every line a candidate)."""
    from cleaner.prefilter import AnchoredSet

    cleaner = Cleaner(accelerate=False)
    sets = [p.prefilter for p in cleaner.packs if p.prefilter.source] + [cleaner.candidates.fingerprint_filter]
    assert len(sets) > 1 and all(s._compiled is None for s in sets)
    cleaner.clean("Related stories\nThe council voted to close the library.\n")
    assert any(s._compiled is not None for s in sets)
    joined = AnchoredSet([("Related", True), ("Share", False)])
    assert joined._compiled is None
    assert joined.candidates([(0, "related links"), (1, "share this"), (2, "Share this")]) == {0, 2}
    assert AnchoredSet([("(", False)]).candidates([(0, "(")]) is None
    assert AnchoredSet([]).candidates([(0, "x")]) is None
