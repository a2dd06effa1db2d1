"""Bulk import of insured persons: rows/s of `import_insured_persons` on a generated CSV.

N people (REGISTRY_BENCH_ROWS; default 1,000,000 on PostgreSQL, i.e. when DATABASE_URL
is set, else 50,000 on SQLite) with a BHYT card each, realistic Vietnamese names (10 % of
them in decomposed Unicode), year-only births, phones and e-mails for some, and 0.1 % bad
lines. Runs against a throwaway test database (test_<name>, dropped at the end) and a
temporary directory. Run: ``python -m bench registry_import``.
"""
from __future__ import annotations

import contextlib
import csv
import os
import random
import tempfile
import time
import unicodedata
from pathlib import Path

FAMILY = [("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 4), ("Huỳnh", 3),
          ("Phan", 4), ("Vũ", 3), ("Võ", 2), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 1), ("Hồ", 1),
          ("Ngô", 1), ("Dương", 1), ("Lý", 1), ("Đinh", 1), ("Trương", 1), ("Lâm", 1)]
MIDDLE = {"M": ["Văn", "Đức", "Minh", "Quốc", "Hữu", "Thanh", "Công", "Xuân", "Gia", "Anh"],
          "F": ["Thị", "Ngọc", "Thu", "Thanh", "Minh", "Kim", "Mỹ", "Phương", "Bảo", "Hồng"]}
GIVEN = {"M": ["An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Huy", "Khánh", "Long",
               "Mạnh", "Nam", "Phúc", "Quân", "Sơn", "Thắng", "Tuấn", "Việt", "Vinh", "Hiếu",
               "Trung", "Khoa", "Lâm", "Phong", "Tài", "Thịnh", "Toàn", "Đức", "Duy", "Kiên"],
         "F": ["Anh", "Ánh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hương",
               "Lan", "Linh", "Loan", "Mai", "Nga", "Ngọc", "Nhung", "Oanh", "Phượng", "Quyên",
               "Thảo", "Trang", "Tuyết", "Uyên", "Vân", "Yến", "Diệp", "Hiền", "My", "Nhi"]}
PROVINCES = ("01 04 08 11 12 14 15 19 20 22 24 25 31 33 37 38 40 42 44 46 48 51 52 56 66 68 75 "
             "79 80 82 86 91 92 96").split()
HEADER = ["bhxh_code", "full_name", "date_of_birth", "sex", "id_number", "phone", "email",
          "address", "province_code", "card_number", "participant_group", "benefit_level",
          "facility_code", "card_valid_from", "card_valid_to", "card_issue_date"]
BAD_LINES = ("bad_date", "bad_sex", "bad_code", "bad_phone", "columns")


def default_rows() -> int:
    postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    return int(os.environ.get("REGISTRY_BENCH_ROWS", 1_000_000 if postgres else 50_000))


def setup_django() -> None:
    import django
    from django.conf import settings

    if not settings.configured:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vssid_portal.settings.test")
        django.setup()


@contextlib.contextmanager
def throwaway_database():
    """A fresh test database (PostgreSQL test_<name> or SQLite), dropped afterwards."""
    setup_django()
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield connection
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def person_row(index: int, rng: random.Random, facilities: dict[str, list[str]]) -> dict:
    sex = "M" if rng.random() < 0.5 else "F"
    family = rng.choices([f for f, _ in FAMILY], weights=[w for _, w in FAMILY])[0]
    name = f"{family} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"
    if rng.random() < 0.1:
        name = unicodedata.normalize("NFD", name)
    year = rng.randint(1940, 2024)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    birth = str(year) if rng.random() < 0.03 else f"{year:04d}-{month:02d}-{day:02d}"
    province = rng.choice(PROVINCES)
    code = f"{province}{index:08d}"
    century_sex = (year // 100 - 19) * 2 + (1 if sex == "F" else 0)
    adult = year <= 2007
    id_number = f"0{province}{century_sex}{year % 100:02d}{index % 1_000_000:06d}" if adult else ""
    phone = f"090{index:07d}" if adult and rng.random() < 0.5 else ""
    email = f"nguoi{index}@example.com" if adult and rng.random() < 0.2 else ""
    return {
        "bhxh_code": code, "full_name": name, "date_of_birth": birth,
        "sex": "Nam" if sex == "M" else "Nữ", "id_number": id_number, "phone": phone,
        "email": email, "address": f"Số {index % 300 + 1}, tổ {index % 40 + 1}",
        "province_code": province, "card_number": code, "participant_group": "DN",
        "benefit_level": "4", "facility_code": rng.choice(facilities[province]),
        "card_valid_from": "2026-01-01", "card_valid_to": "", "card_issue_date": "2025-12-20",
    }


def spoil(row: dict, rng: random.Random) -> list[str]:
    kind = rng.choice(BAD_LINES)
    if kind == "bad_date":
        row["date_of_birth"] = "1990-02-30"
    elif kind == "bad_sex":
        row["sex"] = "?"
    elif kind == "bad_code":
        row["bhxh_code"] = row["bhxh_code"][:9]
    elif kind == "bad_phone":
        row["phone"] = "0123"
    values = [row[column] for column in HEADER]
    return values[:-2] if kind == "columns" else values


def write_people_csv(path: Path, rows: int, *, seed: int = 20251124) -> int:
    """Write `rows` people (plus a few bad lines among them) to `path`; return bad lines."""
    from registry.models import HealthFacility

    facilities: dict[str, list[str]] = {}
    for code, province in HealthFacility.objects.values_list("code", "province__code"):
        facilities.setdefault(province, []).append(code)
    rng = random.Random(seed)
    bad = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for index in range(rows):
            row = person_row(index, rng, facilities)
            if rng.random() < 0.001:
                bad += 1
                writer.writerow(spoil(row, rng))
            else:
                writer.writerow([row[column] for column in HEADER])
    return bad


def load_people(rows: int, directory: str) -> dict:
    """Generate and import `rows` people; return the timings."""
    from registry.demo import load_reference_data
    from registry.importers import import_insured_persons

    load_reference_data()
    path = Path(directory) / "people.csv"
    started = time.perf_counter()
    bad = write_people_csv(path, rows)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    report = import_insured_persons(path)
    elapsed = time.perf_counter() - started
    return {"path": path, "bad": bad, "generate_s": generated, "import_s": elapsed,
            "report": report}


def run() -> dict:
    rows = default_rows()
    with throwaway_database() as connection, tempfile.TemporaryDirectory(
        prefix="bench-registry-"
    ) as directory:
        first = load_people(rows, directory)
        report = first["report"]
        # Re-import of the first 100,000 lines: the update path (all rows exist).
        again = Path(directory) / "again.csv"
        with first["path"].open(encoding="utf-8") as source, again.open(
            "w", encoding="utf-8"
        ) as out:
            for number, line in enumerate(source):
                if number > 100_000:
                    break
                out.write(line)
        from registry.importers import import_insured_persons

        started = time.perf_counter()
        second = import_insured_persons(again)
        update_s = time.perf_counter() - started
        update_rows = second.created + second.updated + len(second.rejected)
        return {
            "database": connection.vendor,
            "rows": rows,
            "csv_mb": round(first["path"].stat().st_size / 1e6, 1),
            "generate_s": round(first["generate_s"], 1),
            "import_s": round(first["import_s"], 1),
            "import_rows_per_s": round(rows / first["import_s"]),
            "created": report.created,
            "rejected": len(report.rejected),
            "bad_lines_written": first["bad"],
            "reimport_rows": update_rows,
            "reimport_updated": second.updated,
            "reimport_rows_per_s": round(update_rows / update_s),
        }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
