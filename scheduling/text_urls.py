"""The short link in texts, served at the site's root (every character of a text counts)."""

from django.urls import path

from scheduling import booking_views

urlpatterns = [path("<str:token>", booking_views.text_link, name="text-link")]
