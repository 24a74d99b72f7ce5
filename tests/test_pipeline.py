"""Layout around removals, line endings, options of the library call."""
from __future__ import annotations

from collections import Counter

import pytest

from cleaner import Cleaner, CleanerError, clean

P1 = "The council voted on Tuesday to close the library, despite a petition signed by residents."
P2 = "Officials said the building needed repairs that would cost far more than the town could afford."


def test_blank_lines_framing_removed_text_go_and_paragraph_break_stays():
    text = f"{P1}\n\nAdvertisement\n\n{P2}\n"
    assert clean(text).text == f"{P1}\n\n{P2}\n"


def test_blank_runs_in_untouched_body_are_kept():
    text = f"{P1}\n\n\n{P2}\n"
    assert clean(text).text == text


def test_leading_and_trailing_chrome_take_their_blank_lines():
    text = f"Advertisement\n\n{P1}\n\n{P2}\n\nAdvertisement\n"
    assert clean(text).text == f"{P1}\n\n{P2}\n"


def test_line_endings_are_kept_per_line():
    text = f"{P1}\r\nAdvertisement\r\n{P2}\r{P1} again\n"
    assert clean(text).text == f"{P1}\r\n{P2}\r{P1} again\n"


def test_final_newline_not_added_when_absent():
    assert clean(f"{P1}\n{P2}\nAdvertisement").text == f"{P1}\n{P2}"
    assert clean(f"{P1}\n{P2}\nAdvertisement\n").text == f"{P1}\n{P2}\n"


def test_empty_input_gives_empty_output():
    assert clean("").text == "" and clean("").decisions == ()


def test_disable_by_id_pack_and_family():
    text = f"{P1}\nAdvertisement\nPhoto\n"
    scorer = "heuristic/line-scorer"  # it would also take the ad marker the rules leave
    assert clean(text, disabled=["general/ad-marker", scorer]).text == f"{P1}\nAdvertisement\n"
    assert clean(text, disabled=["general/*", scorer]).text == text
    assert clean(text, disabled=["family:widget", scorer]).text == f"{P1}\nAdvertisement\n"


def test_site_hint_applies_that_site_pack():
    text = f"{P1}\nBy clicking 'Search' you\nare agreeing to our\nTerms of Use.\n"
    assert clean(text).site is None
    result = clean(text, site="independent")
    assert result.site == "independent" and result.text == f"{P1}\n"


def test_unknown_site_is_an_error():
    with pytest.raises(CleanerError, match="unknown site"):
        Cleaner(site="nowhere")


def test_cleaner_object_is_reusable():
    c = Cleaner()
    assert c.clean(f"{P1}\nAdvertisement").text == P1
    assert c.clean(f"Share\n{P2}").text == P2


def test_a_line_removed_twice_keeps_the_first_reason_it_was_given():
    from cleaner.document import Document
    from cleaner.heuristics import CHROME_RUN, SECOND_COPY

    first, later = SECOND_COPY.removal("first"), CHROME_RUN.removal("later")
    doc = Document.from_text("a\nb\nc\nd\n").remove({1: first})
    both = doc.remove({1: later, 2: later})  # overlapping
    assert both.removed == {1: first, 2: later}
    apart = both.remove({0: later})  # disjoint
    assert apart.removed == {0: later, 1: first, 2: later}
    assert doc.removed == {1: first} and both.removed == {1: first, 2: later}  # earlier documents unchanged


def test_kept_lines_are_worked_out_once_per_document_and_follow_removals():
    from cleaner.document import Document
    from cleaner.heuristics import SECOND_COPY

    doc = Document.from_text("Menu\n\nBody line.\nFooter\n")
    assert list(doc.kept_indices()) == [0, 1, 2, 3] and list(doc.kept_text_indices()) == [0, 2, 3]
    assert doc.kept_text_indices() is doc.kept_text_indices()  # computed once
    fewer = doc.remove({0: SECOND_COPY.removal("x")})
    assert list(fewer.kept_indices()) == [1, 2, 3] and list(fewer.kept_text_indices()) == [2, 3]
    assert list(doc.kept_text_indices()) == [0, 2, 3]  # the earlier document is unchanged
    renamed = fewer.with_site("bbc")
    assert renamed.kept_text_indices() is fewer.kept_text_indices()  # same lines kept: shared


def test_a_document_copy_carries_every_field_and_changes_only_those_named():
    from dataclasses import fields

    from cleaner.document import Document
    from cleaner.heuristics import SECOND_COPY

    doc = Document.from_text("Menu\n\nBody line.\n").but(site="bbc", warnings=("w",), applied=frozenset({"p"}))
    doc.kept_indices(), doc.chars_before()
    same = doc.but()
    assert all(getattr(same, f.name) is getattr(doc, f.name) for f in fields(Document))
    why = {0: SECOND_COPY.removal("x")}
    other = doc.but(removed=why, site=None)
    changed = {f.name for f in fields(Document) if getattr(other, f.name) is not getattr(doc, f.name)}
    assert changed == {"removed", "site", "_kept", "_kept_text"}
    assert other.removed is why and other.site is None and list(other.kept_indices()) == [1, 2]


def test_splitting_gives_each_lines_text_stripped_text_and_ending_as_columns():
    from cleaner.document import Line, split_lines

    lines = split_lines("  Menu \r\n\nBody line.\rTail")
    assert lines.texts == ["  Menu ", "", "Body line.", "Tail"]
    assert lines.stripped == ["Menu", "", "Body line.", "Tail"]
    assert [lines.ending(i) for i in range(4)] == ["\r\n", "\n", "\r", ""]
    assert lines[0] == Line(1, "  Menu ", "\r\n", "Menu", False) and lines[1].blank
    assert split_lines("a\n") == split_lines("a\n", [])  # nothing to compact


@pytest.mark.parametrize("accelerate", [True, False])
def test_cleaning_leaves_no_reference_cycles_behind(accelerate):
    """What a document's run makes is freed as soon as it is done with, by reference counts:
    a cycle (a cache holding the document that holds it) would keep every line's
    measurement alive until the cyclic collector ran, and give it that work per document."""
    import gc

    from conftest import SEEDS

    c = Cleaner(accelerate=accelerate)
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")) if ".expected" not in p.name]
    for text in texts:
        c.clean(text).removed  # noqa: B018 - warm what is cached across documents
    gc.collect()
    gc.disable()
    try:
        for text in texts:
            c.clean(text).removed  # noqa: B018
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_lines_taken_for_a_later_pass_keep_their_input_numbers():
    """A later pass's lines are columns taken from the input's, each remembering its index
    there (origin): rows, decisions and second copies report the input's numbers."""
    import pickle

    from cleaner.document import Decision, Lines, split_lines
    from cleaner.heuristics import copies, duplicates
    from cleaner.result import decisions

    same = "The same sentence, long enough to count as a copy."
    lines = split_lines(f"Intro\r\n{same}\nMiddle\n\n{same}\nTail")
    later = lines.taking([1, 2, 4, 5])
    assert list(later.origin) == [1, 2, 4, 5] and [ln.number for ln in later] == [2, 3, 5, 6]
    assert later.texts == [same, "Middle", same, "Tail"] and later.ending(3) == "" and later.ending(0) == "\n"
    again = later.taking([2, 3])
    assert list(again.origin) == [4, 5] and list(again) == [lines[4], lines[5]]
    assert [d.line for d in decisions(again, {})] == [5, 6]
    assert decisions(again, {0: duplicates.SECOND_COPY.removal("x")})[0] == Decision(
        5, False, same, "heuristic/second-copy", "heuristic", "x", "duplicate")
    assert copies.triples(copies.second_copies(later, [0, 1, 2, 3], duplicates.fold, {})) == [(2, duplicates.EXACT, 2)]
    assert Lines.of(list(again)) == again and Lines.of(list(lines)) == lines and Lines.of(lines).origin is None
    assert lines[1:3] == lines.taking([1, 2]) and lines[-1].number == 6
    assert pickle.loads(pickle.dumps(again)) == again


def test_lines_hold_one_item_per_line_in_every_column():
    from cleaner.document import Lines

    for columns in ((["a"], [], b"\x01"), (["a"], ["a"], b""), (["a"], ["a"], b"\x04"), (["a"], ["a"], b"\x01", [0, 1])):
        with pytest.raises(ValueError):
            Lines(*columns)


def test_a_pass_document_is_the_constructors_document():
    from cleaner.document import Document, split_lines
    from cleaner.prose import Profile

    lines = split_lines("Menu\n\nBody line.\n")
    profile, applied, views = Profile([ln.stripped for ln in lines], []), frozenset({"general"}), {"heuristic/x": 2}
    made = Document.start(lines, applied, views, None, profile)
    assert made == Document(lines, applied=applied, views=views, profile=profile)
    assert made.removed == {} and made.removed is not Document.start(lines, applied, views, None, profile).removed
    assert list(made.kept_indices()) == [0, 1, 2] and list(made.kept_text_indices()) == [0, 2]


def test_characters_before_each_line_are_counted_once_for_the_lines():
    from cleaner.document import Document
    from cleaner.heuristics import SECOND_COPY

    doc = Document.from_text("Menu\r\n\nBody line.\nFooter")
    assert doc.chars_before() == [0, 4, 4, 14, 20]  # line text only, endings aside
    assert doc.chars_before() is doc.chars_before()
    fewer = doc.remove({0: SECOND_COPY.removal("x")})
    assert fewer.chars_before() is doc.chars_before()  # removals leave the lines as they are
    assert Document(doc.lines[2:]).chars_before() == [0, 10, 16]


def test_removed_lines_and_their_families_as_summaries_count_them():
    text = "Home\nNews\nSport\nWeather\n\nThe council voted on Tuesday to close the library, despite a petition.\n\nAdvertisement\n"
    result = Cleaner(accelerate=False).clean(text)
    by_hand = [d for d in result.decisions if not d.kept]
    assert result.removed == by_hand
    assert result.removed_text() == [d for d in by_hand if d.text.strip()]
    assert result.families() == Counter(d.family or "other" for d in by_hand if d.text.strip())
    assert sum(result.families().values()) == len(result.removed_text()) > 0


def test_decisions_read_as_the_tuple_of_every_line_decision_and_removed_builds_only_those():
    """A result's decisions are a view built from its removals: equal to the tuple with one
    Decision per line, indexable, sliceable, picklable; reading the removed lines' decisions
    builds none for the kept lines."""
    import pickle

    from cleaner.document import split_lines
    from cleaner.document import Decision
    from cleaner.result import Decisions

    text = "Home\nNews\nSport\nWeather\n\nThe council voted on Tuesday to close the library, despite a petition.\n\nAdvertisement\n"
    result = Cleaner(accelerate=False).clean(text)
    lines = split_lines(text)
    assert result.decisions._all is None  # nothing built by the run itself
    gone = result.removed
    assert result.decisions._all is None  # still nothing: removed lines only
    assert [d.line for d in gone] == [1, 2, 3, 4, 5, 7, 8] and all(not d.kept for d in gone)
    eager = tuple(result.decisions)
    assert len(result.decisions) == len(lines) == len(eager)
    assert eager == tuple(d for d in eager)  # iteration gives Decision tuples in line order
    assert [d.line for d in eager] == list(range(1, len(lines) + 1))
    assert result.decisions == eager and eager == result.decisions
    assert result.decisions[5] == eager[5] and result.decisions[-1] == eager[-1]
    assert result.decisions[1:3] == eager[1:3]
    assert [d for d in eager if not d.kept] == gone
    assert hash(result.decisions) == hash(eager)
    assert result.decisions != list(eager)  # compares as the tuple it stands for
    thawed = pickle.loads(pickle.dumps(result))
    assert thawed == result and thawed.decisions == eager
    assert Decisions(lines, {}) == tuple(Decision(ln.number, True, ln.text) for ln in lines)  # nothing removed: every line kept
    assert Decisions(split_lines(""), {}) == () and not Cleaner().clean("").changed


@pytest.mark.parametrize("accelerate", [True, False])
def test_a_section_placed_by_its_share_of_the_text_can_open_in_a_later_pass(accelerate):
    """"Most read" stands too early in the text (14%) for the after-article list until the
    long cookie notice after it is gone; the later pass sees it at 44% and the list goes."""
    later = "Residents said they would appeal the decision, and the mayor promised a review of the budget next spring."
    cookie = "We use cookies on this site to improve your experience. " * 8
    # (the rules' passes alone: the line scorer would take the lone "Most read" in the first pass)
    result = Cleaner(accelerate=accelerate, disabled=["heuristic/line-scorer"]).clean(f"{P1}\nMost read\n{later}\n{cookie}\n")
    assert [(d.line, d.rule) for d in result.removed] == [
        (2, "general/after-article-list"), (3, "general/after-article-list"), (4, "general/cookie-notice")]


def test_a_later_pass_applies_no_rule_when_the_headers_of_those_placed_by_share_are_gone():
    """Only sections placed by their share of the text run again in a later pass, and only
    where a line they could open on is still there: here the list and its "Most read" header
    go in the first pass, so the later pass hands the document on untouched."""
    c = Cleaner(accelerate=True, disabled=["heuristic/line-scorer"])  # the rules' passes alone
    if c.candidates.scanner is None:
        pytest.skip("the native scanner is not installed")
    untouched: list[bool] = []
    real = c.apply_rules
    c.apply_rules = lambda d: (out := real(d), untouched.append(out is d))[0]  # type: ignore[method-assign]
    c._stages = (None, [])
    cookie = "We use cookies on this site to improve your experience. " * 4
    result = c.clean(f"{P1}\n{P2}\nMost read\nTen things to do this weekend\n{cookie}\n")
    assert [d.rule for d in result.removed] == ["general/after-article-list"] * 3
    assert untouched == [False, True]  # the first pass, then the later one
    untouched.clear()
    # too early in the text until the cookie notice goes: the header is still there in the
    # second pass, which runs the rule again and takes the list; the third has nothing to do
    again = c.clean(f"{P1}\nMost read\nTen things to do this weekend\n{cookie * 2}\n")
    assert [d.rule for d in again.removed][:2] == ["general/after-article-list"] * 2
    assert untouched == [False, False, True]


def test_a_document_no_site_recognises_is_not_searched_again_in_later_passes():
    """Fingerprints match lines; a later pass sees a subset of them, so no site can appear."""
    from cleaner.document import Document
    from cleaner.pipeline import NO_SITE

    from conftest import SEEDS

    for accelerate in (False, True):
        cleaner = Cleaner(accelerate=accelerate)
        plain = cleaner.detect_site(Document.from_text((SEEDS / "003_314c139d2cd2a5a9.txt").read_text()))
        assert plain.site is None and NO_SITE in plain.applied
        bbc = cleaner.detect_site(Document.from_text((SEEDS / "004_8b3e18fa1e927333.txt").read_text()))
        assert bbc.site == "bbc" and NO_SITE not in bbc.applied
        calls = []
        cleaner.candidates.site_packs = {name: _Counting(p, calls) for name, p in cleaner.candidates.site_packs.items()}
        cleaner.site = None
        assert cleaner.detect_site(plain).site is None and calls == []  # settled: not searched


class _Counting:
    def __init__(self, pack, calls):
        self.pack, self.calls, self.name = pack, calls, pack.name

    def __getattr__(self, name):
        self.calls.append(name)
        return getattr(self.pack, name)


# --- blank runs held as one line ---------------------------------------------------------------

def _with_blank_runs(text: str, k: int) -> str:
    """The text with each blank line made a run of k blank lines (some with spaces or CRLF)."""
    out = []
    for n, line in enumerate(text.split("\n")):
        out.append(line)
        if not line.strip():
            out += [("  \r" if n % 3 == 0 else " " if n % 2 else "")] * (k - 1)
    return "\n".join(out)


@pytest.mark.parametrize("accelerate", [True, False])
def test_compacting_blank_runs_changes_no_decision(accelerate, monkeypatch):
    """Blank runs are held as one line (document.split_lines); every decision, reason (line
    numbers in them included), warning and output byte is what the uncompacted lines give."""
    from cleaner import pipeline
    from conftest import SEEDS

    monkeypatch.setattr(pipeline, "COMPACT_MIN_CHARS", 0)  # every document compacted
    c = Cleaner(accelerate=accelerate)
    texts = [_with_blank_runs(p.read_text(encoding="utf-8"), k)
             for k, p in enumerate(sorted(SEEDS.glob("*.txt"))[:12], start=2) if ".expected" not in p.name]
    texts.append(f"Home\nNews\nSport\n\n\n\nWeather\n\n\n{P1}\n\n\n\n{P2}\n\n\n{P1}\n\n\nShare this article\n\n\n")
    compacted = [c.clean(t) for t in texts]
    monkeypatch.setattr(pipeline, "COMPACT_MIN_CHARS", float("inf"))  # none
    for t, got in zip(texts, compacted):
        want = c.clean(t)
        assert got.text == want.text and got.warnings == want.warnings
        assert tuple(got.decisions) == tuple(want.decisions) and len(got.decisions) == len(want.decisions)
        assert got.removed == want.removed and got.families() == want.families()
    assert any(d.rule == "layout/blank" for r in compacted for d in r.removed)  # removed runs are given back line by line
    assert any("line" in (d.reason or "") and d.rule == "heuristic/second-copy" for r in compacted for d in r.removed)


def test_blank_runs_are_not_held_line_by_line():
    """What memory grows with: 200,000 blank lines are one line of the document (their
    decisions are made one per line only when asked for)."""
    import pickle

    from cleaner import pipeline

    text = "Home\nNews\nSport\nWeather\n" + "\n" * 200_000 + f"{P1}\n\n\n{P2}\n" + "\n" * 100_000
    assert len(text) >= pipeline.COMPACT_MIN_CHARS
    result = Cleaner().clean(text)
    assert len(result.decisions._lines) < 10 and len(result.decisions) == text.count("\n")
    assert result.text == f"{P1}\n\n\n{P2}\n" + "\n" * 100_000  # the menu and the blank lines after it go
    gone = result.removed
    assert [d.line for d in gone[:6]] == [1, 2, 3, 4, 5, 6] and len(gone) == 4 + 200_000
    assert pickle.loads(pickle.dumps(result.decisions)) == result.decisions
