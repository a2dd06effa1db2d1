"""vssid_portal.form_renderer writes <input>s and <select>s in Python: the HTML must be what
Django's widget templates write, byte for byte, for every widget and every form."""
import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from vssid_portal.form_renderer import (
    INPUT_TEMPLATES,
    OPTION_TEMPLATE,
    SELECT_TEMPLATE,
    PortalFormRenderer,
)

pytestmark = pytest.mark.django_db

FAST, TEMPLATES = PortalFormRenderer(), DjangoTemplates()

ATTRS = [
    None,
    {"id": "id_x", "class": "a b", "required": True, "disabled": False},
    {"data-x": 'quote " and <tag> & \'apos\'', "maxlength": 10, "tabindex": 0},
    {"aria-describedby": "id_x_error id_x_helptext", "aria-invalid": "true",
     "placeholder": gettext_lazy("Chọn tỉnh/thành phố"), "data-safe": mark_safe("<b>")},
]
VALUES = [None, "", "Nguyễn Văn A", 'a"<b>&\'', 0, 12.5, mark_safe("<i>safe</i>"),
          datetime.date(2026, 1, 31)]
INPUTS = [forms.TextInput, forms.SearchInput, forms.PasswordInput, forms.HiddenInput,
          forms.EmailInput, forms.NumberInput, forms.URLInput, forms.TelInput,
          forms.DateInput, forms.TimeInput, forms.DateTimeInput, forms.ColorInput,
          forms.CheckboxInput]
CHOICES = [
    [("", "---------"), ("01", "Hà Nội"), ("48", "Đà Nẵng"), ("79", 'TP "HCM" <&>')],
    [("", gettext_lazy("Tất cả tỉnh/thành phố")), (1, "one"), (2, mark_safe("<b>two</b>"))],
    [("Miền Bắc", [("01", "Hà Nội"), ("02", "Hà Giang")]), ("48", "Đà Nẵng"),
     ("Miền Nam", [("79", "TP Hồ Chí Minh")])],
    [],
]


def both(widget, name, value, attrs) -> tuple[str, str]:
    return (widget.render(name, value, attrs, renderer=FAST),
            widget.render(name, value, attrs, renderer=TEMPLATES))


@pytest.mark.parametrize("widget_class", INPUTS)
@pytest.mark.parametrize("attrs", ATTRS)
def test_inputs_are_written_as_the_templates_write_them(widget_class, attrs):
    for value in [*VALUES, True, False]:
        for widget in (widget_class(), widget_class(attrs={"class": "w", "autocomplete": "off"})):
            fast, slow = both(widget, "field", value, attrs)
            assert fast == slow, (widget_class, value, attrs)


@pytest.mark.parametrize("choices", CHOICES)
@pytest.mark.parametrize("attrs", ATTRS)
def test_selects_are_written_as_the_templates_write_them(choices, attrs):
    for value in [None, "", "01", "48", 1, ["01"], ["01", "79"], "79", "not a choice"]:
        for widget in (forms.Select(choices=choices), forms.SelectMultiple(choices=choices)):
            fast, slow = both(widget, "province", value, attrs)
            assert fast == slow, (choices, value, attrs)
    for value in (None, True, False, "true", "unknown"):
        fast, slow = both(forms.NullBooleanSelect(), "answer", value, attrs)
        assert fast == slow, (value, attrs)


def test_what_needs_the_templates_still_goes_through_them():
    class OwnOption(forms.Select):
        option_template_name = "django/forms/widgets/radio_option.html"

    widget = OwnOption(choices=[("1", "one")])
    assert both(widget, "x", "1", None)[0] == both(widget, "x", "1", None)[1]
    dated = forms.Select(choices=[(1, datetime.date(2026, 1, 31)), (2, 1234.5)])
    assert both(dated, "x", 1, None)[0] == both(dated, "x", 1, None)[1]
    text = forms.Textarea()
    assert both(text, "x", "a\nb", None)[0] == both(text, "x", "a\nb", None)[1]


def test_no_app_overrides_the_templates_written_in_python():
    """An app that overrode one of these templates would be ignored by the fast path."""
    django_dir = "django/forms/templates/django/forms/widgets/"
    attrs = "django/forms/widgets/attrs.html"
    for name in [*INPUT_TEMPLATES, SELECT_TEMPLATE, OPTION_TEMPLATE, attrs]:
        origin = FAST.get_template(name).origin.name.replace("\\", "/")
        assert django_dir in origin and "site-packages/django/" in origin, name


def _portal_forms(rf):
    from accounts import forms as account_forms
    from declarations import forms as declaration_forms
    from registry import forms as registry_forms

    request = rf.get("/")
    request.session = {}
    offices = {"office_choices": [("00106", "(00106) BHXH TP. Hà Nội - BHXH cơ sở Đống Đa"),
                                  ("001", "(001) BHXH TP. Hà Nội")]}
    yield registry_forms.BhxhCodeLookupForm, {"request": request}
    yield registry_forms.DirectorySearchForm, {}
    yield registry_forms.FacilitySearchForm, {}
    yield account_forms.LoginForm, {"request": request}
    for name in ("InitialPasswordForm", "OTPForm", "PasswordResetRequestForm",
                 "StaffOTPConfirmForm"):
        yield getattr(account_forms, name), {}
    for name in ("PersonalDataForm", "PhotosForm", "ReviewForm", "StatusLookupForm",
                 "ChildForm", "ChildPhotosForm", "CommitmentForm"):
        yield getattr(declaration_forms, name), {}
    yield declaration_forms.OfficeForm, offices
    yield declaration_forms.ChildOfficeForm, offices


def test_every_portal_form_renders_the_same(rf):
    from tests.registry.factories import ProvinceFactory

    ProvinceFactory(code="01", name="Hà Nội")
    ProvinceFactory(code="48", name="Đà Nẵng")
    bad = {"province": "zz", "q": "<script>", "full_name": "", "date_of_birth": "31/02/1990",
           "office": "nope", "username": "x" * 300, "number": "?", "bhxh_code": "1"}
    good = {"province": "48", "q": "dong da", "office": "001", "accepts_registration": "on"}
    rendered = 0
    for form_class, kwargs in _portal_forms(rf):
        for data in (None, bad, good):
            fast = form_class(data=data, renderer=FAST, **kwargs)
            slow = form_class(data=data, renderer=TEMPLATES, **kwargs)
            if data:
                fast.is_valid()
                slow.is_valid()
            for name in fast.fields:
                assert str(fast[name]) == str(slow[name]), (form_class, name, data)
                rendered += 1
            assert str(fast) == str(slow), form_class
    assert rendered > 100


def test_the_portal_uses_it(settings):
    from django.forms.renderers import get_default_renderer

    assert settings.FORM_RENDERER == "vssid_portal.form_renderer.PortalFormRenderer"
    assert isinstance(get_default_renderer(), PortalFormRenderer)
