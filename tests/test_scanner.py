"""The native scanner is a prefilter: it may name more candidate lines than a rule claims,
never fewer, so decisions are the same with and without it."""
from __future__ import annotations

import string
from pathlib import Path

import pytest
import regex
from hypothesis import given, settings, strategies as st

from cleaner import Cleaner
from cleaner.document import split_lines
from cleaner import scanner
from cleaner.scanner import Trigger, byte_prefilter, leading_lookahead, loosen, scannable
from conftest import ROOT, SEEDS
from test_properties import SETTINGS, documents

re2 = pytest.importorskip("re2")
from cleaner.scanner import Scanner  # noqa: E402

DEV = sorted(p for p in (ROOT.parent / "shared" / "bench").glob("*/dev/*.txt") if not p.name.endswith(".gold.txt"))
SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")) if ".expected" not in p.name]


# --- the rewrites ---------------------------------------------------------------------------

def test_loosen_opens_bounded_repeats_only():
    assert loosen(r"a{1,60}b{3}c{2,}") == r"a{1,}b{3}c{2,}"
    assert loosen(r"\{1,2\}") == r"\{1,2\}"          # escaped braces are literals
    assert loosen(r"\\{1,2}") == r"\\{1,}"           # an escaped backslash, then a repeat


def test_a_leading_lookahead_is_what_the_scanner_looks_for():
    assert leading_lookahead(r"^(?=.{80})(?=.{0,9}x [)(] y)") == r"^(?:.{0,9}x [)(] y)"
    assert leading_lookahead(r"^(?=.*(?:a|b))[A-Z]\w+ (?:a|b)$") == r"^(?:.*(?:a|b))"
    assert leading_lookahead(r"^(?=.*a)\w+ a$|^b") is None  # the other alternative need not hold `a`
    assert leading_lookahead(r"^(?=a|b)c") == r"^(?:a|b)"    # alternatives inside the look-ahead
    assert leading_lookahead(r"^a(?=b)") is None
    assert leading_lookahead(r"ab") is None


def test_non_ascii_characters_become_the_byte_that_stands_for_them():
    assert byte_prefilter(r"^[’\x27]s — x", False) == r"^[\x27\x80]s \x80 x"
    assert byte_prefilter(r"a\’b", False) == r"a\x80b"
    assert byte_prefilter(r"^\xa9 x", False) == r"^\x80 x"  # an escaped code point is that character


def test_mapped_characters_have_a_byte_of_their_own():
    mapped = "©’—"
    assert byte_prefilter(r"^[’\x27]s — x", False, mapped) == r"^[\x27\x82]s \x83 x"  # no other character is a member
    assert byte_prefilter(r"^\xa9 é \©", False, mapped) == r"^\x81 \x80 \x81"
    assert byte_prefilter(r"[^)’é]", False, mapped) == r"[^)\x82\n]"  # é may be any \x80: not excluded
    assert byte_prefilter(r"[^’]", False, mapped) == r"[^\x82\n]"
    assert byte_prefilter(r"[’\w]", False, mapped) == r"[\w\x80-\xff]"


def test_the_mapped_characters_are_the_caseless_ones_the_patterns_spell():
    assert scanner.wide_map([r"^©\s*\S", r"It’s — and \xbb, é, Ä, ⓐ", r"\\xab"]) == "©»—’"  # in code point order
    assert all(scanner.mappable(c) for c in "©»’—\u00a0") and not any(scanner.mappable(c) for c in "éÄⓐa\U0001f600")


def test_classes_also_take_any_non_ascii_character():
    assert byte_prefilter(r"\w+\s\d", False) == r"[\w\x80-\xff]+[\x09\x0b\x0c\x0d\x20\x80-\xff][\d\x80-\xff]"
    assert byte_prefilter(r"[a-z.]", False) == r"[a-z.]"  # only ASCII members: no other byte
    assert byte_prefilter(r"[a-z.]", True) == r"[a-z.\x80]"  # ... but `ſ` folds into s
    assert byte_prefilter(r"[a-z.é]", False) == r"[a-z.\x80]"  # an unmapped member
    assert byte_prefilter(r"[a-é]", False) == r"[a-\x7f\x80-\xff]"  # a range into non-ASCII
    assert byte_prefilter(r"[-a^]", False) == r"[\-a\^]"      # no member changes meaning by its place
    assert byte_prefilter(r"[^)’]", False) == r"[^)\n]"    # a negated class keeps it
    assert byte_prefilter(r"[^’]", False) is None           # ... unless nothing is left
    assert byte_prefilter(r"[^a-é]", False) is None         # ... or a range ends outside ASCII
    assert byte_prefilter(r"\bword\b", False) == "word"    # word-ness of the byte is unknown


def test_no_prefilter_match_runs_on_from_one_line_into_the_next():
    """No line holds a newline, so the rewrite leaves it out of whatever could take one;
    before, `(?:-\\s?){3,}` matched across the newlines after a short rule and stood for
    every blank line below it. A text that does hold a newline is not scanned."""
    assert byte_prefilter(r"\s\W\D[\s-]", False) == (
        r"[\x09\x0b\x0c\x0d\x20\x80-\xff][\x00-\x09\x0b-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f\x80-\xff]"
        r"[\x00-\x09\x0b-\x2f\x3a-\x7f\x80-\xff][\x09\x0b\x0c\x0d\x20\-\x80-\xff]")
    scan = Scanner([Trigger(r"^(?:-\s?){3,}$", False), Trigger(r"[^x]{3}", False), Trigger(r"a\Wb", False)])
    hits = scan.scan(["--", "-", "", "- - -", "x", "x", "a", "b", "a b"])
    assert hits.found[:3] == [{3}, {3, 8}, {8}]
    assert scanner.encode(["a\nb"], "")[1] and not scanner.scannable("a\nb") and scanner.scannable("a b")
    assert scan.scan(["a\nb", "x"]).unscanned == {0}


def test_case_folding_into_non_ascii_is_kept_under_ignore_case():
    # `regex` folds the long s to s and the Kelvin sign to k
    assert byte_prefilter("sky", True) == r"[s\x80][k\x80]y"
    assert byte_prefilter("sky", False) == "sky"
    assert byte_prefilter(r"(?i)\p{Lu}x", False) == r"(?i)[\x41-\x5a\x61-\x7a\x80-\xff]x"
    assert byte_prefilter(r"\p{Lu}x", False) == r"[\x41-\x5a\x80-\xff]x"
    assert byte_prefilter(r"[^\p{Lu}]", True) is None  # widening inside a negation narrows it


def test_a_property_is_its_ascii_members_and_the_bytes_above():
    """RE2 reads the bytes as Latin-1, where `\\p{L}` would hold the letters from 0xc0 up; here
    those bytes stand for other characters, so a property is spelled as its ASCII members
    (the caller adds the bytes from 0x80 up where a non-ASCII character may be a member)."""
    assert byte_prefilter(r"[^\p{L}]", False) == r"[^\x41-\x5a\x61-\x7a\n]"
    assert byte_prefilter(r"\P{L}", False) == r"[\x00-\x09\x0b-\x40\x5b-\x60\x7b-\x7f\x80-\xff]"
    assert byte_prefilter(r"\p{Han}", False) == r"[\x80-\xff]"


def test_no_mapped_character_gets_a_byte_that_re2_folds_under_ignore_case():
    """From 0xc0 up, Latin-1 bytes have case partners that RE2 folds into each other under
    (?i): a negated class taking out one mapped character would take out its partner too."""
    many = "".join(c for c in map(chr, range(0x2000, 0x2300)) if scanner.mappable(c))
    assert len(many) > 0x7F
    assert len(scanner.wide_map([many])) == scanner.MAX_MAPPED == 0x3F
    data, _ = scanner.encode([many], scanner.wide_map([many]))
    assert max(data) < 0xC0


def test_group_syntax_is_copied_as_it_is():
    assert byte_prefilter(r"(?P<sk>a)(?<=b)(?<!c)(?:d)(?=e)(?!f)", True) == r"(?P<sk>a)(?<=b)(?<!c)(?:d)(?=e)(?!f)"


def test_what_the_rewrite_does_not_know_is_never_prefiltered():
    for source in (r"\Afoo", r"foo\Z", r"\mword", r"(a)\1", r"\x{2019}", r"(?(1)a|b)", r"\xg0"):
        assert byte_prefilter(source, False) is None, source


def test_lines_with_control_characters_are_not_scanned():
    assert scannable("It’s here\tand there")
    assert not scannable("form\x0cfeed")
    hits = Scanner([Trigger("here", False)]).scan(["here", "x\x1chere", "It’s here"])
    assert hits.found[0] == {0, 2} and hits.unscanned == {1}


def test_the_engine_passes_the_known_regression_canary():
    assert scanner._engine_sound()


def test_an_engine_that_fails_the_canary_is_not_used(monkeypatch):
    monkeypatch.setattr(scanner, "_CANARY", ([rb"^never$", rb"x"], b"nothing to see"))
    scanner._engine_sound.cache_clear()
    try:
        assert not scanner.available()
        assert Cleaner(accelerate=True).candidates.scanner is None
    finally:
        monkeypatch.undo()
        scanner._engine_sound.cache_clear()
    assert scanner.available()


CLASSES = [r"\p{Lu}", r"\p{Ll}", r"\p{L}", r"\w", r"\W", r"\s", r"\S", r"\d", r"\D", r".",
           r"[\p{L}\d.&-]", r"[^)\]]", r"[A-Z]", r"[a-z]", r"\b\w", r"x\b", "s", "k", "[sk]", "é", "[^é.]",
           "’", "©", r"\xa9", "[’']", "[^’x]", r"[^\xa0]", "[‐-―]", "[ -‘]", "[’é]", "[^’é]", "[»sk]"]


@pytest.mark.parametrize("cls", CLASSES)
@pytest.mark.parametrize("ignore_case", [False, True])
def test_each_class_matches_at_least_what_regex_matches(cls, ignore_case):
    """Exhaustive over printable ASCII, plus non-ASCII letters, digits, spaces, punctuation
    and the characters that fold into ASCII: the byte-mode class never misses one."""
    exact = regex.compile(cls, regex.IGNORECASE if ignore_case else 0)
    scan = Scanner([Trigger(cls, ignore_case)])
    texts = [c for c in string.printable if scannable(c)] + ["x" + c for c in string.ascii_letters]
    texts += ["é", "ſ", "\u212a", "’", "\u00a0", "٣", "x\u00e9", "\u00e9x", "©", "—", "–", "‘", "»", "‐", "―"]
    hits = scan.scan(texts).found[0]
    assert hits is not None
    missed = [t for i, t in enumerate(texts) if exact.search(t) and i not in hits]
    assert not missed


def test_no_character_folds_into_a_mapped_one_or_out_of_it():
    """A character with a byte of its own is matched, with or without IGNORECASE, by itself
    only: checked over every code point for the built-in packs' characters, and for all
    mappable characters at once (no other character folds into one)."""
    every = "".join(map(chr, range(0x110000)))
    for c in Scanner(OFF.candidates.triggers()[0]).mapped:
        assert regex.findall(regex.escape(c), every, regex.IGNORECASE) == [c]
    mappable = "".join(c for c in map(chr, range(0x80, 0x10000)) if scanner.mappable(c))
    members = regex.compile("[" + regex.escape(mappable, special_only=False) + "]", regex.IGNORECASE)
    assert "".join(members.findall(every)) == mappable


# --- the superset property on the real rules ------------------------------------------------

def _triggers(cleaner: Cleaner):
    """(name, exact test, trigger index) for every rule trigger and fingerprint."""
    triggers, by_rule, by_fp = cleaner.candidates.triggers()
    out = []
    for rule in cleaner.rules:
        pat = rule.options[{"line": "pattern", "label": "label", "section": "start"}[rule.kind]]
        test = (lambda t, p=pat: p.match_end(t) is not None) if rule.kind == "label" else pat.search
        out.append((rule.id, test, by_rule[rule.id]))
    for pack in cleaner.packs:
        for k, fp in enumerate(pack.fingerprints):
            out.append((f"{pack.name} fingerprint {k}", fp.search, by_fp[pack.name][k]))
    return triggers, out


def _lines(texts):
    return [ln.stripped for t in texts for ln in split_lines(t)]


@pytest.mark.parametrize("source", ["examples", "seeds", "dev"])
def test_every_line_a_trigger_matches_is_a_candidate(source):
    cleaner = Cleaner(accelerate=False)
    triggers, checks = _triggers(cleaner)
    if source == "examples":
        lines = sorted({e for r in cleaner.rules for e in (*r.examples, *r.counterexamples)})
        lines += [ln.upper() for ln in lines] + [ln.lower() for ln in lines]
    elif source == "seeds":
        lines = _lines(SEED_TEXTS)
    else:
        if not DEV:
            pytest.skip("../shared/bench is not beside the repository")
        lines = _lines(p.read_text(encoding="utf-8") for p in DEV)
    hits = Scanner(triggers).scan(lines)
    assert len(hits.found) == len(triggers)
    prefiltered = sum(s is not None for s in hits.found)
    assert prefiltered >= 0.9 * len(triggers)  # the scanner does real work
    missed = [(name, lines[i]) for name, test, k in checks if hits.found[k] is not None
              for i, text in enumerate(lines) if text and test(text)
              and i not in hits.found[k] and i not in hits.unscanned]
    assert not missed


def test_a_document_of_more_new_lines_than_the_memo_holds_is_matched_in_pieces(monkeypatch):
    """Past MEMO_LINES new lines a document is matched a piece at a time, the common answer
    shared (what the scan holds stays a list entry per line): the same hits."""
    triggers, _ = _triggers(Cleaner(accelerate=False))
    lines = _lines(SEED_TEXTS) * 2 + ["Share this\x01 article"]  # repeats, and a line that cannot be scanned
    whole = Scanner(triggers).scan(lines)
    monkeypatch.setattr(scanner, "MEMO_LINES", 7)
    small = Scanner(triggers)
    assert small.scan(lines) == whole and not small._memo  # nothing remembered from such a document
    founds = small._matched(lines)
    assert len({id(f) for f in founds if f == [small._sentinel]}) < len(lines) / 7  # shared, not one per line


# --- same decisions with and without it -----------------------------------------------------

def _same(text: str, on: Cleaner, off: Cleaner) -> None:
    a, b = on.clean(text), off.clean(text)
    assert a.decisions == b.decisions
    assert (a.site, a.warnings, a.text) == (b.site, b.warnings, b.text)


ON, OFF = Cleaner(accelerate=True), Cleaner(accelerate=False)


def test_scanner_is_on_when_asked():
    assert ON.candidates.scanner is not None and OFF.candidates.scanner is None


@pytest.mark.parametrize("index", range(len(SEED_TEXTS)))
def test_seeds_decide_the_same_with_the_scanner(index):
    _same(SEED_TEXTS[index], ON, OFF)


def test_dev_inputs_decide_the_same_with_the_scanner():
    if not DEV:
        pytest.skip("../shared/bench is not beside the repository")
    for p in DEV:
        _same(p.read_text(encoding="utf-8"), ON, OFF)


@SETTINGS
@given(documents())
def test_generated_documents_decide_the_same_with_the_scanner(text):
    _same(text, ON, OFF)


def test_lines_longer_than_rules_look_at_decide_the_same_with_the_scanner():
    from cleaner.kinds import RULE_MAX_LINE_CHARS
    long = "We use cookies on this site. " + "body " * (RULE_MAX_LINE_CHARS // 5)
    text = f"Advertisement\n{long}\nWe use cookies on this site.\nA paragraph of body text here.\n"
    _same(text, ON, OFF)
    rules = [d.rule for d in ON.clean(text).decisions]
    assert rules[0] == "general/ad-marker" and rules[2] == "general/cookie-notice"
    assert rules[1] != "general/cookie-notice"  # too long for any rule to look at
    _same(long + "\n", ON, OFF)  # one line, the document's whole length


ascii_line = st.text(alphabet=st.sampled_from(string.printable.replace("\n", "").replace("\r", "")), max_size=60)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(ascii_line, st.sampled_from(sorted({e for r in OFF.rules for e in r.examples}))),
                max_size=12))
def test_ascii_noise_around_chrome_decides_the_same(lines):
    _same("\n".join(lines) + "\n", ON, OFF)


def test_warm_up_switches_the_scanner_on_after_enough_text(monkeypatch, tmp_path):
    import cleaner.candidates as candidates
    monkeypatch.setattr(candidates, "SCANNER_WARMUP_CHARS", 100)
    monkeypatch.setattr(Scanner, "cached", classmethod(lambda cls, triggers: False))  # a set-up that costs
    c = Cleaner()
    text = SEED_TEXTS[0]
    first = c.clean(text[:50])
    assert c.candidates.scanner is None
    c.clean(text)
    assert c.candidates.scanner is not None
    assert c.clean(text[:50]).decisions == first.decisions


def test_user_packs_are_prefiltered_too(tmp_path: Path):
    (tmp_path / "mine.toml").write_text(
        '[pack]\nname = "mine"\ndescription = "x"\n\n[[rule]]\nid = "promo"\nkind = "line"\n'
        'family = "widget"\nmessage = "promo"\npattern = \'^Buy now\\b\'\n', encoding="utf-8")
    on = Cleaner(rule_dirs=[tmp_path], accelerate=True)
    assert on.candidates.scanner is not None and on.candidates.rule_trigger["mine/promo"] in on.candidates.scanner.compiled_ids
    res = on.clean("Headline\n\nBuy now and save\n\nBody text goes on here.\n")
    assert [d.rule for d in res.removed if d.text.strip()] == ["mine/promo"]


def test_rules_and_fingerprints_the_scanner_cannot_prefilter_try_every_line(tmp_path: Path):
    """A pattern the byte-mode rewrite does not know (here a back-reference) is not scanned
    for: its rule, and a site fingerprint, still see every line."""
    (tmp_path / "mine.toml").write_text(
        '[pack]\nname = "mine"\ndescription = "x"\n\n'
        '[[rule]]\nid = "echo"\nkind = "line"\nfamily = "widget"\nmessage = "a word twice"\n'
        'pattern = \'^(\\w+) \\1$\'\n\n'
        '[[rule]]\nid = "promo"\nkind = "line"\nfamily = "widget"\nmessage = "promo"\npattern = \'^Buy now\\b\'\n',
        encoding="utf-8")
    (tmp_path / "site.toml").write_text(
        '[pack]\nname = "echoes"\ndescription = "x"\nfingerprints = [\'^(\\w+)-\\1$\']\n\n'
        '[[rule]]\nid = "footer"\nkind = "line"\nfamily = "nav"\nmessage = "footer"\npattern = \'^Site footer$\'\n',
        encoding="utf-8")
    on, off = Cleaner(rule_dirs=[tmp_path], accelerate=True), Cleaner(rule_dirs=[tmp_path], accelerate=False)
    assert on.candidates.rule_trigger["mine/echo"] not in on.candidates.scanner.compiled_ids
    assert on.candidates.fingerprint_trigger["echoes"][0] not in on.candidates.scanner.compiled_ids
    text = "Headline\n\nagain again\n\nBody text goes on here, and on.\n\nzz-zz\nSite footer\n"
    res = on.clean(text)
    assert res.site == "echoes"
    assert [d.rule for d in res.removed if d.text.strip()] == ["mine/echo", "echoes/footer"]
    _same(text, on, off)


# --- set-up, and a scan that RE2 gives up on ---------------------------------------------------

def test_setting_up_the_scanner_is_free_so_it_runs_from_the_first_document():
    """RE2 compiles the packs' set in milliseconds: nothing is cached on disk, and a default
    Cleaner needs no warm-up for the scanner's sake."""
    assert Scanner.cached(OFF.candidates.triggers()[0])


def test_no_cache_directory_when_the_variable_is_empty(monkeypatch):
    from cleaner import cache

    monkeypatch.setenv(cache.CACHE_ENV, "")
    assert cache.cache_dir() is None
    assert Scanner([Trigger("x", False)]).scan(["x", "y"]).found[0] == {0}


def test_a_line_that_the_engine_gives_up_on_is_not_scanned_and_decides_the_same(monkeypatch):
    """RE2 answers "no match" also when its automaton ran out of memory; the sentinel that
    every scan of a line must report tells the two apart, and a line without it counts as
    not scanned (every rule tries it), so decisions stay those of the plain path."""
    triggers = OFF.candidates.triggers()[0]
    honest = Scanner(triggers)
    lines = _lines(SEED_TEXTS[:2])
    gives_up = Scanner(triggers)

    monkeypatch.setattr(gives_up, "_match", lambda data: [] if b"a" in data else honest._match(data))
    hits = gives_up.scan(lines)
    assert hits.unscanned == {i for i, t in enumerate(lines) if "a" in t}
    c = Cleaner(accelerate=True)
    c.candidates.scanner = gives_up
    for text in SEED_TEXTS:
        _same(text, c, OFF)


def test_the_sentinel_leaves_line_end_anchors_alone():
    hits = Scanner([Trigger("^Related links$", True), Trigger("links$", False)]).scan(
        ["Related Links", "related links here", "more links"])
    assert hits.found == [{0}, {2}]


# --- the memo of lines already matched --------------------------------------------------------

def test_a_line_matched_before_is_answered_from_the_memo_with_the_same_hits(monkeypatch):
    """A second scan of the same lines asks RE2 nothing, and finds what the first found."""
    triggers = OFF.candidates.triggers()[0]
    lines = _lines(SEED_TEXTS[:3])
    memoised = Scanner(triggers)
    first = memoised.scan(lines)
    asked: list[bytes] = []
    real = memoised._match
    monkeypatch.setattr(memoised, "_match", lambda data: asked.append(data) or real(data))
    assert memoised.scan(lines) == first
    assert asked == []


def test_a_line_the_engine_gave_up_on_is_not_remembered(monkeypatch):
    """An answer without the sentinel (RE2 out of memory) is asked again next time: the line
    is unscanned once, and scanned when RE2 answers."""
    scan = Scanner([Trigger("here", False)])
    real = scan._match
    monkeypatch.setattr(scan, "_match", lambda data: [])
    assert scan.scan(["here", "there"]).unscanned == {0, 1}
    monkeypatch.setattr(scan, "_match", real)
    hits = scan.scan(["here", "there"])
    assert hits.unscanned == set() and hits.found == [{0, 1}]


def test_the_memo_holds_at_most_memo_lines(monkeypatch):
    monkeypatch.setattr(scanner, "MEMO_LINES", 5)
    scan = Scanner([Trigger("7", False)])
    for k in range(4):
        lines = [f"line {k} {j}" for j in range(4)]
        assert scan.scan(lines).found == [{j for j, t in enumerate(lines) if "7" in t}]
        assert len(scan._memo) <= 5


def test_a_document_of_more_new_lines_than_the_memo_holds_is_not_remembered(monkeypatch):
    monkeypatch.setattr(scanner, "MEMO_LINES", 3)
    scan = Scanner([Trigger("7", False)])
    lines = [f"line {j}" for j in range(10)]
    assert scan.scan(lines).found == [{7}]
    assert scan._memo == {}
