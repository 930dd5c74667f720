"""Print wapiti's JSON reports as a short list; exit 1 on an unreviewed finding of medium or higher.

Usage: wapiti_summary.py REPORT.json [REPORT.json ...]. README.md ("Security") explains the
output. A finding is "reviewed" only by a rule below that checks the finding itself and says
why it is harmless here; anything else of medium level or higher fails `make security`.
"""

# ruff: noqa: T201  (a report printer)
import json
import sys
from collections import defaultdict
from pathlib import Path

LEVELS = {0: "info", 1: "low", 2: "medium", 3: "high", 4: "critical"}


def review(category: str, item: dict) -> str | None:
    """Why this finding is not a problem here, or None."""
    info = item.get("info", "")
    django_token = "csrfmiddlewaretoken=" in item.get("http_request", "")
    if (
        category == "Cross Site Request Forgery"
        and info == "Lack of anti CSRF token"
        and django_token
    ):
        return (
            "the form sends Django's csrfmiddlewaretoken, a name wapiti 3.0.4 does not know; "
            "CsrfViewMiddleware refuses a POST without a valid one (403)"
        )
    if category == "HTTP Secure Headers" and "X-XSS-Protection" in info:
        return "a retired header browsers ignore; the Content-Security-Policy does its job"
    if category == "HttpOnly Flag cookie" and info.endswith(": csrftoken"):
        return "Django's CSRF cookie, where HttpOnly adds nothing; the session cookie has it"
    return None


def main(paths: list[str]) -> int:
    unexplained = 0
    for path in paths:
        report = json.loads(Path(path).read_text())
        print(f"-- {Path(path).stem}: {report.get('infos', {}).get('target', '?')}")
        groups: dict[tuple[int, str, str, str], list[str]] = defaultdict(list)
        for section in ("vulnerabilities", "anomalies"):
            for category, items in report.get(section, {}).items():
                for item in items:
                    key = (int(item.get("level", 0)), category, item.get("info", ""))
                    reason = review(category, item) or ""
                    if key[0] >= 2 and not reason:
                        unexplained += 1
                    groups[(*key, reason)].append(f"{item.get('method', '')} {item.get('path')}")
        for (level, category, info, reason), where in sorted(groups.items(), reverse=True):
            shown = ", ".join(where[:3]) + (f" and {len(where) - 3} more" if len(where) > 3 else "")
            print(f"  {LEVELS.get(level, level):8} {category}: {info} ({len(where)}x: {shown})")
            print(f"           {'reviewed: ' + reason if reason else 'NOT REVIEWED'}")
        if not groups:
            print("  no findings")
    print(f"wapiti: {unexplained} unreviewed finding(s) of medium level or higher")
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
