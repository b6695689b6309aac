"""Authorities (national → Guangdong → Shenzhen, Guangzhou), categories, and a captcha solved the
way a browser solves it (the altcha library's own solver, against a challenge from our view)."""

import altcha
import pytest

from complaints.models import ComplaintCategory
from portal.core.models import Authority, Region
from tests.factories import AuthorityFactory, ComplaintCategoryFactory


def _authority(code: str | None, level: str, parent: Authority | None, **fields) -> Authority:
    region = Region.objects.get(code=code) if code else None
    return AuthorityFactory(region=region, level=level, parent=parent, **fields)


@pytest.fixture
def authorities(db) -> dict[str, Authority]:
    national = _authority(None, "national", None, name="国家外国专家局")
    guangdong = _authority("440000", "provincial", national, name="广东省人力资源和社会保障厅")
    shenzhen = _authority("440300", "prefectural", guangdong, name="深圳市人力资源和社会保障局")
    guangzhou = _authority("440100", "prefectural", guangdong, name="广州市人力资源和社会保障局")
    return {
        "national": national,
        "guangdong": guangdong,
        "shenzhen": shenzhen,
        "guangzhou": guangzhou,
    }


@pytest.fixture
def wages(db) -> ComplaintCategory:
    """Unpaid wages (from the data migration): 5 working days to accept, no anonymity."""
    return ComplaintCategory.objects.get(code="unpaid-wages")


@pytest.fixture
def report_category(db) -> ComplaintCategory:
    """A category that may be filed anonymously."""
    return ComplaintCategoryFactory(code="test-report", anonymous_allowed=True, acceptance_days=7)


@pytest.fixture
def solve_captcha(client):
    """`solve_captcha()` fetches a challenge from the site and returns the widget's payload."""

    def solve() -> str:
        response = client.get("/complaints/captcha/challenge")
        assert response.status_code == 200
        challenge = altcha.Challenge.from_dict(response.json())
        solution = altcha.solve_challenge(challenge)
        assert solution is not None
        return altcha.Payload(challenge, solution).to_base64()

    return solve


@pytest.fixture(autouse=True)
def _cheap_captcha(settings):
    """A low proof-of-work cost, so solving in Python stays quick; the checks are the same."""
    settings.ALTCHA_COST = 20
