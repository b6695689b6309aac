from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from cms import search_views as cms_search_views
from cms.sitemaps import PortalSitemap
from portal.api import api
from portal.core import views as core_views
from portal.health import healthz
from search import data_views, report_views
from search import views as search_views

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/", api.urls),
    # The language switch is a form on every page. Without a CSRF token in it, pages set no
    # cookie and can be cached for every anonymous visitor (cms/page_cache.py); a forged switch
    # could only change someone's display language.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    # One search page with tabs (credit records, pages): cms/search_views.py.
    path("search/", cms_search_views.site_search, name="organisation_search"),
    path(
        "organisations/<str:uscc>/",
        search_views.organisation_detail,
        name="organisation_detail",
    ),
    path(
        "organisations/<str:uscc>/report.pdf",
        report_views.credit_report_download,
        name="credit_report_download",
    ),
    path("reports/verify/", report_views.credit_report_verify_page, name="credit_report_verify"),
    path(
        "reports/<str:report_number>/", report_views.credit_report_check, name="credit_report_check"
    ),
    path("authorities/", core_views.authority_index, name="authority_index"),
    re_path(
        r"^authorities/(?P<key>national|[0-9]{6})/$",
        core_views.authority_detail,
        name="authority_detail",
    ),
    path("inspection-items/", include("portal.inspections.urls")),
    path("inspections/", include("portal.inspections.draw_urls")),
    path("data/", data_views.open_data, name="open_data"),
    path("complaints/", include("complaints.urls")),
    path("data/dumps/<str:run>/<str:name>", data_views.dump_file, name="dump_file"),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": PortalSitemap}}, name="sitemap"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail serves every other path from the page tree; it must come last. Chinese pages at the
# root, English ones under /en/ (cms.middleware keeps the views above on the language cookie).
urlpatterns += i18n_patterns(path("", include(wagtail_urls)), prefix_default_language=False)
