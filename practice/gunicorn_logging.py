"""gunicorn's access log without tokens or admin searches (see practice/log_filters.py).

`gunicorn.conf.py` at the top of the project names this class, and gunicorn reads that file
from the directory it starts in. gunicorn formats its access line from a dict of "atoms"
before any logging filter could see it, so the atoms themselves are masked here.
"""

from typing import Any

from gunicorn.glogging import Logger

from practice.log_filters import redact_query, redact_value


class RedactingLogger(Logger):
    def atoms(self, resp: Any, req: Any, environ: dict, request_time: Any) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        path = environ.get("PATH_INFO", "")
        masked = {key: redact_value(value) for key, value in atoms.items()}
        masked["q"] = redact_query(path, atoms.get("q") or "")
        return masked
