"""The pre-commit manifest: a check-only hook and a fixing hook, neither of which touches an
ordinary repository file unless the user points it at one with `files:`."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")

MANIFEST = Path(__file__).resolve().parents[1] / ".pre-commit-hooks.yaml"

# Paths found in ordinary repositories: none may fall in a hook's default scope.
ORDINARY = ["CHANGES.txt", "docs/meeting-notes.txt", "LICENSE.txt", "requirements.txt",
            "corpus/article.txt", "data/corpus/0001.txt", "notes.md"]


def _hooks() -> dict[str, dict]:
    return {h["id"]: h for h in yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))}


def _in_default_scope(hook: dict, path: str) -> bool:
    """pre-commit's file filter: `files` searched in the path (default ''), `exclude` not."""
    files, exclude = hook.get("files", ""), hook.get("exclude", "^$")
    return bool(re.search(files, path)) and not re.search(exclude, path)


def test_manifest_ships_a_check_hook_and_a_fix_hook():
    hooks = _hooks()
    assert hooks["cleaner-check"]["entry"] == "cleaner check"
    assert hooks["cleaner-fix"]["entry"] == "cleaner fix"
    assert hooks["cleaner"]["entry"] == "cleaner fix"  # the earlier id keeps working


@pytest.mark.parametrize("hook_id", ["cleaner-check", "cleaner-fix", "cleaner"])
@pytest.mark.parametrize("path", ORDINARY)
def test_no_hook_touches_ordinary_files_by_default(hook_id, path):
    assert not _in_default_scope(_hooks()[hook_id], path)


def test_readme_snippet_sets_files_to_the_corpus():
    readme = (MANIFEST.parent / "README.md").read_text(encoding="utf-8")
    snippet = readme[readme.index("## As a pre-commit hook"):]
    snippet = snippet[snippet.index("```yaml"):]
    config = yaml.safe_load(snippet[len("```yaml"):snippet.index("```", 7)])
    hook = config["repos"][0]["hooks"][0]
    assert hook["id"] in _hooks()
    assert re.search(hook["files"], "corpus/article.txt")
    assert not re.search(hook["files"], "CHANGES.txt")
