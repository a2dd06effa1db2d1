"""Bulk import of insured persons (and optionally their BHYT card) from CSV.

Upsert by `bhxh_code`: a code already in the registry is updated with the columns present
in the file (a column left out of the header is left untouched), a new code is created.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from registry.importers import base, cells, pgcopy
from registry.importers.base import BatchResult, ImportReport, Rejection, Row, RowError
from registry.models import (
    BHXH_CODE_REGEX,
    HealthFacility,
    HealthInsuranceCard,
    InsuredPerson,
    Office,
    Province,
)
from registry.text import fold

REQUIRED = ("bhxh_code", "full_name", "date_of_birth", "sex")
PERSON_OPTIONAL = ("id_number", "phone", "email", "address", "province_code", "office_code")
CARD_COLUMNS = (
    "card_number", "participant_group", "benefit_level", "facility_code", "card_valid_from",
    "card_valid_to", "card_issue_date", "card_issuing_office", "card_five_years_from",
)
OPTIONAL = PERSON_OPTIONAL + CARD_COLUMNS
# CSV column -> model fields it writes on update.
PERSON_FIELDS = {
    "full_name": ("full_name", "name_folded"),
    "date_of_birth": ("date_of_birth", "birth_year"),
    "sex": ("sex",),
    "id_number": ("id_number",),
    "phone": ("phone",),
    "email": ("email",),
    "address": ("address",),
    "province_code": ("province",),
    "office_code": ("office",),
}
CARD_FIELDS = {
    "participant_group": ("participant_group",),
    "benefit_level": ("benefit_level",),
    "facility_code": ("facility",),
    "card_valid_from": ("valid_from",),
    "card_valid_to": ("valid_to",),
    "card_issue_date": ("issue_date",),
    "card_issuing_office": ("issuing_office",),
    "card_five_years_from": ("five_years_from",),
}
_CODE = re.compile(BHXH_CODE_REGEX)
_OLD_CARD = re.compile(r"^([A-Z]{2})([1-5])([0-9]{2})([0-9]{10})$")


@dataclass(slots=True)
class PersonValues:
    """A parsed person: plain values (building a model instance per line costs more than
    the whole COPY; the ORM path builds them with .model())."""

    bhxh_code: str
    full_name: str
    name_folded: str
    birth_year: int
    date_of_birth: datetime.date | None
    sex: str
    id_number: str | None
    address: str
    province_id: int | None
    office_id: int | None
    phone: str
    email: str

    def model(self) -> InsuredPerson:
        return InsuredPerson(**{name: getattr(self, name) for name in self.__slots__})


@dataclass(slots=True)
class CardValues:
    card_number: str
    participant_group: str
    benefit_level: int
    facility_id: int
    valid_from: datetime.date
    valid_to: datetime.date | None
    issue_date: datetime.date
    issuing_office_id: int | None
    five_years_from: datetime.date | None
    person_id: int | None = None

    def model(self) -> HealthInsuranceCard:
        return HealthInsuranceCard(**{name: getattr(self, name) for name in self.__slots__})


@dataclass(slots=True)
class PersonRow:
    person: PersonValues
    card: CardValues | None


class PersonImporter:
    def __init__(self, *, strict_id: bool = True, today: datetime.date | None = None) -> None:
        self.strict_id = strict_id
        self.today = today or timezone.localdate()
        self.provinces = dict(Province.objects.values_list("code", "id"))
        self.offices = dict(Office.objects.values_list("code", "id"))
        self.facilities = dict(HealthFacility.objects.values_list("code", "id"))
        # Line of the first occurrence of each code / id number in the file.
        self.seen_codes: dict[int, int] = {}
        self.seen_ids: dict[int, int] = {}
        self.person_fields: list[str] = []
        self.card_fields: list[str] = []
        self.columns: set[str] = set()

    # --- header ---
    def on_header(self, columns: set[str]) -> None:
        self.columns = columns
        fields = [f for column in PERSON_FIELDS if column in columns for f in PERSON_FIELDS[column]]
        self.person_fields = [*fields, "updated_at"]
        self.card_fields = ["person"] + [
            f for column in CARD_FIELDS if column in columns for f in CARD_FIELDS[column]
        ]
        if "card_number" in columns:
            # Group and level are spelt out by an old number: always kept in step with it.
            for name in ("participant_group", "benefit_level"):
                if name not in self.card_fields:
                    self.card_fields.append(name)

    # --- one line ---
    def parse(self, line: int, values: dict[str, str]) -> PersonRow:
        get = values.get
        code = (get("bhxh_code") or "").strip()
        if not _CODE.match(code):
            raise RowError(_("Mã số BHXH phải gồm đúng 10 chữ số."))
        name = cells.full_name(get("full_name", ""), text=base.text)
        date_of_birth, birth_year = cells.birth(get("date_of_birth", ""), today=self.today)
        sex = cells.sex(get("sex", ""))
        id_number = cells.id_number(
            get("id_number") or "", birth_year=birth_year, sex_code=sex, strict=self.strict_id
        )
        person = PersonValues(
            bhxh_code=code, full_name=name, name_folded=fold(name),
            date_of_birth=date_of_birth, birth_year=birth_year,
            sex=sex, id_number=id_number,
            phone=cells.phone(get("phone") or ""),
            email=cells.email(get("email") or ""),
            address=base.text(get("address") or "", max_length=300, label=_l("địa chỉ")),
            province_id=base.province_code(get("province_code") or "", self.provinces),
            office_id=self._office(get("office_code") or "", label=_l("mã cơ quan BHXH")),
        )
        card = self._card(values, code) if (get("card_number") or "").strip() else None
        self._check_duplicates(line, code, id_number)
        return PersonRow(person, card)

    def _office(self, value: str, *, label: str) -> int | None:
        code = value.strip()
        if not code:
            return None
        if code not in self.offices:
            raise RowError(_("%(label)s “%(code)s” không có trong danh mục.")
                           % {"label": label, "code": code[:10]})
        return self.offices[code]

    def _card(self, values: dict[str, str], code: str) -> CardValues:
        get = values.get
        number = "".join((get("card_number") or "").split()).upper()
        group = (get("participant_group") or "").strip().upper()
        level_raw = (get("benefit_level") or "").strip()
        old = _OLD_CARD.match(number)
        if old:
            if old.group(4) != code:
                raise RowError(_("Số thẻ BHYT không kết thúc bằng mã số BHXH của dòng."))
            if group and group != old.group(1) or level_raw and level_raw != old.group(2):
                raise RowError(_("Mã đối tượng/mức hưởng không khớp với số thẻ BHYT."))
            group, level_raw = old.group(1), old.group(2)
        elif number != code:
            raise RowError(
                _("Số thẻ BHYT phải là mã số BHXH (10 số) hoặc dạng cũ 15 ký tự kết thúc bằng nó.")
            )
        if len(group) != 2 or not group.isascii() or not group.isalpha():
            raise RowError(_("Mã đối tượng phải gồm 2 chữ cái (ví dụ DN, HS, TE)."))
        if level_raw not in {"1", "2", "3", "4", "5"}:
            raise RowError(_("Mức hưởng phải từ 1 đến 5."))
        facility_code = "".join((get("facility_code") or "").replace("-", " ").split()).upper()
        if facility_code not in self.facilities:
            raise RowError(_("Mã nơi đăng ký KCB ban đầu “%s” không có trong danh mục.")
                           % facility_code[:10])
        valid_from = cells.date_value(get("card_valid_from") or "", label=_l("ngày thẻ có giá trị"))
        valid_to = cells.date_value(get("card_valid_to") or "", label=_l("ngày thẻ hết giá trị"),
                                    required=False)
        if valid_to is not None and valid_to < valid_from:
            raise RowError(_("Ngày hết giá trị của thẻ trước ngày bắt đầu."))
        issue_date = cells.date_value(get("card_issue_date") or "", label=_l("ngày cấp thẻ"),
                                      required=False) or valid_from
        return CardValues(
            card_number=number, participant_group=group, benefit_level=int(level_raw),
            facility_id=self.facilities[facility_code], valid_from=valid_from,
            valid_to=valid_to, issue_date=issue_date,
            issuing_office_id=self._office(get("card_issuing_office") or "",
                                           label=_l("nơi cấp thẻ")),
            five_years_from=cells.date_value(get("card_five_years_from") or "",
                                             label=_l("thời điểm đủ 5 năm"), required=False),
        )

    def _check_duplicates(self, line: int, code: str, id_number: str | None) -> None:
        first = self.seen_codes.setdefault(int(code), line)
        if first != line:
            raise RowError(_("Mã số BHXH trùng với dòng %d của tệp.") % first)
        if id_number:
            key = int(id_number) * 10 + len(id_number) % 10
            first = self.seen_ids.setdefault(key, line)
            if first != line:
                del self.seen_codes[int(code)]
                raise RowError(_("Số CCCD/CMND trùng với dòng %d của tệp.") % first)

    # --- one batch ---
    def write(self, rows: list[Row]) -> BatchResult:
        result = BatchResult()
        ids = [row.item.person.id_number for row in rows if row.item.person.id_number]
        holders = _pairs("id_number", ids, "id_number", "bhxh_code")
        accepted: list[Row] = []
        for row in rows:
            person = row.item.person
            holder = holders.get(person.id_number) if person.id_number else None
            if holder is not None and holder != person.bhxh_code:
                result.rejected.append(Rejection(
                    row.line, _("Số CCCD/CMND đã được ghi cho một mã số BHXH khác.")
                ))
                continue
            accepted.append(row)
        if not accepted:
            return result
        if pgcopy.available() and len(accepted) > 1:
            return self._write_copy(accepted, result)
        codes = [row.item.person.bhxh_code for row in accepted]
        existing = set(_pairs("bhxh_code", codes, "bhxh_code", "id"))
        InsuredPerson.objects.bulk_create(
            [row.item.person.model() for row in accepted],
            update_conflicts=True, unique_fields=["bhxh_code"], update_fields=self.person_fields,
        )
        with_card = [row.item for row in accepted if row.item.card is not None]
        if with_card:
            person_ids = _pairs(
                "bhxh_code", [item.person.bhxh_code for item in with_card], "bhxh_code", "id"
            )
            for item in with_card:
                item.card.person_id = person_ids[item.person.bhxh_code]
            HealthInsuranceCard.objects.bulk_create(
                [item.card.model() for item in with_card], update_conflicts=True,
                unique_fields=["card_number"], update_fields=self.card_fields,
            )
        for row in accepted:
            if row.item.person.bhxh_code in existing:
                result.updated += 1
            else:
                result.created += 1
        return result

    def _write_copy(self, accepted: list[Row], result: BatchResult) -> BatchResult:
        outcome = pgcopy.upsert_persons([row.item.person for row in accepted], self.person_fields)
        cards = []
        for row in accepted:
            pk, created = outcome[row.item.person.bhxh_code]
            if created:
                result.created += 1
            else:
                result.updated += 1
            if row.item.card is not None:
                row.item.card.person_id = pk
                cards.append(row.item.card)
        if cards:
            pgcopy.upsert_cards(cards, self.card_fields)
        return result


def _pairs(field: str, values: list[str], key: str, value: str) -> dict:
    """{key: value} of the persons whose `field` is among `values` (IN lists in chunks)."""
    result: dict = {}
    for chunk in base.in_chunks(values):
        result.update(
            InsuredPerson.objects.filter(**{f"{field}__in": chunk}).values_list(key, value)
        )
    return result


def import_insured_persons(
    source: str | Path | IO[bytes] | IO[str], *, batch_size: int = base.DEFAULT_BATCH_SIZE,
    strict_id: bool = True, today: datetime.date | None = None,
) -> ImportReport:
    """Import insured persons from a CSV file (path or open file). See the module doc."""
    importer = PersonImporter(strict_id=strict_id, today=today)
    return base.run_import(
        source, required=REQUIRED, optional=OPTIONAL, parse=importer.parse,
        write=importer.write, batch_size=batch_size, on_header=importer.on_header,
    )
