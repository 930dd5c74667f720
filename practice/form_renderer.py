"""How forms render: widgets and field groups with Jinja2, a form's own template with Django.

Django ships Jinja2 copies of its form templates that write the same HTML. Rendering a field
through Django's template engine (label, widget, attributes, errors: one template each) was
the largest part of the pages with forms; Jinja2 compiles each template to Python once. A
form that names its own template (intake/_section_form.html) is written for Django's engine
and still renders with it.
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
