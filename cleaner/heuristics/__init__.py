"""The heuristics: what rules cannot say, each with an id, a family and a reason per removal."""
from cleaner.heuristics.base import Heuristic
from cleaner.heuristics.credits import CREDIT_TAIL
from cleaner.heuristics.duplicates import SECOND_COPY
from cleaner.heuristics.layout import CHROME_RUN, OUTSIDE_BODY
from cleaner.heuristics.line_scorer import LINE_SCORER
from cleaner.heuristics.shouting import SHOUTING
from cleaner.heuristics.teasers import TEASER_TAIL

# In pipeline order; SECOND_COPY runs last, on what the others kept.
CONTENT_HEURISTICS: tuple[Heuristic, ...] = (SHOUTING, OUTSIDE_BODY, CHROME_RUN, TEASER_TAIL, CREDIT_TAIL,
                                              LINE_SCORER)
ALL: tuple[Heuristic, ...] = CONTENT_HEURISTICS + (SECOND_COPY,)

__all__ = ["Heuristic", "ALL", "CONTENT_HEURISTICS", "SECOND_COPY", "TEASER_TAIL", "CREDIT_TAIL",
           "OUTSIDE_BODY", "CHROME_RUN", "SHOUTING", "LINE_SCORER"]
