from django.urls import path

from complaints import views

urlpatterns = [
    path("new/", views.complaint_new, name="complaint_new"),
    path("track/", views.complaint_track_view, name="complaint_track"),
    path("track/answer/", views.complaint_answer, name="complaint_answer"),
    path("track/rate/", views.complaint_rating, name="complaint_rate"),
    path("track/review/", views.complaint_review, name="complaint_review"),
    path("track/join/", views.complaint_join, name="complaint_join"),
    path("receipt.pdf", views.complaint_receipt, name="complaint_receipt"),
    path("captcha/challenge", views.captcha_challenge, name="complaint_captcha_challenge"),
]
