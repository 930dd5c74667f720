"""Markup every page shares: a description for search engines, phone links that dial."""

import re

import pytest

from practice.models import PracticeSettings
from practice.templatetags.phones import tel_uri

pytestmark = pytest.mark.django_db

DESCRIPTION = re.compile(r'<meta name="description" content="([^"]+)">')


def test_tel_links_carry_the_number_without_spaces():
    assert tel_uri("(970) 555-0142") == "tel:+19705550142"
    assert tel_uri("988") == "tel:988"
    assert tel_uri("+44 20 7946 0958") == "tel:+442079460958"


def test_the_footer_dials_the_practices_number(client):
    settings = PracticeSettings.load()
    settings.phone = "(970) 555-0142"
    settings.save()

    page = client.get("/").text

    assert '<a href="tel:+19705550142">(970) 555-0142</a>' in page
    assert 'href="tel:(' not in page


@pytest.mark.parametrize(
    "url", ["/", "/therapists/", "/first-session/", "/contact/", "/privacy/", "/scheduling/fees/"]
)
def test_each_public_page_describes_itself(client, url):
    descriptions = DESCRIPTION.findall(client.get(url).text)
    home = DESCRIPTION.findall(client.get("/").text)

    assert len(descriptions) == 1 and len(descriptions[0]) > 40
    assert url == "/" or descriptions != home


def test_every_other_page_has_the_practices_description(client, alice):
    client.force_login(alice)
    (description,) = DESCRIPTION.findall(client.get("/portal/").text)
    assert description.startswith(PracticeSettings.load().name)
