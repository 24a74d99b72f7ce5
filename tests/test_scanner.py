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

hs = pytest.importorskip("hyperscan")
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
    assert byte_prefilter(r"(?i)\p{Lu}x", False) == r"(?i)[\p{L}\x80-\xff]x"
    assert byte_prefilter(r"\p{Lu}x", False) == r"[\p{Lu}\x80-\xff]x"
    assert byte_prefilter(r"[^\p{Lu}]", True) is None  # widening inside a negation narrows it


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
        assert Cleaner(accelerate=True)._scanner is None
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
    for c in Scanner(OFF._triggers()[0]).mapped:
        assert regex.findall(regex.escape(c), every, regex.IGNORECASE) == [c]
    mappable = "".join(c for c in map(chr, range(0x80, 0x10000)) if scanner.mappable(c))
    members = regex.compile("[" + regex.escape(mappable, special_only=False) + "]", regex.IGNORECASE)
    assert "".join(members.findall(every)) == mappable


# --- the superset property on the real rules ------------------------------------------------

def _triggers(cleaner: Cleaner):
    """(name, exact test, trigger index) for every rule trigger and fingerprint."""
    triggers, by_rule, by_fp = cleaner._triggers()
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


# --- same decisions with and without it -----------------------------------------------------

def _same(text: str, on: Cleaner, off: Cleaner) -> None:
    a, b = on.clean(text), off.clean(text)
    assert a.decisions == b.decisions
    assert (a.site, a.warnings, a.text) == (b.site, b.warnings, b.text)


ON, OFF = Cleaner(accelerate=True), Cleaner(accelerate=False)


def test_scanner_is_on_when_asked():
    assert ON._scanner is not None and OFF._scanner is None


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
    import cleaner.pipeline as pipeline
    monkeypatch.setattr(pipeline, "SCANNER_WARMUP_CHARS", 100)
    monkeypatch.setenv(scanner.CACHE_ENV, str(tmp_path))  # nothing compiled yet
    c = Cleaner()
    text = SEED_TEXTS[0]
    first = c.clean(text[:50])
    assert c._scanner is None
    c.clean(text)
    assert c._scanner is not None
    assert c.clean(text[:50]).decisions == first.decisions


def test_user_packs_are_prefiltered_too(tmp_path: Path):
    (tmp_path / "mine.toml").write_text(
        '[pack]\nname = "mine"\ndescription = "x"\n\n[[rule]]\nid = "promo"\nkind = "line"\n'
        'family = "widget"\nmessage = "promo"\npattern = \'^Buy now\\b\'\n', encoding="utf-8")
    on = Cleaner(rule_dirs=[tmp_path], accelerate=True)
    assert on._scanner is not None and on._rule_trigger["mine/promo"] in on._scanner.compiled_ids
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
    assert on._rule_trigger["mine/echo"] not in on._scanner.compiled_ids
    assert on._fingerprint_trigger["echoes"][0] not in on._scanner.compiled_ids
    text = "Headline\n\nagain again\n\nBody text goes on here, and on.\n\nzz-zz\nSite footer\n"
    res = on.clean(text)
    assert res.site == "echoes"
    assert [d.rule for d in res.removed if d.text.strip()] == ["mine/echo", "echoes/footer"]
    _same(text, on, off)


# --- the compiled-database cache -----------------------------------------------------------

def test_a_compiled_scanner_is_cached_and_loaded_with_the_same_result(tmp_path, monkeypatch):
    monkeypatch.setenv(scanner.CACHE_ENV, str(tmp_path))
    triggers = OFF._triggers()[0]
    assert not Scanner.cached(triggers)
    first = Scanner(triggers)
    assert Scanner.cached(triggers) and len(list(tmp_path.glob("scanner-*.hsdb"))) == 1
    second = Scanner(triggers)
    assert second.compiled_ids == first.compiled_ids
    lines = _lines(SEED_TEXTS)
    assert second.scan(lines) == first.scan(lines)


def test_a_cached_scanner_is_used_from_the_first_document(tmp_path, monkeypatch):
    monkeypatch.setenv(scanner.CACHE_ENV, str(tmp_path))
    Cleaner(accelerate=True)          # compiles and stores
    c = Cleaner()                     # default: would wait for the warm-up without a cache
    c.clean("Short text.\n")
    assert c._scanner is not None


def test_a_broken_cache_entry_is_compiled_afresh(tmp_path, monkeypatch):
    monkeypatch.setenv(scanner.CACHE_ENV, str(tmp_path))
    triggers = OFF._triggers()[0]
    good = Scanner(triggers)
    (entry,) = tmp_path.glob("scanner-*.hsdb")
    entry.write_bytes(b"[1, 2]\nnot a database")
    again = Scanner(triggers)
    assert again.compiled_ids == good.compiled_ids
    assert again.scan(["Advertisement"]).found == good.scan(["Advertisement"]).found
    assert entry.read_bytes() != b"[1, 2]\nnot a database"  # rewritten whole


def test_no_cache_when_the_directory_is_empty_or_unwritable(tmp_path, monkeypatch):
    monkeypatch.setenv(scanner.CACHE_ENV, "")
    assert scanner.cache_dir() is None
    Scanner([Trigger("x", False)])
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    monkeypatch.setenv(scanner.CACHE_ENV, str(blocked / "sub"))
    s = Scanner([Trigger("x", False)])  # cannot store: still works
    assert s.scan(["x", "y"]).found[0] == {0}


# --- hits across passes -----------------------------------------------------------------------

def test_renumbered_hits_name_the_surviving_lines_by_their_new_index():
    hits = scanner.Hits({0: {0, 2, 5}, 1: {3}}, frozenset({0, 1, 2}), 4, frozenset({4, 6}))
    # lines 1, 3 and 5 of seven removed: old 0,2,4,6 -> new 0,1,2,3
    later = hits.renumbered({0: 0, 2: 1, 4: 2, 6: 3})
    assert later.lines(0) == {0, 1}
    assert later.lines(1) == set()        # its only line is gone
    assert later.lines(2) == frozenset()  # matched nowhere
    assert later.lines(3) is None         # not prefiltered: every line
    assert later.unscanned == {2, 3}
    # a pass after that: old 2 (now 1) removed as well
    last = later.renumbered({0: 0, 2: 1, 3: 2})
    assert last.lines(0) == {0} and last.unscanned == {1, 2}
    assert last == scanner.Hits({0: {0}, 1: set()}, frozenset({0, 1, 2}), 4, frozenset({1, 2}))
    assert last != hits


def test_positions_renumber_by_the_old_indices_that_remain():
    where = scanner.Positions([0, 2, 4, 6])
    assert [where[i] for i in (0, 2, 4, 6)] == [0, 1, 2, 3] and len(where) == 4
    assert 1 not in where and 7 not in where and -1 not in where and "2" not in where
    with pytest.raises(KeyError):
        where[3]
    assert dict(where) == {0: 0, 2: 1, 4: 2, 6: 3}
    assert where.among([6, 0, 3, 4, 7, -1]) == {0, 2, 3} and where.among([]) == set()
    hits = scanner.Hits({0: {0, 2, 5}, 1: {3}}, frozenset({0, 1, 2}), 4, frozenset({4, 6}))
    assert hits.renumbered(where) == hits.renumbered({0: 0, 2: 1, 4: 2, 6: 3})
    third = hits.renumbered(where).renumbered(scanner.Positions([0, 2, 3]))  # a pass after that
    assert third == hits.renumbered({0: 0, 2: 1, 4: 2, 6: 3}).renumbered({0: 0, 2: 1, 3: 2})
    assert third.lines(0) == {0} and third.unscanned == {1, 2}
    assert scanner.Positions([]) == {} and 0 not in scanner.Positions([])
