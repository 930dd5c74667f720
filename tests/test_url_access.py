"""Walk every URL in the URLconf as each kind of person and compare with the committed tables.

A URL missing from the tables fails: access is denied by default, and every new page must say
who may open it. The tables live beside each app's tests (tests/<app>/url_access.py).
"""

import importlib
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

TABLE_MODULES = [
    "tests.practice.url_access",
    "tests.scheduling.url_access",
    "tests.intake.url_access",
    "tests.consent.url_access",
]
PERSONAS = ["anonymous", "alice", "bob", "dana", "sam"]
IGNORED_PREFIXES = ("admin/", "^media/", "media/")


def url_names() -> set[str]:
    names = set()

    def walk(patterns, namespace="", prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, [namespace, pattern.namespace]))
                walk(pattern.url_patterns, inner, route)
            elif isinstance(pattern, URLPattern) and not route.startswith(IGNORED_PREFIXES):
                names.add(":".join(filter(None, [namespace, pattern.name])))

    walk(get_resolver().url_patterns)
    return names


def access_table() -> dict:
    table = {}
    for module_name in TABLE_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue
        table.update(module.URL_ACCESS)
    return table


@dataclass
class World:
    """The people and records that URLs are opened against."""

    alice: object
    bob: object
    dana: object
    sam: object


def test_every_url_is_in_an_access_table():
    missing = url_names() - access_table().keys()
    stale = access_table().keys() - url_names()
    assert not missing, (
        f"URLs with no access rule (add them to tests/<app>/url_access.py): {missing}"
    )
    assert not stale, f"access rules for URLs that no longer exist: {stale}"


def outcome(response) -> str:
    if response.status_code == 302 and "/accounts/login/" in response.url:
        return "login"
    return str(response.status_code)


@pytest.mark.parametrize("name", sorted(access_table()))
def test_each_persona_gets_what_the_table_says(name, client, alice, bob, dana, sam):
    rule = access_table()[name]
    world = World(alice=alice, bob=bob, dana=dana, sam=sam)
    kwargs = rule.get("kwargs", lambda _world: {})(world)
    url = reverse(name, kwargs=kwargs)
    got = {}
    for persona in PERSONAS:
        client.logout()
        if persona != "anonymous":
            client.force_login(getattr(world, persona))
        got[persona] = outcome(client.get(url))
    expected = {persona: rule[persona] for persona in PERSONAS}
    assert got == expected, f"{url} gave {got}"
