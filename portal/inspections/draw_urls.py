from django.urls import path

from portal.inspections import draw_views

urlpatterns = [
    path("draws/", draw_views.draw_list, name="inspection_draw_list"),
    path("draws/<int:pk>/", draw_views.draw_detail, name="inspection_draw_detail"),
    path("draws/<int:pk>/files/<str:name>", draw_views.draw_file, name="inspection_draw_file"),
]
