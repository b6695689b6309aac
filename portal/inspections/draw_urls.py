from django.urls import path, re_path

from portal.inspections import draw_views, statistics_views

urlpatterns = [
    path("draws/", draw_views.draw_list, name="inspection_draw_list"),
    path("draws/<int:pk>/", draw_views.draw_detail, name="inspection_draw_detail"),
    path("draws/<int:pk>/files/<str:name>", draw_views.draw_file, name="inspection_draw_file"),
    path("statistics/", statistics_views.statistics_latest, name="inspection_statistics"),
    # Four digits: any other value is a plain 404, never a query with a number out of range.
    re_path(
        r"^statistics/(?P<year>[0-9]{4})/$",
        statistics_views.statistics_year,
        name="inspection_statistics_year",
    ),
    re_path(
        r"^statistics/(?P<year>[0-9]{4})/(?P<table>strata|regions|recusals)\.csv$",
        statistics_views.statistics_csv,
        name="inspection_statistics_csv",
    ),
]
