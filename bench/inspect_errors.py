#!/usr/bin/env python3
"""Development aid: the chrome lines kept (+) and body lines lost (-) on a benchmark split.

    python bench/inspect_errors.py ../shared/bench/multinews/dev [--limit 40]
    python bench/inspect_errors.py ../shared/bench/html-articles/dev --largest 40 [--lost]

By default per case, in line order; with --largest, the N errors that weigh most (characters)
over all cases. Reads the gold only to show errors; nothing in the package reads gold files.
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
    ap.add_argument("--limit", type=int, default=30, help="lines shown per case")
    ap.add_argument("--width", type=int, default=110)
    ap.add_argument("--disable", action="append", default=[])
    ap.add_argument("--largest", type=int, default=0, help="list the N heaviest errors over all cases")
    ap.add_argument("--lost", action="store_true", help="with --largest: body lines lost, not chrome kept")
    args = ap.parse_args()
    c = Cleaner(disabled=args.disable)
    heavy: list[tuple[int, str, int, str, str]] = []
    for d in args.dirs:
        for gold_path in sorted(d.glob("*.gold.txt")):
            name = gold_path.name[: -len(".gold.txt")]
            text = (d / f"{name}.txt").read_text(encoding="utf-8")
            res = c.clean(text)
            gold = Counter(ln.strip() for ln in gold_path.read_text(encoding="utf-8").splitlines() if ln.strip())
            shown: list[str] = []
            seen: Counter[str] = Counter()
            for dec in res.decisions:
                t = dec.text.strip()
                if not t:
                    continue
                seen[t] += 1
                in_gold = seen[t] <= gold[t]
                if dec.kept and not in_gold:
                    shown.append(f"  + {dec.line:4d} {t[:args.width]}")
                    if not args.lost:
                        heavy.append((len(t), name[:10], dec.line, "", t[:args.width]))
                elif not dec.kept and in_gold:
                    shown.append(f"  - {dec.line:4d} [{dec.rule}] {t[:args.width]}")
                    if args.lost:
                        heavy.append((len(t), name[:10], dec.line, dec.rule or "", t[:args.width]))
            if shown and not args.largest:
                print(f"== {d.name}/{name[:16]} ({len(shown)})")
                print("\n".join(shown[: args.limit]))
    if args.largest:
        heavy.sort(reverse=True)
        print(f"total {sum(h[0] for h in heavy)} chars in {len(heavy)} lines")
        for size, name, line, rule, text in heavy[: args.largest]:
            print(f"{size:6d} {name}:{line:<5d} {rule} {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
