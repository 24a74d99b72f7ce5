"""How decisions are shown: the --explain listing, the unified --diff, and --format json."""
from __future__ import annotations

import difflib
import json
from cleaner.heuristics import LINE_SCORER, Heuristic
from cleaner.heuristics.spec import PREFIX, specs
from cleaner.pipeline import Cleaner, CleanResult

# Removed text is shown up to this many characters in --explain (the line number finds the rest).
SHOW_CHARS = 80


def explain(result: CleanResult, name: str) -> str:
    """Every removed line with its rule id, pack file and reason; then a count per rule.

    Consecutive removed lines with the same rule and reason (a section, a teaser list) are
    one entry: the reason once, with the line range, then each line's text."""
    out: list[str] = []
    site = result.site or "none detected"
    out.append(f"{name}: site: {site}")
    blank = 0
    runs: list[list] = []  # [first line, last line, decision, [(line, text)]]
    for d in result.removed:
        if not d.text.strip():
            blank += 1
            continue
        last = runs[-1] if runs else None
        if last is not None and last[2].rule == d.rule and last[2].reason == d.reason \
                and _only_blank_between(result, last[1], d.line):
            last[1] = d.line
            last[3].append((d.line, d.text))
        else:
            runs.append([d.line, d.line, d, [(d.line, d.text)]])
    for first, final, d, texts in runs:
        where = f"{first}" if first == final else f"{first}-{final}"
        count = "" if len(texts) == 1 else f" ({len(texts)} lines)"
        out.append(f"{name}:{where}: {d.rule} [{d.source}] {d.reason}{count}")
        for line, text in texts:
            shown = _shown(text)
            out.append(f"    | {shown}" if len(texts) == 1 else f"    {line:>5} | {shown}")
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


def _shown(text: str) -> str:
    text = text.strip()
    return text if len(text) <= SHOW_CHARS else text[: SHOW_CHARS - 1] + "…"


def _only_blank_between(result: CleanResult, a: int, b: int) -> bool:
    """Are the lines strictly between line numbers a and b (from 1) blank?"""
    decisions = result.decisions
    return all(not decisions[k - 1].text.strip() for k in range(a + 1, b))


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
    old, new = diff_headers(name)
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), fromfile=old, tofile=new,
    )
    return "".join(ln if ln.endswith("\n") else ln + "\n\\ No newline at end of file\n" for ln in lines)


def diff_headers(name: str) -> tuple[str, str]:
    """The path as given: git's a/ and b/ before a relative path (what `git apply` and
    `patch -p1` read), an absolute path or stdin's "-" as it is."""
    if name.startswith("/") or name == "-":
        return name, name
    return f"a/{name}", f"b/{name}"


def as_json(result: CleanResult, name: str) -> str:
    return json.dumps({
        "file": name,
        "site": result.site,
        "changed": result.changed,
        "decisions": [{**d.to_dict(), "text": d.text} for d in result.decisions],
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
            return describe_heuristic(h)
    return None


def describe_heuristic(h: Heuristic) -> str:
    """A heuristic's documentation: its module's title line above heuristics.toml's what,
    why, thresholds and example (the line scorer adds its fitted threshold)."""
    spec = specs().get(h.id.removeprefix(PREFIX))
    if spec is None:  # a heuristic without a section: its module's docstring
        return f"{h.id}  (heuristic, family {h.family})\n\n{h.summary.strip()}\n"
    extra = ""
    if h.id == LINE_SCORER.id:
        from cleaner.heuristics.line_scorer import MODEL_FILE, model

        extra = f"threshold = {model().threshold!r}: the model's, fitted with it (cleaner/data/{MODEL_FILE})"
    return spec.describe((h.summary.strip().splitlines() or [""])[0], extra)
