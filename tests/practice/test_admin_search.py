"""Admin searches post: the term is in no URL, Location, link or log line (admin_search.py)."""

import html
import logging
import re
from urllib.parse import unquote_plus

import pytest
from django.contrib import admin

from practice.admin_search import SearchByPostMixin
from practice.log_filters import redact_query
from tests.factories import make_client

pytestmark = pytest.mark.django_db

USERS = "/admin/practice/user/"
TERM = "Canarysearchqx"


@pytest.fixture
def searched(client, sam):
    make_client(email="someone@example.org", first_name=TERM, last_name="Moreno")
    make_client(email="other@example.org", first_name="Other")
    client.force_login(sam)
    return client.post(USERS, {"_search": "1", "q": TERM})


def urls_on(page: str) -> list[str]:
    found = re.findall(r'(?:href|action)="([^"]*)"', page)
    return [unquote_plus(html.unescape(url)) for url in found]


def test_a_search_posts_and_lands_on_a_reference_not_the_term(client, searched):
    assert searched.status_code == 302
    assert re.fullmatch(r"/admin/practice/user/\?_s=[\w-]+", searched.url)
    page = client.get(searched.url).text
    assert "someone@example.org" in page and "other@example.org" not in page
    assert f'value="{TERM}"' in page  # the box shows what was searched
    assert urls_on(page) and not [url for url in urls_on(page) if TERM in url]


def test_sorting_filtering_and_the_way_back_from_a_record_keep_the_search(client, searched):
    page = client.get(searched.url).text
    ref = searched.url.split("_s=")[1]
    sort = next(url for url in urls_on(page) if "o=" in url and "_s=" in url)
    assert "someone@example.org" in client.get(USERS + sort).text
    role = client.get(f"{USERS}?_s={ref}&role__exact=client").text
    assert "someone@example.org" in role and "other@example.org" not in role
    record = next(url for url in urls_on(page) if "/change/" in url)
    assert f"_changelist_filters=_s={ref}" in record and TERM not in record


def test_show_all_and_an_empty_search_clear_it(client, searched):
    again = client.post(searched.url, {"_search": "1", "_all": "1", "q": TERM})
    assert again.url == USERS
    assert "other@example.org" in client.get(again.url).text
    assert client.post(USERS, {"_search": "1", "q": "  "}).url == USERS


def test_a_forgotten_reference_shows_the_whole_list(client, sam):
    make_client(email="someone@example.org")
    client.force_login(sam)
    response = client.get(f"{USERS}?_s=not-a-search-of-this-session")
    assert response.status_code == 200 and "someone@example.org" in response.text


def test_no_log_line_or_location_holds_the_term(client, searched, caplog):
    caplog.set_level(logging.DEBUG)
    page = client.get(searched.url)
    client.post(searched.url, {"_search": "1", "q": TERM + "x"})
    assert TERM not in searched.url and page.status_code == 200
    logged = caplog.text + "".join(str(record.__dict__) for record in caplog.records)
    assert TERM not in logged


def test_an_action_posted_from_a_search_works_on_the_searched_list(client, sam, alice):
    make_client(email="other@example.org")
    client.force_login(sam)
    searched = client.post(USERS, {"_search": "1", "q": "alice"})
    # The action form posts to the page's own address: the reference, never the term.
    response = client.post(searched.url, {"action": "", "_selected_action": [alice.pk]})
    assert "alice@example.org" in response.text and "other@example.org" not in response.text


def test_every_admin_with_a_search_searches_by_post():
    import practice.urls  # noqa: F401  (the URLconf gives every registered admin the posted search)

    searching = [a for a in admin.site._registry.values() if a.search_fields]
    assert len(searching) >= 8  # ours, Django's and allauth's
    assert all(isinstance(model_admin, SearchByPostMixin) for model_admin in searching)


def test_autocomplete_terms_are_masked_in_access_logs():
    assert redact_query("/admin/autocomplete/", "term=alice&app_label=practice") == (
        "term=[search]&app_label=practice"
    )
