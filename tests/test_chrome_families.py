"""The chrome families added for issue 22: one site's strings live in its site pack, the pages
that carry them are recognised by them, and no new general rule takes a Multi-News body line.
(Each rule's examples and counterexamples are checked for every shipped rule in test_packs.)"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from cleaner import Cleaner, clean

BENCH = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "multinews"
P1 = ("The council voted on Tuesday to close the library for six months while the roof is repaired, "
      "a decision that drew protests from parents and teachers who rely on its reading rooms.")
P2 = ("Officials said the repairs would cost about $2 million and that the work could not wait, "
      "because water had already damaged part of the collection stored on the upper floor.")

NEW_GENERAL = ["inbox-prompt", "social-words", "bracketed-teaser", "read-more-tail", "photo-description",
               "gallery-caption", "updated-by", "caps-label-teaser"]
SITE_STRINGS = {
    "cnn": "JUST WATCHED Lost lion population discovered Replay More Videos ... MUST WATCH Lost lion 02:18",
    "dailymail": "Scroll down for video",
    "bbc": "Media playback is unsupported on your device Media caption The mayor speaks",
}


def test_the_new_general_rules_are_shipped():
    ids = {r.id for r in Cleaner().rules}
    assert {f"general/{r}" for r in NEW_GENERAL} <= ids


@pytest.mark.parametrize("site, line", SITE_STRINGS.items())
def test_one_sites_strings_are_in_its_pack_not_the_general_one(site, line):
    result = clean(f"{P1}\n{line}\n{P2}\n")
    gone = [d for d in result.removed if d.text == line]
    assert gone and gone[0].rule.startswith(f"{site}/"), gone
    assert result.site == site
    # without the site pack, no general rule claims the line
    only_general = Cleaner(disabled=[f"{site}/*"]).clean(f"{P1}\n{line}\n{P2}\n")
    assert not [d.rule for d in only_general.removed if d.text == line and d.rule.startswith("general/")]


@pytest.mark.parametrize("label", ["Image caption", "image caption", "Media caption", "media caption"])
def test_a_bbc_page_is_recognised_by_its_caption_label_in_either_case(label):
    """BBC scrapes write the label capitalised with a space ("Image caption The mayor ...") as
    well as glued in lower case ("image captionThe mayor ..."); either marks the page as BBC's,
    and the caption goes with the label."""
    caption = f"{label} The mayor speaks to reporters outside the town hall"
    result = clean(f"{caption}\n{P1}\n{P2}\n")
    assert result.site == "bbc"
    assert [d.rule for d in result.removed if d.text == caption] == ["bbc/caption-label"]


@pytest.mark.parametrize("line, rule", [
    ("Get breaking news and personal-tech reviews delivered right to your inbox.", "general/inbox-prompt"),
    ("936 SHARES Share Tweet", "general/social-words"),
    ("[This could be the start to a whole new world of chicken]", "general/bracketed-teaser"),
    ("Surgeon Dr. Alexandre Lesage examines a patient in this file photo taken January 24, 2013.", "general/photo-description"),
    ("3 of 12. A man walks past a burned-out car in Mosul on Tuesday.", "general/gallery-caption"),
    ("Additional reporting by Jane Doe in London", "general/credit-line"),
    ("— With assistance by Ana Monteiro", "general/credit-line"),
    ("Muhumuza reported from Kampala, Uganda.", "general/credit-line"),
    ("Reach Adam Tamburin at 615-726-5986 and on Twitter @tamburintweets.", "general/contact-line"),
    ("For the latest news and analysis, follow @wsjd.", "general/follow-us"),
    ("Courtesy Shannon Trent", "general/photo-credit-line"),
    ("By Jane Smith / Updated By John Doe", "general/updated-by"),
    ("COURT DOCUMENTS: Britney Spears’ Dad To Conservatorship Judge: I Want More Money!", "general/caps-label-teaser"),
])
def test_a_new_family_line_between_paragraphs_goes_with_its_rule(line, rule):
    result = clean(f"{P1}\n{line}\n{P2}\n")
    assert result.text == f"{P1}\n{P2}\n"
    assert [d.rule for d in result.removed if d.text == line] == [rule]


@pytest.mark.skipif(not BENCH.is_dir(), reason="the shared Multi-News bench is not here")
@pytest.mark.parametrize("split", ["train", "dev"])
def test_no_new_general_rule_takes_a_body_line(split):
    new = {f"general/{r}" for r in NEW_GENERAL}
    taken = []
    for gold_path in sorted((BENCH / split).glob("*.gold.txt")):
        gold = Counter(ln.strip() for ln in gold_path.read_text(encoding="utf-8").splitlines() if ln.strip())
        text = (BENCH / split / gold_path.name.replace(".gold.txt", ".txt")).read_text(encoding="utf-8")
        for d in clean(text).removed:
            if d.rule in new and gold[d.text.strip()]:
                taken.append((gold_path.name, d.rule, d.text[:60]))
    assert taken == []
