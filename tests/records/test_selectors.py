"""`organisation_named`: how the complaint form finds the organisation a complainant names."""

import pytest

from portal.records.selectors import organisation_named
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_a_usccs_any_spacing_or_case_finds_its_organisation():
    organisation = OrganisationFactory()
    spaced = " ".join([organisation.uscc[:6], organisation.uscc[6:].lower()])
    assert organisation_named(organisation.uscc) == organisation
    assert organisation_named(f"  {spaced} ") == organisation


def test_an_exact_name_finds_its_organisation_and_a_shared_or_partial_one_does_not():
    alone = OrganisationFactory(name="深圳市独有名称科技有限公司")
    OrganisationFactory.create_batch(2, name="深圳市重名科技有限公司")
    assert organisation_named(" 深圳市独有名称科技有限公司 ") == alone
    assert organisation_named("深圳市重名科技有限公司") is None
    assert organisation_named("独有名称") is None


def test_a_valid_code_that_is_not_in_the_records_finds_nothing():
    organisation = OrganisationFactory()
    organisation.delete()
    assert organisation_named(organisation.uscc) is None
