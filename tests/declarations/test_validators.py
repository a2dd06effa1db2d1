import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from declarations.validators import (
    validate_bhxh_code,
    validate_cccd,
    validate_cmnd,
    validate_id_number,
    validate_passport,
)
from registry.identity import cccd_birth_century_and_sex


@pytest.fixture(autouse=True)
def _vietnamese():
    # Another test's English request leaves English active in this thread.
    with translation.override("vi"):
        yield


def test_bhxh_code_shape():
    assert validate_bhxh_code(" 0123456789 ") == "0123456789"
    for bad in ["012345678", "01234567890", "01234x6789", ""]:
        with pytest.raises(ValidationError):
            validate_bhxh_code(bad)


@pytest.mark.parametrize(
    "number, century, sex",
    [("001090123456", 1900, "M"), ("001190123456", 1900, "F"), ("079205123456", 2000, "M"),
     ("079305123456", 2000, "F"), ("001400123456", 2100, "M"), ("001500123456", 2100, "F")],
)
def test_century_and_sex_digit(number, century, sex):
    assert cccd_birth_century_and_sex(number) == (century, sex)


def test_cccd_agreeing_with_dob_and_sex():
    assert validate_cccd(
        "001 190 012345", date_of_birth=datetime.date(1990, 5, 17), sex="F"
    ) == "001190012345"
    assert validate_cccd("079205123456", date_of_birth=datetime.date(2005, 1, 2), sex="M")
    assert validate_cccd("079205123456", birth_year=2005)


def test_cccd_wrong_year_refused():
    with pytest.raises(ValidationError) as info:
        validate_cccd("001190012345", date_of_birth=datetime.date(1991, 5, 17), sex="F")
    assert "năm sinh 1990" in info.value.messages[0]


def test_cccd_wrong_century_refused():
    # Digit 3 means a woman born in the 2000s: not someone born in 1990.
    with pytest.raises(ValidationError):
        validate_cccd("001390012345", date_of_birth=datetime.date(1990, 5, 17), sex="F")


def test_cccd_wrong_sex_refused():
    with pytest.raises(ValidationError) as info:
        validate_cccd("001090012345", date_of_birth=datetime.date(1990, 5, 17), sex="F")
    assert "giới tính" in info.value.messages[0]


def test_cccd_both_mismatches_reported():
    with pytest.raises(ValidationError) as info:
        validate_cccd("001095012345", date_of_birth=datetime.date(1990, 5, 17), sex="F")
    assert len(info.value.messages) == 2


@pytest.mark.parametrize(
    "bad", ["00119001234", "0011900123456", "00119001234a", "003190012345", "000190012345"]
)
def test_cccd_shape_and_province_refused(bad):
    with pytest.raises(ValidationError):
        validate_cccd(bad)


def test_cmnd():
    assert validate_cmnd("123456789") == "123456789"
    assert validate_cmnd("123456789012") == "123456789012"
    for bad in ["12345678", "1234567890", "12345678a"]:
        with pytest.raises(ValidationError):
            validate_cmnd(bad)


def test_passport():
    assert validate_passport("c1234567") == "C1234567"
    for bad in ["C123456", "CC123456", "12345678", "C12345678"]:
        with pytest.raises(ValidationError):
            validate_passport(bad)


def test_dispatch_on_id_type():
    assert validate_id_number("passport", "B7654321") == "B7654321"
    assert validate_id_number("cmnd", "123456789") == "123456789"
    with pytest.raises(ValidationError):
        validate_id_number("cccd", "001090012345", sex="F")
    with pytest.raises(ValidationError):
        validate_id_number("driving_licence", "123")
