"""Settings for mypy's django-stubs plugin, which imports the settings to learn the models.

Production settings refuse to load without real secrets; type checking needs none, so it gets
throw-away values here, and `mypy` works the same from `make lint`, an editor or a hook.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "typecheck-only-secret-key-not-for-production-0123")
os.environ.setdefault("DJANGO_MFA_ENCRYPTION_KEY", "dHlwZWNoZWNrLW9ubHktbWZhLWtleS1ub3QtZm9yLXA=")

from practice.settings import *  # noqa: E402, F403
