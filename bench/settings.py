"""Settings for `python -m bench.scheduling` only: the real site plus one bare view to compare."""

from practice.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# The bench serves pages without running collectstatic first.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
