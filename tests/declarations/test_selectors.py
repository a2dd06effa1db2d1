import pytest

from declarations.selectors import office_label
from tests.declarations.review_helpers import two_provinces

pytestmark = pytest.mark.django_db


def test_each_office_is_labelled_with_its_own_code():
    offices = two_provinces()
    assert office_label(offices.dongda) == "(00121) BHXH TP. Hà Nội - BHXH cơ sở Đống Đa"
    assert office_label(offices.badinh) == "(00122) BHXH TP. Hà Nội - BHXH cơ sở Ba Đình"
    assert office_label(offices.quan1) == "(07901) BHXH TP. Hồ Chí Minh - BHXH cơ sở Quận 1"
    assert office_label(offices.hanoi) == "(001) BHXH TP. Hà Nội"
    # Two local offices of one province never share a code in their labels.
    assert "(001)" not in office_label(offices.dongda) + office_label(offices.badinh)
