# Every process (web, worker, beat, management commands, tests) imports this package first, so
# this is where zoneinfo is told to read the pinned `tzdata` package and never the host's
# /usr/share/zoneinfo: otherwise a page, a reminder and the .ics a phone reads could put one
# session at different hours whenever the host's zone files are older than the package.
import zoneinfo

zoneinfo.reset_tzpath(to=())
zoneinfo.ZoneInfo.clear_cache()

from practice.celery import app as celery_app  # noqa: E402  (after the zone database is set)

__all__ = ["celery_app"]
