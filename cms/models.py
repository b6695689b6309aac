"""Wagtail page types: the home page, standard pages (FAQ, contact, policies), news, typical
cases and inspection result notices, each index with a filterable list, feeds and JSON."""

import datetime

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms import localisation
from cms.blocks import BodyBlock
from cms.permissions import PortalPageForm
from cms.widgets import OrganisationByUSCCInput
from portal.records.models import CreditEvent

LIST_PAGE_SIZE = 20
FEED_SIZE = 50


class PortalPage(Page):
    """What every page type of the portal shares: the fallback to the Chinese page when a page
    has no English version, and the links to its translations."""

    # The authority whose complaint phone the footer shows; pages that name one override it.
    responsible_authority = None

    # Who may edit and publish follows the authority of the page (cms/permissions.py): the form
    # offers each user the authorities in their scope, the tester narrows Wagtail's permissions.
    base_form_class = PortalPageForm

    class Meta:
        abstract = True

    def permissions_for_user(self, user):
        from cms.permissions import PortalPagePermissionTester

        return PortalPagePermissionTester(user, self)

    def route(self, request: HttpRequest, path_components: list[str]):
        try:
            return super().route(request, path_components)
        except Http404:
            # No (live) page at this path in this language: serve the default-language page at
            # the same place, whose template then says that it is shown in Chinese.
            default = localisation.default_locale()
            if self.locale_id == default.pk:
                raise
            original = self.get_translation_or_none(default)
            if original is None:
                raise
            return original.specific.route(request, path_components)

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        active = localisation.active_locale()
        context["alternates"] = [
            {
                "hreflang": localisation.hreflang(page.locale.language_code),
                "url": page.get_full_url(request),
            }
            for page in localisation.live_translations(self)
        ]
        context["is_fallback"] = self.locale_id != active.pk
        return context


# ---------------------------------------------------------------------------------------------
# Home and standard pages
# ---------------------------------------------------------------------------------------------


def is_safe_link(value: str) -> bool:
    """A link an editor may put on a page: empty, a path on this site, or an http(s) address
    (never `javascript:`, `data:` or a protocol-relative `//host`)."""
    value = value.strip()
    if not value:
        return True
    if value.startswith("/"):
        return not value.startswith("//") and "\\" not in value
    return value.lower().startswith(("https://", "http://"))


class HomePage(PortalPage):
    """The front page: the credit search box, the latest notices, results and cases, key figures
    from the database, and the ways to file and track a complaint."""

    introduction = models.TextField(_("introduction"), blank=True)
    file_complaint_url = models.CharField(
        _("link to file a complaint"),
        max_length=255,
        blank=True,
        help_text=_(
            "A path on this site or a full address, for an intake run elsewhere. Leave it "
            "empty for this portal's own form."
        ),
    )
    track_complaint_url = models.CharField(
        _("link to track a complaint"),
        max_length=255,
        blank=True,
        help_text=_(
            "A path on this site or a full address. Leave it empty for this portal's own "
            "tracking page."
        ),
    )

    content_panels = Page.content_panels + [
        FieldPanel("introduction"),
        MultiFieldPanel(
            [FieldPanel("file_complaint_url"), FieldPanel("track_complaint_url")],
            heading=_("Complaints"),
        ),
    ]

    # One per language under the root (the English home is the translation of the Chinese one),
    # so no max_count.
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")

    def clean(self) -> None:
        super().clean()
        errors = {
            name: _(
                "Give a path on this site (starting with /) or an address starting with https://."
            )
            for name in ("file_complaint_url", "track_complaint_url")
            if not is_safe_link(getattr(self, name))
        }
        if errors:
            raise ValidationError(errors)

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        context["latest_news"] = selectors.latest(NewsPage)
        context["latest_notices"] = selectors.latest(InspectionResultNoticePage)
        context["latest_cases"] = selectors.latest(TypicalCasePage)
        context["key_figures"] = selectors.key_figures()
        context["index_pages"] = selectors.index_pages()
        return context


class StandardPage(PortalPage):
    """A page of text: FAQ, contact, policies, about. Headings, paragraphs, tables and
    questions with their answers."""

    introduction = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("introduction"), FieldPanel("body")]
    search_fields = Page.search_fields + [
        index.SearchField("introduction"),
        index.SearchField("body"),
    ]

    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("standard page")
        verbose_name_plural = _("standard pages")


# ---------------------------------------------------------------------------------------------
# Filterable lists with feeds and JSON
# ---------------------------------------------------------------------------------------------


class ListFeedMixin(RoutablePageMixin):
    """An index page whose children form a filterable, paginated list, also offered as RSS,
    Atom and JSON (`rss/`, `atom/`, `json/` under the page's address).

    Subclasses name `child_model` and `filter_form_class`, and implement `filter_items`.
    Bad filter values never fail: the HTML list ignores them and says so; the feeds and JSON
    answer 400 with the errors, since a machine should learn that its query is wrong.
    """

    child_model: type[Page]
    filter_form_class: type
    # Loaded with each item, for the list template and the JSON.
    list_select_related: tuple[str, ...] = ("locale",)

    def get_filter_form(self, request: HttpRequest):
        return self.filter_form_class(request.GET)

    def filter_items(self, items: models.QuerySet, filters: dict) -> models.QuerySet:
        raise NotImplementedError

    def list_items(self, request: HttpRequest):
        """(form, items): the form bound to the query string, and the live items in the active
        language that pass its valid filters, newest first."""
        form = self.get_filter_form(request)
        form.is_valid()  # fills cleaned_data with the valid fields only
        filters = {key: value for key, value in form.cleaned_data.items() if value}
        items = localisation.localized_live_pages(self.child_model, within=self)
        items = self.filter_items(items, filters).order_by("-published_on", "-pk")
        return form, items.select_related(*self.list_select_related)

    @path("")
    def list_view(self, request: HttpRequest) -> HttpResponse:
        form, items = self.list_items(request)
        page = Paginator(items, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
        filtered = any(request.GET.get(name) for name in form.fields)
        query = request.GET.copy()
        query.pop("page", None)
        return self.render(
            request,
            context_overrides={
                "filter_form": form,
                "items": page,
                "filtered": filtered,
                "query_without_page": query.urlencode(),
            },
        )

    def _machine_items(self, request: HttpRequest):
        form, items = self.list_items(request)
        if form.errors:
            return None, JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        return items, None

    @path("rss/")
    def rss_view(self, request: HttpRequest) -> HttpResponse:
        from cms.feeds import ListFeed, Rss201rev2Feed

        items, error = self._machine_items(request)
        return error or ListFeed(self, items[:FEED_SIZE], Rss201rev2Feed)(request)

    @path("atom/")
    def atom_view(self, request: HttpRequest) -> HttpResponse:
        from cms.feeds import Atom1Feed, ListFeed

        items, error = self._machine_items(request)
        return error or ListFeed(self, items[:FEED_SIZE], Atom1Feed)(request)

    @path("json/")
    def json_view(self, request: HttpRequest) -> HttpResponse:
        items, error = self._machine_items(request)
        if error:
            return error
        page = Paginator(items, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
        return JsonResponse(
            {
                "_meta": {
                    "title": self.title,
                    "language": localisation.active_locale().language_code,
                    "count": page.paginator.count,
                    "page": page.number,
                    "pages": page.paginator.num_pages,
                    "generated_at": timezone.now().isoformat(),
                },
                "results": [item.as_json(request) for item in page.object_list],
            },
            json_dumps_params={"ensure_ascii": False},
        )


class ListItemMixin:
    """What a list item page offers to its index, feeds and JSON."""

    def summary(self) -> str:
        return getattr(self, "introduction", "") or self.search_description

    def as_json(self, request: HttpRequest) -> dict:
        return {
            "title": self.title,
            "url": self.get_full_url(request),
            "language": self.locale.language_code,
            "published_on": self.published_on.isoformat() if self.published_on else None,
            "summary": self.summary(),
        }


# ---------------------------------------------------------------------------------------------
# Policies and news
# ---------------------------------------------------------------------------------------------


class NewsIndexPage(ListFeedMixin, PortalPage):
    """The list of policies and news, filterable by category."""

    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsPage"]

    class Meta:
        verbose_name = _("news index page")

    @property
    def child_model(self):
        return NewsPage

    @property
    def filter_form_class(self):
        from cms.forms import NewsFilterForm

        return NewsFilterForm

    def filter_items(self, items, filters):
        if "category" in filters:
            items = items.filter(category=filters["category"])
        return items


class NewsPage(ListItemMixin, PortalPage):
    """A policy document or a news item, with its date and category."""

    class Category(models.TextChoices):
        POLICY = "policy", _("policy")
        NEWS = "news", _("news")
        ANNOUNCEMENT = "announcement", _("announcement")

    published_on = models.DateField(_("date"), default=datetime.date.today)
    category = models.CharField(
        _("category"), max_length=16, choices=Category.choices, default=Category.NEWS
    )
    introduction = models.TextField(_("summary"), blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("published_on"), FieldPanel("category")]),
        FieldPanel("introduction"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("introduction"),
        index.SearchField("body"),
        index.FilterField("category"),
    ]

    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("news page")

    def as_json(self, request):
        return {**super().as_json(request), "category": self.category}


# ---------------------------------------------------------------------------------------------
# Typical cases
# ---------------------------------------------------------------------------------------------


class TypicalCaseIndexPage(ListFeedMixin, PortalPage):
    """The list of typical cases, filterable by province, status and year."""

    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.TypicalCasePage"]
    list_select_related = ("locale", "region", "organisation", "authority")

    class Meta:
        verbose_name = _("typical case index page")

    @property
    def child_model(self):
        return TypicalCasePage

    @property
    def filter_form_class(self):
        from cms.forms import CaseFilterForm

        return CaseFilterForm

    def filter_items(self, items, filters):
        if "province" in filters:
            items = items.filter(region__code__startswith=filters["province"][:2])
        if "status" in filters:
            items = items.filter(status=filters["status"])
        if "year" in filters:
            items = items.filter(published_on__year=filters["year"])
        return items


class TypicalCasePage(ListItemMixin, PortalPage):
    """A typical case (典型案例): what an organisation did, what the authority found and
    decided, on which legal basis. Also shown on the organisation's credit record page."""

    class Status(models.TextChoices):
        DECIDED = "decided", _("decision made")
        UNDER_REVIEW = "under_review", _("under administrative review or litigation")
        ENFORCED = "enforced", _("decision enforced")
        REVOKED = "revoked", _("decision revoked")

    organisation = models.ForeignKey(
        "records.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
        help_text=_("Its unified social credit code (18 characters)."),
    )
    region = models.ForeignKey(
        "core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    authority = models.ForeignKey(
        "core.Authority",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("responsible authority"),
    )
    introduction = models.TextField(_("summary"), blank=True)
    facts = models.TextField(_("facts"))
    findings = models.TextField(_("findings"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    decision = models.TextField(_("decision"), blank=True)
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    penalty = models.TextField(_("penalty"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DECIDED
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    published_on = models.DateField(_("published on"), default=datetime.date.today)

    content_panels = Page.content_panels + [
        FieldPanel("organisation", widget=OrganisationByUSCCInput()),
        FieldRowPanel([FieldPanel("region"), FieldPanel("authority")]),
        FieldPanel("introduction"),
        FieldPanel("facts"),
        FieldPanel("findings"),
        FieldPanel("legal_basis"),
        FieldRowPanel([FieldPanel("decision_number"), FieldPanel("status")]),
        FieldPanel("decision"),
        FieldPanel("penalty"),
        FieldRowPanel([FieldPanel("decided_on"), FieldPanel("published_on")]),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("introduction"),
        index.SearchField("facts"),
        index.SearchField("findings"),
        index.SearchField("legal_basis"),
        index.SearchField("decision"),
        index.SearchField("decision_number"),
        index.SearchField("penalty"),
        index.FilterField("status"),
    ]

    parent_page_types = ["cms.TypicalCaseIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("typical case")
        verbose_name_plural = _("typical cases")

    @property
    def responsible_authority(self):
        return self.authority

    def summary(self) -> str:
        return self.introduction or self.facts[:200]

    def as_json(self, request):
        return {
            **super().as_json(request),
            "organisation": {"uscc": self.organisation.uscc, "name": self.organisation.name},
            "region": self.region_id,
            "authority": self.authority.name if self.authority else None,
            "status": self.status,
            "decision_number": self.decision_number,
            "decided_on": self.decided_on.isoformat() if self.decided_on else None,
            "penalty": self.penalty,
        }


# ---------------------------------------------------------------------------------------------
# Inspection result notices
# ---------------------------------------------------------------------------------------------


class InspectionResultNoticeIndexPage(ListFeedMixin, PortalPage):
    """The list of inspection result notices, filterable by year and province."""

    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.InspectionResultNoticePage"]
    list_select_related = ("locale", "region")

    class Meta:
        verbose_name = _("inspection result notice index page")

    @property
    def child_model(self):
        return InspectionResultNoticePage

    @property
    def filter_form_class(self):
        from cms.forms import NoticeFilterForm

        return NoticeFilterForm

    def filter_items(self, items, filters):
        if "province" in filters:
            items = items.filter(region__code__startswith=filters["province"][:2])
        if "year" in filters:
            items = items.filter(published_on__year=filters["year"])
        return items


class InspectionResultNoticePage(ListItemMixin, PortalPage):
    """The published results of one batch of a random draw (双随机抽查结果公示): the items
    inspected, and each inspected subject with its result. The inspection office creates these
    as drafts; an editor publishes them."""

    batch_reference = models.CharField(_("batch"), max_length=100, blank=True)
    region = models.ForeignKey(
        "core.Region",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("region"),
    )
    authority = models.ForeignKey(
        "core.Authority",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("responsible authority"),
    )
    introduction = models.TextField(_("summary"), blank=True)
    inspection_items = models.TextField(
        _("inspection items"), blank=True, help_text=_("One item per line.")
    )
    drawn_on = models.DateField(_("drawn on"), null=True, blank=True)
    published_on = models.DateField(_("published on"), default=datetime.date.today)

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("batch_reference"), FieldPanel("drawn_on")]),
        FieldRowPanel([FieldPanel("region"), FieldPanel("authority")]),
        FieldPanel("introduction"),
        FieldPanel("inspection_items"),
        InlinePanel("results", heading=_("Inspected subjects and results"), label=_("result")),
        FieldPanel("published_on"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("introduction"),
        index.SearchField("inspection_items"),
        index.SearchField("batch_reference"),
    ]

    parent_page_types = ["cms.InspectionResultNoticeIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("inspection result notice")
        verbose_name_plural = _("inspection result notices")

    @property
    def responsible_authority(self):
        return self.authority

    def item_list(self) -> list[str]:
        return [line.strip() for line in self.inspection_items.splitlines() if line.strip()]

    def as_json(self, request):
        return {
            **super().as_json(request),
            "batch": self.batch_reference,
            "region": self.region_id,
            "inspection_items": self.item_list(),
            "results": [
                {
                    "organisation": {"uscc": row.organisation.uscc, "name": row.organisation.name},
                    "item": row.item,
                    "result": row.result,
                    "finding": row.finding,
                }
                for row in self.results.select_related("organisation")
            ],
        }


class InspectionResultRow(Orderable):
    """One inspected subject of a notice, with the item and the result."""

    notice = ParentalKey(
        InspectionResultNoticePage, on_delete=models.CASCADE, related_name="results"
    )
    organisation = models.ForeignKey(
        "records.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    item = models.CharField(_("inspection item"), max_length=200)
    result = models.CharField(_("result"), max_length=16, choices=CreditEvent.Outcome.choices)
    finding = models.TextField(_("finding"), blank=True)

    panels = [
        FieldPanel("organisation", widget=OrganisationByUSCCInput()),
        FieldPanel("item"),
        FieldPanel("result"),
        FieldPanel("finding"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("inspection result")
        verbose_name_plural = _("inspection results")


# The two-person review task is a model of this app (cms/workflows.py).
from cms.workflows import AuthorityReviewTask  # noqa: E402, F401
