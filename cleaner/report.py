"""How decisions are shown: the --explain listing, the unified --diff, and --format json."""
from __future__ import annotations

import difflib
import json
from cleaner.pipeline import Cleaner, CleanResult

# Removed text is shown up to this many characters in --explain (the line number finds the rest).
SHOW_CHARS = 80


def explain(result: CleanResult, name: str) -> str:
    """Every removed line with its rule id, pack file and reason; then a count per rule."""
    out: list[str] = []
    site = result.site or "none detected"
    out.append(f"{name}: site: {site}")
    blank = 0
    for d in result.removed:
        if not d.text.strip():
            blank += 1
            continue
        text = d.text.strip()
        shown = text if len(text) <= SHOW_CHARS else text[: SHOW_CHARS - 1] + "…"
        out.append(f"{name}:{d.line}: {d.rule} [{d.source}] {d.reason}")
        out.append(f"    | {shown}")
    counts = result.counts()
    kept = sum(1 for d in result.decisions if d.kept and d.text.strip())
    out.append("")
    out.append(f"summary: {sum(counts.values())} lines removed, {kept} kept"
               + (f", {blank} blank lines around removed text dropped" if blank else ""))
    for rule, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        out.append(f"  {n:5d}  {rule}")
    for w in result.warnings:
        out.append(f"warning: {w}")
    return "\n".join(out) + "\n"


def html_explain(res, name: str) -> str:
    """An HTML page: what the extraction did (summarised), then the text pipeline's removals,
    numbered by line of the extracted text (`--diff` shows that text against the output)."""
    head = "\n".join(f"{name}: {ln}" if i == 0 else ln
                     for i, ln in enumerate(res.extraction.summary_lines()))
    return head + "\n\ntext pipeline on the extracted blocks:\n" + explain(res.result, name)


def html_as_json(res, name: str) -> str:
    data = json.loads(as_json(res.result, name))
    data["extraction"] = res.extraction.to_dict()
    return json.dumps(data, ensure_ascii=False) + "\n"


def diff(before: str, after: str, name: str) -> str:
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True),
        fromfile=f"a/{name}", tofile=f"b/{name}",
    )
    return "".join(ln if ln.endswith("\n") else ln + "\n\\ No newline at end of file\n" for ln in lines)


def as_json(result: CleanResult, name: str) -> str:
    return json.dumps({
        "file": name,
        "site": result.site,
        "changed": result.changed,
        "decisions": [d.to_dict() for d in result.decisions],
        "summary": dict(result.counts()),
        "warnings": list(result.warnings),
    }, ensure_ascii=False) + "\n"


def rules_table(cleaner: Cleaner) -> str:
    rows: list[str] = []
    for pack in cleaner.packs:
        kind = "site pack" if pack.is_site else "general pack"
        rows.append(f"{pack.name} ({kind}, {pack.source}): {pack.description}")
        for r in pack.rules:
            rows.append(f"  {r.id:34s} {r.kind:8s} {r.family:10s} {r.message}")
    rows.append("heuristics:")
    for h in cleaner.heuristics:
        first = (h.summary.strip().splitlines() or [""])[0]
        rows.append(f"  {h.id:34s} {'':8s} {h.family:10s} {first}")
    return "\n".join(rows) + "\n"


def describe(cleaner: Cleaner, rule_id: str) -> str | None:
    """The full documentation of one rule or heuristic, like `ruff rule CODE`."""
    for r in cleaner.rules:
        if r.id == rule_id:
            lines = [f"{r.id}  ({r.kind} rule, family {r.family})", f"defined in {r.source}"
                     + (f" line {r.line}" if r.line else ""), "", r.message, ""]
            for key, val in r.options.items():
                shown = getattr(val, "source", val)
                lines.append(f"  {key} = {shown!r}")
            lines += ["", "examples:"] + [f"  + {e}" for e in r.examples]
            lines += ["counterexamples:"] + [f"  - {e}" for e in r.counterexamples]
            return "\n".join(lines) + "\n"
    for h in cleaner.heuristics:
        if h.id == rule_id:
            return f"{h.id}  (heuristic, family {h.family})\n\n{h.summary.strip()}\n"
    return None
