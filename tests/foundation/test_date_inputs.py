"""One way to enter a date in the web forms: typed dd/mm/yyyy (registry.forms.BirthDateInput),
never the phone's native date picker (issue #12 item 9.6). The admin keeps Django's own."""
import importlib

from django import forms
from django.apps import apps

from registry.forms import BirthDateInput


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_no_web_form_asks_for_a_date_with_a_date_picker():
    for app in apps.get_app_configs():
        if app.name.split(".")[0] in {"audit", "registry", "accounts", "declarations",
                                      "guardians", "notifications", "vssid_portal"}:
            try:
                importlib.import_module(f"{app.name}.forms")
            except ModuleNotFoundError:
                continue
    checked = []
    for form in _subclasses(forms.Form):
        if form.__module__.split(".")[0] not in {"registry", "accounts", "declarations",
                                                 "guardians", "vssid_portal"}:
            continue
        for name, field in form.base_fields.items():
            widget = field.widget
            assert not isinstance(widget, forms.DateInput), f"{form.__name__}.{name}"
            assert widget.attrs.get("type") != "date", f"{form.__name__}.{name}"
            if isinstance(field, forms.DateField) or name == "date_of_birth":
                assert isinstance(widget, BirthDateInput), f"{form.__name__}.{name}"
                checked.append(f"{form.__name__}.{name}")
    assert {"PersonalDataForm.date_of_birth", "BhxhCodeLookupForm.date_of_birth"} <= set(checked)
