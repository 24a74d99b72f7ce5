#!/usr/bin/env python3
"""Development aid: the benchmark errors that weigh most (characters), over all cases.

    python bench/largest_errors.py ../shared/bench/html-articles/dev [--top 40] [--lost]
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from cleaner import Cleaner  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("dirs", nargs="+", type=Path)
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--lost", action="store_true", help="body lines lost instead of chrome kept")
    ap.add_argument("--disable", action="append", default=[])
    args = ap.parse_args()
    c = Cleaner(disabled=args.disable)
    rows = []
    for d in args.dirs:
        for gold_path in sorted(d.glob("*.gold.txt")):
            name = gold_path.name[: -len(".gold.txt")][:10]
            res = c.clean((d / gold_path.name.replace(".gold.txt", ".txt")).read_text(encoding="utf-8"))
            gold = Counter(ln.strip() for ln in gold_path.read_text(encoding="utf-8").splitlines() if ln.strip())
            seen: Counter[str] = Counter()
            for dec in res.decisions:
                t = dec.text.strip()
                if not t:
                    continue
                seen[t] += 1
                in_gold = seen[t] <= gold[t]
                if args.lost and not dec.kept and in_gold:
                    rows.append((len(t), name, dec.line, dec.rule, t[:100]))
                elif not args.lost and dec.kept and not in_gold:
                    rows.append((len(t), name, dec.line, "", t[:100]))
    rows.sort(reverse=True)
    print(f"total {sum(r[0] for r in rows)} chars in {len(rows)} lines")
    for r in rows[: args.top]:
        print(f"{r[0]:6d} {r[1]}:{r[2]:<5d} {r[3]} {r[4]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
