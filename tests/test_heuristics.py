"""Each heuristic, positive and negative."""
from __future__ import annotations

from cleaner import Cleaner, clean
from cleaner.document import Document
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
