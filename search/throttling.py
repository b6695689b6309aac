"""Rate limits per API endpoint, per client address, answered with 429 and Retry-After.

Rates come from the API_RATES setting at request time (so a deployment, or a test, can change
them); the counts live in Django's default cache, which is shared by every web process (the
database cache by default, see CACHE_URL).
"""

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import AnonRateThrottle


class EndpointRateThrottle(AnonRateThrottle):
    """At most API_RATES[scope] requests per client address, e.g. "60/m"."""

    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__(rate=self.get_rate())

    def get_rate(self) -> str:
        return settings.API_RATES[self.scope]

    def allow_request(self, request: HttpRequest) -> bool:
        # Read the rate for every request, not once at start-up.
        self.num_requests, self.duration = self.parse_rate(self.get_rate())
        return super().allow_request(request)
