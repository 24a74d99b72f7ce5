"""The datatrove step's statistics: removed lines per family, as the library counts them."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from cleaner import clean

pytest.importorskip("datatrove")
from datatrove.data import Document  # noqa: E402

from cleaner.datatrove_step import CleanerStep  # noqa: E402

SEEDS = sorted(p for p in (Path(__file__).resolve().parents[1] / "seeds").glob("*.txt")
               if ".expected" not in p.name)


def test_step_counts_removed_lines_per_family_like_the_library():
    texts = [p.read_text(encoding="utf-8") for p in SEEDS]
    step = CleanerStep(explain_key="cleaner")
    docs = list(step.run(Document(text=t, id=str(i)) for i, t in enumerate(texts)))
    want: Counter[str] = Counter()
    for t in texts:
        want.update(d.family or "other" for d in clean(t).removed if d.text.strip())
    got = {k[len("removed_"):]: v.total for k, v in step.stats.stats.items() if k.startswith("removed_")}
    assert got == dict(want) and sum(got.values()) > 0
    assert step.stats["total"].total == len(texts)
    assert [d.text for d in docs] == [clean(t).text for t in texts]
    # The explanation lists each removed line with text, by its rule.
    assert sum(len(d.metadata["cleaner"]) for d in docs) == sum(want.values())
