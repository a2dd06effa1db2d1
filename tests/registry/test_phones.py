import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from registry.phones import mask_phone, normalize_vn_mobile


@pytest.fixture(autouse=True)
def _vietnamese():
    # Another test's English request leaves English active in this thread.
    with translation.override("vi"):
        yield


@pytest.mark.parametrize(
    "typed",
    ["0912 345 678", "+84912345678", "84912345678", "0912.345.678", "0912-345-678",
     "0084912345678", " 0912345678 "],
)
def test_accepted_forms_normalise_to_e164(typed):
    assert normalize_vn_mobile(typed) == "+84912345678"


@pytest.mark.parametrize(
    "typed, expected",
    [("0312345678", "+84312345678"), ("0561234567", "+84561234567"),
     ("0761234567", "+84761234567"), ("0871234567", "+84871234567"),
     ("0987654321", "+84987654321")],
)
def test_every_mobile_range(typed, expected):
    assert normalize_vn_mobile(typed) == expected


@pytest.mark.parametrize(
    "typed",
    ["0241234567",  # Hà Nội landline
     "0212345678",  # landline area code
     "091234567",  # too short
     "09123456789",  # too long
     "+14155552671",  # not Vietnamese
     "0912abc678", "84", "+84 abc"],
)
def test_refused(typed):
    with pytest.raises(ValidationError) as info:
        normalize_vn_mobile(typed)
    assert "Số điện thoại di động không hợp lệ" in info.value.messages[0]


def test_empty_is_required():
    with pytest.raises(ValidationError) as info:
        normalize_vn_mobile("  ")
    assert info.value.code == "required"


def test_mask_shows_last_three_digits_only():
    assert mask_phone("+84912345678") == "···678"
    assert mask_phone("") == ""
