"""import_insured_persons with nasty CSV files."""
import datetime
import io
import unicodedata

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from registry.importers import ImportFileError, import_insured_persons
from registry.importers.persons import PersonImporter
from registry.models import HealthInsuranceCard, InsuredPerson
from tests.registry.factories import (
    HealthFacilityFactory,
    InsuredPersonFactory,
    OfficeFactory,
    ProvinceFactory,
)

pytestmark = pytest.mark.django_db

HEADER = "bhxh_code,full_name,date_of_birth,sex,id_number,phone,email,address,province_code\n"
TODAY = datetime.date(2026, 11, 24)


@pytest.fixture(autouse=True)
def reference():
    ProvinceFactory(code="01", name="Hà Nội")
    ProvinceFactory(code="79", name="TP Hồ Chí Minh")
    HealthFacilityFactory(code="01C54", name="Trạm Y tế phường Láng")
    OfficeFactory(code="00106", name="BHXH cơ sở Đống Đa")


def run(text: str, *, encoding: str = "utf-8", **kwargs):
    return import_insured_persons(io.BytesIO(text.encode(encoding)), today=TODAY, **kwargs)


def reasons(report) -> dict[int, str]:
    return {rejection.line: rejection.reason for rejection in report.rejected}


def test_nfd_names_bom_and_every_date_form():
    nfd = unicodedata.normalize("NFD", "Nguyễn   Thị Ánh")
    text = (
        "\ufeff" + HEADER
        + f"0100000001,{nfd},1990-05-17,Nữ,001190000001,0912 345 678,A@Example.COM,"
          "\"Số 1, phố Huế\",1\n"
        + "0100000002,TRẦN VĂN BÌNH,1950,nam,,+84 983-000-111,,,79\n"
        + "0100000003,Lê Thị Cúc,02/03/2004,F,001304000003,84978000701,,,01\n"
    )
    report = run(text)
    assert (report.created, report.updated, report.rejected) == (3, 0, [])
    anh = InsuredPerson.objects.get(bhxh_code="0100000001")
    assert anh.full_name == "Nguyễn Thị Ánh" and unicodedata.is_normalized("NFC", anh.full_name)
    assert anh.name_folded == "nguyen thi anh"
    assert (anh.date_of_birth, anh.birth_year, anh.sex) == (datetime.date(1990, 5, 17), 1990, "F")
    assert (anh.phone, anh.email, anh.address) == ("+84912345678", "A@example.com", "Số 1, phố Huế")
    assert anh.province.code == "01"
    binh = InsuredPerson.objects.get(bhxh_code="0100000002")
    assert (binh.date_of_birth, binh.birth_year, binh.sex, binh.id_number) == (
        None, 1950, "M", None)
    assert binh.phone == "+84983000111" and binh.province.code == "79"
    cuc = InsuredPerson.objects.get(bhxh_code="0100000003")
    assert cuc.date_of_birth == datetime.date(2004, 3, 2) and cuc.phone == "+84978000701"


def test_bad_lines_are_rejected_with_their_line_number_and_the_rest_imported():
    text = HEADER + "\n".join([
        "0100000001,Nguyễn Văn An,1990-01-01,Nam,001090000001,,,,01",  # 2 ok
        "12345,Bad Code,1990-01-01,Nam,,,,,01",  # 3
        "0100000003,Bad Date,1990-13-01,Nam,,,,,01",  # 4
        "0100000004,Future,2030-01-01,Nam,,,,,01",  # 5
        "0100000005,Bad Sex,1990-01-01,X,,,,,01",  # 6
        "0100000006,Bad Phone,1990-01-01,Nam,,0123,,,01",  # 7
        "0100000007,Bad Mail,1990-01-01,Nam,,,not-mail,,01",  # 8
        "0100000008,Bad Province,1990-01-01,Nam,,,,,99",  # 9
        "0100000009,Too,Many,Columns,1990-01-01,Nam,,,,,01",  # 10
        "0100000010,Too Few,1990-01-01",  # 11
        "0100000011,Bad Cccd,1990-01-01,Nam,001190000011,,,,01",  # 12 female digit
        "0100000012,Short Id,1990-01-01,Nam,12345,,,,01",  # 13
        "0100000013,Nguyễn 3 Digits,1990-01-01,Nam,,,,,01",  # 14
        ",,,,,,,,",  # 15 empty cells
        "",  # blank line: skipped silently
        "0100000001,Duplicate Code,1990-01-01,Nam,,,,,01",  # 17
        "0100000016,Duplicate Id,1990-01-01,Nam,001090000001,,,,01",  # 18
        "0100000017,Võ Thị Sáu,1933,Nữ,,,,,01",  # 19 ok
        "0100000018,Year Too Old,1850,Nam,,,,,01",  # 20
        "0100000019,Bad Date Form,17.5.90,Nam,,,,,01",  # 21
    ]) + "\n"
    report = run(text)
    assert (report.created, report.updated) == (2, 0)
    got = reasons(report)
    assert sorted(got) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17, 18, 20, 21]
    assert "10 chữ số" in got[3]
    assert "ngày có thật" in got[4]
    assert "tương lai" in got[5]
    assert "Giới tính" in got[6]
    assert "điện thoại" in got[7]
    assert "thư điện tử" in got[8]
    assert "Mã tỉnh" in got[9]
    assert "Số cột (11)" in got[10] and "Số cột (3)" in got[11]
    assert "không khớp" in got[12]
    assert "12 (CCCD)" in got[13]
    assert "chữ cái" in got[14]
    assert "dòng 2" in got[17] and "dòng 2" in got[18]
    assert "YYYY-MM-DD" in got[21]
    assert all(reason[0].isupper() for reason in got.values())
    # Reasons name the problem, not the personal data that caused it.
    assert "0123" not in got[7] and "not-mail" not in got[8] and "1990" not in got[4]
    assert InsuredPerson.objects.count() == 2


def test_lenient_id_accepts_a_cccd_that_disagrees_with_the_birth_date():
    text = HEADER + "0100000011,Bad Cccd,1990-01-01,Nam,001190000011,,,,01\n"
    assert run(text, strict_id=False).created == 1


def test_reimport_is_idempotent_and_counts_updates():
    text = HEADER + "0100000001,Nguyễn Văn An,1990-01-01,Nam,001090000001,0912345678,,,01\n"
    run(text)
    stamp = InsuredPerson.objects.get().updated_at
    report = run(text.replace("0912345678", "0983000111"))
    assert (report.created, report.updated, report.rejected) == (0, 1, [])
    person = InsuredPerson.objects.get()
    assert person.phone == "+84983000111" and person.updated_at >= stamp
    assert InsuredPerson.objects.count() == 1


def test_columns_left_out_of_the_file_are_not_touched():
    InsuredPersonFactory(bhxh_code="0100000001", phone="+84912345678", email="x@example.com")
    report = run("bhxh_code,full_name,date_of_birth,sex\n0100000001,Đỗ Văn Hải,1980,Nam\n")
    assert report.updated == 1
    person = InsuredPerson.objects.get(bhxh_code="0100000001")
    assert (person.full_name, person.birth_year, person.date_of_birth) == ("Đỗ Văn Hải", 1980, None)
    assert (person.phone, person.email) == ("+84912345678", "x@example.com")


def test_cccd_already_held_by_another_person_is_rejected_not_the_batch():
    InsuredPersonFactory(bhxh_code="0100000099", id_number="001090000001")
    text = HEADER + (
        "0100000001,Nguyễn Văn An,1990-01-01,Nam,001090000001,,,,01\n"
        "0100000002,Nguyễn Văn Bình,1990-01-01,Nam,,,,,01\n"
    )
    report = run(text)
    assert report.created == 1 and list(reasons(report)) == [2]
    assert "mã số BHXH khác" in reasons(report)[2]


def test_a_batch_the_database_refuses_falls_back_to_row_by_row(monkeypatch):
    original = PersonImporter.write
    calls = []

    def flaky(self, rows):
        calls.append(len(rows))
        if len(rows) > 1:  # the whole batch: pretend the database refuses it half-way
            original(self, rows)
            from django.db import IntegrityError

            raise IntegrityError("simulated")
        return original(self, rows)

    monkeypatch.setattr(PersonImporter, "write", flaky)
    text = HEADER + "".join(
        f"01000000{n:02d},Nguyễn Văn An,1990-01-01,Nam,,,,,01\n" for n in range(1, 6)
    )
    report = run(text, batch_size=10)
    assert calls == [5, 1, 1, 1, 1, 1]
    assert (report.created, report.updated, report.rejected) == (5, 0, [])
    assert InsuredPerson.objects.count() == 5


def test_batches_and_counts_across_batches():
    InsuredPersonFactory(bhxh_code="0100000003")
    text = HEADER + "".join(
        f"01000000{n:02d},Nguyễn Văn An,1990-01-01,Nam,,,,,01\n" for n in range(1, 12)
    )
    report = run(text, batch_size=3)
    assert (report.created, report.updated, len(report.rejected)) == (10, 1, 0)


def test_cards_old_and_new_numbers():
    header = HEADER.strip() + (",card_number,participant_group,benefit_level,facility_code,"
                               "card_valid_from,card_valid_to,card_issue_date\n")
    text = header + "\n".join([
        "0100000001,Nguyễn Văn An,1990-01-01,Nam,,,,,01,DN4010100000001,,,01 - C54,"
        "2026-01-01,31/12/2026,2025-12-20",
        "0100000002,Trần Bình,1990-01-01,Nam,,,,,01,0100000002,HS,4,01C54,2026-01-01,,",
        "0100000003,Sai Số Thẻ,1990-01-01,Nam,,,,,01,DN4010100000999,,,01C54,2026-01-01,,",
        "0100000004,Sai Nơi KCB,1990-01-01,Nam,,,,,01,0100000004,DN,4,99X99,2026-01-01,,",
        "0100000005,Sai Mức,1990-01-01,Nam,,,,,01,0100000005,DN,7,01C54,2026-01-01,,",
        "0100000006,Sai Ngày,1990-01-01,Nam,,,,,01,0100000006,DN,4,01C54,2026-01-01,2025-01-01,",
        "0100000007,Không Thẻ,1990-01-01,Nam,,,,,01,,,,,,,",
    ]) + "\n"
    report = run(text)
    assert (report.created, sorted(reasons(report))) == (3, [4, 5, 6, 7])
    old = HealthInsuranceCard.objects.get(card_number="DN4010100000001")
    assert (old.participant_group, old.benefit_level, old.facility.code) == ("DN", 4, "01C54")
    assert old.valid_to == datetime.date(2026, 12, 31) and old.person.bhxh_code == "0100000001"
    new = HealthInsuranceCard.objects.get(card_number="0100000002")
    assert new.issue_date == datetime.date(2026, 1, 1) and new.participant_group == "HS"
    assert HealthInsuranceCard.objects.count() == 2
    again = run(text)
    assert (again.created, again.updated) == (0, 3)
    assert HealthInsuranceCard.objects.count() == 2


def test_not_utf8_lines_and_nul_bytes_are_rejected_not_fatal():
    raw = (HEADER + "0100000001,Nguyễn Văn An,1990-01-01,Nam,,,,,01\n").encode()
    raw += "0100000002,Lê Bình,1990-01-01,Nam,,,,,01\n".encode("latin-1")
    raw += b"0100000003,Nul\x00Name,1990-01-01,Nam,,,,,01\n"
    raw += "0100000004,Lê Cường,1990-01-01,Nam,,,,,01\n".encode()
    report = import_insured_persons(io.BytesIO(raw), today=TODAY)
    assert report.created == 2
    assert sorted(reasons(report)) == [3, 4]


def test_missing_required_column_is_a_file_error():
    with pytest.raises(ImportFileError, match="sex"):
        run("bhxh_code,full_name,date_of_birth\n0100000001,A,1990\n")
    with pytest.raises(ImportFileError):
        run("")


def test_header_is_tolerant_and_unknown_columns_are_reported():
    text = " BHXH_Code ,Full Name,DATE_OF_BIRTH,Sex,Ghi chú\n0100000001,An,1990,Nam,x\n"
    report = run(text)
    assert report.created == 1 and report.ignored_columns == ["ghi_chú"]


def test_command(tmp_path, capsys):
    path = tmp_path / "people.csv"
    path.write_text(
        HEADER + "0100000001,Nguyễn Văn An,1990-01-01,Nam,,,,,01\n0100000002,X,1990,Y,,,,,01\n",
        encoding="utf-8-sig",
    )
    call_command("import_insured_persons", str(path))
    captured = capsys.readouterr()
    assert "created=1 updated=0 rejected=1" in captured.out
    assert "dòng 3: Giới tính" in captured.err
    rejects = tmp_path / "rejects.csv"
    call_command("import_insured_persons", str(path), "--rejects", str(rejects))
    assert "created=0 updated=1 rejected=1" in capsys.readouterr().out
    assert rejects.read_text(encoding="utf-8").splitlines()[1].startswith("3,")
    with pytest.raises(CommandError):
        call_command("import_insured_persons", str(tmp_path / "missing.csv"))


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the COPY fast path is PostgreSQL only",
)
def test_postgresql_batches_go_through_copy(monkeypatch):
    from registry.importers import pgcopy

    calls = []
    original = pgcopy.upsert_persons

    def spy(persons, update_fields):
        calls.append(len(persons))
        return original(persons, update_fields)

    monkeypatch.setattr(pgcopy, "upsert_persons", spy)
    InsuredPersonFactory(bhxh_code="0100000002", full_name="Cũ")
    text = HEADER + "".join(
        f"01000000{n:02d},Nguyễn Văn An,1990-01-01,Nam,,,,,01\n" for n in range(1, 4)
    )
    report = run(text)
    assert calls == [3]
    assert (report.created, report.updated) == (2, 1)
    assert InsuredPerson.objects.get(bhxh_code="0100000002").name_folded == "nguyen van an"


def test_spreadsheet_exports_semicolons_utf16_and_phones_without_the_leading_zero():
    rows = "0100000001;Nguyễn Văn An;17/05/1990;Nam;;912345678;;;01\n"
    report = run(HEADER.replace(",", ";") + rows, encoding="utf-16")
    assert (report.created, report.rejected) == (1, [])
    assert InsuredPerson.objects.get().phone == "+84912345678"
    tabbed = HEADER.replace(",", "\t") + "0100000002\tLê Thị Bình\t1990\tNữ\t\t\t\t\t01\n"
    assert run(tabbed).created == 1
