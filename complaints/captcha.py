"""The captcha of the complaint form, chosen by the COMPLAINT_CAPTCHA setting:

- ``altcha`` (default): a self-hosted proof of work (the `altcha` library on the server, the
  `altcha` widget from our static files). The browser spends about a second finding a key
  derivation whose output starts with the signed prefix; the server checks the HMAC signature,
  the expiry and the solution, and refuses a solution seen before. Nothing leaves this site, so
  it works in mainland China and offline.
- ``recaptcha``: Google reCAPTCHA through django-recaptcha, served from RECAPTCHA_DOMAIN.
- ``none``: no captcha (development only; the honeypot and the rate limit still apply).
"""

import base64
import datetime
import hashlib
import hmac
import json

import altcha
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_recaptcha.fields import ReCaptchaField
from django_recaptcha.widgets import ReCaptchaV2Checkbox

from portal.core import ratelimit

ALTCHA_ALGORITHM = "PBKDF2/SHA-256"
ALTCHA_KEY_PREFIX = "00"  # one byte: 256 derivations on average


def mode() -> str:
    return settings.COMPLAINT_CAPTCHA


def _altcha_secret() -> bytes:
    """ALTCHA_HMAC_KEY, or a key derived from SECRET_KEY for this one purpose."""
    if settings.ALTCHA_HMAC_KEY:
        return settings.ALTCHA_HMAC_KEY.encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"complaints.altcha", hashlib.sha256).digest()


def altcha_challenge() -> dict:
    """A new signed challenge, as the widget fetches it (JSON)."""
    expires = timezone.now() + datetime.timedelta(seconds=settings.ALTCHA_EXPIRY_SECONDS)
    challenge = altcha.create_challenge(
        ALTCHA_ALGORITHM,
        settings.ALTCHA_COST,
        key_prefix=ALTCHA_KEY_PREFIX,
        expires_at=expires,
        hmac_secret=_altcha_secret(),
    )
    return challenge.to_dict()


def altcha_verify(payload: str) -> bool:
    """Whether `payload` (the widget's base64 field) solves a challenge we signed, before it
    expired, for the first time."""
    if not payload or len(payload) > 4000:
        return False
    try:
        result = altcha.verify_solution(payload, _altcha_secret())
    except (ValueError, TypeError, KeyError):
        return False
    if not result.verified:
        return False
    # One use per challenge: the first hit on its signature is allowed, any replay is not. The
    # day-long window outlives the challenge's expiry (except across midnight UTC, where a
    # replay within the expiry remains possible: it still costs a new form token).
    signature = json.loads(base64.b64decode(payload))["challenge"]["signature"]
    return ratelimit.hit(f"altcha:{signature}", "1/d").allowed


class RecaptchaField(ReCaptchaField):
    widget = ReCaptchaV2Checkbox  # rendered by our template (no app templates needed)

    """django-recaptcha's field, verified against RECAPTCHA_DOMAIN, that also turns an
    unreachable verification service (refused, timed out, DNS) into a form error: the library
    only catches HTTP errors, and Google is unreachable from many networks."""

    def validate(self, value) -> None:
        try:
            super().validate(value)
        except OSError as error:  # urllib's URLError, socket timeouts
            raise ValidationError(
                _("The verification service cannot be reached. Please try again later."),
                code="captcha_unreachable",
            ) from error
