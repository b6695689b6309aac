"""Access-code hashes made with former scrypt parameters (N = 2^13, 2^10) are replaced by a
current one on the holder's first successful lookup, one column and nothing else; a wrong code
changes nothing."""

import pytest

from complaints import codes
from complaints.models import Complaint
from complaints.services import complaint_get_for_holder
from portal.core.models import AuditEntry
from tests.complaints.filing import complaint_file
from tests.complaints.test_codes_kdf import _hash_with

pytestmark = pytest.mark.django_db


def _complaint_with_former_hash(category, *, n: int) -> tuple[Complaint, str, str]:
    """A filed complaint whose stored hash was made as an earlier release did, with N = `n`."""
    submission = complaint_file(category, f"rehash-{n}")
    complaint, code = submission.complaint, submission.access_code
    former = _hash_with(code, n=n)
    Complaint.objects.filter(pk=complaint.pk).update(access_code_hash=former)
    return complaint, code, former


def _stored_parameters(complaint: Complaint) -> tuple[int, int, int]:
    stored = Complaint.objects.values_list("access_code_hash", flat=True).get(pk=complaint.pk)
    _algorithm, n, r, p, _salt, _digest = stored.split("$")
    return int(n), int(r), int(p)


def test_current_hashes_are_not_outdated_and_former_ones_are():
    code = codes.access_code_generate()
    assert not codes.access_code_hash_outdated(codes.access_code_hash(code))
    assert codes.access_code_hash_outdated(_hash_with(code, n=2**13))
    assert codes.access_code_hash_outdated(_hash_with(code, n=2**10))
    assert codes.access_code_hash_outdated(_hash_with(code, n=2**8, r=4))


@pytest.mark.parametrize("former_n", [2**13, 2**10])
def test_a_former_hash_is_replaced_on_the_first_successful_lookup(authorities, wages, former_n):
    complaint, code, former = _complaint_with_former_hash(wages, n=former_n)
    before = Complaint.objects.values().get(pk=complaint.pk)
    audit_entries = AuditEntry.objects.count()
    assert _stored_parameters(complaint) == (former_n, 8, 1)

    found = complaint_get_for_holder(tracking_number=complaint.tracking_number, access_code=code)

    assert found is not None and found.pk == complaint.pk
    assert _stored_parameters(complaint) == (2**8, 8, 1)
    after = Complaint.objects.values().get(pk=complaint.pk)
    assert after["access_code_hash"] != former
    assert found.access_code_hash == after["access_code_hash"]
    # Only the hash changed (no save() of the row), and nothing went to the audit trail.
    assert {key for key in before if before[key] != after[key]} == {"access_code_hash"}
    assert AuditEntry.objects.count() == audit_entries

    # The code works afterwards, typed any way, and the new hash stays as it is.
    again = complaint_get_for_holder(
        tracking_number=complaint.tracking_number.lower(), access_code=code.lower()
    )
    assert again is not None and again.pk == complaint.pk
    assert Complaint.objects.get(pk=complaint.pk).access_code_hash == after["access_code_hash"]


def test_a_wrong_code_changes_nothing(authorities, wages):
    complaint, code, former = _complaint_with_former_hash(wages, n=2**10)
    wrong = codes.access_code_generate()
    assert wrong != code

    assert (
        complaint_get_for_holder(tracking_number=complaint.tracking_number, access_code=wrong)
        is None
    )
    assert Complaint.objects.get(pk=complaint.pk).access_code_hash == former
    # And the holder's own code still works, against the former hash it then replaces.
    assert complaint_get_for_holder(tracking_number=complaint.tracking_number, access_code=code)
    assert _stored_parameters(complaint) == (2**8, 8, 1)


def test_a_hash_changed_meanwhile_is_not_overwritten(authorities, wages, monkeypatch):
    # Another writer replaced the hash between the read and the update: the update is filtered on
    # the hash that was checked, so it leaves the other writer's value alone.
    complaint, code, former = _complaint_with_former_hash(wages, n=2**10)
    other = codes.access_code_hash(code)
    original_check = codes.access_code_check

    def check_then_race(typed, stored):
        result = original_check(typed, stored)
        Complaint.objects.filter(pk=complaint.pk).update(access_code_hash=other)
        return result

    monkeypatch.setattr(codes, "access_code_check", check_then_race)
    found = complaint_get_for_holder(tracking_number=complaint.tracking_number, access_code=code)

    assert found is not None
    assert Complaint.objects.get(pk=complaint.pk).access_code_hash == other
