"""Nothing the complainant tells about themselves, and nothing of the narrative, reaches a public
page: not the confirmation, not the tracking page, not the subject's record, search or the API."""

import re

import pytest

from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

MARKERS = {
    "name": "Zebulon Quixmarker",
    "email": "quixmarker.person@example.org",
    "phone": "13912345678",
    "what_happened": "NARRATIVEMARKER the manager kept my passport in his desk",
    "happened_when": "WHENMARKER last spring",
    "happened_where": "WHEREMARKER third floor",
    "wanted_outcome": "WANTMARKER return it",
}


def test_personal_data_and_narrative_never_appear_on_public_pages(
    client, authorities, solve_captcha, index_now
):
    from complaints.models import ComplaintCategory

    employer = OrganisationFactory(name="深圳市隐私测试科技有限公司")
    index_now(employer)
    category = ComplaintCategory.objects.get(code="passport-withheld")
    data = {
        "form_token": "1" * 32,
        "complainant_kind": "foreign_worker",
        "subject_kind": "organisation",
        "organisation": employer.name,
        "category": str(category.pk),
        "consent_to_publish": "on",
        "altcha": solve_captcha(),
        **MARKERS,
    }
    confirmation = client.post("/complaints/new/", data)
    assert confirmation.status_code == 200
    html = confirmation.content.decode()
    number = re.search(r'id="tracking-number">([0-9A-Z-]+)<', html).group(1)
    code = re.search(r'id="access-code">([0-9A-Z-]+)<', html).group(1)

    tracking = client.post("/complaints/track/", {"tracking_number": number, "access_code": code})
    assert tracking.status_code == 200
    assert number in tracking.content.decode()

    pages = {
        "confirmation": html,
        "tracking": tracking.content.decode(),
        "record": client.get(f"/organisations/{employer.uscc}/").content.decode(),
        "search": client.get("/search/", {"q": "隐私测试"}).content.decode(),
        "search by marker": client.get("/search/", {"q": "NARRATIVEMARKER"}).content.decode(),
        "api": client.get("/api/organisations", {"q": "隐私测试"}).content.decode(),
        "api record": client.get(f"/api/organisations/{employer.uscc}").content.decode(),
        "authority": client.get("/authorities/440300/").content.decode(),
        "form": client.get("/complaints/new/").content.decode(),
    }
    assert employer.name in pages["record"]
    for page, content in pages.items():
        for field, marker in MARKERS.items():
            if page == "search by marker" and field == "what_happened":
                content = content.replace("NARRATIVEMARKER", "", 1)  # the query, echoed
                assert "passport in his desk" not in content
                continue
            assert marker not in content, f"{field} appears on the {page} page"
