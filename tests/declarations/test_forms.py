"""The registration form's date of birth: dd/mm/yyyy, like every web form (issue #12 item
9.6); the API keeps ISO 8601."""
import datetime

import pytest
from django.utils import translation

from declarations.forms import PersonalDataForm


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


def _date_errors(typed: str) -> list[str]:
    form = PersonalDataForm({"date_of_birth": typed})
    form.is_valid()
    return form.errors.get("date_of_birth", [])


def test_date_of_birth_is_a_numeric_text_field_in_dd_mm_yyyy():
    html = str(PersonalDataForm()["date_of_birth"])
    assert 'type="date"' not in html
    for attribute in ('type="text"', 'inputmode="numeric"', 'placeholder="dd/mm/yyyy"',
                      'autocomplete="bday"'):
        assert attribute in html, attribute
    # A draft keeps the date as ISO 8601: shown again as the citizen typed it.
    html = str(PersonalDataForm(initial={"date_of_birth": "1990-03-05"})["date_of_birth"])
    assert 'value="05/03/1990"' in html


@pytest.mark.parametrize("typed", ["05/03/1990", "5/3/1990", "05031990", "1990-03-05"])
def test_date_of_birth_accepts_dd_mm_yyyy(typed):
    form = PersonalDataForm({"date_of_birth": typed})
    form.is_valid()
    assert form.cleaned_data["date_of_birth"] == datetime.date(1990, 3, 5)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Vui lòng nhập ngày sinh."),
        ("1990", "Nhập đủ ngày, tháng và năm sinh, ví dụ 17/05/1990."),
        ("30/02/1990", "Ngày sinh không tồn tại."),
        ("1990/03/05", "Nhập ngày sinh dạng ngày/tháng/năm, ví dụ 17/05/1990."),
    ],
)
def test_date_of_birth_errors_say_what_to_type(typed, message):
    assert _date_errors(typed) == [message]
