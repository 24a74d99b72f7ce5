"""Invariants of the policy, checked by hypothesis on generated documents:
cleaning is idempotent, the output is a subsequence of the input lines (nothing rewritten,
order kept), no kept line appears twice, and nothing raises on arbitrary text."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings, strategies as st

from cleaner import Cleaner, clean
from cleaner.document import split_lines
from conftest import SEEDS

# Real lines (body and chrome) from the seeds and the rule examples, so the generated
# documents exercise the rules and heuristics rather than only random noise.
_SEED_LINES = sorted({ln for p in SEEDS.glob("*.txt") for ln in p.read_text(encoding="utf-8").split("\n")})
_RULE_LINES = sorted({e for r in Cleaner().rules for e in (*r.examples, *r.counterexamples)})

line_text = st.one_of(
    st.sampled_from(_SEED_LINES),
    st.sampled_from(_RULE_LINES),
    st.just(""),
    st.text(alphabet=st.characters(blacklist_characters="\r\n"), max_size=80),
    st.text(alphabet=st.characters(blacklist_characters="\r\n"), min_size=2000, max_size=6000),
)
ending = st.sampled_from(["\n", "\n", "\n", "\r\n", "\r"])


@st.composite
def documents(draw):
    lines = draw(st.lists(line_text, max_size=40))
    if draw(st.booleans()) and lines:  # a body pasted twice
        lines = lines + lines[: draw(st.integers(1, len(lines)))]
    ends = [draw(ending) for _ in lines]
    text = "".join(t + e for t, e in zip(lines, ends))
    if text and draw(st.booleans()):
        text = text.rstrip("\r\n")
    return text


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _subsequence(small: list[str], big: list[str]) -> bool:
    it = iter(big)
    return all(any(s == b for b in it) for s in small)


@SETTINGS
@given(documents())
def test_cleaning_is_idempotent(text):
    once = clean(text).text
    assert clean(once).text == once


@SETTINGS
@given(documents())
def test_output_is_a_subsequence_of_input_lines(text):
    out = clean(text).text
    assert _subsequence([ln.text for ln in split_lines(out)], [ln.text for ln in split_lines(text)])


@SETTINGS
@given(documents())
def test_no_kept_line_appears_twice(text):
    kept = [ln.stripped for ln in split_lines(clean(text).text) if not ln.blank]
    assert len(kept) == len(set(kept))


@SETTINGS
@given(documents())
def test_decisions_cover_every_input_line_and_match_output(text):
    result = clean(text)
    lines = split_lines(text)
    assert [d.line for d in result.decisions] == [ln.number for ln in lines]
    kept = [d.text for d in result.decisions if d.kept]
    assert kept == [ln.text for ln in split_lines(result.text)]
    assert all(d.rule and d.reason for d in result.decisions if not d.kept)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_unicode_never_raises(text):
    result = clean(text)
    assert isinstance(result.text, str)
    assert clean(result.text).text == result.text


def test_huge_line_and_many_empty_lines():
    big = "word " * 200_000
    assert clean(big).text == big
    empties = "\n" * 100_000
    assert clean(empties).text == empties


def test_idempotent_when_removing_one_sites_fingerprint_reveals_another():
    text = ("(Additional reporting by Ben Blanchard in Beijing; Writing by Alistair Lyon; editing by Peter Millership)\n"
            "Based on reporting by RFE/RL's Russian Service\n")
    once = clean(text).text
    assert clean(once).text == once


# Pages built from the blocks the layout heuristics tell apart: menus and link lists (short
# lines, no sentence end), headlines and teasers, stamps, body paragraphs, blank lines, and
# the generated lines above; some of their lines already removed, as rules leave them.
_PROSE = [ln for ln in _SEED_LINES if len(ln) > 120 and ln.rstrip().endswith((".", '"', "”"))][:40]
_LINKS = ["Home", "News", "Sport", "Weather", "Tags", "World", "Business", "Video", "Politics", "Science"]
_SHORT = _LINKS + ["Contact us", "Sign in", "Share", "Updated 3:02 PM", "Tuesday November 19, 2019", "Most read"]
_HEADLINES = ["Council votes to close the town library", "Families build their own homes",
              "The monk who fears for Buddhism", "What the budget means for you", "Gorillas nearly missed"]
_block = st.one_of(
    st.lists(st.sampled_from(_SHORT), min_size=1, max_size=9),
    st.lists(st.sampled_from(_HEADLINES), min_size=1, max_size=5),
    st.lists(st.sampled_from(_PROSE), min_size=1, max_size=5),
    st.lists(st.sampled_from(_LINKS), min_size=4, max_size=12),  # a link list: a run of chrome-shaped lines
    st.lists(line_text, min_size=1, max_size=3),
    st.just([""]),
)


@st.composite
def pages(draw):
    """A document of such blocks, perhaps closing with a teaser list, with some lines already
    removed (by index)."""
    from cleaner.document import Document, Removal

    lines = [ln for block in draw(st.lists(_block, max_size=14)) for ln in block]
    lines += draw(st.lists(st.sampled_from(_HEADLINES + _SHORT), max_size=10))
    doc = Document.from_text("".join(ln + "\n" for ln in lines))
    gone = draw(st.sets(st.integers(0, max(len(lines) - 1, 0)), max_size=len(lines) // 4))
    return doc.remove({i: Removal("test/rule", "test", "removed by a rule") for i in gone if i < len(lines)})


@SETTINGS
@given(pages())
def test_a_heuristic_said_to_be_idempotent_removes_nothing_from_what_it_kept(doc):
    """What Heuristic.idempotent claims (a later pass skips such a heuristic while its view is
    what it left): run on its own result, it removes nothing; with the native profile, and
    measuring lines as it goes."""
    from dataclasses import replace as dc_replace

    from cleaner import native
    from cleaner.heuristics import ALL
    from cleaner.prose import Profile

    idempotent = [h for h in ALL if h.idempotent]
    assert {h.id for h in idempotent} >= {"heuristic/outside-body", "heuristic/chrome-run", "heuristic/teaser-tail"}
    docs = [doc]
    if native.compiled():
        native.enable()
        texts = [ln.stripped for ln in doc.lines]
        docs.append(dc_replace(doc, profile=Profile(texts, native.measure_lines(texts))))
    for d in docs:
        for h in idempotent:
            left = d.remove(h.run(d))
            assert h.run(left) == {}, (h.id, [ln.text for i, ln in enumerate(d.lines) if i not in d.removed])
