from django.urls import path

from complaints import views

urlpatterns = [
    path("new/", views.complaint_new, name="complaint_new"),
    path("track/", views.complaint_track_view, name="complaint_track"),
    path("receipt.pdf", views.complaint_receipt, name="complaint_receipt"),
    path("captcha/challenge", views.captcha_challenge, name="complaint_captcha_challenge"),
]
