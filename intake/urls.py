from django.urls import path

from intake import views

app_name = "intake"

urlpatterns = [
    # The client's own questionnaire: no ids in these URLs, there is only ever one.
    path("", views.start, name="start"),
    path("section/<int:step>/", views.section, name="section"),
    path("section/<int:step>/draft/", views.save_draft, name="save-draft"),
    path("check/", views.check, name="check"),
    path("sent/", views.submitted, name="submitted"),
    # Staff and the assigned therapist.
    path("submissions/", views.queue, name="queue"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission-detail"),
    path("submissions/<int:pk>/status/", views.submission_status, name="submission-status"),
    path("submissions/<int:pk>/assign/", views.submission_assign, name="submission-assign"),
    path("submissions/<int:pk>/notes/", views.submission_note, name="submission-note"),
    path(
        "submissions/<int:pk>/acknowledge/",
        views.submission_acknowledge,
        name="submission-acknowledge",
    ),
]
