"""Each heuristic, positive and negative."""
from __future__ import annotations

from cleaner import Cleaner, clean
from cleaner.document import Document, Line, Lines
from cleaner.heuristics import CREDIT_TAIL, SECOND_COPY, TEASER_TAIL

P1 = ("The council voted on Tuesday to close the library, despite a petition signed by more than 4,000 "
      "residents who packed the meeting.")
P2 = ("Officials said the building needed repairs that would cost far more than the town could afford "
      "this year or the next.")
P3 = ("Supporters of the library said they would challenge the decision in court, and a hearing is set "
      "for the middle of May.")


def ids(h, text: str) -> list[int]:
    return sorted(h.run(Document.from_text(text)))


def test_second_copy_drops_a_pasted_body():
    text = "\n".join([P1, P2, P3, P1, P2, P3])
    assert ids(SECOND_COPY, text) == [3, 4, 5]


def test_second_copy_near_exact_repeat():
    assert ids(SECOND_COPY, P1 + "\n" + P1.upper().replace(" ", "  ") + "\n") == [1]


def test_second_copy_pull_quote_contained_in_body():
    quote = "despite a petition signed by more than 4,000 residents"
    assert ids(SECOND_COPY, f"{P1}\n{P2}\n{quote}\n") == [2]


def test_second_copy_keeps_distinct_lines_and_short_innocent_repeats_are_exact_only():
    assert ids(SECOND_COPY, f"{P1}\n{P2}\nMore\n{P3}\nMore, later\n") == []


def test_teaser_tail_drops_headline_list_after_the_body():
    tail = ["Families build their own homes", "Families build their own homes",
            "The monk who fears for Buddhism", "Gorillas nearly missed"]
    assert ids(TEASER_TAIL, "\n".join([P1, P2, P3, *tail])) == [3, 4, 5, 6]


def test_teaser_tail_keeps_short_closing_sentences():
    tail = ["He declined to comment.", "The hearing is in May.", "It's quiet now."]
    assert ids(TEASER_TAIL, "\n".join([P1, P2, P3, *tail])) == []


def test_teaser_tail_needs_three_items():
    assert ids(TEASER_TAIL, "\n".join([P1, P2, "Related coverage", "Library fight"])) == []


def test_credit_tail_drops_bracketed_names():
    assert ids(CREDIT_TAIL, f"{P1}\n{P2}\n(With Nick Carey in Detroit and Ann Saphir)\n") == [2]


def test_credit_tail_keeps_correction_notes():
    assert ids(CREDIT_TAIL, f"{P1}\n{P2}\n(This story has been updated with comments from the attorney.)\n") == []


def test_heuristic_can_be_disabled():
    text = "\n".join([P1, P2, P1])
    assert clean(text).text == "\n".join([P1, P2])
    assert Cleaner(disabled=["heuristic/second-copy"]).clean(text).text == text


# --- layout: outside-body and chrome-run ------------------------------------------------------

from cleaner.heuristics import CHROME_RUN, OUTSIDE_BODY, SHOUTING  # noqa: E402

MENU = ["Home", "News", "Sport", "Weather", "Business", "Culture"]
TITLE = "Library closure approved despite petition"


def test_outside_body_drops_menus_but_keeps_the_headline():
    lines = MENU + [TITLE, P1, P2, P3] + ["About us", "Contact", "Careers", "Privacy"]
    got = ids(OUTSIDE_BODY, "\n".join(lines))
    assert got == [0, 1, 2, 3, 4, 5, 10, 11, 12, 13]


def test_outside_body_leaves_a_plain_article_alone():
    lines = [TITLE, "A short standfirst about the vote", P1, P2, P3, "He declined to comment."]
    assert ids(OUTSIDE_BODY, "\n".join(lines)) == []


def test_outside_body_reason_names_the_features():
    doc = Document.from_text("\n".join(MENU + [TITLE, P1, P2, P3]))
    why = OUTSIDE_BODY.run(doc)[0].reason
    assert "before the main body" in why and "menu-like lines" in why


def test_chrome_run_drops_a_tag_list_inside_the_body():
    lines = [P1, P2, "Opinion", "China", "Hong Kong", "Protests", "Beijing", P3, P1 + " Again."]
    assert ids(CHROME_RUN, "\n".join(lines)) == [2, 3, 4, 5, 6]


def test_chrome_run_keeps_a_single_subheading():
    lines = [P1, "Russian visit", P2, "Regime change", P3]
    assert ids(CHROME_RUN, "\n".join(lines)) == []


# --- all-caps ---------------------------------------------------------------------------------

def test_all_caps_drops_a_long_shouted_transcript():
    shout = ("WE CHECKED THE SHERIFF'S OFFICE AND ALL THEY WOULD SAY IS THIS CASE IS ACTIVE AND OPEN. "
             "NEW AT 5:00, A MOM IS ACCUSED OF TAKING HER DAUGHTER")
    assert ids(SHOUTING, f"{shout}\n{P1}\n") == [0]


def test_all_caps_keeps_short_shouts_and_uncased_scripts():
    assert ids(SHOUTING, f"WAIT REALLY? — Dan Hon\n{P1}\n") == []
    korean = "다만 MBC <숨바꼭질>은 방영을 시작한 지 얼마 되지 않았지만 벌써 지쳐가는 인상이다 SBS KBS 여주인공 이유리의 연기는 그녀의 막장 히트작 연민정처럼 감정펀치"
    assert ids(SHOUTING, korean) == []


def test_a_per_line_heuristic_runs_once_per_document_and_the_others_when_their_view_changed():
    """A heuristic that decides each line from its own text (all-caps) has nothing new to
    say in a later pass of the fixpoint, so it is skipped there. The others run again
    when a kept line with text has gone since they last looked; a blank one does not count."""
    from dataclasses import replace as dc_replace

    from cleaner.heuristics import SHOUTING
    from cleaner.heuristics.base import Heuristic

    seen: list[int] = []

    def count(doc):
        seen.append(len(doc.kept_text_indices()))
        return {}

    once = Heuristic(id="test/once", family="other", summary="", run=count, settles=True)
    doc = Document.from_text(f"{P1}\n\n{P2}\n{P3}\n")
    after = once(doc)
    assert seen == [3] and "test/once" in after.applied
    assert once(dc_replace(after, removed={})).applied == after.applied and seen == [3]
    every = Heuristic(id="test/every", family="other", summary="", run=count)
    looked = every(doc)
    assert seen == [3, 3] and looked.views["test/every"] == 3
    every(looked)
    every(looked.remove({1: SHOUTING.removal("blank")}))
    assert seen == [3, 3]  # the same view, and it removed nothing from it: the same verdict
    every(looked.remove({2: SHOUTING.removal("gone")}))
    assert seen == [3, 3, 2]
    assert SHOUTING.settles is True


def test_a_heuristic_that_removed_lines_runs_again_unless_it_removes_nothing_from_what_it_kept():
    """After removing lines, an idempotent heuristic is skipped while its view is what it
    left; any other runs again on that view, where it may find more (a credit window moves
    up the page)."""
    from cleaner.heuristics.base import Heuristic

    seen: list[int] = []

    def last(doc):
        kept = doc.kept_text_indices()
        seen.append(len(kept))
        return {kept[-1]: CREDIT_TAIL.removal("last")} if len(kept) > 1 else {}

    text = f"{P1}\n{P2}\n{P3}\n"
    steady = Heuristic(id="test/steady", family="other", summary="", run=last, idempotent=True)
    left = steady(Document.from_text(text))
    assert sorted(left.removed) == [2] and left.views == {"test/steady": 2}
    assert steady(left) is left and seen == [3]
    again = Heuristic(id="test/again", family="other", summary="", run=last)
    left = again(Document.from_text(text))
    assert left.views == {}
    assert sorted(again(left).removed) == [1, 2] and seen == [3, 3, 2]


def test_what_a_heuristic_left_is_remembered_for_the_whole_run():
    """The views are a memo shared by a run's documents: a record made on one document of
    the run holds for the documents made from it, and the pipeline hands it to the next pass."""
    from cleaner.heuristics import CHROME_RUN, OUTSIDE_BODY

    doc = Document.from_text(f"{P1}\n{P2}\n{P3}\n")
    later = doc.remove({1: CREDIT_TAIL.removal("x")})
    assert later.views is doc.views and Document.from_text(P1).views is not doc.views
    TEASER_TAIL(doc)
    assert later.views == {"heuristic/teaser-tail": 3}
    runs: list[int] = []
    c = Cleaner(accelerate=False)
    real = c.run_once
    c.run_once = lambda d: runs.append(dict(d.views)) or real(d)  # type: ignore[method-assign]
    c.clean("\n".join(["Home", "News", "Sport", "Video", P1, P2, P3]) + "\n")
    assert len(runs) == 2 and runs[0] == {} and runs[1][OUTSIDE_BODY.id] == 3 and runs[1][CHROME_RUN.id] == 3


def test_all_caps_lines_go_in_the_first_pass_and_nothing_is_left_for_the_second():
    shout = "THIS IS THE ON AIR SCRIPT FOR TONIGHT AND IT RUNS ON FOR MANY MANY WORDS IN CAPITALS"
    text = "\n".join(["Nav", "Home", "News", "Sport", P1, shout, P2, P3]) + "\n"
    result = Cleaner(accelerate=False).clean(text)
    assert [d.rule for d in result.decisions if d.text == shout] == ["heuristic/all-caps"]
    assert result.text == Cleaner(accelerate=False).clean(result.text).text


def test_second_copy_settles_unless_a_holder_was_left_out():
    """Below the containment cap every long line is compared with, so a later pass (a subset
    of the kept lines) can find no new copy; at the cap, removals could promote a later line
    to holder, so it runs again."""
    from cleaner.heuristics import duplicates

    short = Document.from_text(f"{P1}\n{P2}\n{P1}\n")
    assert SECOND_COPY.settles(short)
    assert SECOND_COPY.id in SECOND_COPY(short).applied
    many = Document.from_text("".join(f"Line number {k} is long enough\n" for k in range(duplicates.CONTAIN_MAX_LINES)))
    assert not SECOND_COPY.settles(many)
    assert SECOND_COPY.id not in SECOND_COPY(many).applied
    from dataclasses import replace as dc_replace
    fewer = dc_replace(many, removed={0: SECOND_COPY.removal("test")})
    assert SECOND_COPY.settles(fewer)


def test_skipping_settled_heuristics_changes_no_decision():
    """The fixpoint with every heuristic run on every pass decides the same."""
    from pathlib import Path

    from hypothesis import given

    from cleaner.heuristics import ALL
    from test_properties import SETTINGS, documents

    root = Path(__file__).resolve().parent.parent
    texts = [p.read_text(encoding="utf-8") for p in sorted((root / "seeds").glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((root.parent / "shared" / "bench").glob("*/dev/*.txt"))
              if not p.name.endswith(".gold.txt")]
    cleaner = Cleaner(accelerate=False)
    fast = [cleaner.clean(text).decisions for text in texts]
    settles = {h: h.settles for h in ALL}

    @SETTINGS
    @given(documents())
    def generated(text):
        assert cleaner.clean(text).decisions == every_pass(text)

    def every_pass(text):
        try:
            for h in ALL:  # the pipeline knows its heuristics by identity: changed in place
                object.__setattr__(h, "settles", False)
            return cleaner.clean(text).decisions
        finally:
            for h, s in settles.items():
                object.__setattr__(h, "settles", s)

    assert any(s is not False for s in settles.values())
    for text, decided in zip(texts, fast):
        assert decided == every_pass(text)
    generated()


def test_the_body_span_is_the_running_sum_span():
    from cleaner.heuristics.classes import body_span

    def best_span(weights):
        lines = Lines.of(Line(n, "x", "\n", "x", False) for n in range(1, len(weights) + 1))
        return tuple(body_span(lines, list(range(len(weights))), b"p" * len(weights), weights)[2:])

    assert best_span([-8, 300, -40, -8, 200, -40]) == (1, 4)
    assert best_span([-40, -8, -40]) == (1, 1)  # all costs: the cheapest line
    assert best_span([5, -5, 5]) == (0, 0)      # a tie with a later end: the earlier one wins...
    assert best_span([0, 5]) == (1, 1)          # ...and a zero-sum lead-in is not part of it


# --- the heuristics as data (cleaner/heuristics/heuristics.toml) --------------------------------

import sys  # noqa: E402

import pytest  # noqa: E402

from cleaner.heuristics import ALL  # noqa: E402
from cleaner.heuristics.spec import PREFIX, SpecError, parse, specs  # noqa: E402
from cleaner.report import describe  # noqa: E402


@pytest.mark.parametrize("h", ALL, ids=lambda h: h.id)
def test_each_heuristic_has_its_text_and_its_example_does_what_it_says(h):
    """Every heuristic's what, why, thresholds and example are data; run on its example
    document it removes exactly the lines marked '- '."""
    spec = specs()[h.id.removeprefix(PREFIX)]
    assert spec.family == h.family and spec.what and spec.why and spec.example
    text = "".join(line + "\n" for _, line in spec.example)
    assert ids(h, text) == [k for k, (gone, _) in enumerate(spec.example) if gone]


@pytest.mark.parametrize("h", ALL, ids=lambda h: h.id)
def test_each_threshold_in_the_data_is_the_one_its_heuristic_decides_with(h):
    from cleaner.heuristics import capitals, classes

    module = sys.modules[h.run.__module__]
    for t in specs()[h.id.removeprefix(PREFIX)].all_thresholds():
        found = hasattr(module, t.name)
        if found:
            assert getattr(module, t.name) == t.value, t.name
        # the compiled kernels read theirs too (C values when compiled: not module attributes)
        for kernel in (classes, capitals):
            used = kernel.thresholds_in_use()
            if t.name in used:
                found = True
                assert used[t.name] == t.value, (kernel.__name__, t.name)
        assert found, f"no module decides with {t.name}"


def test_a_changed_threshold_in_the_data_changes_the_decision():
    """The data is what decides: in a fresh process whose heuristics.toml says RUN_MIN_LINES
    is 5, chrome-run keeps the example's run of four link-shaped lines, which it drops with
    the shipped value (4)."""
    import subprocess

    probe = """
import sys
from cleaner.heuristics import spec
from importlib import resources
text = resources.files("cleaner.heuristics").joinpath(spec.DATA_FILE).read_text(encoding="utf-8")
if sys.argv[1] != "shipped":
    text = text.replace("RUN_MIN_LINES = { value = 4,", "RUN_MIN_LINES = { value = " + sys.argv[1] + ",")
data = spec.parse(text)
spec.specs = lambda: data  # what the modules read their thresholds from
import importlib
from cleaner.document import Document
from cleaner.heuristics import layout
layout = importlib.reload(layout)  # its thresholds read again, from this data
example = "".join(line + "\\n" for _, line in data["chrome-run"].example)
print(sorted(layout.CHROME_RUN.run(Document.from_text(example))))
"""
    def removed(value: str) -> str:
        run = subprocess.run([sys.executable, "-c", probe, value], capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr
        return run.stdout.strip()

    assert removed("shipped") == "[2, 3, 4, 5]"
    assert removed("5") == "[]"


def test_rules_show_prints_what_a_heuristic_does_why_its_thresholds_and_an_example():
    out = describe(Cleaner(), "heuristic/outside-body")
    assert "before or after the body span" in out and "why:" in out
    assert "OUTSIDE_MIN_CHROME = 3" in out and "CHROME_COST = 40" in out  # its own, and the classes'
    assert "  - Home" in out and "  + Library closure approved despite petition" in out
    run = describe(Cleaner(), "heuristic/chrome-run")
    assert "RUN_MIN_LINES = 4" in run and "OUTSIDE_MIN_CHROME" not in run
    scorer = describe(Cleaner(), "heuristic/line-scorer")
    assert "threshold = 0.8" in scorer and "PROSE_GATE_CHARS = 120" in scorer


@pytest.mark.parametrize("text, named", [
    ('[x]\nwhat = "a"\n', "[x] why"),
    ('[x]\nwhat = "a"\nwhy = "b"\nthreshold = 1\n', "[x] threshold: unknown key"),
    ('[x]\nwhat = "a"\nwhy = "b"\n[x.thresholds]\nN = 3\n', "[x] thresholds.N"),
    ('[x]\nwhat = "a"\nwhy = "b"\n[x.thresholds]\nN = { value = "3", why = "c" }\n', "[x] thresholds.N"),
    ('[x]\nwhat = "a"\nwhy = "b"\nuses = ["y"]\n', "[x] uses"),
    ('[x]\nwhat = "a"\nwhy = "b"\nexample = "Home"\n', "[x] example"),
    ('[x\n', "heuristics.toml"),
])
def test_a_broken_data_file_is_an_error_naming_the_section_and_key(text, named):
    with pytest.raises(SpecError, match=named.replace("[", r"\[").replace("]", r"\]")):
        parse(text)
