"""Input rules shared by models and forms that are not about one model."""

import re

from django.core.exceptions import ValidationError
from django.core.files import File

# Bidirectional embedding, override and isolate controls. In a name they can make "Alice" read
# as another string in the admin, an e-mail or a calendar, so a name never needs them.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")

# A portrait for the web needs far less; anything larger is a mistake or an attack.
MAX_PHOTO_BYTES = 2 * 1024 * 1024


def validate_no_bidi_controls(value: str) -> None:
    if BIDI_CONTROLS.search(value):
        raise ValidationError(
            "This name contains invisible characters that change the direction of text. "
            "Please type it again without them.",
            code="bidi_control",
        )


def validate_photo_size(photo: File) -> None:
    if photo.size is not None and photo.size > MAX_PHOTO_BYTES:
        raise ValidationError(
            "This photo is too large. Please choose one under 2 MB.", code="photo_too_large"
        )
