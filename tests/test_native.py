"""The compiled line measurement gives prose.py's Features exactly, so decisions are the same
with it and without it."""
from __future__ import annotations

import shutil
import sysconfig
import zlib

import pytest
import regex
from hypothesis import given, settings, strategies as st

from cleaner import Cleaner, native, prose
from conftest import ROOT, SEEDS
from test_properties import SETTINGS, documents

DEV = sorted(p for p in (ROOT.parent / "shared" / "bench").glob("*/dev/*.txt") if not p.name.endswith(".gold.txt"))
TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")) if ".expected" not in p.name]
TEXTS += [p.read_text(encoding="utf-8") for p in DEV]


def test_the_extension_is_built_where_a_compiler_is():
    """`pip install` builds it when it can; a silent build failure would only show as slowness."""
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if not shutil.which(compiler):
        pytest.skip("no C compiler here")
    assert native.compiled()


compiled_only = pytest.mark.skipif(not native.compiled(), reason="cleaner._native is not built")

# Characters where the classes or the measurements have edges: apostrophes, quotes and
# closers, sentence punctuation, non-breaking and other spaces, combining marks (\w but not
# alphanumeric), upper-case letters outside ASCII, CJK, a digit of another script, a
# character outside the BMP, a lone surrogate, letters that fold or lower-case oddly.
EDGY = list("aZ .!?'’\"“”‘)(]»…:;\n\t_1\u00a0\u2028\u0301\u0903ÉſKßİ中あア한٣\U0001d400\ud800x") + [
    "Mr. Smith", "the ", "THE ", "l’été ", "and", "  ", "Ǆ", "ᾈ"]


@compiled_only
def test_the_class_table_holds_what_regex_says():
    native.enable()
    table = native.class_table()
    for cp in list(range(0x3000)) + list(range(0x3000, 0x110000, 97)):
        ch = chr(cp)
        for bit, cls in native.CLASS_FLAGS:
            assert bool(table[cp] & bit) == bool(regex.match(cls, ch)), (hex(cp), cls)


@compiled_only
def test_every_line_of_the_seeds_and_dev_inputs_measures_the_same():
    native.enable()
    lines = [ln.strip() for t in TEXTS for ln in t.split("\n")]
    assert native.measure_lines(lines) == [prose._measure(ln) for ln in lines]


# Lines at the edges of each measurement: the 8-character tail the sentence end is looked
# for in, apostrophes inside and around words, an opener before the next sentence, a
# final newline, stopwords in and out of ASCII and longer than any stopword.
BOUNDARIES = [
    "a." + ")" * 7, "a." + ")" * 8, "a." + ")" * 6 + "\n", "abc…»", "x:;", "end .", "",
    "it’s the dog's 'bone' ’tis", "Dr. (Who) left. \"Then\" he. (Came) back.",
    "A.  B. c. ’D", "über die Straße", "THE And the", "x" * 40 + " the", "É. Été. été",
    # a sentence break's capital that could start the next one (breaks do not overlap)
    "x. \"A. Bc", "x. A. Bc", "x.) (A! B", "A.B. C. D", "x. (A. (B. C", "Yes! No? Ok. \u2018A. B",
]


@compiled_only
def test_lines_at_the_edges_of_each_measurement_measure_the_same():
    native.enable()
    assert native.measure_lines(BOUNDARIES) == [prose._measure(t) for t in BOUNDARIES]


@compiled_only
def test_long_lines_are_measured_on_the_same_sample():
    native.enable()
    line = ("The cat sat. And Then it left! " * 2000).strip()
    assert len(line) > prose.SAMPLE_CHARS
    cut = ["x" * (prose.SAMPLE_CHARS - k) + " the. The end." for k in range(0, 8)]  # a word across the cut
    lines = [line, line + "…", *cut]
    assert native.measure_lines(lines) == [prose._measure(t) for t in lines]


@compiled_only
@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(st.sampled_from(EDGY), max_size=40).map("".join), max_size=8))
def test_edge_characters_measure_the_same(lines):
    native.enable()
    assert native.measure_lines(lines) == [prose._measure(t) for t in lines]


@compiled_only
@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=60), max_size=6))
def test_any_text_measures_the_same(lines):
    native.enable()
    assert native.measure_lines(lines) == [prose._measure(t) for t in lines]


@compiled_only
def test_measure_rejects_what_is_not_a_line():
    native.enable()
    with pytest.raises(TypeError):
        native.measure_lines(["fine", 3])  # type: ignore[list-item]


ON, OFF = Cleaner(accelerate=True), Cleaner(accelerate=False)


def test_decisions_are_the_same_with_and_without_the_native_paths():
    for text in TEXTS:
        assert ON.clean(text).decisions == OFF.clean(text).decisions


@settings(SETTINGS, max_examples=60)
@given(documents())
def test_generated_documents_clean_the_same_with_and_without_the_native_paths(text):
    on = ON.clean(text)
    assert on.decisions == OFF.clean(text).decisions
    assert on.text == ON.clean(on.text).text  # and still idempotent


@compiled_only
def test_the_class_table_is_cached_and_a_broken_entry_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(tmp_path))
    native.class_table.cache_clear()
    try:
        built = native.class_table()
        assert native.cached()
        [entry] = tmp_path.glob("classes-*.bin")
        assert zlib.decompress(entry.read_bytes()) == built
        entry.write_bytes(b"not a table")
        native.class_table.cache_clear()
        assert native.class_table() == built
        assert zlib.decompress(entry.read_bytes()) == built
    finally:
        native.class_table.cache_clear()


def test_the_cross_document_memo_keeps_short_lines_only_and_stays_bounded(monkeypatch):
    monkeypatch.setattr(native, "REMEMBER_LINES", 3)
    memo: dict[str, int] = {}
    native.remember(memo, "x" * (native.REMEMBER_MAX_CHARS + 1), 1)
    assert memo == {}  # a body-length line is not kept
    for k in range(3):
        native.remember(memo, f"Menu {k}", k)
    assert len(memo) == 3
    native.remember(memo, "Menu 3", 3)
    assert memo == {"Menu 3": 3}  # full: emptied, then the new line kept


@compiled_only
def test_the_native_memo_keeps_short_lines_only_and_stays_bounded():
    native.enable()
    memo: dict = {}
    long = "x" * 11
    first = native._native.measure(["Menu", long, "Menu"], memo, 10, 2)
    assert first == [prose._measure("Menu"), prose._measure(long), prose._measure("Menu")]
    assert list(memo) == ["Menu"]  # the long line is not kept
    memo["Home"] = prose._measure("Home")
    native._native.measure(["Sport"], memo, 10, 2)
    assert list(memo) == ["Sport"]  # full: emptied, then the new line kept
    stale = prose._measure("the cat sat.")
    assert native._native.measure(["Sport"], {"Sport": stale}, 10, 2) == [stale]  # what the memo holds is used


@compiled_only
def test_no_character_is_both_a_word_character_and_whitespace():
    """What the native fold's strip rests on."""
    native.enable()
    table = native.class_table()
    assert not [hex(cp) for cp in range(0x110000) if table[cp] & 1 and chr(cp).isspace()]


# --- the fold of second copies' keys (data: the compiled measurement gives it too) ---------------
from cleaner.heuristics import duplicates  # noqa: E402

FOLDS = ["", " ", "...", "a", " a ", "--a--b--", "Hello, World!", "ß straße", "İstanbul", "ǅ", "ﬁ ligature",
         "\u00a0x\u2028y\u3000", "«a» b", "a\u00a0b", "a_b", "x\u0301y", "中文，测试。", "\U0001d400 \U0001d401", "\ud800", "ΐ"]


@compiled_only
def test_folding_is_the_same_natively():
    native.enable()
    texts = FOLDS + [ln.strip() for t in TEXTS for ln in t.split("\n")]
    folded = [native._native.fold(t) for t in texts]
    assert folded == [duplicates._fold_cached(t) for t in texts]
    # each in the narrowest form its characters allow, as every str must be
    assert [f.isascii() for f in folded] == [f.encode("utf-8").isascii() for f in folded]


@compiled_only
@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80) | st.lists(st.sampled_from(EDGY + FOLDS), max_size=20).map("".join))
def test_folding_any_text_is_the_same_natively(text):
    native.enable()
    assert native._native.fold(text) == duplicates._FOLD.sub(" ", text.casefold()).strip()


@compiled_only
def test_the_native_measurement_builds_only_a_tuple_type():
    """It fills what the type allocates as a tuple: any other type is refused, not written into."""
    with pytest.raises(TypeError):
        native._native.configure(native.class_table(), prose.stopwords(), dict, prose.SAMPLE_CHARS)


@compiled_only
def test_every_case_variant_of_every_stopword_counts_the_same():
    """Stopwords are looked up natively by lower-casing a character at a time: every token
    that lower-cases to a stopword through any of its characters (and the two characters
    that lower-case otherwise: U+0130 and the final sigma) is measured as Python does."""
    native.enable()
    stop = sorted(prose.stopwords())
    wanted = {ch for w in stop for ch in w}
    by_lower: dict[str, list[str]] = {}
    for cp in range(0x110000):
        low = chr(cp).lower()
        if low in wanted:
            by_lower.setdefault(low, []).append(chr(cp))
    tokens = []
    for w in stop:
        tokens += [w, w.upper(), w.title(), w.replace("i", "İ"), "İ" + w, w + "Σ", "Σ" + w]
        for i, ch in enumerate(w):
            tokens += [w[:i] + variant + w[i + 1:] for variant in by_lower.get(ch, [])]
    lines = [" ".join(tokens[k:k + 7]) for k in range(0, len(tokens), 7)] + ["ΟΔΟΣ ΣΑΣ", "İ i̇ I", "Σ σ ς"]
    assert native.measure_lines(lines) == [prose._measure(t) for t in lines]


@compiled_only
def test_no_character_outside_ascii_casefolds_unless_it_is_a_word_character():
    """What lets the native fold skip str.casefold() for text whose only non-ASCII
    characters are punctuation, quotes and spaces."""
    native.enable()
    table = native.class_table()
    assert not [hex(cp) for cp in range(0x80, 0x110000) if not table[cp] & 1 and chr(cp).casefold() != chr(cp)]


@compiled_only
def test_a_full_stopword_table_finds_every_word_and_no_other():
    """The native stopwords sit in a two-choice (cuckoo) table: filled to near its capacity,
    where words displace each other while it is built, each word is still found, and words
    that are not in it are not; a set too big for it is refused."""
    words = [f"w{k:x}é" if k % 3 else f"s{k}" for k in range(480)]  # ASCII and not, 2-5 bytes
    try:
        native._native.configure(native.class_table(), frozenset(words), prose.Features, prose.SAMPLE_CHARS)
        line = " ".join(words)
        found = native._native.measure([line, line.upper(), line.replace("w", "v").replace("s", "t")])
        assert [f.stopword_ratio for f in found] == [1.0, 1.0, 0.0]
        with pytest.raises(ValueError, match="too many stopwords"):
            native._native.configure(native.class_table(), frozenset(f"x{k}" for k in range(5000)),
                                     prose.Features, prose.SAMPLE_CHARS)
    finally:  # the shipped configuration, as native.enable() made it
        native._native.configure(native.class_table(), prose.stopwords(), prose.Features, prose.SAMPLE_CHARS)
