"""One positive and one negative test per rule kind."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from cleaner.document import Document
from cleaner.kinds import apply_rule
from cleaner.packs import parse_pack

BODY = "The minister said the talks would resume next week, after a pause of several months."


def rule(kind_body: str):
    return parse_pack(f'[pack]\nname = "t"\n\n[[rule]]\nid = "r"\nfamily = "other"\nmessage = "m"\n{kind_body}', "t.toml").rules[0]


def removed(r, text: str) -> list[int]:
    return sorted(apply_rule(r, Document.from_text(text), set()))


def test_line_rule_drops_matching_line_only():
    r = rule("kind = \"line\"\npattern = '^Advertisement$'\n")
    assert removed(r, f"{BODY}\nAdvertisement\n{BODY}x\n") == [1]


def test_line_rule_leaves_lines_that_do_not_match():
    r = rule("kind = \"line\"\npattern = '^Advertisement$'\n")
    assert removed(r, "Advertisement revenue rose.\n advertisement \n") == []


def test_line_rule_max_chars_protects_long_lines():
    r = rule("kind = \"line\"\npattern = 'Subscribe'\nmax_chars = 20\n")
    assert removed(r, "Subscribe now\nSubscribers to the paper rose to a record this year.\n") == [0]


def test_label_glued_caption_goes_with_the_label():
    r = rule("kind = \"label\"\nlabel = 'image caption'\ncaption_lines = 1\n")
    assert removed(r, f"{BODY}\nimage captionA man walks past\n{BODY}y\n") == [1]


def test_label_alone_takes_the_next_caption_lines():
    r = rule("kind = \"label\"\nlabel = 'image caption'\ncaption_lines = 1\n")
    assert removed(r, f"image caption\n\nA man walks past\n{BODY}\n") == [0, 2]


def test_label_must_start_the_line():
    r = rule("kind = \"label\"\nlabel = 'image caption'\n")
    assert removed(r, "The image caption was wrong, the editor said.\n") == []


def test_section_runs_to_end_by_default():
    r = rule("kind = \"section\"\nstart = '^Related$'\n")
    assert removed(r, f"{BODY}\nRelated\nA story\n\n{BODY}\n") == [1, 2, 4]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["Related", "", "  ", "A story", BODY, "Related stories", "\t"]), max_size=12),
       st.sets(st.integers(0, 11)), st.sampled_from([None, 0.0, 0.3]))
def test_a_section_with_no_end_takes_what_the_line_by_line_walk_takes(texts, skip, share):
    """A section with no end pattern, no line limit and no body stop takes every line with
    text after its header, at once; the line walk (forced here by a limit no document reaches)
    takes the same lines for the same reason, whatever lines are skipped or where it opens."""
    share_key = "" if share is None else f"after_share = {share}\n"
    plain = rule(f"kind = \"section\"\nstart = '^Related$'\n{share_key}")
    walked = rule(f"kind = \"section\"\nstart = '^Related$'\nmax_lines = 1000000\n{share_key}")
    doc = Document.from_text("\n".join(texts) + "\n")
    got, want = apply_rule(plain, doc, skip), apply_rule(walked, doc, skip)
    assert list(got) == list(want) and all(v == plain.removal() for v in got.values())


def test_section_stops_at_end_pattern_and_max_lines():
    r = rule("kind = \"section\"\nstart = '^Read more$'\nend = '^END$'\ninclude_end = true\n")
    assert removed(r, f"Read more\nitem\nEND\n{BODY}\n") == [0, 1, 2]
    r2 = rule("kind = \"section\"\nstart = '^Read more$'\nmax_lines = 1\n")
    assert removed(r2, "Read more\nitem one\nitem two\n") == [0, 1]


def test_section_stop_at_body_keeps_following_prose():
    r = rule("kind = \"section\"\nstart = '^Read more:$'\nstop_at_body = true\n")
    para = BODY + " It was the longest pause since the talks began."
    text = f"Read more:\nLions raised to be killed\nClimate change and a town\n\n{para}\n\n{para} Again.\n"
    assert removed(r, text) == [0, 1, 2]


def test_section_stop_at_body_stops_at_the_first_body_line():
    r = rule("kind = \"section\"\nstart = '^More Example News$'\nstop_at_body = true\n")
    dek = BODY + " It was the longest pause since the talks began."
    text = f"More Example News\nA teaser headline\nJane Doe\n{dek}\nAnother headline\n"
    assert removed(r, text) == [0, 1, 2]


def test_section_after_share_only_fires_late_in_the_document():
    r = rule("kind = \"section\"\nstart = '^Comments$'\nafter_share = 0.5\n")
    assert removed(r, f"Comments\n{BODY}\n{BODY}1\n") == []
    assert removed(r, f"{BODY}\n{BODY}1\nComments\nGreat piece!\n") == [2, 3]


def test_section_without_header_removes_nothing():
    r = rule("kind = \"section\"\nstart = '^Related$'\n")
    assert removed(r, f"{BODY}\nRelated stories are below.\n") == []


def test_a_pattern_search_is_time_limited():
    """A pattern that backtracks badly is stopped by the limit; a plain one matches whole
    (a prefix of a match is no match)."""
    import regex

    from cleaner import kinds

    slow = kinds.Pattern("(x+x+)+y", regex.compile("(x+x+)+y"))
    with pytest.raises(kinds.PatternTimeout):
        slow.search("x" * 5000)
    with pytest.raises(kinds.PatternTimeout):
        slow.match_end("x" * 5000)
    label = kinds.Pattern("Image caption", regex.compile("Image caption"))
    assert not label.search("Image capt") and label.match_end("Image caption Foo") == 13
