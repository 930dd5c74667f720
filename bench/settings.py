"""Settings for `python -m bench` only: the production settings plus one bare view to compare."""

from practice.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
