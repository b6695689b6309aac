"""Complaints and reports (投诉举报): categories, the complaint itself, its public timeline, and the
holiday calendar that working-day deadlines count on.

Personal data of the complainant (name, e-mail, phone) and the narrative (what happened, when,
where, what they want) are never shown on a public page; the public tracking page shows only the
timeline (`ComplaintEvent.public_text`), and only to whoever holds the tracking number and the
access code.
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.attachments import attachment_storage


class ComplaintCategory(models.Model):
    """A category of complaint in a tree that editors maintain (a Wagtail snippet): working
    without a permit, permit fraud, unpaid wages, … Each category carries its own notice, its
    deadlines in working days, and whether it may be filed anonymously (a report, 举报)."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent category"),
    )
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=150, blank=True)
    notice = models.TextField(
        _("notice"), blank=True, help_text=_("Shown to the complainant when they choose it.")
    )
    notice_en = models.TextField(_("notice in English"), blank=True)
    acceptance_days = models.PositiveSmallIntegerField(
        _("acceptance deadline (working days)"), default=7
    )
    conclusion_days = models.PositiveSmallIntegerField(
        _("conclusion deadline (working days)"), default=60
    )
    anonymous_allowed = models.BooleanField(_("may be filed anonymously"), default=False)
    is_active = models.BooleanField(_("offered on the form"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")

    def __str__(self) -> str:
        return self.name


class Holiday(models.Model):
    """A day of the official calendar that differs from the plain week: a public holiday on a
    weekday (休息日), or a weekend day that is a working day to make up for a holiday (调休上班)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("public holiday")
        WORKING_DAY = "working_day", _("make-up working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday calendar day")
        verbose_name_plural = _("holiday calendar")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()


class Complaint(models.Model):
    """One complaint or report, from intake to conclusion. Written by `complaints.services`."""

    class ComplainantKind(models.TextChoices):
        FOREIGN_WORKER = "foreign_worker", _("a foreign worker")
        EMPLOYEE = "employee", _("an employee")
        OTHER = "other", _("someone else")

    class SubjectKind(models.TextChoices):
        ORGANISATION = "organisation", _("an employer or agency")
        AUTHORITY = "authority", _("an authority")
        OFFICER = "officer", _("an officer's conduct")

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        ACCEPTED = "accepted", _("accepted")
        NOT_ACCEPTED = "not_accepted", _("not accepted")
        UNDER_INVESTIGATION = "under_investigation", _("under investigation")
        INFORMATION_REQUESTED = "information_requested", _("information requested")
        CONCLUDED = "concluded", _("concluded")

    OPEN_STATUSES = (
        Status.RECEIVED,
        Status.ACCEPTED,
        Status.UNDER_INVESTIGATION,
        Status.INFORMATION_REQUESTED,
    )

    tracking_number = models.CharField(_("tracking number"), max_length=20, unique=True)
    access_code_hash = models.CharField(max_length=200)
    # Who
    complainant_kind = models.CharField(
        _("complainant"), max_length=16, choices=ComplainantKind.choices
    )
    anonymous = models.BooleanField(_("anonymous"), default=False)
    name = models.CharField(_("name"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    language = models.CharField(_("language"), max_length=8, default="zh-hans")
    # About whom
    subject_kind = models.CharField(_("about"), max_length=16, choices=SubjectKind.choices)
    subject_organisation = models.ForeignKey(
        "records.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("organisation"),
    )
    subject_name = models.CharField(
        _("name of the organisation or officer"), max_length=200, blank=True
    )
    subject_uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    subject_region = models.ForeignKey(
        "core.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("city"),
    )
    subject_authority = models.ForeignKey(
        "core.Authority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_about",
        verbose_name=_("authority complained about"),
    )
    # What
    category = models.ForeignKey(
        ComplaintCategory,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("category"),
    )
    what_happened = models.TextField(_("what happened"))
    happened_when = models.CharField(_("when"), max_length=200, blank=True)
    happened_where = models.CharField(_("where"), max_length=200, blank=True)
    wanted_outcome = models.TextField(_("what you want"), blank=True)
    consent_to_publish = models.BooleanField(
        _("consents to publication of an anonymised outcome"), default=False
    )
    # Handling
    routed_authority = models.ForeignKey(
        "core.Authority",
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("handled by"),
    )
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.RECEIVED
    )
    received_at = models.DateTimeField(_("received at"), db_index=True)
    acceptance_deadline = models.DateField(_("acceptance deadline"))
    idempotency_key = models.CharField(max_length=64, unique=True)
    # The staff user a complaint about an officer names (matched at intake): that user never
    # sees it (complaints.selectors.complaints_visible_to).
    subject_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("officer complained about"),
    )
    assigned_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_assigned",
        verbose_name=_("assigned to"),
    )
    conclusion_deadline = models.DateField(_("conclusion deadline"), null=True, blank=True)
    # The day a request for information stopped the clock (补正期间不计入办理时限); None while it
    # runs. The answer moves the current deadline later by the working days since then
    # (complaints.services.complaint_information_provide).
    clock_stopped_on = models.DateField(_("clock stopped on"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    outcome_credit_event = models.ForeignKey(
        "records.CreditEvent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enforcement action"),
    )
    # The complainant's follow-up (on the tracking page).
    satisfaction_rating = models.PositiveSmallIntegerField(
        _("satisfaction (1–5)"), null=True, blank=True
    )
    satisfaction_comment = models.TextField(_("comment on the handling"), blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    review_requested_at = models.DateTimeField(_("review requested at"), null=True, blank=True)
    # A complainant's own account added to an earlier open complaint (see
    # complaints.services.complaint_supplement_join).
    supplement_to = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supplements",
        verbose_name=_("supplement to"),
    )
    anonymised_at = models.DateTimeField(_("personal data removed at"), null=True, blank=True)
    # The anonymised outcome, published on the organisation's record only with the complainant's
    # consent, once a second person approved it (complaints.services.complaint_publication_*).
    publication_text = models.TextField(_("anonymised outcome for publication"), blank=True)
    publication_written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    publication_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    publication_approved_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(
                fields=["subject_organisation", "category", "status"],
                name="complaint_duplicate_lookup",
            )
        ]

    def __str__(self) -> str:
        return self.tracking_number

    @property
    def current_deadline(self) -> "datetime.date | None":
        """The deadline of the step the complaint waits for: acceptance while received,
        conclusion once accepted; none once decided."""
        if self.status == self.Status.RECEIVED:
            return self.acceptance_deadline
        if self.status in self.OPEN_STATUSES:
            return self.conclusion_deadline or self.acceptance_deadline
        return None

    def is_overdue(self, today: "datetime.date") -> bool:
        """Whether the current deadline has passed. While the clock is stopped (information
        requested) time does not run: overdue only if it had passed on the day it stopped."""
        deadline = self.current_deadline
        return deadline is not None and deadline < (self.clock_stopped_on or today)

    @property
    def subject_display(self) -> str:
        """Whom it is about, as the complainant named it (public to the holder of the code)."""
        if self.subject_organisation_id:
            return self.subject_organisation.name
        if self.subject_kind == self.SubjectKind.AUTHORITY and self.subject_authority_id:
            return self.subject_authority.name
        return self.subject_name


class ComplaintEvent(models.Model):
    """One step of a complaint's public timeline: what happened, when, and the deadline of the
    next step. `public_text` is what the complainant reads on the tracking page; nothing
    personal goes into it."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("received")
        ACCEPTED = "accepted", _("accepted")
        NOT_ACCEPTED = "not_accepted", _("not accepted")
        ASSIGNED = "assigned", _("assigned")
        UNDER_INVESTIGATION = "under_investigation", _("under investigation")
        INFORMATION_REQUESTED = "information_requested", _("information requested")
        INFORMATION_PROVIDED = "information_provided", _("information provided")
        DEADLINE_EXTENDED = "deadline_extended", _("deadline extended")
        CONCLUDED = "concluded", _("concluded")
        REVIEW_REQUESTED = "review_requested", _("review requested")
        SUPPLEMENT_JOINED = "supplement_joined", _("added to an earlier complaint")
        TRANSFERRED = "transferred", _("transferred to another authority")

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="events", verbose_name=_("complaint")
    )
    kind = models.CharField(_("step"), max_length=24, choices=Kind.choices)
    public_text = models.TextField(_("public text"), blank=True)
    # What the complainant wrote with this step (an answer, the grounds of a review): staff only.
    private_text = models.TextField(_("complainant's text (staff only)"), blank=True)
    occurred_at = models.DateTimeField(_("date"))
    deadline = models.DateField(_("deadline of the next step"), null=True, blank=True)
    # The authority a transfer sent the complaint to (public: the complainant sees where it went).
    authority = models.ForeignKey(
        "core.Authority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent to"),
    )

    class Meta:
        ordering = ["complaint_id", "occurred_at", "id"]
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind} {self.occurred_at:%Y-%m-%d}"


def _attachment_path(instance: "ComplaintAttachment", filename: str) -> str:
    # A random name: nothing of the original name (which may hold personal data) on disk.
    return f"{instance.complaint.received_at:%Y/%m}/{uuid.uuid4().hex}"


class ComplaintAttachment(models.Model):
    """Evidence filed with a complaint (see `complaints.attachments`): stored privately, never
    under a public URL."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("complaint")
    )
    # The answer to a request for information it came with; none for the intake's files.
    event = models.ForeignKey(
        ComplaintEvent,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("step"),
    )
    file = models.FileField(_("file"), storage=attachment_storage, upload_to=_attachment_path)
    original_name = models.CharField(_("name given"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Scan(models.TextChoices):
        """The malware scan (complaints.scanning): staff download only what is not infected and
        not waiting for its scan."""

        NOT_SCANNED = "not_scanned", _("not scanned (no scanner configured)")
        PENDING = "pending", _("waiting for the malware scan")
        CLEAN = "clean", _("no malware found")
        INFECTED = "infected", _("malware found: not downloadable")

    scan = models.CharField(
        _("malware scan"), max_length=20, choices=Scan.choices, default=Scan.NOT_SCANNED
    )
    # What the scanner found (its signature name), when it found something.
    scan_finding = models.CharField(_("finding"), max_length=200, blank=True)
    scanned_at = models.DateTimeField(_("scanned at"), null=True, blank=True)

    class Meta:
        ordering = ["complaint_id", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name

    @property
    def downloadable(self) -> bool:
        """Staff may download it: not flagged, and not waiting for its scan."""
        return self.scan in (self.Scan.CLEAN, self.Scan.NOT_SCANNED)


class ComplaintNote(models.Model):
    """An internal note of the staff handling a complaint: never shown to the complainant or
    the public."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="notes", verbose_name=_("complaint")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["complaint_id", "created_at", "id"]
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.created_at:%Y-%m-%d}"
