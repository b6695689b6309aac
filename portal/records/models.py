"""The system of record for the credit platform: employers and intermediary agencies."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.core.models import Region
from portal.records import uscc


def validate_uscc(value: str) -> None:
    try:
        uscc.validate(value)
    except uscc.InvalidUSCC as error:
        raise ValidationError(str(error), code="invalid_uscc") from error


class Organisation(models.Model):
    """An employer (用人单位) or intermediary agency (中介机构) that hires or places foreigners.

    Everything here is public: it is what the business licence shows. Personal data of foreign
    workers never lives on this model.
    """

    class Kind(models.TextChoices):
        EMPLOYER = "employer", _("employer")
        AGENCY = "agency", _("intermediary agency")

    class RegistrationStatus(models.TextChoices):
        ACTIVE = "active", _("in operation")
        REVOKED = "revoked", _("licence revoked")
        DEREGISTERED = "deregistered", _("deregistered")

    uscc = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc]
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=300, blank=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("region")
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=100, blank=True)
    registration_status = models.CharField(
        _("registration status"),
        max_length=16,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.ACTIVE,
    )
    agency_licence_number = models.CharField(_("agency licence number"), max_length=64, blank=True)
    foreign_staff_count = models.PositiveIntegerField(_("foreign staff"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["uscc"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return f"{self.name} ({self.uscc})"
