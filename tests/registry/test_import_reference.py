"""import_offices and import_facilities."""
import io

import pytest
from django.core.management import call_command

from registry.importers import import_facilities, import_offices
from registry.models import HealthFacility, Office
from tests.registry.factories import ProvinceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def provinces():
    ProvinceFactory(code="01", name="Hà Nội")
    ProvinceFactory(code="48", name="Đà Nẵng")


def reasons(report) -> dict[int, str]:
    return {rejection.line: rejection.reason for rejection in report.rejected}


def csv_bytes(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode("utf-8-sig"))


def test_offices_levels_parents_and_provinces_are_derived_from_codes():
    text = (
        "code,name,level,parent_code,province_code,address,phone,receives_declarations\n"
        "00106,BHXH cơ sở  Đống Đa,,,,,,1\n"  # before its parent in the file: sorted in batch
        "000,BHXH Việt Nam,,,,,,0\n"
        "001,BHXH TP. Hà Nội,tỉnh,,,,,\n"
        "04801,BHXH cơ sở Hải Châu,local,,48,,,có\n"  # its parent 048 is not there: no parent
        "00199,BHXH cơ sở X,local,00777,,,,\n"  # named parent missing: rejected
        "0A1,Bad,,,,,,\n"
        "001,Duplicate,,,,,,\n"
        "00107,BHXH cơ sở Y,cấp lạ,,,,,\n"
        "00108,BHXH cơ sở Z,,,99,,,\n"
        "00109,BHXH cơ sở W,,,,,,maybe\n"
    )
    report = import_offices(csv_bytes(text))
    assert (report.created, report.updated) == (4, 0)
    assert sorted(reasons(report)) == [6, 7, 8, 9, 10, 11]
    assert "00777" in reasons(report)[6] and "dòng 4" in reasons(report)[8]
    dong_da = Office.objects.get(code="00106")
    assert dong_da.name == "BHXH cơ sở Đống Đa" and dong_da.level == Office.Level.LOCAL
    assert dong_da.parent.code == "001" and dong_da.province.code == "01"
    assert Office.objects.get(code="001").parent.code == "000"
    central = Office.objects.get(code="000")
    assert central.level == Office.Level.CENTRAL and central.province is None
    assert not central.receives_declarations
    hai_chau = Office.objects.get(code="04801")
    assert hai_chau.parent is None and hai_chau.province.code == "48"
    again = import_offices(csv_bytes(text))
    assert (again.created, again.updated) == (0, 4)


def test_facilities():
    text = (
        "code,name,province_code,level,accepts_registration,address\n"
        "01 - C54,Trạm Y tế phường Láng,01,xã,1,phường Láng\n"
        "48001,Bệnh viện Đà Nẵng,,tuyến tỉnh,0,\n"
        "01C5,Too short,01,xã,1,\n"
        "48002,Wrong province,01,tỉnh,1,\n"
        "48003,Bad level,48,khu vực,1,\n"
        "01c54,Duplicate,01,xã,1,\n"
        "48004,,48,tỉnh,1,\n"
        "99001,Unknown province,,tỉnh,1,\n"
    )
    report = import_facilities(csv_bytes(text))
    assert (report.created, report.updated) == (2, 0)
    assert sorted(reasons(report)) == [4, 5, 6, 7, 8, 9]
    lang = HealthFacility.objects.get(code="01C54")
    assert lang.level == HealthFacility.Level.COMMUNE and lang.accepts_registration
    assert lang.name_folded == "tram y te phuong lang"
    dn = HealthFacility.objects.get(code="48001")
    assert dn.province.code == "48" and dn.level == "province" and not dn.accepts_registration
    again = import_facilities(csv_bytes(text))
    assert (again.created, again.updated) == (0, 2)


def test_commands_read_the_shipped_reference_files(capsys):
    call_command("load_reference_data")
    for command, path, model in (
        ("import_offices", "registry/data/offices.csv", Office),
        ("import_facilities", "registry/data/facilities.csv", HealthFacility),
    ):
        call_command(command, path)
        assert f"created=0 updated={model.objects.count()} rejected=0" in (
            capsys.readouterr().out
        )
