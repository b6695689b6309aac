"""Text normalisation applied in Python, identically at index time and at query time.

Doing it here rather than in Elasticsearch analysis keeps the index working on the minimal node
(which has no analysis-common plugin) and on a full production cluster alike.
"""

import unicodedata
from functools import cache

import opencc

from portal.records import uscc


@cache
def _traditional_to_simplified() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normalise_text(value: str) -> str:
    """Full-width to half-width and compatibility forms (NFKC), case-folded, and traditional
    characters turned simplified (OpenCC), so 北京華為 and ＢＥＩＪＩＮＧ find what 北京华为 and
    beijing find."""
    folded = unicodedata.normalize("NFKC", value).casefold().strip()
    return _traditional_to_simplified().convert(folded)


def uscc_candidate(query: str) -> str | None:
    """The compact USCC when the query is one (valid check character), else None."""
    compact = uscc.compact(unicodedata.normalize("NFKC", query))
    if len(compact) == 18 and uscc.is_valid(compact):
        return compact
    return None
