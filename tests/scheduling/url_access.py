"""Who may open each scheduling URL (see tests/practice/url_access.py for the notation)."""

THERAPISTS = {"anonymous": "login", "alice": "403", "bob": "403", "dana": "200", "sam": "403"}

URL_ACCESS = {
    "scheduling:calendar": THERAPISTS,
}
