"""The inspection item list (随机抽查事项清单, policy section 三(一)): the national items and each
province's additions, with their lifecycle and the public log of published changes.

Items keep their English in `_en` twins (as authorities do) instead of Wagtail's
TranslatableMixin: an item is one legal object whose two texts an editor keeps in step on one
form, its revisions, lock and history stay single, and the double-random office (issue 6) can
point at one row per item whatever the language.
"""

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import DraftStateMixin, LockableMixin, RevisionMixin


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
