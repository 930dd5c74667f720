from django.urls import path

from consent import views

app_name = "consent"

urlpatterns = [
    path("", views.to_sign, name="to-sign"),
    path("documents/<slug:slug>/", views.document, name="document"),
    path("documents/<slug:slug>/decline/", views.decline, name="decline"),
    path("signed/", views.signed, name="signed"),
    path("signed/download/", views.signed_download, name="signed-download"),
    path("signed/<int:pk>/", views.signature, name="signature"),
    path("signed/<int:pk>/download/", views.signature_download, name="signature-download"),
    path("contact/", views.contact_preferences, name="contact-preferences"),
    path("staff/", views.staff_overview, name="staff"),
]
