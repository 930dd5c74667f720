"""How forms render: with the Jinja2 copies of its form templates that Django ships.

They write the same HTML as Django's own (tests/practice/test_form_renderer.py). Rendering a
field through Django's template engine (label, widget, attributes, errors: one template each)
was the largest part of a page with a form; Jinja2 compiles each template to Python once. The
widgets that ship only templates for Django's engine (the admin's, auth's) render with it.
"""

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class FormRenderer(Jinja2):
    def __init__(self) -> None:
        self.forms_own = DjangoTemplates()

    def get_template(self, template_name: str):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self.forms_own.get_template(template_name)
