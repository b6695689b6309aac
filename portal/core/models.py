"""Shared models: regions (GB/T 2260), authorities (jurisdiction) and the audit trail."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.models import DraftStateMixin, Orderable, RevisionMixin


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
    # Stored rather than computed on each page: filled from the pinyin when a region is loaded
    # (portal.core.romanise), and correctable where pinyin is not the usual English form
    # (Mongolian and Uygur place names, such as 锡林郭勒 Xilin Gol).
    name_en = models.CharField(_("name in English"), max_length=128, blank=True)
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


# Languages an authority may serve the public in, each named in itself (so the list needs no
# translation). Codes follow BCP 47 as in settings.LANGUAGES.
SERVICE_LANGUAGES = [
    ("zh-hans", "中文"),
    ("en", "English"),
    ("ja", "日本語"),
    ("ko", "한국어"),
    ("ru", "Русский"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("es", "Español"),
    ("ar", "العربية"),
    ("vi", "Tiếng Việt"),
    ("mn", "Монгол"),
]


class Authority(DraftStateMixin, RevisionMixin, ClusterableModel):
    """A human resources and social security (or foreign expert) authority and its jurisdiction.

    Complaints and inspections are routed to the authority whose region contains the subject's
    (see `portal.core.selectors.authority_for_region`). Edited in the Wagtail admin as a snippet
    with drafts and revisions: this row always holds the live version, drafts live in revisions,
    so public pages read the row and show only `live` authorities.

    English: every free text the public reads has an `_en` twin; pages show it in English and
    fall back to the Chinese text (marked as such) when it is empty.
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
    additional_regions = ParentalManyToManyField(
        Region,
        blank=True,
        related_name="additional_authorities",
        verbose_name=_("additional regions"),
        help_text=_(
            "Regions outside its own that it also covers, such as a special zone; they take "
            "precedence over the region tree when complaints and inspections are routed."
        ),
    )
    complaint_phone = models.CharField(
        _("complaint phone"),
        max_length=64,
        blank=True,
        help_text=_("The main complaint line, e.g. 0755-12333; more numbers below."),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    address_en = models.CharField(_("address in English"), max_length=255, blank=True)
    opening_hours = models.TextField(_("opening hours"), blank=True)
    opening_hours_en = models.TextField(_("opening hours in English"), blank=True)
    languages = models.JSONField(
        _("languages served"),
        default=list,
        blank=True,
        help_text=_("Codes from SERVICE_LANGUAGES."),
    )
    website = models.URLField(_("website"), blank=True)
    organisation = models.TextField(
        _("organisation"), blank=True, help_text=_("How the authority is organised (机构设置).")
    )
    organisation_en = models.TextField(_("organisation in English"), blank=True)

    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="authority")

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = _("authority")
        verbose_name_plural = _("authorities")
        constraints = [
            models.UniqueConstraint(fields=["region"], name="one_authority_per_region"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def revisions(self):
        return self._revisions

    @property
    def public_key(self) -> str:
        """What its public address names it by: its region code, or "national"."""
        return self.region_id or "national"

    def get_absolute_url(self) -> str:
        return reverse("authority_detail", args=[self.public_key])

    def language_names(self) -> list[str]:
        names = dict(SERVICE_LANGUAGES)
        return [names.get(code, code) for code in self.languages or []]


class AuthorityItem(Orderable):
    """Base of the ordered lists an authority publishes, edited inline with it."""

    class Meta(Orderable.Meta):
        abstract = True


class AuthorityPower(AuthorityItem):
    """One line of the list of powers and responsibilities (权责清单)."""

    class Kind(models.TextChoices):
        LICENSING = "licensing", _("administrative licensing")  # 行政许可
        PENALTY = "penalty", _("administrative penalty")  # 行政处罚
        INSPECTION = "inspection", _("administrative inspection")  # 行政检查
        ENFORCEMENT = "enforcement", _("administrative enforcement")  # 行政强制
        CONFIRMATION = "confirmation", _("administrative confirmation")  # 行政确认
        OTHER = "other", _("other power")  # 其他行政权力

    authority = ParentalKey(Authority, on_delete=models.CASCADE, related_name="powers")
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    item = models.CharField(_("item"), max_length=255)
    item_en = models.CharField(_("item in English"), max_length=255, blank=True)
    legal_basis = models.TextField(_("legal basis"))
    legal_basis_en = models.TextField(_("legal basis in English"), blank=True)

    class Meta(AuthorityItem.Meta):
        verbose_name = _("power")
        verbose_name_plural = _("powers and responsibilities")

    def __str__(self) -> str:
        return self.item


class AuthorityDepartment(AuthorityItem):
    """A department (职能处室) of the authority and what it does."""

    authority = ParentalKey(Authority, on_delete=models.CASCADE, related_name="departments")
    name = models.CharField(_("name"), max_length=128)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    duties = models.TextField(_("duties"), blank=True)
    duties_en = models.TextField(_("duties in English"), blank=True)
    phone = models.CharField(_("phone"), max_length=64, blank=True)

    class Meta(AuthorityItem.Meta):
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class AuthorityRule(AuthorityItem):
    """A rule in force (制度) that the authority applies: title, document number, link."""

    authority = ParentalKey(Authority, on_delete=models.CASCADE, related_name="rules")
    title = models.CharField(_("title"), max_length=255)
    title_en = models.CharField(_("title in English"), max_length=255, blank=True)
    number = models.CharField(_("document number"), max_length=128, blank=True)
    url = models.URLField(_("link"), blank=True)

    class Meta(AuthorityItem.Meta):
        verbose_name = _("rule")
        verbose_name_plural = _("rules in force")

    def __str__(self) -> str:
        return self.title


class AuthorityPhone(AuthorityItem):
    """A further labelled phone number, besides the main complaint line."""

    authority = ParentalKey(Authority, on_delete=models.CASCADE, related_name="phones")
    label = models.CharField(_("label"), max_length=128)
    label_en = models.CharField(_("label in English"), max_length=128, blank=True)
    number = models.CharField(_("number"), max_length=64)

    class Meta(AuthorityItem.Meta):
        verbose_name = _("phone number")
        verbose_name_plural = _("phone numbers")

    def __str__(self) -> str:
        return f"{self.label}: {self.number}"


class AuthorityAddress(AuthorityItem):
    """A further address, such as a service hall (服务大厅), besides the main address."""

    authority = ParentalKey(Authority, on_delete=models.CASCADE, related_name="addresses")
    label = models.CharField(_("label"), max_length=128)
    label_en = models.CharField(_("label in English"), max_length=128, blank=True)
    address = models.CharField(_("address"), max_length=255)
    address_en = models.CharField(_("address in English"), max_length=255, blank=True)
    postcode = models.CharField(_("postcode"), max_length=6, blank=True)

    class Meta(AuthorityItem.Meta):
        verbose_name = _("address")
        verbose_name_plural = _("addresses")

    def __str__(self) -> str:
        return f"{self.label}: {self.address}"


class AuthorityExclusion(AuthorityItem):
    """A matter the authority does not accept (不予受理的事项), and where to turn instead."""

    authority = ParentalKey(Authority, on_delete=models.CASCADE, related_name="exclusions")
    matter = models.CharField(_("matter"), max_length=255)
    matter_en = models.CharField(_("matter in English"), max_length=255, blank=True)
    refer_to = models.CharField(_("where to turn instead"), max_length=255, blank=True)
    refer_to_en = models.CharField(
        _("where to turn instead, in English"), max_length=255, blank=True
    )

    class Meta(AuthorityItem.Meta):
        verbose_name = _("matter not accepted")
        verbose_name_plural = _("matters not accepted")

    def __str__(self) -> str:
        return self.matter


class StaffMembership(models.Model):
    """A staff user's role at an authority. A user may hold several (roles, authorities).

    The scope follows the authority tree: a role at the national authority covers every
    authority, at a provincial one that province and its prefectures, at a prefectural one
    only itself (see `portal.core.selectors.authorities_in_scope`).
    """

    class Role(models.TextChoices):
        EDITOR = "editor", _("editor")
        REVIEWER = "reviewer", _("reviewer")
        OFFICER = "officer", _("officer")
        INSPECTOR = "inspector", _("inspector")
        SUPERVISOR = "supervisor", _("supervisor")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_memberships",
        verbose_name=_("user"),
    )
    authority = models.ForeignKey(
        Authority,
        on_delete=models.PROTECT,
        related_name="staff_memberships",
        verbose_name=_("authority"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        ordering = ["authority__region_id", "user_id", "role"]
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "authority", "role"], name="one_membership_per_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.authority}"


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
