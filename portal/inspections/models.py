"""The inspection item list (随机抽查事项清单, policy section 三(一)): the national items and each
province's additions, with their lifecycle and the public log of published changes.

Items keep their English in `_en` twins (as authorities do) instead of Wagtail's
TranslatableMixin: an item is one legal object whose two texts an editor keeps in step on one
form, its revisions, lock and history stay single, and the double-random office (issue 6) can
point at one row per item whatever the language.
"""

import datetime
import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.models import DraftStateMixin, LockableMixin, Orderable, RevisionMixin

from portal.records.models import CreditEvent


class SubjectType(models.TextChoices):
    """Who an item inspects (检查对象类型)."""

    EMPLOYER = "employer", _("employer")
    AGENCY = "agency", _("intermediary agency")
    FOREIGN_WORKER = "foreign_worker", _("foreign worker")


class InspectionMethod(models.TextChoices):
    """How an item is inspected (检查方式)."""

    ON_SITE = "on_site", _("on-site inspection")  # 实地检查
    DOCUMENTS = "documents", _("review of documents")  # 书面检查
    ONLINE = "online", _("online check")  # 网络核查
    JOINT = "joint", _("joint inspection with other departments")  # 联合检查


class InspectionItem(LockableMixin, DraftStateMixin, RevisionMixin, models.Model):
    """One item of the list: what is inspected, on which legal basis, of whom, how and how
    often, by which department. `authority` says whose list it is on: the national authority's
    items are the national list, a provincial authority's items are that province's additions.

    The row holds the live version (drafts live in revisions, as for authorities). An item is in
    force while it is live, from `in_force_from`, until `withdrawn_on` (that day excluded).
    Published changes are logged in `InspectionItemChange` by `portal.inspections.services`.
    """

    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        help_text=_("A stable reference, e.g. GJ-01 for a national item, 44-01 for Guangdong's."),
    )
    name = models.CharField(_("item"), max_length=255)
    name_en = models.CharField(_("item in English"), max_length=255, blank=True)
    authority = models.ForeignKey(
        "core.Authority",
        on_delete=models.PROTECT,
        related_name="inspection_items",
        verbose_name=_("listed by"),
        help_text=_(
            "The national authority for the national list, a provincial one for its additions."
        ),
    )
    subject_type = models.CharField(
        _("inspection subject"), max_length=16, choices=SubjectType.choices
    )
    method = models.CharField(_("method"), max_length=16, choices=InspectionMethod.choices)
    legal_basis = models.TextField(_("legal basis"))
    legal_basis_en = models.TextField(_("legal basis in English"), blank=True)
    frequency = models.CharField(
        _("frequency and sampling ratio"),
        max_length=255,
        blank=True,
        # xgettext:no-python-format
        help_text=_("For example: once a year, at least 5% of the subjects."),
    )
    frequency_en = models.CharField(
        _("frequency and sampling ratio in English"), max_length=255, blank=True
    )
    department = models.CharField(_("responsible department"), max_length=128)
    department_en = models.CharField(
        _("responsible department in English"), max_length=200, blank=True
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    in_force_from = models.DateField(_("in force from"), default=datetime.date.today)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)

    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="inspection_item")

    class Meta:
        ordering = ["authority__region_id", "sort_order", "code"]
        verbose_name = _("inspection item")
        verbose_name_plural = _("inspection items")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def revisions(self):
        return self._revisions

    @property
    def is_national(self) -> bool:
        return self.authority.level == "national"

    def in_force(self, on: datetime.date) -> bool:
        return (
            self.live
            and self.in_force_from <= on
            and (self.withdrawn_on is None or self.withdrawn_on > on)
        )


class InspectionItemChange(models.Model):
    """One published change of the list, as the public history shows it: an item added,
    changed or withdrawn, on which day, and which fields changed from what to what."""

    class Kind(models.TextChoices):
        ADDED = "added", _("added")
        CHANGED = "changed", _("changed")
        WITHDRAWN = "withdrawn", _("withdrawn")

    item = models.ForeignKey(
        InspectionItem, on_delete=models.CASCADE, related_name="changes", verbose_name=_("item")
    )
    kind = models.CharField(_("change"), max_length=16, choices=Kind.choices)
    effective_on = models.DateField(_("date"), db_index=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    fields = models.JSONField(
        _("changed fields"),
        default=list,
        blank=True,
        help_text="[{field, before, after}], raw values",
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-effective_on", "-recorded_at", "-id"]
        verbose_name = _("inspection item change")
        verbose_name_plural = _("inspection item changes")

    def __str__(self) -> str:
        return f"{self.effective_on} {self.kind} {self.item_id}"


# ---------------------------------------------------------------------------------------------
# The double-random office (policy section 三(二)–(三)): directories, plans and draws.
# ---------------------------------------------------------------------------------------------

RISK_CLASSES = [("A", "A"), ("B", "B"), ("C", "C"), ("D", "D")]


class DirectoryPeriod(models.Model):
    """What every row of a directory of subjects keeps: one dated period (entered, and exited
    with a reason once no longer eligible; a return opens a new row) with the risk class, its
    reasons and the date of the last inspection, kept current on the open row."""

    risk_class = models.CharField(_("risk class"), max_length=1, choices=RISK_CLASSES)
    risk_reasons = models.JSONField(_("risk reasons"), default=list, blank=True)
    last_inspected_on = models.DateField(_("last inspected on"), null=True, blank=True)
    entered_on = models.DateField(_("entered on"))
    exited_on = models.DateField(_("exited on"), null=True, blank=True)
    exit_reason = models.CharField(_("exit reason"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @property
    def is_open(self) -> bool:
        return self.exited_on is None


class SubjectEntry(DirectoryPeriod):
    """One period of an organisation in a province's subject directory (检查对象名录库).

    Entries and exits are kept as dated rows: an organisation enters when it becomes eligible
    (in operation, registered in the province) and exits when it stops being eligible; a later
    return opens a new row. At most one open row per organisation and province. The risk class
    and the date of the last inspection are kept current on the open row by
    `services.subject_directory_refresh` (rule: `portal.inspections.risk`).
    """

    organisation = models.ForeignKey(
        "records.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    province = models.ForeignKey(
        "core.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("province"),
        limit_choices_to={"level": 1},
    )

    class Meta:
        ordering = ["province_id", "organisation_id", "-entered_on"]
        verbose_name = _("subject directory entry")
        verbose_name_plural = _("subject directory")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "province"],
                condition=models.Q(exited_on__isnull=True),
                name="one_open_subject_entry",
            )
        ]
        indexes = [models.Index(fields=["province", "exited_on", "risk_class"])]

    def __str__(self) -> str:
        return f"{self.organisation_id} @ {self.province_id} ({self.risk_class})"


class Inspector(ClusterableModel):
    """One period of an officer in the inspector directory (检查人员名录库): their enforcement
    certificate (执法证), specialities (the items they may inspect), the authority they work for
    (its region is theirs), periods of availability and declared conflicts (回避).

    Entries and exits are dated rows: leaving closes the row (`exited_on`), coming back opens a
    new one. Private: the public only ever sees a per-draw code, never a name or certificate.
    An inspector with no availability period is available throughout the directory period.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="inspector_entries",
        verbose_name=_("user"),
    )
    certificate_number = models.CharField(_("enforcement certificate number"), max_length=32)
    authority = models.ForeignKey(
        "core.Authority",
        on_delete=models.PROTECT,
        related_name="inspectors",
        verbose_name=_("authority"),
    )
    specialities = ParentalManyToManyField(
        InspectionItem,
        blank=True,
        related_name="inspectors",
        verbose_name=_("specialities"),
        help_text=_("The inspection items this inspector is qualified for."),
    )
    entered_on = models.DateField(_("entered on"), default=datetime.date.today)
    exited_on = models.DateField(_("exited on"), null=True, blank=True)
    exit_reason = models.CharField(_("exit reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["authority__region_id", "certificate_number", "-entered_on"]
        verbose_name = _("inspector")
        verbose_name_plural = _("inspector directory")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(exited_on__isnull=True),
                name="one_open_inspector_entry",
            ),
            models.UniqueConstraint(
                fields=["certificate_number"],
                condition=models.Q(exited_on__isnull=True),
                name="one_open_entry_per_certificate",
            ),
        ]

    def __str__(self) -> str:
        name = self.user.get_full_name() or self.user.get_username()
        return f"{name} ({self.certificate_number})"

    @property
    def province_code(self) -> str | None:
        region_id = self.authority.region_id
        return region_id[:2] + "0000" if region_id else None

    # Columns of the directory export (filing with the national authority); declared conflicts
    # are private and not exported.

    def full_name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    def authority_name(self) -> str:
        return self.authority.name

    def speciality_codes(self) -> str:
        return " ".join(sorted(item.code for item in self.specialities.all()))

    def availability_periods(self) -> str:
        return "; ".join(
            f"{period.starts_on.isoformat()}–{period.ends_on.isoformat() if period.ends_on else ''}"
            for period in self.availability.all()
        )


class InspectorAvailability(Orderable):
    """A period in which the inspector can be drawn (both days included)."""

    inspector = ParentalKey(Inspector, on_delete=models.CASCADE, related_name="availability")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("availability period")
        verbose_name_plural = _("availability periods")


class InspectorConflict(Orderable):
    """An organisation the inspector is tied to and must never inspect (回避), as declared."""

    inspector = ParentalKey(Inspector, on_delete=models.CASCADE, related_name="conflicts")
    organisation = models.ForeignKey(
        "records.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    reason = models.CharField(_("reason"), max_length=200)
    declared_on = models.DateField(_("declared on"), default=datetime.date.today)

    class Meta(Orderable.Meta):
        verbose_name = _("declared conflict")
        verbose_name_plural = _("declared conflicts")


class InspectionPlan(RevisionMixin, ClusterableModel):
    """A province's annual inspection plan (年度抽查工作计划): the items, the sampling ratio per
    risk class, how often, and who is spared (inspected in the last N months).

    Every saved change is a revision (with the strata), and audited; the draw copies the plan's
    parameters at its commitment, so a later change never alters a committed draw.
    """

    class Frequency(models.TextChoices):
        ANNUAL = "annual", _("once a year")
        HALF_YEARLY = "half_yearly", _("twice a year")
        QUARTERLY = "quarterly", _("four times a year")

    authority = models.ForeignKey(
        "core.Authority",
        on_delete=models.PROTECT,
        related_name="inspection_plans",
        verbose_name=_("authority"),
        help_text=_("The provincial authority whose plan this is."),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    items = ParentalManyToManyField(
        InspectionItem, related_name="plans", verbose_name=_("inspection items")
    )
    frequency = models.CharField(
        _("frequency"), max_length=16, choices=Frequency.choices, default=Frequency.ANNUAL
    )
    exclusion_months = models.PositiveSmallIntegerField(
        _("spare subjects inspected in the last (months)"), default=12
    )
    inspectors_per_inspection = models.PositiveSmallIntegerField(
        _("inspectors per inspection"), default=2
    )
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="inspection_plan")

    class Meta:
        ordering = ["-year", "authority__region_id"]
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        constraints = [
            models.UniqueConstraint(fields=["authority", "year"], name="one_plan_per_year")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def revisions(self):
        return self._revisions


class PlanStratum(Orderable):
    """The sampling ratio for one risk class, in percent (at most two decimals)."""

    plan = ParentalKey(InspectionPlan, on_delete=models.CASCADE, related_name="strata")
    risk_class = models.CharField(_("risk class"), max_length=1, choices=RISK_CLASSES)
    # xgettext:no-python-format
    ratio = models.DecimalField(_("sampling ratio (%)"), max_digits=5, decimal_places=2)

    class Meta(Orderable.Meta):
        verbose_name = _("stratum")
        verbose_name_plural = _("strata")
        constraints = [
            models.UniqueConstraint(fields=["plan", "risk_class"], name="one_stratum_per_class")
        ]

    @property
    def basis_points(self) -> int:
        return int(self.ratio * 100)


class Draw(models.Model):
    """One double-random draw of a plan, with its commit–reveal record.

    Committed: the snapshot, the parameters and the SHA-256 of the secret seed are fixed and
    published (`commitment.json`). Drawn: the seed is revealed and the result published; anyone
    can re-run it (`portal.inspections.draw`). The files are kept in `DrawFile`.
    """

    class Status(models.TextChoices):
        COMMITTED = "committed", _("committed")
        DRAWN = "drawn", _("drawn")

    plan = models.ForeignKey(
        InspectionPlan, on_delete=models.PROTECT, related_name="draws", verbose_name=_("plan")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    on = models.DateField(_("reference date"))
    algorithm = models.CharField(_("algorithm"), max_length=32)
    snapshot_sha256 = models.CharField(_("SHA-256 of the snapshot"), max_length=64)
    parameters_sha256 = models.CharField(_("SHA-256 of the parameters"), max_length=64)
    seed_sha256 = models.CharField(_("SHA-256 of the seed"), max_length=64)
    commitment_sha256 = models.CharField(_("SHA-256 of the commitment"), max_length=64)
    # Secret until the reveal; never shown while the draw is only committed.
    seed_hex = models.CharField(max_length=64, editable=False)
    result_sha256 = models.CharField(_("SHA-256 of the result"), max_length=64, blank=True)
    committed_at = models.DateTimeField(_("committed at"))
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)

    class Meta:
        ordering = ["-committed_at", "-id"]
        verbose_name = _("draw")
        verbose_name_plural = _("draws")

    def __str__(self) -> str:
        return f"{self.plan} #{self.pk}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("inspection_draw_detail", args=[self.pk])


class DrawFile(models.Model):
    """A published file of a draw, byte for byte as its SHA-256 says."""

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=64)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["draw_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "name"], name="one_file_per_name"),
        ]

    def __str__(self) -> str:
        return f"{self.draw_id}/{self.name}"


class DrawInspectorCode(models.Model):
    """STAFF ONLY: which inspector a draw's opaque code stands for."""

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="inspector_codes")
    inspector = models.ForeignKey(Inspector, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=16)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["draw", "code"], name="one_code_per_draw"),
            models.UniqueConstraint(fields=["draw", "inspector"], name="one_inspector_per_draw"),
        ]

    def __str__(self) -> str:
        return f"{self.draw_id}: {self.code}"


class DrawnInspection(models.Model):
    """One joint inspection a draw produced: a subject, all its items, its inspectors.

    The starting point of the inspection tasks and results (a later step of issue 6)."""

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="inspections")
    organisation = models.ForeignKey(
        "records.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    risk_class = models.CharField(_("risk class"), max_length=1, choices=RISK_CLASSES)
    items = models.ManyToManyField(InspectionItem, related_name="+")
    inspectors = models.ManyToManyField(Inspector, related_name="drawn_inspections")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["draw_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["draw", "organisation"], name="one_inspection_per_subject"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.draw_id}: {self.organisation_id}"


# ---------------------------------------------------------------------------------------------
# Inspection results (谁抽查、谁录入；谁查处、谁录入, policy section 三(三)3–4): the task of each
# drawn inspection, its on-site record per item with the evidence, the review by a second
# person, the enforcement actions it opens, and the publication of both on the credit record.
# ---------------------------------------------------------------------------------------------


def _evidence_storage():
    from portal.inspections.evidence import evidence_storage

    return evidence_storage()


class StatementWindow(models.Model):
    """The notice to the subject and its window for a statement (陈述、申辩) or a hearing
    request (听证) before anything is published: `window_ends_on` is the last day (inclusive);
    publication comes after it, and not while a requested hearing has not been held."""

    notice_sent_on = models.DateField(_("subject notified on"), null=True, blank=True)
    window_ends_on = models.DateField(
        _("statement window ends on"), null=True, blank=True, db_index=True
    )

    class Meta:
        abstract = True

    def window_open(self, on: datetime.date) -> bool:
        return self.window_ends_on is not None and on <= self.window_ends_on


class InspectionResult(StatementWindow):
    """The task and the result of one drawn inspection (one per `DrawnInspection`).

    Opened when the draw is made, for the assigned inspectors; they enter the on-site record
    (one `InspectionItemRecord` per item) and submit it; a reviewer of the responsible
    authority who is not on the team approves it or returns it with a reason. Approval records
    the result on the organisation's credit record, unpublished, and notifies the subject when
    the outcome is negative; `services.inspection_results_publish` publishes it once the window
    has passed. The staff-only fields (participants, item findings, evidence) never leave the
    back office; the public sees the outcome, the date and each item's public finding.
    """

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("assigned")
        DRAFT = "draft", _("being entered")
        SUBMITTED = "submitted", _("submitted for review")
        RETURNED = "returned", _("returned for correction")
        APPROVED = "approved", _("approved, awaiting publication")
        PUBLISHED = "published", _("published")

    # The statuses in which the assigned inspectors may still change the record.
    EDITABLE_STATUSES = (Status.ASSIGNED, Status.DRAFT, Status.RETURNED)

    inspection = models.OneToOneField(
        DrawnInspection,
        on_delete=models.CASCADE,
        related_name="result",
        verbose_name=_("inspection"),
    )
    authority = models.ForeignKey(
        "core.Authority",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible authority"),
        help_text=_("The authority of the subject's place (属地), whose reviewers approve."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ASSIGNED, db_index=True
    )
    inspected_on = models.DateField(_("date of the inspection"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    participants = models.TextField(
        _("participants"),
        blank=True,
        help_text=_("Inspectors and the subject's representatives present (staff only)."),
    )
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=CreditEvent.Outcome.choices, blank=True
    )
    severity = models.CharField(
        _("severity"),
        max_length=16,
        choices=CreditEvent.Severity.choices,
        blank=True,
        help_text=_("For a problem found or a subject not found: ordinary or serious."),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_reason = models.TextField(_("reason for returning"), blank=True)
    credit_event = models.OneToOneField(
        CreditEvent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("credit event"),
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["status", "inspection__draw_id", "inspection__position"]
        verbose_name = _("inspection result")
        verbose_name_plural = _("inspection results")
        indexes = [models.Index(fields=["authority", "status"])]

    def __str__(self) -> str:
        return f"{self.inspection_id} ({self.status})"


class InspectionItemRecord(models.Model):
    """The on-site record of one item of an inspection: what was checked, whether the subject
    complies, the findings (staff only) and the finding the public may read."""

    result = models.ForeignKey(
        InspectionResult,
        on_delete=models.CASCADE,
        related_name="item_records",
        verbose_name=_("inspection result"),
    )
    item = models.ForeignKey(
        InspectionItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    checklist = models.TextField(
        _("checklist"), blank=True, help_text=_("What was checked and the answer, one per line.")
    )
    compliant = models.BooleanField(_("compliant"), null=True, blank=True)
    findings = models.TextField(_("findings (staff only)"), blank=True)
    public_finding = models.CharField(
        _("finding for publication"),
        max_length=500,
        blank=True,
        help_text=_("Shown on the credit record and the result notice: no personal data."),
    )

    class Meta:
        ordering = ["result_id", "item__code"]
        verbose_name = _("item record")
        verbose_name_plural = _("item records")
        constraints = [
            models.UniqueConstraint(fields=["result", "item"], name="one_record_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.result_id}: {self.item_id}"


def _evidence_path(instance: "InspectionEvidence", filename: str) -> str:
    # A random name: nothing of the original name (which may hold personal data) on disk.
    return f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class InspectionEvidence(models.Model):
    """A file of evidence of an item record (photo, scan, document), checked by its content
    as complaint attachments are, stored outside the media root and served by no URL: only
    the staff view that checks the inspection's scope hands it out."""

    record = models.ForeignKey(
        InspectionItemRecord,
        on_delete=models.CASCADE,
        related_name="evidence",
        verbose_name=_("item record"),
    )
    file = models.FileField(_("file"), storage=_evidence_storage, upload_to=_evidence_path)
    original_name = models.CharField(_("name given"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["record_id", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.original_name


class EnforcementAction(StatementWindow):
    """An administrative penalty (查处结果) opened on a finding of an approved result: the
    penalty is on the credit record from the start, unpublished; the subject is notified and
    has the window for a statement or a hearing request; `services.inspection_results_publish`
    publishes it after the window (and after a requested hearing was held)."""

    class Status(models.TextChoices):
        OPEN = "open", _("notified, awaiting publication")
        PUBLISHED = "published", _("published")

    result = models.ForeignKey(
        InspectionResult,
        on_delete=models.PROTECT,
        related_name="enforcement_actions",
        verbose_name=_("inspection result"),
    )
    record = models.ForeignKey(
        InspectionItemRecord,
        on_delete=models.PROTECT,
        related_name="enforcement_actions",
        verbose_name=_("finding"),
    )
    credit_event = models.OneToOneField(
        CreditEvent, on_delete=models.PROTECT, related_name="+", verbose_name=_("penalty")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    hearing_requested_on = models.DateField(_("hearing requested on"), null=True, blank=True)
    hearing_held_on = models.DateField(_("hearing held on"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)

    class Meta:
        ordering = ["result_id", "id"]
        verbose_name = _("enforcement action")
        verbose_name_plural = _("enforcement actions")

    def __str__(self) -> str:
        return f"{self.result_id}: {self.credit_event_id}"

    @property
    def hearing_pending(self) -> bool:
        return self.hearing_requested_on is not None and self.hearing_held_on is None


# ---------------------------------------------------------------------------------------------
# Foreign workers in the double-random office: PRIVATE (外国人的个人信息要记入其个人信用档案,
# policy section 三). Their directory and their findings are for staff only: never in a draw's
# files, the statistics, a result notice, the public record or the index. Every foreign key to
# a public model has related_name="+", so no public model reaches them.
# ---------------------------------------------------------------------------------------------


class WorkerSubjectEntry(DirectoryPeriod):
    """STAFF ONLY: one period of a foreign worker in a province's subject directory.

    A worker is eligible while they hold a valid work permit (status valid, its dates covering
    the day) with an employer registered in the province; the entry names that employer (the
    latest such permit's, when there are several) and follows it when it changes. Entries and
    exits are dated rows, as for organisations: a worker who stops being eligible exits (the row
    is closed, not deleted), a later return opens a new row; at most one open row per worker
    and province. Kept current by `services.subject_directory_refresh`; the risk class follows
    the worker rule of `portal.inspections.risk`. Workers are never drawn themselves: they are
    inspected with their employer (联合抽查, see `WorkerInspectionRecord`).
    """

    worker = models.ForeignKey(
        "records.ForeignWorker",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("foreign worker"),
    )
    province = models.ForeignKey(
        "core.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("province"),
        limit_choices_to={"level": 1},
    )
    employer = models.ForeignKey(
        "records.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("employer"),
    )

    class Meta:
        ordering = ["province_id", "worker_id", "-entered_on"]
        verbose_name = _("worker directory entry")
        verbose_name_plural = _("worker directory")
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "province"],
                condition=models.Q(exited_on__isnull=True),
                name="one_open_worker_entry",
            )
        ]
        indexes = [
            models.Index(fields=["province", "exited_on", "risk_class"]),
            models.Index(fields=["employer", "exited_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} @ {self.province_id} ({self.risk_class})"


class WorkerInspectionRecord(models.Model):
    """STAFF ONLY: a foreign worker covered by the inspection of their employer (对同一来华工作
    的外国人及其工作单位……一次性完成), listed when the task opens because the worker was in the
    directory with that employer and the plan has items for foreign workers. The assigned
    inspectors record whether the worker complies and, when not, the problem found; on approval a
    problem goes to the worker's personal credit file (`credit_entry`), never to the public
    record."""

    result = models.ForeignKey(
        InspectionResult,
        on_delete=models.CASCADE,
        related_name="worker_records",
        verbose_name=_("inspection result"),
    )
    worker = models.ForeignKey(
        "records.ForeignWorker",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("foreign worker"),
    )
    compliant = models.BooleanField(_("compliant"), null=True, blank=True)
    findings = models.TextField(_("findings (staff only)"), blank=True)
    credit_entry = models.OneToOneField(
        "records.WorkerCreditEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("personal credit file entry"),
    )

    class Meta:
        ordering = ["result_id", "id"]
        verbose_name = _("worker record")
        verbose_name_plural = _("worker records")
        constraints = [
            models.UniqueConstraint(fields=["result", "worker"], name="one_record_per_worker")
        ]

    def __str__(self) -> str:
        return f"{self.result_id}: {self.worker_id}"
