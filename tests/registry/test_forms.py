"""Dates of birth in the web forms: typed dd/mm/yyyy on the number pad (issue #12 item 9.6)."""
import datetime

import pytest
from django import forms
from django.test import RequestFactory

from registry.forms import BhxhCodeLookupForm, BirthDateField, BirthDateInput, parse_birth_date

MARCH_5 = datetime.date(1990, 3, 5)


@pytest.mark.parametrize(
    "typed", ["05/03/1990", "5/3/1990", " 05 / 03 / 1990 ", "05.03.1990", "05-03-1990",
              "05 03 1990", "05031990", "1990-03-05"],
)
def test_a_date_is_read_day_first_in_every_way_a_phone_types_it(typed):
    assert parse_birth_date(typed) == MARCH_5
    assert parse_birth_date(typed, allow_year=False) == MARCH_5


@pytest.mark.parametrize(
    ("typed", "code", "message"),
    [
        ("1990", "year_only", "Nhập đủ ngày, tháng và năm sinh, ví dụ 17/05/1990."),
        ("31/02/1990", "invalid_date", "Ngày sinh không tồn tại."),
        ("1990/03/05", "format", "Nhập ngày sinh dạng ngày/tháng/năm, ví dụ 17/05/1990."),
        ("5 tháng 3", "format", "Nhập ngày sinh dạng ngày/tháng/năm, ví dụ 17/05/1990."),
        ("05/03/2999", "date_range", "Ngày sinh phải từ năm 1900 đến hôm nay."),
        ("05/03/1850", "date_range", "Ngày sinh phải từ năm 1900 đến hôm nay."),
    ],
)
def test_bad_dates_get_a_clear_vietnamese_message(typed, code, message):
    with pytest.raises(forms.ValidationError) as caught:
        parse_birth_date(typed, allow_year=False)
    assert caught.value.code == code
    assert caught.value.messages == [message]


def test_a_year_alone_where_the_registry_may_hold_only_the_year():
    assert parse_birth_date("1990") == 1990
    with pytest.raises(forms.ValidationError) as caught:
        parse_birth_date("5 tháng 3")
    assert caught.value.messages == [
        "Nhập ngày sinh dạng ngày/tháng/năm (ví dụ 17/05/1990) hoặc chỉ năm sinh (ví dụ 1990)."
    ]


def test_the_api_keeps_iso_8601():
    assert parse_birth_date("1990-03-05", allow_day_first=False) == MARCH_5
    for typed in ("05/03/1990", "05031990"):
        with pytest.raises(forms.ValidationError):
            parse_birth_date(typed, allow_day_first=False)


def test_the_widget_is_a_numeric_text_field_showing_dd_mm_yyyy():
    html = BirthDateInput().render("date_of_birth", MARCH_5)
    for attribute in ('type="text"', 'inputmode="numeric"', 'placeholder="dd/mm/yyyy"',
                      'autocomplete="bday"', 'maxlength="10"', 'value="05/03/1990"'):
        assert attribute in html, attribute
    assert 'type="date"' not in html
    # A draft's ISO date is shown dd/mm/yyyy; what was typed and did not parse, as typed.
    assert 'value="05/03/1990"' in BirthDateInput().render("d", "1990-03-05")
    assert 'value="1990"' in BirthDateInput().render("d", "1990")
    assert 'value="31/02/1990"' in BirthDateInput().render("d", "31/02/1990")
    assert 'value="1990-02-31"' in BirthDateInput().render("d", "1990-02-31")
    assert 'autocomplete="off"' in BirthDateInput(own=False).render("d", "")


def test_the_field_gives_a_date_or_with_allow_year_a_year():
    assert BirthDateField().clean("05/03/1990") == MARCH_5
    assert BirthDateField(allow_year=True).clean("1990") == 1990
    with pytest.raises(forms.ValidationError):
        BirthDateField().clean("1990")
    with pytest.raises(forms.ValidationError) as caught:
        BirthDateField().clean("05/03/1990\x00")
    assert caught.value.code == "control_characters"
    assert BirthDateField(required=False).clean("") is None


def test_the_bhxh_code_look_up_takes_dd_mm_yyyy_or_a_year():
    request = RequestFactory().get("/")
    request.session = {}
    form = BhxhCodeLookupForm(request=request)
    html = str(form["date_of_birth"])
    assert 'type="text"' in html and 'inputmode="numeric"' in html
    assert 'placeholder="dd/mm/yyyy"' in html and 'autocomplete="bday"' in html
    field = form.fields["date_of_birth"]
    assert field.clean("05/03/1990") == MARCH_5
    assert field.clean("1990") == 1990
