"""Text-message backends. Production sets DJANGO_SMS_BACKEND to a provider's backend."""

import uuid
from pathlib import Path

from django.conf import settings
from django.utils import timezone


class FileBackend:
    """Writes each text to a file, so the demo and tests can read what was sent."""

    def send(self, *, to: str, body: str) -> str:
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        provider_id = uuid.uuid4().hex
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        (folder / f"{stamp}-{provider_id}.txt").write_text(f"To: {to}\n\n{body}\n")
        return provider_id
