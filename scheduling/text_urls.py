"""The short link in texts, served at the site's root (every character of a text counts)."""

from django.urls import path

from scheduling import booking_views, checkin_views

urlpatterns = [
    # A check-in's link: on to its signed page, which asks for login (checkin_views.checkin).
    path("c/<str:token>", checkin_views.text_link, name="checkin-text-link"),
    path("<str:token>", booking_views.text_link, name="text-link"),
]
