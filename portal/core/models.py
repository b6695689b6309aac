"""Shared models: regions (GB/T 2260), authorities (jurisdiction) and the audit trail."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """An administrative division by its GB/T 2260 code.

    Codes that were retired stay here (marked inactive): old USCCs and old records still name them.
    """

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("province")
        PREFECTURE = 2, _("prefecture")
        COUNTY = 3, _("county")

    code = models.CharField(_("region code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"


class Authority(models.Model):
    """A human resources and social security (or foreign expert) authority and its jurisdiction.

    Complaints and inspections are routed to the authority whose region contains the subject's.
    """

    class Level(models.TextChoices):
        NATIONAL = "national", _("national")
        PROVINCIAL = "provincial", _("provincial")
        PREFECTURAL = "prefectural", _("prefectural")

    name = models.CharField(_("name"), max_length=128)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="authorities",
        help_text=_("The region the authority is responsible for; empty for the national level."),
    )
    complaint_phone = models.CharField(_("complaint phone"), max_length=64, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = _("authority")
        verbose_name_plural = _("authorities")
        constraints = [
            models.UniqueConstraint(fields=["region"], name="one_authority_per_region"),
        ]

    def __str__(self) -> str:
        return self.name


class AuditEntry(models.Model):
    """One step of the audit trail (过程留痕): who did what, when, to which object, with what data.

    Written through `portal.core.audit.record`; never updated or deleted by the application.
    """

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(
        _("action"), max_length=100, db_index=True, help_text="dotted code, app.model.verb"
    )
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"


class RateCounter(models.Model):
    """Requests counted per key (say "api:search:192.0.2.7") in a fixed time window.

    Shared by every web process through the database: one upsert per request, see
    portal.core.ratelimit.
    """

    key = models.CharField(max_length=200)
    window_start = models.BigIntegerField(help_text="Unix time the window opened")
    hits = models.PositiveIntegerField(default=0)
    expires_at = models.BigIntegerField(db_index=True, help_text="Unix time the window closes")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="rate_counter_key_window")
        ]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start}: {self.hits}"
