"""HTML mode decides per page whether the article policy applies: a listing keeps its entries,
a documentation page its text, an article page still loses its chrome, and the explanation
says which policy the page got and why."""
from __future__ import annotations

from pathlib import Path

import pytest

import trafilatura  # noqa: F401  (a test extra: fail loudly when missing)

from cleaner import html as H

PAGE = Path(__file__).parent / "data" / "page.html"

NAV = ('<header><nav><ul><li><a href="/">Home</a></li><li><a href="/clubs">Clubs</a></li>'
       '<li><a href="/events">Events</a></li><li><a href="/contact">Contact</a></li></ul></nav></header>')
FOOT = ('<footer><p>Copyright 2024 Riverside Community Network. All rights reserved.</p>'
        '<p><a href="/privacy">Privacy</a> | <a href="/terms">Terms</a></p></footer>')
CLUBS = [("Riverside Chess Club", "Mondays at the library"),
         ("Harbour Rowing Association", "Saturday mornings at the boathouse"),
         ("Old Town Choir", "Thursday evenings in the church hall"),
         ("Northfield Allotment Society", "the first Sunday of each month"),
         ("Riverside Camera Club", "Wednesday evenings at the arts centre"),
         ("Westgate Walking Group", "Sunday mornings by the bridge"),
         ("Canal Cycling Club", "Saturday afternoons at the station"),
         ("Market Street Book Circle", "the last Friday of each month"),
         ("St Anne's Bell Ringers", "Tuesday evenings in the tower"),
         ("Riverside Table Tennis", "Friday evenings at the sports hall"),
         ("Millpond Model Railway Club", "alternate Saturdays in the old mill"),
         ("Eastbank Gardening Club", "Sunday afternoons at the allotments"),
         ("Riverside Amateur Dramatics", "Monday evenings at the theatre"),
         ("Bridge Street Knitting Circle", "Wednesday afternoons at the café")]
COMMANDS = [("crop", "cut an image to a rectangle"), ("resize", "scale an image to a size"),
            ("flip", "mirror an image"), ("convert", "change an image's format"),
            ("strip", "remove metadata from an image"), ("info", "print an image's size and format")]


def listing_page(head: str = "") -> str:
    """A directory of clubs: one line of introduction, then the entries, which are the page."""
    items = "".join(f'<li><a href="/clubs/{i}">{name}</a>: meets {when}</li>' for i, (name, when) in enumerate(CLUBS))
    return (f"<!DOCTYPE html><html><head><title>Clubs and societies</title>{head}</head><body>{NAV}"
            "<main><h1>Clubs and societies in Riverside</h1>"
            "<p>Every club below meets in the town and welcomes new members; follow a name for meeting "
            f"times and contacts.</p><ul>{items}</ul></main>{FOOT}</body></html>")


def documentation_page() -> str:
    """A command's manual: usage, options and the list of commands, short lines all."""
    items = "".join(f"<li><code>imgtool {c}</code> {what}</li>" for c, what in COMMANDS)
    return ("<!DOCTYPE html><html><head><title>imgtool manual</title></head><body>" + NAV +
            "<main><h1>imgtool</h1>"
            "<p>imgtool edits images from the command line. Each command reads one image and writes another.</p>"
            "<h2>Usage</h2><pre>imgtool COMMAND [OPTIONS] INPUT OUTPUT</pre>"
            "<h2>Options for every command</h2><dl>"
            "<dt>--quality N</dt><dd>JPEG quality of the output, 1 to 100. Default 90.</dd>"
            "<dt>--force</dt><dd>Overwrite OUTPUT when it exists.</dd></dl>"
            f"<h2>Commands</h2><ul>{items}</ul></main>{FOOT}</body></html>")


def test_a_listing_keeps_its_entries():
    """Before the policy, teaser-tail removed all fourteen entries (they look like a teaser list)."""
    res = H.clean_html(listing_page())
    for name, when in CLUBS:
        assert f"{name}: meets {when}" in res.text
    assert res.extraction.policy.name == H.AS_EXTRACTED and not res.result.removed
    assert "Privacy" not in res.text and "All rights reserved" not in res.text  # the extractor's work stays
    # the text stage of a page off the article policy keeps every line, so it is idempotent too
    again = H.HtmlCleaner().stage2(res.extraction).clean(res.text)
    assert again.text == res.text and not again.removed


def test_a_listing_on_a_site_that_calls_every_page_an_article_keeps_its_entries():
    """The markup alone is weak evidence: a page of entries is not mostly prose."""
    res = H.clean_html(listing_page('<meta property="og:type" content="article">'))
    assert all(name in res.text for name, _ in CLUBS)
    assert res.extraction.policy.name == H.AS_EXTRACTED
    assert any("og:type article" in r for r in res.extraction.policy.reasons)
    assert any("prose" in r for r in res.extraction.policy.reasons)


def test_a_documentation_page_keeps_its_text():
    """Before the policy, the line scorer removed the command list and an option's name."""
    res = H.clean_html(documentation_page())
    for c, what in COMMANDS:
        assert f"imgtool {c} {what}" in res.text
    assert "- --force" in res.text.splitlines()
    assert res.extraction.policy.name == H.AS_EXTRACTED


def test_an_article_page_still_gets_the_article_policy():
    res = H.clean_html(PAGE.read_text(encoding="utf-8"))
    policy = res.extraction.policy
    assert policy.name == H.ARTICLE and policy.extraction == "defaults"
    assert "og:type article" in policy.reasons[0] and "prose" in policy.reasons[0]
    assert "Advertisement" not in res.text and {d.rule for d in res.result.removed} >= {"general/ad-marker"}
    # the same article without markup that says so is left as extracted: weak evidence
    bare = H.clean_html(PAGE.read_text(encoding="utf-8").replace('<meta property="og:type" content="article">', ""))
    assert bare.extraction.policy.name == H.AS_EXTRACTED and not bare.result.removed


def test_the_policy_shows_in_explain(run_cli, tmp_path):
    page = tmp_path / "clubs.html"
    page.write_text(listing_page(), encoding="utf-8")
    out = run_cli("clean", "--explain", str(page)).stdout
    assert "policy: as-extracted (extraction: recall-oriented)" in out
    assert "the markup does not declare an article" in out
    out = run_cli("clean", "--explain", str(PAGE)).stdout
    assert "policy: article (extraction: defaults): the markup declares an article (og:type article)" in out


@pytest.mark.parametrize("head, says", [
    ('<meta property="og:type" content="article">', ["og:type article"]),
    ('<meta property="og:type" content="website">', []),
    ('<script type="application/ld+json">{"@context": "https://schema.org", "@graph": '
     '[{"@type": "WebPage"}, {"@type": ["NewsArticle", "Thing"]}]}</script>', ["schema.org type NewsArticle"]),
    ('<script type="application/ld+json">{"@type": "TechArticle", broken json</script>', []),
    ('<script type="application/ld+json">{"@type": "Product"}</script>', []),
])
def test_what_the_markup_says(head, says):
    root = H._parse(f"<html><head>{head}</head><body><p>x</p></body></html>")
    assert list(H.article_markup(root)) == says


def test_microdata_declares_an_article():
    root = H._parse('<html><body><div itemscope itemtype="https://schema.org/BlogPosting"><p>x</p></div></body></html>')
    assert H.article_markup(root) == ("schema.org type BlogPosting",)


PROSE = ("This sentence is long enough to count as prose, with more than twenty-five words in it, "
         "which is what a paragraph of an article or a report looks like to the cleaner.")


def _extractor(defaults: list[str], recall: list[str]):
    asked: list[bool] = []

    def extract(r: bool) -> H.Extracted:
        asked.append(r)
        return H.Extracted(tuple(recall if r else defaults))
    return extract, asked


def test_choose_extraction():
    words = len(PROSE.split())
    # markup and prose: the article policy, on the defaults' extraction, the recall walk never run
    extract, asked = _extractor([PROSE] * 3, [PROSE] * 4)
    policy, got = H.choose_extraction(("og:type article",), extract, 6 * words)
    assert policy.name == H.ARTICLE and got.blocks == (PROSE,) * 3 and asked == [False]
    # no markup: as extracted, recall-oriented; it kept most of the page, so the defaults are not run
    extract, asked = _extractor([PROSE] * 3, [PROSE] * 4)
    policy, got = H.choose_extraction((), extract, 6 * words)
    assert policy == H.Policy(H.AS_EXTRACTED, "recall-oriented", policy.reasons) and len(got.blocks) == 4
    assert asked == [True]
    # the recall walk stopped at one small block: the defaults' extraction is kept, and said so
    extract, asked = _extractor([PROSE] * 3, ["Subscribe"])
    policy, got = H.choose_extraction((), extract, 6 * words)
    assert policy.extraction == "defaults" and got.blocks == (PROSE,) * 3 and asked == [True, False]
    assert "less than 50%" in policy.reasons[-1]
    # a small recall extraction that the defaults do not beat by far stays
    extract, _ = _extractor([PROSE], [PROSE])
    assert H.choose_extraction((), extract, 6 * words)[0].extraction == "recall-oriented"
    # markup without prose: weak evidence, as extracted
    extract, _ = _extractor(["Home", "News", "Sport"], ["Home", "News", "Sport"])
    policy, _ = H.choose_extraction(("og:type article",), extract, 3)
    assert policy.name == H.AS_EXTRACTED and "only 0%" in policy.reasons[0]


@pytest.fixture
def run_cli(cli):
    def run(*args: str):
        r = cli(*args)
        r.stdout, r.stderr = r.stdout.decode("utf-8"), r.stderr.decode("utf-8")
        return r
    return run
