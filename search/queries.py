"""Building searches. Nothing here talks to the cluster: builders return request bodies, which
golden-file tests pin down and `search.results` executes."""

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from search.normalise import normalise_text, uscc_candidate
from search.pinyin import segment

PAGE_SIZES = (10, 25, 50, 100)
# The page number a public URL may ask for with from/size; deeper pages use search_after.
MAX_FROM = 10_000

_HAN = re.compile(r"[\u3400-\u9fff]")


SORTS = {
    # A unique last key (the USCC) makes the order total, which search_after needs.
    "relevance": ["_score", {"name.raw": "asc"}, {"uscc": "asc"}],
    "name": [{"name.raw": "asc"}, {"uscc": "asc"}],
    "latest": [
        {"latest_event_on": {"order": "desc", "missing": "_last"}},
        {"name.raw": "asc"},
        {"uscc": "asc"},
    ],
}


@dataclass(frozen=True)
class OrganisationQuery:
    """A validated public search: text, filters, order and the page wanted.

    `after` holds the sort values of the last hit of the previous page: with it the page is
    fetched by search_after, however deep, instead of from/size.
    """

    text: str = ""
    kind: str | None = None
    province: str | None = None
    prefecture: str | None = None
    rating: str | None = None
    event: str | None = None
    # Penalised within this many years before today.
    penalised_within: int | None = None
    # Some public event published in this date range (inclusive).
    event_from: date | None = None
    event_to: date | None = None
    sort: str = "relevance"
    page: int = 1
    size: int = 10
    after: tuple | None = None
    # Counts per kind, province (city within a province), rating and event type. The search page
    # always shows them; the API computes them only when asked, as they cost the cluster a pass
    # over every match of a broad search.
    facets: bool = True
    # Matches marked in the names (the search page shows them; the API returns plain names).
    highlight: bool = True

    @property
    def is_filtered(self) -> bool:
        return any(
            (
                self.kind,
                self.province,
                self.prefecture,
                self.rating,
                self.event,
                self.penalised_within,
                self.event_from,
                self.event_to,
            )
        )


def _han_text_clause(text: str) -> dict[str, Any]:
    # Every character (a token each) must appear somewhere in the names or the region.
    return {
        "multi_match": {
            "query": text,
            "fields": ["name^3", "former_names^2", "name_en^2", "region_names"],
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
            should.append({"match": {"name.bigrams": {"query": text, "boost": 2}}})
            should.append({"match": {"former_names.bigrams": {"query": text}}})
        else:
            must.append(_latin_text_clause(text))
            should.append({"match_phrase": {"name_en": {"query": text, "boost": 3}}})
            if pinyin := segment(text):
                spelled = " ".join(pinyin)
                should.append({"match": {"name_pinyin.bigrams": {"query": spelled, "boost": 2}}})
    if query.kind:
        filters.append({"term": {"kind": query.kind}})
    if query.province:
        filters.append({"term": {"province_code": query.province}})
    if query.prefecture:
        filters.append({"term": {"prefecture_code": query.prefecture}})
    if query.rating:
        filters.append({"term": {"credit_rating": query.rating}})
    if query.event:
        filters.append({"term": {"event_kinds": query.event}})
    if query.penalised_within:
        # Date math in the cluster, rounded to the day so the filter is cached for a day.
        since = f"now-{query.penalised_within}y/d"
        filters.append({"range": {"latest_penalty_on": {"gte": since}}})
    if query.event_from or query.event_to:
        bounds = {"gte": query.event_from, "lte": query.event_to}
        filters.append(
            {"range": {"event_dates": {k: v.isoformat() for k, v in bounds.items() if v}}}
        )
    aggregations: dict[str, Any] = {
        "kind": {"terms": {"field": "kind", "size": 10}},
        "province": {"terms": {"field": "province_code", "size": 40}},
        "rating": {"terms": {"field": "credit_rating", "size": 4, "order": {"_key": "asc"}}},
        "event": {"terms": {"field": "event_kinds", "size": 10}},
    }
    if query.province:
        aggregations["prefecture"] = {"terms": {"field": "prefecture_code", "size": 100}}
    sort_name = query.sort if query.sort != "relevance" or query.text else "name"
    sort = SORTS[sort_name]
    body: dict[str, Any] = {
        "query": {
            "bool": {
                "must": must or [{"match_all": {}}],
                "should": should,
                "filter": filters,
            }
        },
        "size": query.size,
        "track_total_hits": True,
        "sort": sort,
        # Only what a result line shows: the stored events would triple the response.
        "_source": [
            "uscc",
            "kind",
            "display_name",
            "display_name_en",
            "region_display",
            "display_former_names",
        ],
    }
    if query.facets:
        body["aggs"] = aggregations
    if query.highlight:
        body["highlight"] = {
            "fields": {"name": {"number_of_fragments": 0}},
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
        }
    if query.after is not None:
        body["search_after"] = list(query.after)
    else:
        body["from"] = (query.page - 1) * query.size
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


def build_near_matches(text: str, size: int = 5) -> dict[str, Any]:
    """For a search that found nothing: names sharing most of the query's characters or pinyin
    syllables, to offer as "did you mean". Filters are left out on purpose."""
    normalised = normalise_text(text)
    should: list[dict[str, Any]] = []
    if _HAN.search(normalised):
        should.append({"match": {"name": {"query": normalised, "minimum_should_match": "60%"}}})
        should.append({"match": {"name.bigrams": {"query": normalised}}})
    else:
        if pinyin := segment(normalised):
            spelled = " ".join(pinyin)
            should.append(
                {"match": {"name_pinyin": {"query": spelled, "minimum_should_match": "60%"}}}
            )
        should.append({"match": {"name_en": {"query": normalised, "fuzziness": "AUTO"}}})
    return {
        "query": {"bool": {"should": should, "minimum_should_match": 1}},
        "size": size,
        "_source": ["uscc", "kind", "display_name", "display_name_en", "region_display"],
    }
