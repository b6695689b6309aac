"""Factories of the double-random office: inspectors, plans (strata), directory entries."""

import datetime
from decimal import Decimal

import factory

from portal.core.models import StaffMembership
from portal.inspections.models import (
    InspectionPlan,
    Inspector,
    InspectorAvailability,
    InspectorConflict,
    PlanStratum,
)
from tests.factories import UserFactory


class InspectorFactory(factory.django.DjangoModelFactory):
    """An inspector of `authority` (give one) with a staff membership as inspector there."""

    class Meta:
        model = Inspector
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    certificate_number = factory.Sequence(lambda n: f"44030020{n:06d}")
    entered_on = datetime.date(2024, 1, 1)

    @factory.post_generation
    def membership(self, create, extracted, **kwargs):
        if create:
            StaffMembership.objects.get_or_create(
                user=self.user, authority=self.authority, role="inspector"
            )

    @factory.post_generation
    def items(self, create, extracted, **kwargs):
        if create and extracted:
            self.specialities.set(extracted)
            self.save()  # a ParentalManyToManyField is written on save


class ConflictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectorConflict

    reason = "配偶在该单位任职"
    declared_on = datetime.date(2024, 1, 1)


class AvailabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectorAvailability

    starts_on = datetime.date(2024, 1, 1)


def make_plan(authority, items, ratios: dict[str, str], **fields) -> InspectionPlan:
    """A saved plan of a provincial authority with these items and ratios (percent strings)."""
    values = {
        "year": 2026,
        "title": f"{authority.name}2026年度双随机抽查工作计划",
        "exclusion_months": 12,
        "inspectors_per_inspection": 2,
    }
    values.update(fields)
    plan = InspectionPlan.objects.create(authority=authority, **values)
    plan.items.set(items)
    plan.save()  # a ParentalManyToManyField is written on save
    for risk, ratio in ratios.items():
        PlanStratum.objects.create(plan=plan, risk_class=risk, ratio=Decimal(ratio))
    return plan


# Inspection results ---------------------------------------------------------------------------
# Imports stay inside functions so this section only appends to the file.


class DrawFactory(factory.django.DjangoModelFactory):
    """A made draw of `plan` (give one, e.g. from `make_plan`). Its files are not stored: for
    tests of what follows a draw; tests of the draw itself use the services."""

    class Meta:
        model = "inspections.Draw"

    status = "drawn"
    on = datetime.date(2026, 3, 1)
    algorithm = "portal-draw/1"
    snapshot_sha256 = "0" * 64
    parameters_sha256 = "1" * 64
    seed_sha256 = "2" * 64
    commitment_sha256 = "3" * 64
    seed_hex = "4" * 64
    result_sha256 = "5" * 64
    committed_at = factory.LazyFunction(lambda: _now() - datetime.timedelta(days=60))
    drawn_at = factory.LazyFunction(lambda: _now() - datetime.timedelta(days=59))


def _now():
    from django.utils import timezone

    return timezone.now()


class DrawnInspectionFactory(factory.django.DjangoModelFactory):
    """A joint inspection of a draw: give `draw`, `items=[…]` and `inspectors=[…]`."""

    class Meta:
        model = "inspections.DrawnInspection"
        skip_postgeneration_save = True

    organisation = factory.SubFactory("tests.factories.OrganisationFactory")
    risk_class = "B"
    position = factory.Sequence(lambda n: n)

    @factory.post_generation
    def items(self, create, extracted, **kwargs):
        if create and extracted:
            self.items.set(extracted)

    @factory.post_generation
    def inspectors(self, create, extracted, **kwargs):
        if create and extracted:
            self.inspectors.set(extracted)


# Foreign workers (private) --------------------------------------------------------------------


class WorkPermitFactory(factory.django.DjangoModelFactory):
    """A work permit valid from a year ago to a year from now, of a new worker with a new
    Shenzhen employer (give `worker` and `employer` to choose them)."""

    class Meta:
        model = "records.WorkPermit"

    worker = factory.SubFactory("tests.factories.ForeignWorkerFactory")
    employer = factory.SubFactory("tests.factories.OrganisationFactory")
    permit_number = factory.Sequence(lambda n: f"WP44{n:010d}")
    valid_from = factory.LazyFunction(lambda: _now().date() - datetime.timedelta(days=365))
    valid_to = factory.LazyFunction(lambda: _now().date() + datetime.timedelta(days=365))
    status = "valid"


class WorkerCreditEntryFactory(factory.django.DjangoModelFactory):
    """A violation on a worker's personal credit file (give `worker`)."""

    class Meta:
        model = "records.WorkerCreditEntry"

    kind = "violation"
    title = "未按规定变更工作许可"
    decided_on = datetime.date(2025, 6, 1)
