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


# C0 and C1 control characters mean nothing in a name, and the completion field refuses some of
# them outright (U+001E and U+001F are its separators): they read as spaces.
_CONTROLS_AS_SPACES = {code: " " for code in (*range(0x20), *range(0x7F, 0xA0))}


def normalise_text(value: str) -> str:
    """Full-width to half-width and compatibility forms (NFKC), case-folded, and traditional
    characters turned simplified (OpenCC), so 北京華為 and ＢＥＩＪＩＮＧ find what 北京华为 and
    beijing find. Control characters become spaces."""
    folded = unicodedata.normalize("NFKC", value.translate(_CONTROLS_AS_SPACES)).casefold().strip()
    return _traditional_to_simplified().convert(folded)


def uscc_candidate(query: str) -> str | None:
    """The compact USCC when the query is one (valid check character), else None."""
    compact = uscc.compact(unicodedata.normalize("NFKC", query))
    if len(compact) == 18 and uscc.is_valid(compact):
        return compact
    return None
