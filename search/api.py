"""The open data API over the credit records (django-ninja; OpenAPI at /api/openapi.json)."""

import re
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
from search.queries import MAX_FROM, PAGE_SIZES, OrganisationQuery
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


# The form checks the parameters (with the messages the HTML search shows); the OpenAPI document
# states the same rules, read off the form's fields, so that generated clients and fuzzers know
# them and the two never disagree.
_checks = OrganisationSearchForm.base_fields


def _choices(name: str) -> dict:
    # A pattern rather than an enum: Swagger UI draws an enum as a select without a label.
    field = _checks[name]
    values = [str(value) for value, _label in field.choices]
    if not field.required and "" not in values:
        values.insert(0, "")  # left empty, the default applies
    return {"pattern": f"^(?:{'|'.join(map(re.escape, values))})$"}


def _optional_pattern(name: str) -> dict:
    pattern = _checks[name].regex.pattern.removeprefix("^").removesuffix("$")
    return {"pattern": f"^(?:{pattern})?$"}


def _max_length(name: str) -> dict:
    return {"maxLength": _checks[name].max_length}


_OPTIONAL_DATE = {"anyOf": [{"format": "date"}, {"maxLength": 0}]}


class SearchParams(Schema):
    q: str = Field(
        "",
        description="name, former name, pinyin, initials or USCC",
        json_schema_extra=_max_length("q"),
    )
    kind: str = Field("", description="employer or agency", json_schema_extra=_choices("kind"))
    province: str = Field(
        "",
        description="GB/T 2260 code of a province, e.g. 440000",
        json_schema_extra=_optional_pattern("province"),
    )
    prefecture: str = Field(
        "",
        description="GB/T 2260 code of a city, e.g. 440300",
        json_schema_extra=_optional_pattern("prefecture"),
    )
    rating: str = Field(
        "", description="credit rating, A to D", json_schema_extra=_choices("rating")
    )
    event: str = Field(
        "",
        description="has a public event of this kind: inspection_result, penalty, …",
        json_schema_extra=_choices("event"),
    )
    penalised_within: str = Field(
        "",
        description="penalised in the last 1, 2, 3 or 5 years",
        json_schema_extra=_choices("penalised_within"),
    )
    event_from: str = Field(
        "",
        description="has a public event published on or after (ISO date)",
        json_schema_extra=_OPTIONAL_DATE,
    )
    event_to: str = Field(
        "", description="… on or before (ISO date)", json_schema_extra=_OPTIONAL_DATE
    )
    sort: str = Field(
        "relevance",
        description="relevance, name or latest (latest event first)",
        json_schema_extra=_choices("sort"),
    )
    page: int = Field(
        1,
        description=f"pages beyond result {MAX_FROM:,} need `after`",
        json_schema_extra={
            "minimum": _checks["page"].min_value,
            "maximum": _checks["page"].max_value,
        },
    )
    size: int = Field(
        10,
        description="10, 25, 50 or 100",
        json_schema_extra={"minimum": min(PAGE_SIZES), "maximum": max(PAGE_SIZES)},
    )
    after: str = Field(
        "",
        description="the next_cursor of the previous page (opaque: a damaged one gets a 400)",
        json_schema_extra={**_max_length("after"), "pattern": "^[A-Za-z0-9_-]*$"},
    )
    # A string, not a bool: Swagger UI draws a bool as a select without a label.
    facets: str = Field(
        "",
        pattern="^(|true|false)$",
        description="true: also count the matches per kind, province, rating and event type",
    )


class ParameterProblem(BaseModel):
    parameter: str
    message: str


class Problem(BaseModel):
    """Every refusal: `detail` says what was wrong, as text or per parameter."""

    detail: str | list[ParameterProblem]


_TRY_AGAIN = {
    "Retry-After": {
        "description": "seconds to wait before the next request",
        "schema": {"type": "integer"},
    }
}
# What every endpoint may answer besides its result.
REFUSALS = {400: Problem, 429: Problem, 503: Problem}
REFUSALS_DOCUMENTED = {
    "responses": {
        400: {"description": "a parameter is malformed or out of range"},
        429: {"description": "too many requests from this address", "headers": _TRY_AGAIN},
        503: {"description": "search is temporarily unavailable"},
    }
}


def api_search_query(form: OrganisationSearchForm) -> OrganisationQuery:
    """The search the API runs for valid parameters: facets only when asked (`facets=true`), no
    highlighting, which the API does not return."""
    return replace(form.to_query(), facets=form.data.get("facets") == "true", highlight=False)


@router.get(
    "/organisations",
    response={200: OrganisationSearchResponse, **REFUSALS},
    by_alias=True,
    throttle=[EndpointRateThrottle("search")],
    openapi_extra=REFUSALS_DOCUMENTED,
)
def search_organisations(request: HttpRequest, params: Query[SearchParams]):
    """Search employers and intermediary agencies by name, pinyin or USCC."""
    form = OrganisationSearchForm(params.dict())
    if not form.is_valid():
        raise HttpError(400, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    query = api_search_query(form)
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
    response={200: None, **REFUSALS},
    throttle=[EndpointRateThrottle("export")],
    openapi_extra={
        "responses": {
            **REFUSALS_DOCUMENTED["responses"],
            200: {"description": "CSV", "content": {"text/csv": {}}},
            400: {
                "description": "a parameter is malformed, or the search matches too many "
                "organisations to export"
            },
        },
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


@router.get(
    "/suggest",
    response={200: list[Suggestion], **REFUSALS},
    throttle=[EndpointRateThrottle("suggest")],
    openapi_extra=REFUSALS_DOCUMENTED,
)
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
    response={200: OrganisationOut, 404: Problem, 429: Problem},
    throttle=[EndpointRateThrottle("organisation")],
    openapi_extra={
        "responses": {
            404: {"description": "no organisation has this code"},
            429: REFUSALS_DOCUMENTED["responses"][429],
        }
    },
)
def get_organisation(request: HttpRequest, uscc: str):
    """One organisation's public profile by its unified social credit code."""
    organisation = organisation_get_by_uscc(uscc)
    if organisation is None:
        raise HttpError(404, "No organisation has this unified social credit code.")
    return organisation
