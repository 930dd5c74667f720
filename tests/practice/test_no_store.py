"""Nothing private is cached: every URL, for every persona, says no-store unless it is public."""

import pytest
from django.urls import reverse

from practice.middleware import PUBLIC_URL_NAMES
from tests.test_url_access import PERSONAS, World, access_table

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", sorted(access_table()))
def test_every_response_but_a_public_page_to_a_visitor_says_no_store(
    name, client, alice, bob, dana, sam
):
    world = World(alice=alice, bob=bob, dana=dana, sam=sam)
    url = reverse(name, kwargs=access_table()[name].get("kwargs", lambda _world: {})(world))
    for persona in PERSONAS:
        client.logout()
        if persona != "anonymous":
            client.force_login(getattr(world, persona))
        cache_control = client.get(url).get("Cache-Control", "")
        if persona == "anonymous" and name in PUBLIC_URL_NAMES:
            assert "no-store" not in cache_control, url
        else:
            assert "no-store" in cache_control, (url, persona, cache_control)


def test_the_admin_and_a_missing_page_say_no_store(client, sam):
    assert "no-store" in client.get("/no-such-page/")["Cache-Control"]
    client.force_login(sam)
    assert "no-store" in client.get("/admin/")["Cache-Control"]
    assert "no-store" in client.get("/")["Cache-Control"]  # the header names a logged-in person
