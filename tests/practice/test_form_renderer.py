"""Forms render with Django's Jinja2 form templates (practice/form_renderer.py) to the same
HTML as with its own template engine."""

import re

import pytest
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.http import QueryDict
from django.template.backends import django, jinja2

from intake.forms import QueueFilterForm
from practice import signup
from tests.factories import make_therapist

pytestmark = pytest.mark.django_db


def same_html(form) -> tuple[str, str]:
    """The form as a page writes it, with our renderer and with Django's; whitespace between
    tags and inside labels aside, which HTML ignores."""

    def written(renderer) -> str:
        form.renderer = renderer
        html = "".join(field.as_field_group() for field in form) + str(form.non_field_errors())
        return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()

    ours = written(get_default_renderer())  # the FORM_RENDERER setting's
    return ours, written(DjangoTemplates())


def test_fields_render_with_jinja2_and_the_admins_widgets_with_django():
    renderer = get_default_renderer()
    assert isinstance(renderer.get_template("django/forms/field.html"), jinja2.Template)
    wrapper = renderer.get_template("admin/widgets/related_widget_wrapper.html")
    assert isinstance(wrapper, django.Template)


def test_the_sign_up_form_is_written_alike_blank_and_with_errors():
    ours, djangos = same_html(signup.sign_up_form(time_zone="America/Denver"))
    assert ours == djangos and 'name="first_name"' in ours
    posted = QueryDict("first_name=Ro&email=not-an-address&password1=short", mutable=True)
    ours, djangos = same_html(signup.sign_up_form(posted, time_zone="Europe/Berlin"))
    assert ours == djangos and 'aria-invalid="true"' in ours


def test_a_staff_filter_with_selects_and_dates_is_written_alike():
    therapist = make_therapist()
    form = QueueFilterForm({"sent_from": "yesterday"}, therapists=[therapist])
    ours, djangos = same_html(form)
    assert ours == djangos and "Terry Hale" in ours and "<select" in ours
