"""Learning chrome from a corpus: planted chrome is found, body lines are never proposed, the
draft is a valid pack, and --corpus-chrome applies the same evidence in one run."""
from __future__ import annotations

import json
import random

import pytest
import regex

from cleaner import learn
from cleaner.packs import parse_pack
from cleaner.pipeline import Cleaner

WORDS = ("river council harbour budget school winter market station garden bridge doctor "
         "festival library museum police election farmer teacher village storm ferry road "
         "hospital factory report family season mayor court island coast forest").split()
FILLER = "the a of to and in that was for on with said by from it at as".split()
NAMES = ["Anna Berg", "Tom Lee", "Maria Costa", "Ivan Petrov", "Lena Fischer", "Omar Haddad"]

SYNDICATED = ("The regional ferry service will run an extra evening crossing from next month, "
              "the operator said in a statement on Monday.")
CHROME_EXACT = "Gazette Plus members read every story without limits"
CHROME_TAIL = "Talk to the newsroom desk"


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS if i % 3 == 0 else FILLER) for i in range(rng.randint(16, 28))]
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def document(rng: random.Random, k: int) -> tuple[str, list[str]]:
    """One page of the made-up site: (text, its body lines)."""
    body = [f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} plan wins backing in vote {k}"]
    body += [sentence(rng) for _ in range(rng.randint(4, 7))]
    if k % 8 == 0:  # a syndicated paragraph in 5 of 40 documents: body, not chrome
        body.insert(2, SYNDICATED)
    chrome_mid = [f"Filed under {rng.choice(WORDS).capitalize()} by {rng.choice(NAMES)}",
                  f"Page {rng.randint(1, 9)} of {rng.randint(10, 20)}", CHROME_EXACT]
    lines = body[:2] + chrome_mid + body[2:] + [CHROME_TAIL]
    return "\n\n".join(lines) + "\n", body


@pytest.fixture(scope="module")
def corpus():
    rng = random.Random(7)
    return [document(rng, k) for k in range(40)]


def test_planted_chrome_is_found_and_no_body_line_is_proposed(corpus):
    ev = learn.gather([text for text, _ in corpus], options={})
    found = learn.candidates(ev)
    pats = [regex.compile(c.pattern) for c in found]

    def learned(line: str) -> bool:
        return any(p.search(line) for p in pats)

    for text, body in corpus:
        for line in text.splitlines():
            if line.startswith(("Filed under", "Page ")) or line in (CHROME_EXACT, CHROME_TAIL):
                assert learned(line), line
        for line in body:
            assert not learned(line), line
    assert not learned(SYNDICATED)  # in 5 of 40 documents: too little evidence for a body-like line
    shapes = [c for c in found if "\\p{Lu}" in c.pattern or "\\d+" in c.pattern]
    assert shapes and all(len(c.examples) >= 2 for c in shapes)  # names and digits were folded
    exact = next(c for c in found if c.examples == (CHROME_EXACT,))
    assert exact.docs == 40 and exact.confidence == 1.0


def test_body_like_lines_need_far_more_evidence():
    short, body = learn.thresholds(40)
    assert (short, body) == (3, 20)
    ev = learn.Evidence()
    for k in range(40):
        ev.add(([SYNDICATED] if k < 19 else []) + (["Short chrome"] if k < 3 else []))
    assert [c.examples for c in learn.candidates(ev)] == [("Short chrome",)]
    ev.lines[SYNDICATED] += 1  # one more document holds it: 20 of 40, a template's text
    assert [c.examples[0] for c in learn.candidates(ev)][0] == SYNDICATED


def test_shapes_fold_digits_and_names_but_keep_a_word():
    assert learn.shape_of("By Anna Berg, 3 hours ago") == "By N N, 0 hours ago"
    pat = regex.compile(learn.shape_pattern("By Anna Berg, 3 hours ago"))
    assert pat.search("By Tom Lee, 12 hours ago") and not pat.search("By Tom Lee, twelve hours ago")
    assert not learn._has_literal_word("N N") and learn._has_literal_word("By N N")


def test_the_draft_is_a_valid_pack_with_counts_and_examples(corpus):
    ev = learn.gather([text for text, _ in corpus], options={})
    toml = learn.to_toml(learn.candidates(ev), name="gazette", documents=ev.documents, source="test corpus")
    pack = parse_pack(toml, "<draft>")  # examples are checked against the patterns on load
    assert pack.name == "gazette" and pack.rules
    assert "seen in 40 of 40 documents" in toml and all(r.examples for r in pack.rules)
    cleaned = Cleaner(extra_packs=[("<draft>", toml)]).clean(corpus[0][0])
    assert CHROME_EXACT not in cleaned.text and corpus[0][1][1] in cleaned.text
    assert any("seen in 40 of 40 documents" in (d.reason or "") for d in cleaned.removed)


def test_gather_is_the_same_for_any_worker_count(corpus):
    texts = [text for text, _ in corpus] * 3
    one, two = learn.gather(texts, options={}, workers=1), learn.gather(texts, options={}, workers=2)
    assert learn.candidates(one) == learn.candidates(two)


def test_cli_learn_writes_a_pack_that_cleans(cli, tmp_path, corpus):
    src = tmp_path / "site"
    src.mkdir()
    for k, (text, _) in enumerate(corpus):
        (src / f"page{k:02d}.txt").write_text(text)
    pack_dir = tmp_path / "packs"
    pack_dir.mkdir()
    r = cli("learn", str(src), "--name", "gazette", "-o", str(pack_dir / "gazette.toml"), "--workers", "1")
    assert r.returncode == 0, r.stderr
    assert b"learned" in r.stderr and b"from 40 documents" in r.stderr
    assert cli("rules", "validate", str(pack_dir)).returncode == 0
    out = cli("clean", "--rules", str(pack_dir), str(src / "page00.txt")).stdout.decode()
    assert CHROME_EXACT not in out and CHROME_TAIL not in out and corpus[0][1][1] in out


def test_corpus_chrome_in_jsonl_and_fix(cli, tmp_path, corpus):
    src = tmp_path / "site.jsonl"
    src.write_text("".join(json.dumps({"id": k, "text": t}) + "\n" for k, (t, _) in enumerate(corpus)))
    out = tmp_path / "out.jsonl"
    r = cli("clean", "--jsonl", "--corpus-chrome", "--explain-field", "why", "--workers", "2",
            str(src), "-o", str(out))
    assert r.returncode == 0, r.stderr
    recs = [json.loads(ln) for ln in out.read_text().splitlines()]
    assert len(recs) == 40 and all(CHROME_EXACT not in rec["text"] for rec in recs)
    assert all(body in rec["text"] for rec, (_, bodies) in zip(recs, corpus) for body in bodies)
    assert any("seen in 40 of 40 documents" in (w["reason"] or "") for w in recs[0]["why"])
    files = tmp_path / "files"
    files.mkdir()
    for k, (text, _) in enumerate(corpus):
        (files / f"p{k:02d}.txt").write_text(text)
    assert cli("fix", "--corpus-chrome", str(files)).returncode == 1
    assert all(CHROME_EXACT not in p.read_text() for p in files.glob("*.txt"))
    stdin = cli("clean", "--jsonl", "--corpus-chrome", "-", input=src.read_bytes())
    assert stdin.returncode == 2 and b"not standard input" in stdin.stderr
