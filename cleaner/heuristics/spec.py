"""The heuristics as data (cleaner/heuristics/heuristics.toml): what each removes, why, the
thresholds it decides with (each with where its number came from) and an example document.

The heuristic modules read their thresholds from here, so the number `cleaner rules show
heuristic/ID` prints is the number the code decides with. The file ships with the package; a
broken one is an error naming the file, the section and the key, raised on first use.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PREFIX = "heuristic/"
DATA_FILE = "heuristics.toml"
SECTION_KEYS = {"family", "uses", "what", "why", "example", "thresholds"}


class SpecError(ValueError):
    """heuristics.toml is malformed (the message names the file, section and key)."""


@dataclass(frozen=True)
class Threshold:
    name: str
    value: int | float
    why: str


@dataclass(frozen=True)
class Spec:
    """One section of heuristics.toml: a heuristic, or a part several share (`classes`)."""

    name: str                              # "outside-body"; the heuristic's id is PREFIX + name
    family: str
    what: str
    why: str
    thresholds: tuple[Threshold, ...]
    uses: tuple[str, ...]                  # shared sections ("classes") or thresholds ("classes.N") it decides with too
    example: tuple[tuple[bool, str], ...]  # (removed, line) per line of the example document

    def all_thresholds(self) -> tuple[Threshold, ...]:
        """Its own thresholds, then those it uses from other sections."""
        return (*self.thresholds, *(t for u in self.uses for t in _used(specs(), u)))

    def describe(self, title: str = "", extra: str = "") -> str:
        """What `cleaner rules show heuristic/ID` prints: `title` (the first line of the
        module's docstring) above the data's what, why, thresholds and example; `extra` is
        a line the heuristic adds about itself (the line scorer's fitted threshold)."""
        out = [f"{PREFIX}{self.name}  (heuristic, family {self.family})", ""]
        if title:
            out += [title, ""]
        out += [_wrap(self.what), "", "why:", _wrap(self.why, "  "), ""]
        if self.all_thresholds() or extra:
            out.append("thresholds:")
            out += [f"  {t.name} = {t.value!r}: {t.why}" for t in self.all_thresholds()]
            if extra:
                out.append(f"  {extra}")
            out.append("")
        if self.example:
            out.append("example (- removed, + kept):")
            out += [f"  {'-' if gone else '+'} {line}" for gone, line in self.example]
        return "\n".join(out) + "\n"


def _wrap(text: str, indent: str = "") -> str:
    return "\n".join(indent + ln.strip() for ln in text.strip().splitlines())


def _fail(section: str, key: str, problem: str) -> SpecError:
    return SpecError(f"cleaner/heuristics/{DATA_FILE}: [{section}] {key}: {problem}")


def _example(section: str, text: object) -> tuple[tuple[bool, str], ...]:
    if not isinstance(text, str):
        raise _fail(section, "example", "must be a string")
    rows = []
    for raw in text.strip("\n").splitlines():
        if not raw.startswith(("- ", "  ")):
            raise _fail(section, "example", f"a line starts with '- ' (removed) or two spaces (kept): {raw!r}")
        rows.append((raw.startswith("- "), raw[2:]))
    return tuple(rows)


def _threshold(section: str, name: str, entry: object) -> Threshold:
    if not isinstance(entry, dict) or set(entry) != {"value", "why"}:
        raise _fail(section, f"thresholds.{name}", "must be { value = NUMBER, why = \"...\" }")
    value, why = entry["value"], entry["why"]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not isinstance(why, str) or not why:
        raise _fail(section, f"thresholds.{name}", "value must be a number and why a non-empty string")
    return Threshold(name, value, why)


def parse(text: str) -> dict[str, Spec]:
    """The sections of a heuristics.toml text, checked."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise SpecError(f"cleaner/heuristics/{DATA_FILE}: {e}") from None
    out: dict[str, Spec] = {}
    for name, sec in data.items():
        if not isinstance(sec, dict):
            raise _fail(name, "-", "must be a table")
        unknown = set(sec) - SECTION_KEYS
        if unknown:
            raise _fail(name, sorted(unknown)[0], f"unknown key (allowed: {', '.join(sorted(SECTION_KEYS))})")
        for key in ("what", "why"):
            if not isinstance(sec.get(key), str) or not sec[key].strip():
                raise _fail(name, key, "missing or empty")
        uses = sec.get("uses", [])
        if not isinstance(uses, list) or not all(_resolves(data, name, u) for u in uses):
            raise _fail(name, "uses", f"must list other sections or their thresholds (SECTION.NAME), got {uses!r}")
        thresholds = sec.get("thresholds", {})
        if not isinstance(thresholds, dict):
            raise _fail(name, "thresholds", "must be a table")
        out[name] = Spec(name, str(sec.get("family", "")), sec["what"], sec["why"],
                         tuple(_threshold(name, k, v) for k, v in thresholds.items()),
                         tuple(uses), _example(name, sec.get("example", "")))
    return out


def _resolves(data: dict, name: str, use: object) -> bool:
    if not isinstance(use, str):
        return False
    section, _, key = use.partition(".")
    if section == name or not isinstance(data.get(section), dict):
        return False
    return not key or key in data[section].get("thresholds", {})


def _used(all_specs: dict[str, Spec], use: str) -> tuple[Threshold, ...]:
    section, _, key = use.partition(".")
    return tuple(t for t in all_specs[section].thresholds if not key or t.name == key)


@lru_cache(maxsize=1)
def specs() -> dict[str, Spec]:
    """The shipped heuristics.toml, parsed once."""
    return parse(resources.files("cleaner.heuristics").joinpath(DATA_FILE).read_text(encoding="utf-8"))


def thresholds(name: str) -> dict[str, int | float]:
    """The thresholds of section `name` and of the sections it uses, by name."""
    return {t.name: t.value for t in specs()[name].all_thresholds()}
