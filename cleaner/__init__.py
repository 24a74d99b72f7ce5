"""cleaner: strip site chrome from scraped article text and keep the article body.

    >>> from cleaner import clean
    >>> result = clean(text)
    >>> result.text          # the kept lines, verbatim, in order
    >>> result.decisions     # one Decision per input line: kept, or the rule that removed it
"""
from cleaner.document import Decision
from cleaner.errors import CleanerError, InputError, RulePackError
from cleaner.pipeline import Cleaner, CleanResult, clean

__all__ = ["clean", "Cleaner", "CleanResult", "Decision", "CleanerError", "InputError", "RulePackError"]
__version__ = "0.1.0"
