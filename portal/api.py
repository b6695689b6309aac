"""The public JSON API: one NinjaAPI, with a router per app."""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError

from search.api import router as organisations_router

api = NinjaAPI(
    title="Foreign Work Permit Supervision: open data API",
    version="1",
    description="Public credit records of employers and intermediary agencies. Licence: CC BY 4.0.",
    urls_namespace="api",
)
api.add_router("/", organisations_router)


@api.exception_handler(ValidationError)
def bad_parameters(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """A malformed parameter is the caller's mistake: 400 with what was wrong, as elsewhere."""
    problems = [
        {
            "parameter": ".".join(str(part) for part in item.get("loc", [])[1:]),
            "message": item["msg"],
        }
        for item in error.errors
    ]
    return api.create_response(request, {"detail": problems}, status=400)
