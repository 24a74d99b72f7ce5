"""The modules Cython compiles from their own source (setup.py's COMPILED) decide exactly as
their source does when Python runs it: the interpreted module is the reference, the compiled
one only the fast path. Each test here runs both on the same inputs."""
from __future__ import annotations

import ast
import importlib
import importlib.util
import shutil
import sys
import sysconfig
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings, strategies as st

from cleaner import document
from conftest import ROOT, SEEDS
from test_properties import SETTINGS, documents



def _compiled_list() -> list[str]:
    """setup.py's COMPILED, read from its source (running setup.py would build)."""
    tree = ast.parse((ROOT / "setup.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "COMPILED" for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError("setup.py has no COMPILED list")


COMPILED = _compiled_list()

DEV = sorted(p for p in (ROOT.parent / "shared" / "bench").glob("*/dev/*.txt") if not p.name.endswith(".gold.txt"))
TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")) if ".expected" not in p.name]
TEXTS += [p.read_text(encoding="utf-8") for p in DEV]


def module_name(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def interpreted(path: str) -> ModuleType:
    """The module read from its .py source and run by Python, under a name of its own (the
    package's import gets the compiled module where one is built)."""
    name = module_name(path) + "_interpreted"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)  # type: ignore[union-attr]
    return sys.modules[name]


def is_compiled(module: ModuleType) -> bool:
    return any(str(module.__file__).endswith(suffix) for suffix in EXTENSION_SUFFIXES)


def pair(path: str) -> tuple[ModuleType, ModuleType]:
    """(as imported, as interpreted) for a module of COMPILED."""
    return importlib.import_module(module_name(path)), interpreted(path)


@pytest.mark.parametrize("path", COMPILED)
def test_every_compiled_module_is_built_where_a_compiler_is(path):
    """`pip install` compiles them when it can; a silent build failure would only show as
    slowness."""
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if not shutil.which(compiler):
        pytest.skip("no C compiler here")
    assert is_compiled(importlib.import_module(module_name(path)))


@pytest.mark.parametrize("path", COMPILED)
def test_a_module_built_in_place_is_not_older_than_its_source(path):
    """In a checkout built with `setup.py build_ext --inplace`, a compiled module older than
    its source would run yesterday's decisions: rebuild after editing."""
    module = importlib.import_module(module_name(path))
    if is_compiled(module) and Path(module.__file__).parent == (ROOT / path).parent:
        assert Path(module.__file__).stat().st_mtime >= (ROOT / path).stat().st_mtime, f"rebuild {path}"


# --- tidy: the blank lines that framed removed text ------------------------------------------

EDGE_TEXTS = ["\n\nMenu\n\nBody.\n\n\nAd\n\nMore body.\n\n", "\n\nMenu\n\nBody.\n \n\t\nAd\n", "", "\n", "a"]


def test_blank_lines_to_drop_are_the_same_compiled_and_interpreted():
    compiled, source = pair("cleaner/tidy.py")
    for k, text in enumerate(TEXTS + EDGE_TEXTS):
        lines = document.split_lines(text)
        for removed in ({i: None for i in range(k % 4, len(lines), 3)}, {0: None}, {len(lines) - 1: None}, {},
                        {-1: None, len(lines): None}):
            assert compiled.blank_lines_to_drop(lines, removed) == source.blank_lines_to_drop(lines, removed)


@settings(SETTINGS, max_examples=150)
@given(documents(), st.sets(st.integers(0, 40), max_size=12))
def test_blank_lines_to_drop_of_generated_documents_are_the_same_compiled_and_interpreted(text, drop):
    compiled, source = pair("cleaner/tidy.py")
    lines = document.split_lines(text)
    removed = {i: None for i in drop if i < len(lines)}
    assert compiled.blank_lines_to_drop(lines, removed) == source.blank_lines_to_drop(lines, removed)


# --- layout: each line's class and weight, and the body span ---------------------------------
from cleaner import prose  # noqa: E402
from cleaner.document import Line  # noqa: E402
from cleaner.lines import ENDINGS  # noqa: E402

CLASSES = "cleaner/heuristics/classes.py"

# Characters where the classes have edges: apostrophes, quotes and closers, sentence
# punctuation, spaces of several kinds, CJK and its sentence ends, digits and date words.
EDGY = list("aZ .!?'’\"“”‘)(]»…:;\n\t_1\u00a0\u2028\u0301ÉſKßİ中あア한٣\U0001d400x。") + [
    "Mr. Smith", "the ", "THE ", "l’été ", "and", "  ", "Jan", "2019", "12:30", "ago", "中文", "of"]
# Lines at the classes' edges: word counts and stopword shares on each side of the
# thresholds, CJK lines around their length limits and end marks (also before a newline),
# date-stamped short lines, and a long run-on line without a sentence end.
CLASS_EDGES = [
    "one two three four five six", "the of and a to in", "one two three four five six seven",
    "Updated 3:02 PM", "Tuesday November 19, 2019", "posted 2 hours ago.", "Sep", "May the force",
    "a b c d e f g h i the", "a b c d e f g h the of.", "The cat sat on the mat and then the dog came.",
    " ".join(["word"] * 20 + ["the"] * 5), " ".join(["word"] * 19 + ["the"] * 5), "中" * 39 + "。", "中" * 40 + "。",
    "中" * 40 + "。\n", "中" * 40 + ")", "中文", "中文。", "中" * 11, "中" * 12,
]
# Date stamps: each alternative of the date pattern at the edges of its word boundaries and
# digit counts, on lines that reach it (with function words, at most DATE_MAX_WORDS words).
DATE_EDGES = [
    "12:30", "1:30", "x12:30", "1:234", "12:3", "123:45", "a 9:05 b", "2019", "1999", "2100", "x2019", "20199",
    "Jan", "JANUARY", "Mayor Smith", "xMay", "_Dec", "posted", "Posted.", "reposted", "ago1", "ago", "2 days ago",
    "UPDATED", "updatedx", "published_", "Nov.", "de 3 oct", "the 1 st", "19:", ":30", "Sept", "1:3", "1:30x",
    "é 12:30", "Déc 2019", "١٢:٣٠",
]
DATED = [f"{t} and the of it" for t in DATE_EDGES] + [f"it is the {t}" for t in DATE_EDGES]


def both_classes(texts: list[str]) -> tuple[tuple, tuple]:
    compiled, source = pair(CLASSES)
    feats = [prose._measure(t) for t in texts]
    return compiled.line_classes(feats, texts), source.line_classes(feats, list(texts))


def test_every_line_of_the_seeds_and_dev_inputs_classifies_the_same_compiled_and_interpreted():
    texts = [ln.strip() for t in TEXTS for ln in t.split("\n")]
    fast, slow = both_classes(texts)
    assert fast == slow
    assert set(fast[0].decode()) == {"p", "n", "c"}


@pytest.mark.parametrize("texts", [CLASS_EDGES, DATED], ids=["class-edges", "date-edges"])
def test_lines_at_the_class_edges_classify_the_same_compiled_and_interpreted(texts):
    fast, slow = both_classes(texts)
    assert fast == slow


def test_a_short_line_is_chrome_when_the_date_pattern_finds_a_date_in_it():
    from cleaner.heuristics import classes

    codes, _ = both_classes(DATED)[0]
    reached = [not prose._measure(t).sentence_end for t in DATED]  # a sentence is never a stamp
    assert [c == ord("c") for c in codes] == [r and classes.DATEISH.search(t) is not None for r, t in zip(reached, DATED)]
    assert 0 < codes.count(b"c") < len(DATED)  # dated and not dated, both reached


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(EDGY), max_size=30).map("".join), max_size=8))
def test_generated_lines_classify_the_same_compiled_and_interpreted(texts):
    fast, slow = both_classes(texts)
    assert fast == slow


def test_line_classes_want_one_text_per_features():
    for module in pair(CLASSES):
        with pytest.raises(ValueError):
            module.line_classes([], ["x"])


def both_spans(text: str, drop: set[int]) -> tuple[object, object]:
    """The body span of a document with the lines in `drop` removed, compiled and interpreted."""
    compiled, source = pair(CLASSES)
    lines = document.split_lines(text)
    texts = [ln.stripped for ln in lines]
    codes, weights = compiled.line_classes([prose._measure(t) for t in texts], texts)
    kept = [i for i in range(len(lines)) if i not in drop]
    fast, slow = compiled.body_span(lines, kept, codes, weights), source.body_span(lines, kept, codes, weights)
    for got in (fast, slow):  # the order is the kept lines with text
        assert got is None or list(got[0]) == [i for i in kept if lines[i].stripped]
    return fast, slow


def test_the_body_span_is_the_same_compiled_and_interpreted():
    found = 0
    for k, text in enumerate(TEXTS):
        fast, slow = both_spans(text, set(range(k % 5, 400, 7)))  # with some lines removed as well
        assert fast == slow
        fast, slow = both_spans(text, set())
        assert fast == slow
        found += fast is not None
    assert found > len(TEXTS) * 0.9


@settings(SETTINGS, max_examples=100)
@given(documents(), st.sets(st.integers(0, 40), max_size=10))
def test_the_body_span_of_generated_documents_is_the_same_compiled_and_interpreted(text, drop):
    fast, slow = both_spans(text, drop)
    assert fast == slow


def kadane(weights: list[int]) -> tuple[int, int]:
    """The reference span: the earliest-ending best sum and, for that end, the shortest."""
    best, span, run, start = None, (0, 0), 0, 0
    for k, w in enumerate(weights):
        if k == 0 or run <= 0:
            run, start = w, k
        else:
            run += w
        if best is None or run > best:
            best, span = run, (start, k)
    return span


def brute_best_sum(weights: list[int]) -> int:
    return max(sum(weights[i:j + 1]) for i in range(len(weights)) for j in range(i, len(weights)))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([-40, -8, 0, 8, 40, 120]) | st.integers(-300, 300), min_size=1, max_size=40))
def test_the_body_span_is_the_best_sum_span(weights):
    lines = document.Lines.of(Line(n, "x", "\n", "x", False) for n in range(1, len(weights) + 1))
    for module in pair(CLASSES):
        _, classes, start, end = module.body_span(lines, list(range(len(weights))), b"p" * len(weights), weights)
        assert (start, end) == kadane(weights)
        assert sum(weights[start:end + 1]) == brute_best_sum(weights)
        assert classes == "p" * len(weights)


def test_the_body_span_rejects_what_is_not_a_document():
    lines = document.split_lines("Home\n")
    for module in pair(CLASSES):
        with pytest.raises(IndexError):
            module.body_span(lines, [3], b"c", [-40])
        with pytest.raises(IndexError):
            module.body_span(lines, [-1], b"c", [-40])
        with pytest.raises(ValueError):
            module.body_span(lines, [0], b"cc", [-40])
        assert module.body_span(lines, [0], b"c", [-40]) is None  # no prose line: no body


# --- the all-capitals heuristic's letter counts ------------------------------------------------
import regex  # noqa: E402

from cleaner import native  # noqa: E402
from cleaner.heuristics import shouting  # noqa: E402

CAPITALS = "cleaner/heuristics/capitals.py"
SHOUTS = [
    "WE CHECKED THE SHERIFF'S OFFICE AND ALL THEY WOULD SAY IS THIS CASE IS ACTIVE AND OPEN TONIGHT",
    "A B C D E F G H I J K L M N O",                       # 14 spaces: just enough words
    "A B C D E F G H I J K L M N",                         # one word short
    "abcdef " + "X " * 20,                                 # six lower-case letters at the start
    "abcdefg " + "X " * 20,                                # seven
    " " * 60 + "abcdefgh" + " X" * 20,                     # lower case past the first 60 characters
    "ǅ ǈ ǋ ǲ " * 5 + "ª º " * 5,                           # title-case and uncased letters
    "다만 MBC KBS SBS 여주인공 " * 4, "ÉTÉ À PARIS " * 8, "İSTANBUL ŞEHİR " * 8,
    ("THE END " * 3000).strip(),                           # longer than the sample
]




def capitals_by_regex(texts: list[str]) -> list[tuple[int, int, int, int]]:
    """The letter counts as heuristics.toml [all-caps] states them, with `regex`'s classes."""
    window = regex.compile(rf"(?:\P{{Ll}}*\p{{Ll}}){{{shouting.MAX_LOWER + 1}}}")
    out = []
    for i, text in enumerate(texts):
        if len(text) >= shouting.MIN_WORDS * 2 and text.count(" ") + 1 >= shouting.MIN_WORDS \
                and not window.match(text, 0, shouting.LOWER_WINDOW):
            sample = text[:prose.SAMPLE_CHARS]
            out.append((i, *(len(regex.findall(c, sample)) for c in (r"\p{Lu}", r"\p{Ll}", r"\p{L}"))))
    return out


def both_capitals(texts: list[str]) -> tuple[list, list]:
    compiled, source = pair(CAPITALS)
    return compiled.letter_counts(texts, native.class_table()), source.letter_counts(texts, native.class_table())


def test_all_capitals_letter_counts_are_what_the_patterns_say_compiled_and_interpreted():
    texts = SHOUTS + [ln.strip() for t in TEXTS for ln in t.split("\n")]
    fast, slow = both_capitals(texts)
    assert fast == slow == capitals_by_regex(texts)
    assert any(shouting.share(*counts[1:]) >= shouting.MIN_UPPER_SHARE for counts in fast)  # some lines shout


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(EDGY + ["ǅ", "ª", "ⅷ", "Ⅷ", "A", "B", " ", "a", "ß", "ÿ", "Ÿ"]),
                         min_size=20, max_size=90).map("".join), max_size=6))
def test_generated_lines_have_the_same_letter_counts_compiled_and_interpreted(texts):
    fast, slow = both_capitals(texts)
    assert fast == slow == capitals_by_regex(texts)


def test_letter_counts_want_the_class_table():
    for module in pair(CAPITALS):
        with pytest.raises(ValueError):
            module.letter_counts(["x"], b"short")


# --- second copies ------------------------------------------------------------------------------

from cleaner.heuristics import copies, duplicates  # noqa: E402

COPIES_MODULE = "cleaner/heuristics/copies.py"
EXACT, NEAR, CONTAINED = duplicates.EXACT, duplicates.NEAR, duplicates.CONTAINED


def copies_by_find(lines, order, cap: int = duplicates.CONTAIN_MAX_LINES):
    """The policy, plainly: each kept line, in order, is an exact repeat of a kept line, or
    a near-exact one (its folded key seen), or inside the key of one of the first `cap` long
    kept lines; each found by `find` over all of them (no prefilter)."""
    out, exact, near, holders = [], {}, {}, []
    for i in order:
        line = lines[i]
        text = line.stripped
        if text in exact:
            out.append((i, EXACT, exact[text]))
            continue
        ok = duplicates.NEAR_MIN_CHARS <= len(text) * duplicates.MAX_FOLD_GROWTH and len(text) <= duplicates.FOLD_MAX_CHARS
        key = duplicates.fold(text) if ok else ""
        if len(key) >= duplicates.NEAR_MIN_CHARS:
            if key in near:
                out.append((i, NEAR, near[key]))
                continue
            inside = [number for k, number in holders if key in k]
            if inside:
                out.append((i, CONTAINED, inside[0]))
                continue
            near[key] = line.number
            if len(holders) < cap:
                holders.append((key, line.number))
        exact[text] = line.number
    return out


def all_copies(text: str, drop: set[int], memo: dict | None = None):
    """The second copies of a document (lines in `drop` removed): compiled, interpreted, and
    by the plain policy."""
    compiled, source = pair(COPIES_MODULE)
    lines = document.split_lines(text)
    order = [i for i, ln in enumerate(lines) if not ln.blank and i not in drop]
    return (copies.triples(compiled.second_copies(lines, order, duplicates.fold, {} if memo is None else memo)),
            copies.triples(source.second_copies(lines, order, duplicates.fold, {})), copies_by_find(lines, order))


# Copies of every kind: exact (outer spacing aside), near-exact (case, punctuation), a
# pull quote inside a longer line, and lines just under each length limit.
LONG = "The council voted on Tuesday to close the library, despite a petition."
COPIES = "\n".join([
    LONG, "  " + LONG, LONG.upper(), LONG.replace(",", " ;"), "voted on Tuesday to close the library, despite a",
    "On Tuesday to close the library", "x" * 13, "x" * 13, "Short line", "Short line", "É" * 40, "é" * 40, LONG,
    "ǅ" * 14, "ǆ" * 14, "ß" * 20 + "x", "SS" * 20 + "X",
])


def test_second_copies_are_the_policy_compiled_and_interpreted():
    fast, slow, plain = all_copies(COPIES, set())
    assert fast == slow == plain
    assert {kind for _, kind, _ in fast} == {EXACT, NEAR, CONTAINED}
    for k, text in enumerate(TEXTS):
        for drop in (set(), set(range(k % 3, 500, 5))):
            fast, slow, plain = all_copies(text + "\n" + text, drop)  # every document pasted twice
            assert fast == slow == plain


def test_containment_looks_in_the_first_long_lines_only():
    cap = duplicates.CONTAIN_MAX_LINES
    lines = [f"Paragraph number {k} holds a long enough sentence about topic {k}." for k in range(cap + 2)]
    text = "\n".join(lines + [lines[cap + 1][5:50], lines[0][5:50]])  # a copy of a line past the cap, and one within
    fast, slow, plain = all_copies(text, set())
    assert fast == slow == plain == [(cap + 3, CONTAINED, 1)]


@settings(SETTINGS, max_examples=100)
@given(documents(), st.sets(st.integers(0, 40), max_size=10))
def test_second_copies_of_generated_documents_are_the_policy(text, drop):
    fast, slow, plain = all_copies(text, drop)
    assert fast == slow == plain


def test_second_copies_reject_what_is_not_a_document():
    for module in pair(COPIES_MODULE):
        with pytest.raises(IndexError):
            module.second_copies(document.Lines([], [], b""), [0], duplicates.fold, {})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(st.sampled_from("ab cdé.中"), min_size=40, max_size=160), min_size=1, max_size=5),
       st.lists(st.tuples(st.integers(0, 4), st.integers(0, 120), st.integers(39, 90)), max_size=6))
def test_pull_quotes_at_any_offset_are_found(holders, cuts):
    """Contained copies are looked for through sampled pieces of the holders first: a copy
    starting at any offset of a holder, of any length from the shortest key up, is found."""
    quotes = [holders[h % len(holders)][at:at + size] for h, at, size in cuts]
    fast, slow, plain = all_copies("\n".join(holders + quotes), set())
    assert fast == slow == plain


@pytest.mark.parametrize("wide", ["中", "\U00020000", "é"])  # two-byte, four-byte and one-byte word characters
def test_a_copy_is_found_in_a_holder_of_another_string_width(wide):
    """A pull quote of plain ASCII inside a line that also holds a wider character: the two
    keys are stored at different widths, and the pieces they share must look the same."""
    body = "the council voted on tuesday to close the old library despite a petition signed by many"
    for holder in (f"{wide} {body}", f"{body} {wide}", f"{body[:40]} {wide} {body[40:]}"):
        for quote in (body[3:70], body[17:], body[:45]):
            fast, slow, plain = all_copies(f"{holder}\n{quote}\n", set())
            assert fast == slow == plain
            assert [kind for _, kind, _ in fast] == ([CONTAINED] if quote in holder else [])


def test_second_copies_remember_the_keys_of_short_lines_within_bounds():
    from cleaner.native import REMEMBER_LINES, REMEMBER_MAX_CHARS

    memo: dict = {}
    fast, _, plain = all_copies(COPIES, set(), memo)
    assert fast == plain
    assert memo and all(len(t) <= REMEMBER_MAX_CHARS and k == duplicates.fold(t) for t, k in memo.items())
    full = {f"line {k}": "x" for k in range(REMEMBER_LINES)}
    all_copies(COPIES, set(), full)
    assert 1 <= len(full) < 100  # emptied when full, then this document's keys kept


# --- the whole pipeline with every compiled module replaced by its source -------------------------

HIDE_COMPILED = """
import importlib.machinery, json, sys
names = set(json.loads(sys.argv[1]))
sys.modules["cython"] = None  # not installed (a build requirement only): the sources' shim stands in

class SourceOnly(importlib.machinery.PathFinder):
    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name not in names:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path, target)
        source = spec.origin.rsplit("/", 1)[0] + "/" + name.rsplit(".", 1)[1] + ".py"
        return importlib.util.spec_from_file_location(name, source)

import importlib.util
sys.meta_path.insert(0, SourceOnly)
from cleaner import Cleaner
import importlib
assert all(importlib.import_module(n).__file__.endswith(".py") for n in names)
from cleaner import _cython_shim
assert all(importlib.import_module(n).cython is _cython_shim for n in names)
cleaner = Cleaner()
for path in sys.argv[2:]:
    r = cleaner.clean(open(path, encoding="utf-8").read())
    sys.stdout.write(json.dumps([r.text, [(d.line, d.rule, d.reason) for d in r.removed]]) + "\\n")
"""


def test_the_pipeline_decides_the_same_with_every_compiled_module_replaced_by_its_source():
    """What a machine without a C compiler (and without Cython, a build requirement only) runs:
    the same decisions on the seeds and dev inputs, every reason included."""
    import json
    import subprocess

    from cleaner import Cleaner

    paths = [str(p) for p in sorted(SEEDS.glob("*.txt")) if ".expected" not in p.name] + [str(p) for p in DEV[::3]]
    names = [module_name(path) for path in COMPILED]
    out = subprocess.run([sys.executable, "-c", HIDE_COMPILED, json.dumps(names), *paths], capture_output=True,
                         text=True, check=True).stdout.splitlines()
    cleaner = Cleaner()
    expected = []
    for path in paths:
        r = cleaner.clean(Path(path).read_text(encoding="utf-8"))
        expected.append([r.text, [[d.line, d.rule, d.reason] for d in r.removed]])
    assert [json.loads(line) for line in out] == expected


# --- outputs: kept lines, the cleaned text, decisions, families -----------------------------------
import gc  # noqa: E402
from collections import Counter  # noqa: E402

from cleaner import Cleaner  # noqa: E402
from cleaner.document import Decision, Removal  # noqa: E402

ASSEMBLY = "cleaner/lines.py"  # (its outputs)
OFF = Cleaner(accelerate=False)


def is_line_index(key, n):
    return isinstance(key, int) and 0 <= key < n


def plain_kept(lines, removed):
    kept = [i for i in range(len(lines)) if not any(is_line_index(k, len(lines)) and k == i for k in removed)]
    return kept, [i for i in kept if lines[i].stripped]


def plain_decisions(lines, removed, removed_only=False):
    out = []
    for i, line in enumerate(lines):
        why = removed.get(i) if i in removed else None
        if why is not None:
            out.append(Decision(line.number, False, line.text, why.rule, why.source, why.reason, why.family))
        elif not removed_only:
            out.append(Decision(line.number, True, line.text))
    return tuple(out)


def plain_families(lines, removed):
    return Counter(why.family for k, why in removed.items() if is_line_index(k, len(lines)) and not lines[k].blank)


def removals_of(text: str) -> tuple[tuple, dict]:
    lines = document.split_lines(text)
    return lines, {d.line - 1: Removal(d.rule, d.source, d.reason, d.family) for d in OFF.clean(text).decisions if not d.kept}


def listed(kept: tuple) -> tuple[list[int], list[int]]:
    """kept_lines' arrays as lists (and that they are arrays of line indices)."""
    from array import array

    from cleaner.lines import INDEX_TYPE

    assert all(type(a) is array and a.typecode == INDEX_TYPE for a in kept)
    return tuple(map(list, kept))


def test_kept_lines_are_the_plain_ones_compiled_and_interpreted():
    for k, text in enumerate(TEXTS + EDGE_TEXTS):
        lines = document.split_lines(text)
        for removed in ({i: None for i in range(k % 4, len(lines), 3)}, {0: None}, {len(lines) - 1: None}, {},
                        {-1: None, len(lines): None, 2**80: None, "0": None, 1.0: None}):
            expected = plain_kept(lines, {key: v for key, v in removed.items() if type(key) is int})
            for module in pair(ASSEMBLY):
                assert listed(module.kept_lines(lines, removed)) == expected


@settings(SETTINGS, max_examples=150)
@given(documents(), st.sets(st.integers(0, 40), max_size=12))
def test_kept_lines_of_generated_documents_are_the_plain_ones(text, drop):
    lines = document.split_lines(text)
    removed = {i: None for i in drop}
    for module in pair(ASSEMBLY):
        assert listed(module.kept_lines(lines, removed)) == plain_kept(lines, removed)


def test_line_indices_are_right_on_either_side_of_the_shared_ints():
    """Small line indices are handed out from one tuple and the others made: a document longer
    than that walks its lines the same."""
    lines = document.split_lines("".join(f"line {k}\n" if k % 3 else "\n" for k in range(20_000)))
    removed = {i: None for i in range(0, 20_000, 7)}
    for module in pair(ASSEMBLY):
        assert listed(module.kept_lines(lines, removed)) == plain_kept(lines, removed)


@pytest.mark.parametrize("final_newline", [True, False])
def test_assembling_is_the_plain_join(final_newline):
    """Every line, every other line, and none; across every kind of ending and width."""
    for text in EDGE_TEXTS + TEXTS + ["a\r\nb\rc\n\r", "中\n\U0001d400\r\n"]:
        lines = document.split_lines(text)
        for part in (lines, lines[::2], lines[1::3], document.Lines([], [], b"")):
            joined = "".join(ln.text + ln.ending for ln in part)
            if not final_newline and part:
                joined = joined[: len(joined) - len(part[-1].ending)]
            for module in pair(ASSEMBLY):
                assert module.assemble(part, final_newline) == joined


def test_decisions_are_the_plain_ones_compiled_and_interpreted():
    for text in TEXTS:
        lines, removed = removals_of(text)
        for module in pair(ASSEMBLY):
            built = module.decisions(lines, removed, Decision)
            assert built == plain_decisions(lines, removed)
            assert all(type(d) is Decision for d in built)
            gone = module.decisions(lines, removed, Decision, True)
            assert gone == plain_decisions(lines, removed, True) == tuple(d for d in built if not d.kept)
            nothing = document.Lines([], [], b"")
            assert module.decisions(nothing, {}, Decision) == module.decisions(nothing, {}, Decision, True) == ()


@pytest.mark.parametrize("removed_only", [False, True])
def test_each_line_gets_its_own_removals_fields_among_many_interleaved(removed_only):
    """Many distinct Removals, taken in turn and out of turn: each line reports its own."""
    lines = document.split_lines("".join(f"line {k}\n" for k in range(3000)))
    whys = [Removal(f"pack/rule-{k}", f"src{k}", f"reason {k}", f"fam{k % 7}") for k in range(300)]
    removed = {i: whys[(i * 7919) % 300 if i % 3 else i % 5] for i in range(0, 3000, 2)}
    for module in pair(ASSEMBLY):
        got = module.decisions(lines, removed, Decision, removed_only)
        assert got == plain_decisions(lines, removed, removed_only)
        assert len([d for d in got if not d.kept]) == 1500


@pytest.mark.parametrize("removed_only", [False, True])
def test_removals_at_no_line_index_remove_nothing(removed_only):
    lines = document.split_lines("a\nb\nc\n")
    why = Removal("x/y", "test", "because")
    odd = {1: why, 3: why, -1: why, 10**30: why, "2": why}
    for module in pair(ASSEMBLY):
        got = module.decisions(lines, odd, Decision, removed_only)
        assert [(d.line, d.text, d.rule) for d in got if not d.kept] == [(2, "b", "x/y")]
        assert module.families(lines, odd) == {why.family: 1}


def test_decisions_are_made_only_as_a_tuple_type():
    """They are filled as a tuple: any other type is refused, not written into; a tuple type
    with room of its own (a __dict__) is made whole and works as such."""

    class Roomy(tuple):
        pass

    lines = document.split_lines("Menu \n")
    for module in pair(ASSEMBLY):
        with pytest.raises(TypeError):
            module.decisions(lines, {}, dict)
        [made] = module.decisions(lines, {}, Roomy)
        assert type(made) is Roomy and tuple(made) == (1, True, "Menu ", None, None, None, None)
        made.note = "a __dict__ of its own"
        assert made.note and gc.is_tracked(made)


def test_only_decisions_of_atoms_leave_the_cyclic_collector():
    """Untracking is CPython's own rule for tuples: a decision holding a container could be
    in a cycle, so it stays tracked."""
    compiled, _ = pair(ASSEMBLY)
    if not is_compiled(compiled):
        pytest.skip("the interpreted module makes decisions as tuple.__new__ does")
    lines = document.split_lines("Menu\nAd\n")
    odd = Removal(["a", "list"], "s", "r", "f")  # type: ignore[arg-type]
    kept, dropped = compiled.decisions(lines, {1: odd}, Decision)
    assert not gc.is_tracked(kept) and gc.is_tracked(dropped)


def test_family_counts_are_the_plain_ones_and_the_removed_lines_decisions():
    """Counted per removed line with text, over the seeds and texts and over many distinct
    Removals, with blank lines among them."""
    for text in TEXTS:
        result = OFF.clean(text)
        lines, removed = document.split_lines(text), result.decisions._removals
        for module in pair(ASSEMBLY):
            assert module.families(lines, removed) == plain_families(lines, removed)
        assert result.families() == Counter(d.family or "other" for d in result.removed_text())
    lines = document.split_lines("".join(f"line {k}\n" if k % 4 else "\n" for k in range(3000)))
    whys = [Removal(f"pack/rule-{k}", "src", "why", f"fam{k % 7}") for k in range(300)]
    removed = {i: whys[(i * 7919) % 300 if i % 3 else i % 5] for i in range(0, 3000, 2)}
    for module in pair(ASSEMBLY):
        got = module.families(lines, removed)
        assert got == plain_families(lines, removed) == Counter(removed[i].family for i in removed if i % 4)
        assert sum(got.values()) == 750


# --- lines in: splitting a text ------------------------------------------------------------------
LINE = regex.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")  # only LF, CRLF and CR end a line
LINES = "cleaner/lines.py"


def line_of(number: int, text: str, ending: str) -> Line:
    stripped = text.strip()
    return Line(number, text, ending, stripped, not stripped)


def plain_split(text: str) -> list[Line]:
    """The policy, plainly: a line ends at LF, CRLF or CR, keeps its ending, and a last line
    without one is kept when not empty."""
    out = []
    for number, match in enumerate(LINE.finditer(text), start=1):
        chunk = match.group()
        if chunk.endswith("\r\n"):
            out.append(line_of(number, chunk[:-2], "\r\n"))
        elif chunk.endswith(("\n", "\r")):
            out.append(line_of(number, chunk[:-1], chunk[-1]))
        else:
            out.append(line_of(number, chunk, ""))
    return out


def plain_compact(lines: list[Line], runs: list[int]) -> list[Line]:
    """Each run of two or more blank lines as one blank Line holding the run's text, numbered
    by position; each run's position and size appended to `runs`."""
    out: list[Line] = []
    k, n = 0, len(lines)
    while k < n:
        j = k
        while j < n and lines[j].blank:
            j += 1
        if j - k >= 2:
            raw = "".join(ln.text + ln.ending for ln in lines[k:j])
            ending = lines[j - 1].ending
            runs += [len(out), j - k]
            out.append(Line(len(out) + 1, raw[:len(raw) - len(ending)], ending, "", True))
            k = j
        else:
            out.append(lines[k]._replace(number=len(out) + 1))
            k += 1
    return out


# Line ends and whitespace at the edges of what split and strip do: CR, CRLF, CR before LF
# across lines, a missing final newline, and characters str.strip() removes although they
# end no line here (vertical tab, form feed, file/record separators, NEL, U+2028, NBSP).
SPLIT_EDGES = ["", "\n", "\r", "\r\n", "\n\n", "a", "a\n", "a\r\nb\rc\n\r", "\r\r\n\n", "a\n\nb",
               " \t x \x0b\x0c", "\x1c\x1d\x1e\x1f\x85\u2028\u2029\u00a0 y \u3000", "中文\r\n\U0001d400 ",
               "last line without end", "  \n \r\n\t", "\r\n\r\n\r", "a\rb\nc\r\n"]


def splits(text: str) -> list[Line]:
    """The split, compiled and interpreted (held equal): its columns (texts, stripped texts,
    ending codes) read back as Lines."""
    got = []
    for module in pair(LINES):
        texts, stripped, endings = module.split(text)
        assert type(texts) is list and type(stripped) is list and type(endings) is bytes
        got.append(list(document.Lines(texts, stripped, endings)))
    assert got[0] == got[1]
    return got[0]


def test_splitting_is_the_plain_split():
    for text in SPLIT_EDGES + TEXTS:
        assert splits(text) == plain_split(text), repr(text[:60])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(EDGY + ["\r", "\r\n", "\n", " ", "\x0c", "\x85"]), max_size=60).map("".join))
def test_splitting_any_text_is_the_plain_split(text):
    assert splits(text) == plain_split(text)


def compacted(text: str) -> tuple[list[Line], list[int], list[str]]:
    """The split with blank runs compacted (compiled and interpreted held equal): its lines,
    runs and stripped texts."""
    got = []
    for module in pair(LINES):
        runs: list[int] = []
        texts, stripped, endings = module.split(text, runs)
        got.append((list(document.Lines(texts, stripped, endings)), runs, stripped))
    assert got[0] == got[1]
    return got[0]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(EDGY + ["\r", "\r\n", "\n", "\n\n\n", " ", "\x0c", "\x85", "\u2028"]),
                max_size=60).map("".join))
def test_compacting_blank_runs_is_the_plain_compact(text):
    lines, runs, texts = compacted(text)
    want_runs: list[int] = []
    assert lines == plain_compact(plain_split(text), want_runs) and runs == want_runs
    assert texts == [ln.stripped for ln in lines]
    assert "".join(ln.text + ln.ending for ln in lines) == text  # nothing lost or moved
    assert [ln.number for ln in lines] == list(range(1, len(lines) + 1))
    assert not any(a.blank and b.blank for a, b in zip(lines, lines[1:]))  # no two blank lines in a row
    numbering = document.Numbering(runs) if runs else None
    full = plain_split(text)
    if numbering is not None:  # each compacted line maps back to its first input line
        assert numbering.lines(len(lines)) == len(full)
        assert [full[numbering.original(ln.number) - 1].blank for ln in lines] == [ln.blank for ln in lines]


def test_a_run_of_a_million_blank_lines_is_one_line():
    lines, runs, _ = compacted("Menu\n" + "\n" * 1_000_000 + "  \r\n" * 1000 + "Body.\n")
    assert len(lines) == 3 and runs == [1, 1_001_000] and lines[1].blank
    assert document.Numbering(runs).original(3) == 1_001_002  # "Body." keeps its input number


def test_line_numbers_are_right_on_either_side_of_the_shared_ints():
    text = "".join(f"line {k}\n" if k % 3 else "\n" for k in range(20_000))
    lines = splits(text)
    assert lines == plain_split(text)
    assert [ln.number for ln in lines] == list(range(1, 20_001))


def test_a_split_makes_no_object_per_line_but_its_text():
    """Columns, not a Line per line: a line with nothing to strip is one str (its text and its
    stripped text), and its ending one byte."""
    for module in pair(LINES):
        texts, stripped, endings = module.split("Menu\n  Body \r\nTail\rEnd")
        assert texts[0] is stripped[0] and texts[2] is stripped[2] and texts[3] is stripped[3]
        assert texts[1] == "  Body " and stripped[1] == "Body"
        assert endings == bytes([1, 2, 3, 0]) and [ENDINGS[c] for c in endings] == ["\n", "\r\n", "\r", ""]


# --- the bytes the scanner matches ---------------------------------------------------------------
import codecs  # noqa: E402

from cleaner import scanner  # noqa: E402

SCANNED = "cleaner/scanned.py"
codecs.register_error("test.wide", lambda e: (b"\x80" * (e.end - e.start), e.end))


def plain_scanned(texts: list[str], mapped: str) -> tuple[bytes, bool]:
    """The policy, plainly: one byte per character (ASCII itself, the k-th mapped character
    0x81 + k at its first place, any other 0x80), lines joined by newlines; and whether a
    control character or a line's own newline is in them."""
    text = "\n".join(texts)
    data = bytearray(text.encode("ascii", "test.wide"))
    for k, c in enumerate(mapped):
        if c in mapped[:k]:
            continue
        for at in [m.start() for m in regex.finditer(regex.escape(c), text)]:
            data[at] = 0x81 + k
    control = any(b in scanner._CONTROL_BYTES for b in data) or data.count(b"\n") != max(len(texts) - 1, 0)
    return bytes(data), control


# The built-in packs' mapped characters, and edge cases: the first and last code points that can
# be mapped, a character mapped twice (its first place gives its byte).
MAPS = ["", scanner.wide_map([r.options[k].source for r in Cleaner(accelerate=False).rules
                              for k in ("pattern", "label", "start") if k in r.options]),
        "\x80\uffff’", "’’—", "".join(map(chr, range(0x2000, 0x2000 + 127)))]


def both_scanned(texts: list[str], mapped: str) -> tuple:
    compiled, source = pair(SCANNED)
    fast = compiled.encode(texts, mapped, scanner._CONTROL_BYTES)
    assert source.encode(texts, mapped, scanner._CONTROL_BYTES) == fast
    return fast


def test_the_scanned_bytes_are_the_plain_ones_compiled_and_interpreted():
    assert "’" in MAPS[1] and "©" in MAPS[1]
    for text in TEXTS + ["tab\there", "form\x0cfeed", "del\x7f", "é\x01", "\ud800 lone", "\U0001d400", "",
                         "\x80\uffff\U00010000’—\u2000\u207e\u207f"]:
        texts = [ln.strip() for ln in text.split("\n")]
        for mapped in MAPS:
            assert both_scanned(texts, mapped) == plain_scanned(texts, mapped)
    assert both_scanned(["a\nb"], "") == (b"a\nb", True)  # a line's own newline
    assert both_scanned([], "") == (b"", False)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(EDGY + ["\x00", "\x1f", "\x7f", "\r", "~", "©", "—", "\uffff"]),
                         max_size=12).map("".join), max_size=8),
       st.sampled_from(MAPS))
def test_generated_lines_scan_to_the_plain_bytes(texts, mapped):
    assert both_scanned(texts, mapped) == plain_scanned(texts, mapped)


def test_the_scanned_bytes_take_only_text_and_a_map_that_fits():
    for module in pair(SCANNED):
        with pytest.raises(TypeError):
            module.encode([b"bytes"], "", b"")
        with pytest.raises(TypeError):
            module.encode(["a"], "\u2000" * 128, b"")  # more than bytes 0x81-0xff can hold
        with pytest.raises(ValueError):
            module.encode(["a"], "a", b"")  # an ASCII character stands for itself
        with pytest.raises(ValueError):
            module.encode(["a"], "\U00010000", b"")
