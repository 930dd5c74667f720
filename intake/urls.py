from django.urls import path

from intake import progress_views, views

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
    # Progress: steps towards goals (the client or their therapist), the screeners asked again.
    path("goals/<int:pk>/steps/", progress_views.step_add, name="step-add"),
    path("steps/<int:pk>/done/", progress_views.step_done, name="step-done"),
    path("submissions/<int:pk>/measures/", progress_views.schedule, name="measure-schedule"),
    path("questionnaire/", progress_views.answer, name="measure-answer"),
    path("questionnaire/sent/", progress_views.answered, name="measure-answered"),
]
