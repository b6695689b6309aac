"""Building searches. Nothing here talks to the cluster: builders return request bodies, which
golden-file tests pin down and `search.results` executes."""

import re
from dataclasses import dataclass
from typing import Any

from search.normalise import normalise_text, uscc_candidate
from search.pinyin import segment

PAGE_SIZES = (10, 25, 50, 100)
# The page number a public URL may ask for with from/size; deeper pages use search_after.
MAX_FROM = 10_000

_HAN = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class OrganisationQuery:
    """A validated public search: text, filters and the page wanted."""

    text: str = ""
    kind: str | None = None
    page: int = 1
    size: int = 10


def _han_text_clause(text: str) -> dict[str, Any]:
    # Every character (a token each) must appear somewhere in the names or the region.
    return {
        "multi_match": {
            "query": text,
            "fields": ["name^3", "name_en^2", "region_names"],
            "type": "cross_fields",
            "operator": "and",
        }
    }


def _latin_text_clause(text: str) -> dict[str, Any]:
    """Latin letters may be English words, full pinyin or pinyin initials: any one may match.

    Only clauses that require every part of the query go here; ranking clauses go in `should`.
    """
    options: list[dict[str, Any]] = [
        {"match": {"name_en": {"query": text, "operator": "and", "boost": 2}}}
    ]
    pinyin = segment(text)
    if pinyin:
        spelled = " ".join(pinyin)
        options.append({"match": {"name_pinyin": {"query": spelled, "operator": "and"}}})
    letters = text
    if letters.isascii() and letters.isalpha() and 2 <= len(letters) <= 12:
        # Initials in pairs, as most words are two characters: bjkj → 北京 … 科技.
        pairs = [letters[index : index + 2] for index in range(0, len(letters), 2)]
        terms = [
            {"term": {"name_initials.bigrams": " ".join(pair)}}
            if len(pair) == 2
            else {"term": {"name_initials": pair}}
            for pair in pairs
        ]
        options.append({"bool": {"must": terms}})
    return {"bool": {"should": options, "minimum_should_match": 1}}


def build_organisation_search(query: OrganisationQuery) -> dict[str, Any]:
    """The request body for a public organisation search."""
    must: list[dict[str, Any]] = []
    should: list[dict[str, Any]] = []
    filters: list[dict[str, Any]] = []
    code = uscc_candidate(query.text) if query.text else None
    if code:
        filters.append({"term": {"uscc": code}})
    elif query.text:
        text = normalise_text(query.text)
        if _HAN.search(text):
            must.append(_han_text_clause(text))
            should.append({"match_phrase": {"name": {"query": text, "boost": 5}}})
            should.append({"match": {"name.bigrams": {"query": text, "boost": 2}}})
        else:
            must.append(_latin_text_clause(text))
            should.append({"match_phrase": {"name_en": {"query": text, "boost": 3}}})
            if pinyin := segment(text):
                spelled = " ".join(pinyin)
                should.append({"match": {"name_pinyin.bigrams": {"query": spelled, "boost": 2}}})
    if query.kind:
        filters.append({"term": {"kind": query.kind}})
    body: dict[str, Any] = {
        "query": {
            "bool": {
                "must": must or [{"match_all": {}}],
                "should": should,
                "filter": filters,
            }
        },
        "from": (query.page - 1) * query.size,
        "size": query.size,
        "track_total_hits": True,
        "sort": ["_score", {"name.raw": "asc"}] if query.text else [{"name.raw": "asc"}],
        "highlight": {
            "fields": {"name": {"number_of_fragments": 0}},
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
        },
    }
    return body


SUGGESTION_COUNT = 8


def build_organisation_suggest(prefix: str) -> dict[str, Any]:
    """Completion as you type on names, their pinyin and initials."""
    text = normalise_text(prefix).replace(" ", "")
    return {
        "suggest": {
            "organisations": {
                "prefix": text,
                "completion": {
                    "field": "suggest",
                    "size": SUGGESTION_COUNT,
                    "skip_duplicates": True,
                },
            }
        },
        "_source": ["uscc", "display_name", "display_name_en", "region_display"],
    }
