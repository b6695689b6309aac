from django.urls import path

from portal.inspections import views

urlpatterns = [
    path("", views.inspection_item_list, name="inspection_item_list"),
    path("json/", views.inspection_item_json, name="inspection_item_json"),
    path("csv/", views.inspection_item_csv, name="inspection_item_csv"),
    path("history/", views.inspection_item_history, name="inspection_item_history"),
]
