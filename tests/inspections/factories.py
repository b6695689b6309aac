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
