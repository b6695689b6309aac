"""The system of record for the credit platform: employers and intermediary agencies."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.core.models import Region
from portal.records import credit, uscc


def validate_uscc(value: str) -> None:
    try:
        uscc.validate(value)
    except uscc.InvalidUSCC as error:
        raise ValidationError(str(error), code="invalid_uscc") from error


CREDIT_RATINGS = [
    ("A", "A"),
    ("B", "B"),
    ("C", "C"),
    ("D", "D"),
]


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
    # Derived from the public credit events by `credit.rating_for`; kept right by the services
    # and the nightly `refresh_credit_ratings`. B means "nothing public, good or bad".
    credit_rating = models.CharField(
        _("credit rating"), max_length=1, choices=CREDIT_RATINGS, default="B", db_index=True
    )
    rating_updated_at = models.DateTimeField(_("rating computed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["uscc"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        # The complaint form resolves a typed name to its organisation (an exact match): without
        # an index that read every row (≈100–200 ms per complaint at 1,000,000 organisations).
        indexes = [models.Index(fields=["name"], name="organisation_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.uscc})"


# ---------------------------------------------------------------------------------------------
# Credit events: public (within their credit clock)
# ---------------------------------------------------------------------------------------------


class FormerName(models.Model):
    """A name the organisation was registered under before (public, as on the business register).

    People search for the name they remember; the index matches former names too.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="former_names",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("former name"), max_length=200)
    used_from = models.DateField(_("used from"), null=True, blank=True)
    used_until = models.DateField(_("used until"))

    class Meta:
        ordering = ["organisation_id", "-used_until"]
        verbose_name = _("former name")
        verbose_name_plural = _("former names")

    def __str__(self) -> str:
        return self.name


class CreditEvent(models.Model):
    """One entry of an organisation's credit record: an inspection result, an administrative
    penalty, a commendation, or an entry on the warning or restriction list.

    One table with typed, nullable fields per kind (checked in `clean()`), not a table per kind:
    the record page, the index and the rating all read a single timeline in date order, and the
    kinds share most fields (title, facts, authority, dates, the clock). Fields that do not apply
    to a kind stay empty.

    A removal from a list is not a separate event: it ends the entry (`removed_on`,
    `removal_reason`). The public sees the entry and its removal together ("on the warning list
    from … until removed on … because …"), and the entry keeps its own publication window.

    The clock (`repair_possible_from`, `public_until`) is computed by `credit.clock_for` in the
    services and stored, so "public on a date" is a plain query. `repaired_on` ends public display
    early after a granted credit repair. Nothing is deleted: what leaves the public record stays in
    the private history.
    """

    class Kind(models.TextChoices):
        INSPECTION_RESULT = "inspection_result", _("inspection result")
        PENALTY = "penalty", _("administrative penalty")
        COMMENDATION = "commendation", _("commendation")
        LIST_ENTRY = "list_entry", _("list entry")

    class Severity(models.TextChoices):
        ORDINARY = "ordinary", _("ordinary")
        SERIOUS = "serious", _("serious")

    class Origin(models.TextChoices):
        DRAW = "draw", _("random draw")
        COMPLAINT = "complaint", _("complaint")
        OTHER = "other", _("other")

    class Outcome(models.TextChoices):
        COMPLIANT = "compliant", _("no problem found")
        NON_COMPLIANT = "non_compliant", _("problem found")
        NOT_LOCATED = "not_located", _("not found at the registered address")

    class ListKind(models.TextChoices):
        WARNING = "warning", _("warning list")
        RESTRICTION = "restriction", _("restriction list")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="credit_events",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices, blank=True)
    reference = models.CharField(
        _("reference"),
        max_length=100,
        help_text=_("The source system's reference; unique per organisation."),
    )
    title = models.CharField(_("title"), max_length=300)
    facts = models.TextField(_("facts"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    penalty = models.TextField(_("penalty"), blank=True)
    authority = models.ForeignKey(
        "core.Authority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_events",
        verbose_name=_("authority"),
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    # Inspection results
    origin = models.CharField(_("origin"), max_length=16, choices=Origin.choices, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    # List entries
    list_kind = models.CharField(_("list"), max_length=16, choices=ListKind.choices, blank=True)
    starts_on = models.DateField(_("on the list from"), null=True, blank=True)
    scheduled_end_on = models.DateField(_("scheduled end"), null=True, blank=True)
    removed_on = models.DateField(_("removed from the list on"), null=True, blank=True)
    removal_reason = models.TextField(_("removal reason"), blank=True)
    # The credit clock
    published_on = models.DateField(_("published on"), null=True, blank=True, db_index=True)
    repair_possible_from = models.DateField(_("credit repair possible from"), null=True, blank=True)
    public_until = models.DateField(_("public until"), null=True, blank=True, db_index=True)
    repaired_on = models.DateField(_("credit repaired on"), null=True, blank=True)
    repair_reason = models.TextField(_("credit repair reason"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation_id", "-published_on", "-id"]
        verbose_name = _("credit event")
        verbose_name_plural = _("credit events")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="credit_event_reference_per_organisation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title} ({self.reference})"

    @property
    def is_negative(self) -> bool:
        return credit.is_negative(kind=self.kind, outcome=self.outcome)

    def is_public(self, on: datetime.date) -> bool:
        return credit.is_public(self, on)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        negative = self.is_negative
        if negative and not self.severity:
            errors["severity"] = _("A negative event needs a severity.")
        if not negative and self.severity:
            errors["severity"] = _("Only negative events have a severity.")
        if self.kind == self.Kind.INSPECTION_RESULT:
            if not self.outcome:
                errors["outcome"] = _("An inspection result needs an outcome.")
            if not self.origin:
                errors["origin"] = _("An inspection result needs an origin.")
        elif self.outcome or self.origin:
            errors["outcome"] = _("Only inspection results have an origin and an outcome.")
        if self.kind == self.Kind.PENALTY and not self.decision_number:
            errors["decision_number"] = _("A penalty needs its decision number.")
        if self.kind == self.Kind.LIST_ENTRY:
            if not self.list_kind:
                errors["list_kind"] = _("A list entry names its list.")
            if self.starts_on is None:
                errors["starts_on"] = _("A list entry has a start date.")
            if self.scheduled_end_on and self.starts_on and self.scheduled_end_on < self.starts_on:
                errors["scheduled_end_on"] = _("The scheduled end is before the start.")
            if self.removed_on and not self.removal_reason:
                errors["removal_reason"] = _("A removal needs its reason.")
        elif self.list_kind or self.starts_on or self.scheduled_end_on or self.removed_on:
            errors["list_kind"] = _("Only list entries have list dates.")
        if self.decided_on and self.published_on and self.published_on < self.decided_on:
            errors["published_on"] = _("Published before it was decided.")
        if errors:
            raise ValidationError(errors)


class OrganisationStatement(models.Model):
    """The organisation's own answer to one of its credit events (陈述、申辩): public from
    `published_on`, beside the event it answers, for as long as that event is public."""

    event = models.ForeignKey(
        CreditEvent, on_delete=models.PROTECT, related_name="statements", verbose_name=_("event")
    )
    text = models.TextField(_("statement"))
    received_on = models.DateField(_("received on"))
    published_on = models.DateField(_("published on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["event_id", "received_on", "id"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")

    def __str__(self) -> str:
        return f"{self.event.reference}: {self.text[:40]}"


# ---------------------------------------------------------------------------------------------
# Foreign workers: PRIVATE. Never public, never indexed, exported or printed for the public.
# No public model has a reverse accessor to these (related_name="+" on every FK to a public
# model), and no selector used by public code reads them.
# ---------------------------------------------------------------------------------------------


class ForeignWorker(models.Model):
    """A foreign worker, known by one lifelong personal code (一人一码) that stays the same across
    work permits and is never reused. Staff only."""

    personal_code = models.CharField(_("personal code"), max_length=16, unique=True, editable=False)
    surname = models.CharField(_("surname"), max_length=100)
    given_names = models.CharField(_("given names"), max_length=200, blank=True)
    chinese_name = models.CharField(_("Chinese name"), max_length=100, blank=True)
    nationality = models.CharField(
        _("nationality"), max_length=3, help_text=_("ISO 3166-1 alpha-3 code")
    )
    passport_number = models.CharField(_("passport number"), max_length=32)
    birth_date = models.DateField(_("birth date"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["personal_code"]
        verbose_name = _("foreign worker")
        verbose_name_plural = _("foreign workers")
        constraints = [
            models.UniqueConstraint(
                fields=["nationality", "passport_number"], name="one_worker_per_passport"
            ),
        ]

    def __str__(self) -> str:
        return self.personal_code


class WorkPermit(models.Model):
    """A work permit (外国人来华工作许可) of a worker with an employer. Staff only."""

    class Status(models.TextChoices):
        VALID = "valid", _("valid")
        EXPIRED = "expired", _("expired")
        CANCELLED = "cancelled", _("cancelled")
        REVOKED = "revoked", _("revoked")

    worker = models.ForeignKey(
        ForeignWorker, on_delete=models.PROTECT, related_name="permits", verbose_name=_("worker")
    )
    employer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("employer")
    )
    permit_number = models.CharField(_("permit number"), max_length=64, unique=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.VALID
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["worker_id", "-valid_from"]
        verbose_name = _("work permit")
        verbose_name_plural = _("work permits")

    def __str__(self) -> str:
        return self.permit_number


class WorkerCreditEntry(models.Model):
    """One entry of a worker's personal credit file (个人信用档案). Staff only."""

    class Kind(models.TextChoices):
        VIOLATION = "violation", _("violation")
        COMMENDATION = "commendation", _("commendation")
        NOTE = "note", _("note")

    worker = models.ForeignKey(
        ForeignWorker,
        on_delete=models.PROTECT,
        related_name="credit_entries",
        verbose_name=_("worker"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    facts = models.TextField(_("facts"), blank=True)
    decided_on = models.DateField(_("decided on"))
    authority = models.ForeignKey(
        "core.Authority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("authority"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["worker_id", "-decided_on", "-id"]
        verbose_name = _("worker credit entry")
        verbose_name_plural = _("worker credit entries")

    def __str__(self) -> str:
        return f"{self.worker.personal_code}: {self.title}"


# ---------------------------------------------------------------------------------------------
# Credit reports: the PDF anyone can download and anyone can verify
# ---------------------------------------------------------------------------------------------


class CreditReport(models.Model):
    """One issued credit report (信用报告) of an organisation, by its report number.

    The PDF itself is not kept: it can be regenerated, and what a verifier needs is only its
    hash. `content_sha256` is the SHA-256 of the issued PDF bytes; it cannot be printed in the
    PDF it hashes, so the PDF prints `record_fingerprint` instead: the SHA-256 of the canonical
    JSON of the record data it shows (profile, rating, public events, statements). The report is
    still current while recomputing that fingerprint today gives the same value.
    """

    report_number = models.CharField(_("report number"), max_length=32, unique=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="credit_reports",
        verbose_name=_("organisation"),
    )
    language = models.CharField(_("language"), max_length=8)
    generated_at = models.DateTimeField(_("generated at"))
    content_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64)
    record_fingerprint = models.CharField(_("record fingerprint"), max_length=64)

    class Meta:
        ordering = ["-generated_at", "-id"]
        verbose_name = _("credit report")
        verbose_name_plural = _("credit reports")

    def __str__(self) -> str:
        return self.report_number
