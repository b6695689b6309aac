"""Building searches. Nothing here talks to the cluster: builders return request bodies, which
golden-file tests pin down and `search.results` executes."""

from dataclasses import dataclass
from typing import Any

from search.normalise import normalise_text, uscc_candidate

PAGE_SIZES = (10, 25, 50, 100)
# The page number a public URL may ask for with from/size; deeper pages use search_after.
MAX_FROM = 10_000


@dataclass(frozen=True)
class OrganisationQuery:
    """A validated public search: text, filters and the page wanted."""

    text: str = ""
    kind: str | None = None
    page: int = 1
    size: int = 10


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
        # Every character (a token each, for Han text) must appear somewhere in the names;
        # the whole phrase in the name ranks first.
        must.append(
            {
                "multi_match": {
                    "query": text,
                    "fields": ["name^3", "name_en^2", "region_names"],
                    "type": "cross_fields",
                    "operator": "and",
                }
            }
        )
        should.append({"match_phrase": {"name": {"query": text, "boost": 5}}})
        should.append({"match": {"name.bigrams": {"query": text, "boost": 2}}})
        should.append({"match_phrase": {"name_en": {"query": text, "boost": 3}}})
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
