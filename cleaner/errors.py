"""Errors the user can act on; the CLI prints each as one line, never a traceback."""
from __future__ import annotations


class CleanerError(Exception):
    """Base class: anything the CLI reports as `cleaner: <message>` with exit status 2."""


class RulePackError(CleanerError):
    """A rule pack that cannot be loaded: names the file, the rule and the line."""

    def __init__(self, path: str, message: str, *, rule: str | None = None, line: int | None = None):
        self.path, self.rule, self.line, self.detail = path, rule, line, message
        where = f"{path}:{line}" if line else path
        who = f" rule '{rule}':" if rule else ""
        super().__init__(f"{where}:{who} {message}")


class InputError(CleanerError):
    """An input that cannot be cleaned as it is (missing, binary, invalid UTF-8, ...)."""
