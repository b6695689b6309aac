"""Running searches against the cluster and shaping what comes back for views and the API."""

from dataclasses import dataclass, field
from typing import Any

from elasticsearch import ApiError, TransportError

from portal.core.models import Region
from portal.core.templatetags.bilingual import is_english
from portal.records.models import CreditEvent, Organisation
from search import cursor
from search.client import SearchUnavailable, get_client
from search.indexing import alias_name
from search.normalise import uscc_candidate
from search.queries import (
    OrganisationQuery,
    build_near_matches,
    build_organisation_search,
    build_organisation_suggest,
)


@dataclass(frozen=True)
class OrganisationHit:
    uscc: str
    kind: str
    name: str
    name_en: str
    region: str
    highlighted_name: str | None = None
    former_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass(frozen=True)
class OrganisationResults:
    query: OrganisationQuery
    total: int
    hits: list[OrganisationHit] = field(default_factory=list)
    took_ms: int = 0
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    # The cursor for the page after this one (None on the last page).
    next_cursor: str | None = None
    # When nothing matched: names close to the query, to offer instead.
    near_matches: list[OrganisationHit] = field(default_factory=list)

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def first_number(self) -> int:
        """The position of the first hit on this page, counting from 1."""
        return (self.query.page - 1) * self.query.size + 1

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.query.size))


def _strip_marks(value: str) -> str:
    return value.replace("<mark>", "").replace("</mark>", "")


def _hit(raw: dict[str, Any]) -> OrganisationHit:
    source = raw["_source"]
    highlight = raw.get("highlight", {}).get("name")
    if highlight and _strip_marks(highlight[0]) != source["display_name"]:
        # The indexed name is normalised (NFKC, case); show the highlight only where it reads
        # exactly like the registered name.
        highlight = None
    return OrganisationHit(
        uscc=source["uscc"],
        kind=source.get("kind", ""),
        name=source["display_name"],
        name_en=source.get("display_name_en") or "",
        region=source.get("region_display") or "",
        highlighted_name=highlight[0] if highlight else None,
        former_names=tuple(source.get("display_former_names") or ()),
    )


def run_search(body: dict[str, Any]) -> Any:
    try:
        return get_client().search(index=alias_name(), **body)
    except (TransportError, ApiError) as error:
        # Our queries are built, never passed through, so any refusal here is the cluster's.
        raise SearchUnavailable(str(error)) from error


def organisations_suggest(prefix: str) -> list[OrganisationHit]:
    """Up to eight organisations whose name, pinyin or initials start with `prefix`."""
    if not prefix.strip():
        return []
    response = run_search(build_organisation_suggest(prefix))
    options = response["suggest"]["organisations"][0]["options"]
    return [_hit(option) for option in options]


def organisations_search(query: OrganisationQuery) -> OrganisationResults:
    """Run a public organisation search. Raises SearchUnavailable when the cluster is down."""
    response = run_search(build_organisation_search(query))
    raw_hits = response["hits"]["hits"]
    total = response["hits"]["total"]["value"]
    shown = (query.page - 1) * query.size + len(raw_hits)
    next_cursor = cursor.encode(raw_hits[-1]["sort"]) if raw_hits and shown < total else None
    near: list[OrganisationHit] = []
    if total == 0 and query.text and not uscc_candidate(query.text):
        near = [_hit(raw) for raw in run_search(build_near_matches(query.text))["hits"]["hits"]]
    return OrganisationResults(
        query=query,
        near_matches=near,
        total=total,
        hits=[_hit(raw) for raw in raw_hits],
        took_ms=response["took"],
        facets=_facets(query, response.get("aggregations", {})),
        next_cursor=next_cursor,
    )


_region_name_cache: dict[str, tuple[str, str]] = {}


def _region_names(codes: list[str]) -> dict[str, str]:
    """Names of GB/T 2260 codes in the active language (English where the region has one),
    kept per process: they change once a year at most (a data migration, then a restart), and
    facets would otherwise cost a query per search."""
    missing = [code for code in codes if code not in _region_name_cache]
    if missing:
        rows = Region.objects.filter(code__in=missing).values_list("code", "name", "name_en")
        _region_name_cache.update((code, (name, name_en)) for code, name, name_en in rows)
    english = is_english()
    return {
        code: (_region_name_cache[code][1] if english else "") or _region_name_cache[code][0]
        for code in codes
        if code in _region_name_cache
    }


def _facets(query: OrganisationQuery, aggregations: dict[str, Any]) -> dict[str, list[FacetValue]]:
    buckets = {name: aggregation["buckets"] for name, aggregation in aggregations.items()}
    codes = [
        bucket["key"] for name in ("province", "prefecture") for bucket in buckets.get(name, [])
    ]
    region_names = _region_names(codes)
    kind_labels = dict(Organisation.Kind.choices)
    selected = {
        "kind": query.kind,
        "province": query.province,
        "prefecture": query.prefecture,
        "rating": query.rating,
        "event": query.event,
    }
    labels = {
        "kind": kind_labels,
        "province": region_names,
        "prefecture": region_names,
        "rating": {},
        "event": dict(CreditEvent.Kind.choices),
    }
    return {
        name: [
            FacetValue(
                value=bucket["key"],
                label=str(labels[name].get(bucket["key"], bucket["key"])),
                count=bucket["doc_count"],
                selected=bucket["key"] == selected[name],
            )
            for bucket in name_buckets
        ]
        for name, name_buckets in buckets.items()
    }
