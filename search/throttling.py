"""Rate limits per API endpoint, per client address, answered with 429 and Retry-After.

Rates come from the API_RATES setting at request time (so a deployment, or a test, can change
them); the counts are kept in the database (portal.core.ratelimit), shared by every web process.
The client address is the one django-ninja trusts: REMOTE_ADDR, or the address TRUSTED_PROXY_COUNT
proxies back in X-Forwarded-For.
"""

import threading

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from portal.core import ratelimit


class EndpointRateThrottle(BaseThrottle):
    """At most API_RATES[scope] requests per client address, e.g. "60/m"."""

    def __init__(self, scope: str) -> None:
        self.scope = scope
        # One instance serves every request of its endpoint, in several threads.
        self._last = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        address = self.get_ident(request) or "unknown"
        decision = ratelimit.hit(f"api:{self.scope}:{address}", settings.API_RATES[self.scope])
        self._last.retry_after = decision.retry_after
        return decision.allowed

    def wait(self) -> float | None:
        return getattr(self._last, "retry_after", None)
