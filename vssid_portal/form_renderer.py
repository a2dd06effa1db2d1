"""The form renderer (settings.FORM_RENDERER): Django's, except that the commonest widgets —
the <input> family and <select> — are written out in Python rather than through their
templates, to the same HTML.

Django renders every widget through 2-3 nested templates, and every option of a select
through two more: ~0.1 ms per text box and ~25 µs per option, so ~0.3 ms of the login page
and ~1 ms of a look-up form with its province select. The output is the
templates' exactly, whitespace included (the renderer strips the whole, as Django's does);
tests/foundation/test_form_renderer.py renders every widget kind and every form of the
portal both ways and compares. Anything unusual (another option template, a label that is
not text) goes through the templates as before.
"""
from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

_WIDGETS = "django/forms/widgets/"
# Widgets whose template is nothing but {% include "django/forms/widgets/input.html" %}.
INPUT_TEMPLATES = frozenset(
    f"{_WIDGETS}{name}.html"
    for name in ("input", "text", "search", "password", "hidden", "email", "number", "tel",
                 "url", "date", "time", "datetime", "color", "checkbox")
)
SELECT_TEMPLATE = f"{_WIDGETS}select.html"
OPTION_TEMPLATE = f"{_WIDGETS}select_option.html"


class _Slow(Exception):
    """This widget needs the templates."""


def _text(value) -> str:
    """{{ value }} of a text value (anything else is left to the templates: they localise
    numbers and dates)."""
    if isinstance(value, str | Promise):
        return conditional_escape(value)
    raise _Slow


def _formatted(value) -> str:
    """{{ value|stringformat:'s' }}: str() of the value, escaped unless it is safe."""
    text = str(value)  # what "%s" % value gives (a tuple is made a str first there too)
    return text if isinstance(value, SafeData) else conditional_escape(text)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(" " + _text(name))
        if value is not True:
            parts.append('="' + _formatted(value) + '"')
    return "".join(parts)


def _input(widget: dict) -> str:
    """django/forms/widgets/input.html."""
    value = widget["value"]
    return "".join([
        '<input type="', _text(widget["type"]), '" name="', _text(widget["name"]), '"',
        "" if value is None else ' value="' + _formatted(value) + '"',
        _attrs(widget["attrs"]), ">",
    ])


def _select(widget: dict) -> str:
    """django/forms/widgets/select.html with select_option.html for each option (whose
    file ends with a line break, kept as the include keeps it)."""
    parts = ['<select name="', _text(widget["name"]), '"', _attrs(widget["attrs"]), ">"]
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append('\n  <optgroup label="' + _text(group_name) + '">')
        for option in group_choices:
            if option["template_name"] != OPTION_TEMPLATE:
                raise _Slow
            parts.append('\n  <option value="' + _formatted(option["value"]) + '"'
                         + _attrs(option["attrs"]) + ">" + _text(option["label"])
                         + "</option>\n")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class PortalFormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name in INPUT_TEMPLATES or template_name == SELECT_TEMPLATE:
            widget = context.get("widget")
            if isinstance(widget, dict):
                try:
                    html = _select(widget) if template_name == SELECT_TEMPLATE else _input(widget)
                except _Slow:
                    pass
                else:
                    return mark_safe(html.strip())
        return super().render(template_name, context, request)
