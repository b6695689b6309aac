"""Publication of an anonymised outcome: written by an officer, approved by a second person,
then shown with the organisation's record; without the complainant's consent nothing is."""

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.urls import reverse

from complaints.models import Complaint
from complaints.selectors import complaint_outcomes_published
from complaints.services import (
    complaint_accept,
    complaint_conclude,
    complaint_publication_approve,
    complaint_publication_write,
)
from portal.core.models import AuditEntry
from tests.complaints.filing import complaint_file
from tests.factories import OrganisationFactory, StaffMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def employer(db):
    return OrganisationFactory(name="深圳市公示测试有限公司")


def concluded(category, employer, officer, *, consent: bool, key: str) -> Complaint:
    complaint = complaint_file(
        category,
        key,
        name="Private Person",
        email="private.person@example.org",
        subject_organisation=employer,
        what_happened="NARRATIVE unpaid wages",
        consent_to_publish=consent,
    ).complaint
    complaint_accept(complaint=complaint, actor=officer)
    complaint_conclude(complaint=complaint, actor=officer, outcome="Wages paid to Private Person.")
    return complaint


def render_outcomes(organisation) -> str:
    template = Template(
        "{% load complaint_outcomes %}{% published_complaint_outcomes organisation %}"
    )
    return template.render(Context({"organisation": organisation}))


def test_an_outcome_is_published_after_a_second_person_approves_it(
    client, authorities, wages, employer
):
    writer = StaffMembershipFactory(authority=authorities["shenzhen"], role="officer").user
    checker = StaffMembershipFactory(authority=authorities["shenzhen"], role="supervisor").user
    complaint = concluded(wages, employer, writer, consent=True, key="c")

    client.force_login(writer)
    detail = reverse("complaints_admin:detail", args=[complaint.pk])
    write = client.post(
        reverse("complaints_admin:action", args=[complaint.pk, "publication"]),
        {"publication-text": "A worker's wages were unpaid; the employer paid them in full."},
    )
    assert write.status_code == 302
    assert complaint_outcomes_published(employer) == []  # not before approval
    # The writer cannot approve their own text.
    assert "approve-publication" not in client.get(detail).content.decode()
    own = client.post(
        reverse("complaints_admin:action", args=[complaint.pk, "approve-publication"])
    )
    assert own.status_code == 400
    assert complaint_outcomes_published(employer) == []

    client.force_login(checker)
    approve = client.post(
        reverse("complaints_admin:action", args=[complaint.pk, "approve-publication"])
    )
    assert approve.status_code == 302
    [outcome] = complaint_outcomes_published(employer)
    assert outcome.category == wages
    html = render_outcomes(employer)
    assert "the employer paid them in full" in html
    for private in ("Private Person", "private.person@example.org", "NARRATIVE"):
        assert private not in html
    client.logout()
    record = client.get(f"/organisations/{employer.uscc}/").content.decode()
    assert "the employer paid them in full" in record
    for private in ("Private Person", "private.person@example.org", "NARRATIVE"):
        assert private not in record
    actions = set(
        AuditEntry.objects.filter(object_id=str(complaint.pk)).values_list("action", flat=True)
    )
    assert {
        "complaints.complaint.publication_written",
        "complaints.complaint.publication_approved",
    } <= actions
    assert AuditEntry.objects.get(action="complaints.complaint.publication_approved").actor == (
        checker
    )


def test_without_consent_nothing_is_published(client, authorities, wages, employer):
    officer = StaffMembershipFactory(authority=authorities["shenzhen"], role="officer").user
    complaint = concluded(wages, employer, officer, consent=False, key="n")
    with pytest.raises(ValidationError):
        complaint_publication_write(complaint=complaint, actor=officer, text="Anything.")
    client.force_login(officer)
    page = client.get(reverse("complaints_admin:detail", args=[complaint.pk])).content.decode()
    assert "publication-text" not in page
    refused = client.post(
        reverse("complaints_admin:action", args=[complaint.pk, "publication"]),
        {"publication-text": "Anything."},
    )
    assert refused.status_code == 400
    assert complaint_outcomes_published(employer) == []
    assert render_outcomes(employer).strip() == ""


def test_a_rewrite_withdraws_the_approval(authorities, wages, employer):
    writer = StaffMembershipFactory(authority=authorities["shenzhen"], role="officer").user
    checker = StaffMembershipFactory(authority=authorities["shenzhen"], role="officer").user
    complaint = concluded(wages, employer, writer, consent=True, key="w")
    complaint_publication_write(complaint=complaint, actor=writer, text="First text.")
    complaint_publication_approve(complaint=complaint, actor=checker)
    assert [o.text for o in complaint_outcomes_published(employer)] == ["First text."]
    complaint_publication_write(complaint=complaint, actor=checker, text="Second text.")
    assert complaint_outcomes_published(employer) == []
    with pytest.raises(ValidationError):
        complaint_publication_approve(complaint=complaint, actor=checker)
    complaint_publication_approve(complaint=complaint, actor=writer)
    assert [o.text for o in complaint_outcomes_published(employer)] == ["Second text."]
