"""The open data API over the credit records (django-ninja; OpenAPI at /api/openapi.json)."""

from dataclasses import replace
from datetime import UTC, datetime

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import BaseModel

from portal.records.selectors import organisation_get_by_uscc
from search.client import SearchUnavailable
from search.export import ExportTooLarge, organisations_export
from search.forms import OrganisationSearchForm
from search.results import organisations_search, organisations_suggest
from search.throttling import EndpointRateThrottle

router = Router(tags=["organisations"])

LICENCE = "CC BY 4.0"


# The answers built here from plain dicts are pydantic models rather than ninja Schemas: a Schema
# reads its input through a getter made for ORM objects (446 µs a search instead of 141 µs).
# Validation and the OpenAPI document are the same.
class Meta(BaseModel):
    licence: str = LICENCE
    total: int
    page: int
    size: int
    generated_at: datetime
    took_ms: int = Field(0, description="time Elasticsearch spent on this search, in ms")
    next_cursor: str | None = Field(
        None, description="pass as `after` (with page+1) for the next page, at any depth"
    )
    facets: dict[str, dict[str, int]] = Field(
        default_factory=dict,
        description="with facets=true: counts per kind, province, city (within a province), "
        "rating and event type",
    )


class OrganisationSummary(BaseModel):
    uscc: str
    kind: str
    name: str
    name_en: str
    region: str


class OrganisationSearchResponse(BaseModel):
    meta: Meta = Field(..., alias="_meta")
    results: list[OrganisationSummary]


class OrganisationOut(Schema):
    uscc: str
    kind: str
    name: str
    name_en: str
    region_code: str
    industry: str
    registration_status: str
    foreign_staff_count: int
    credit_rating: str

    @staticmethod
    def resolve_region_code(organisation) -> str:
        return organisation.region_id


class SearchParams(Schema):
    q: str = Field("", description="name, former name, pinyin, initials or USCC")
    kind: str = Field("", description="employer or agency")
    province: str = Field("", description="GB/T 2260 code of a province, e.g. 440000")
    prefecture: str = Field("", description="GB/T 2260 code of a city, e.g. 440300")
    rating: str = Field("", description="credit rating, A to D")
    event: str = Field(
        "", description="has a public event of this kind: inspection_result, penalty, …"
    )
    penalised_within: str = Field("", description="penalised in the last 1, 2, 3 or 5 years")
    event_from: str = Field("", description="has a public event published on or after (ISO date)")
    event_to: str = Field("", description="… on or before (ISO date)")
    sort: str = Field("relevance", description="relevance, name or latest (latest event first)")
    page: int = 1
    size: int = Field(10, description="10, 25, 50 or 100")
    after: str = Field("", description="the next_cursor of the previous page")
    # A string, not a bool: Swagger UI draws a bool as a select without a label.
    facets: str = Field(
        "",
        pattern="^(|true|false)$",
        description="true: also count the matches per kind, province, rating and event type",
    )


@router.get(
    "/organisations",
    response=OrganisationSearchResponse,
    by_alias=True,
    throttle=[EndpointRateThrottle("search")],
)
def search_organisations(request: HttpRequest, params: Query[SearchParams]):
    """Search employers and intermediary agencies by name, pinyin or USCC."""
    form = OrganisationSearchForm(params.dict())
    if not form.is_valid():
        raise HttpError(400, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    # Facets only when asked; no highlighting, which the API does not return.
    query = replace(form.to_query(), facets=params.facets == "true", highlight=False)
    try:
        results = organisations_search(query)
    except SearchUnavailable as error:
        raise HttpError(503, "Search is temporarily unavailable; try again shortly.") from error
    return {
        "_meta": {
            "total": results.total,
            "page": query.page,
            "size": query.size,
            "generated_at": datetime.now(UTC),
            "took_ms": results.took_ms,
            "next_cursor": results.next_cursor,
            "facets": {
                name: {value.value: value.count for value in values}
                for name, values in results.facets.items()
            },
        },
        "results": [
            {
                "uscc": hit.uscc,
                "kind": hit.kind,
                "name": hit.name,
                "name_en": hit.name_en,
                "region": hit.region,
            }
            for hit in results.hits
        ],
    }


class Suggestion(BaseModel):
    uscc: str
    name: str
    name_en: str
    region: str


@router.get(
    "/organisations.csv",
    throttle=[EndpointRateThrottle("export")],
    openapi_extra={
        "responses": {200: {"description": "CSV", "content": {"text/csv": {}}}},
    },
)
def export_organisations(request: HttpRequest, params: Query[SearchParams]):
    """The whole result of a search as CSV (UTF-8 with BOM), with the same parameters as
    /organisations (page, size and after are ignored). At most SEARCH_EXPORT_LIMIT rows: a larger
    search is refused with 400; narrow it, or take the nightly full dump."""
    form = OrganisationSearchForm(params.dict())
    if not form.is_valid():
        raise HttpError(400, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    try:
        total, lines = organisations_export(form.to_query())
    except ExportTooLarge as error:
        raise HttpError(400, f"{error} Narrow the search, or use the nightly full dump.") from error
    except SearchUnavailable as error:
        raise HttpError(503, "Search is temporarily unavailable; try again shortly.") from error
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="organisations.csv"'
    response["X-Total-Count"] = str(total)
    return response


@router.get("/suggest", response=list[Suggestion], throttle=[EndpointRateThrottle("suggest")])
def suggest(request: HttpRequest, q: str = Query("", max_length=100)):
    """Organisations whose name, pinyin or pinyin initials start with `q` (at most eight)."""
    try:
        hits = organisations_suggest(q)
    except SearchUnavailable as error:
        raise HttpError(503, "Search is temporarily unavailable; try again shortly.") from error
    return [
        {"uscc": hit.uscc, "name": hit.name, "name_en": hit.name_en, "region": hit.region}
        for hit in hits
    ]


@router.get(
    "/organisations/{uscc}",
    response=OrganisationOut,
    throttle=[EndpointRateThrottle("organisation")],
)
def get_organisation(request: HttpRequest, uscc: str):
    """One organisation's public profile by its unified social credit code."""
    organisation = organisation_get_by_uscc(uscc)
    if organisation is None:
        raise HttpError(404, "No organisation has this unified social credit code.")
    return organisation
