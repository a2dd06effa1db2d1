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


def test_offices_receiving_come_from_memory_as_the_database_has_them():
    """Served from the reference data in memory (registry.reference): the rows and order
    the database query gave, none for a malformed province, no query once loaded."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from declarations.selectors import offices_receiving, provinces_with_receiving_offices
    from registry.models import Office, Province
    from tests.registry.factories import OfficeFactory, ProvinceFactory

    offices = two_provinces()
    OfficeFactory(code="00123", name="BHXH cơ sở đóng", parent=offices.hanoi, level="local",
                  province=offices.hanoi.province, is_active=False)
    OfficeFactory(code="00124", name="BHXH cơ sở không nhận", parent=offices.hanoi,
                  level="local", province=offices.hanoi.province,
                  receives_declarations=False)
    OfficeFactory(code="000", name="BHXH Việt Nam", level="central", province=None)
    ProvinceFactory(code="48", name="Đà Nẵng")  # no office

    def database(province_code=""):
        queryset = Office.objects.filter(
            is_active=True, receives_declarations=True,
            level__in=[Office.Level.PROVINCE, Office.Level.LOCAL])
        if province_code:
            queryset = queryset.filter(province__code=province_code)
        return list(queryset.order_by("province__code", "code"))

    for code in ("", "01", "79", "48", "99"):
        assert list(offices_receiving(province_code=code)) == database(code), code
    assert [o.code for o in offices_receiving()] == ["001", "00121", "00122", "079", "07901"]
    assert offices_receiving(province_code="0\x001") == ()
    assert provinces_with_receiving_offices() == list(
        Province.objects.filter(code__in=["01", "79"]).order_by("code"))
    with CaptureQueriesContext(connection) as queries:
        labels = [office_label(office) for office in offices_receiving()]
        provinces_with_receiving_offices()
    assert len(queries) == 0
    assert labels[1] == "(00121) BHXH TP. Hà Nội - BHXH cơ sở Đống Đa"
    OfficeFactory(code="00125", name="BHXH cơ sở mới", parent=offices.hanoi, level="local",
                  province=offices.hanoi.province)
    assert "00125" in [o.code for o in offices_receiving(province_code="01")]
