"""Text normalisation applied in Python, identically at index time and at query time.

Doing it here rather than in Elasticsearch analysis keeps the index working on the minimal node
(which has no analysis-common plugin) and on a full production cluster alike.
"""

import unicodedata

from portal.records import uscc


def normalise_text(value: str) -> str:
    """Full-width to half-width and compatibility forms (NFKC), then case-folded."""
    return unicodedata.normalize("NFKC", value).casefold().strip()


def uscc_candidate(query: str) -> str | None:
    """The compact USCC when the query is one (valid check character), else None."""
    compact = uscc.compact(unicodedata.normalize("NFKC", query))
    if len(compact) == 18 and uscc.is_valid(compact):
        return compact
    return None
