"""Bulk import of BHXH offices from CSV (upsert by `code`).

Columns: code, name (required); level (central | province | local, or the Vietnamese
words; derived from the code when empty: "000" central, 3 digits province, longer local),
parent_code (when empty: a local office's first 3 digits, a province office's "000",
used if that office exists),
province_code (derived from the code: digits 2-3), address, phone, receives_declarations,
is_active (1/0, có/không; default 1). A parent named in the file must exist already or
come earlier in the file.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from registry.importers import base
from registry.importers.base import BatchResult, ImportReport, Rejection, Row, RowError
from registry.models import CENTRAL_OFFICE_CODE, Office, Province
from registry.text import fold

REQUIRED = ("code", "name")
OPTIONAL = ("level", "parent_code", "province_code", "address", "phone",
            "receives_declarations", "is_active")
FIELDS = {
    "name": ("name", "name_folded"), "level": ("level",), "parent_code": ("parent",),
    "province_code": ("province",), "address": ("address",), "phone": ("phone",),
    "receives_declarations": ("receives_declarations",), "is_active": ("is_active",),
}
_CODE = re.compile(r"^[0-9]{3,8}$")
_LEVELS = {
    "central": Office.Level.CENTRAL, "trung uong": Office.Level.CENTRAL,
    "bhxh viet nam": Office.Level.CENTRAL,
    "province": Office.Level.PROVINCE, "tinh": Office.Level.PROVINCE,
    "thanh pho": Office.Level.PROVINCE, "bhxh tinh/thanh pho": Office.Level.PROVINCE,
    "local": Office.Level.LOCAL, "co so": Office.Level.LOCAL, "huyen": Office.Level.LOCAL,
    "bhxh co so": Office.Level.LOCAL,
}
_ORDER = {Office.Level.CENTRAL: 0, Office.Level.PROVINCE: 1, Office.Level.LOCAL: 2}


class OfficeImporter:
    def __init__(self) -> None:
        self.provinces = dict(Province.objects.values_list("code", "id"))
        self.seen: dict[str, int] = {}
        self.update_fields: list[str] = []
        self.columns: set[str] = set()

    def on_header(self, columns: set[str]) -> None:
        self.columns = columns
        self.update_fields = [f for c in FIELDS if c in columns for f in FIELDS[c]]
        if "level" not in columns:
            self.update_fields.append("level")  # derived from the code

    def parse(self, line: int, values: dict[str, str]) -> dict:
        code = values["code"].strip()
        if not _CODE.match(code):
            raise RowError(_("Mã cơ quan “%s” phải gồm 3 đến 8 chữ số.") % code[:20])
        name = base.text(values["name"], max_length=200, label=_l("tên cơ quan"), required=True)
        level = self._level(values.get("level") or "", code)
        province_raw = (values.get("province_code") or "").strip()
        if not province_raw and level != Office.Level.CENTRAL:
            province_raw = code[1:3]
        province_id = base.province_code(
            province_raw, self.provinces, required=level != Office.Level.CENTRAL
        )
        if level == Office.Level.CENTRAL:
            province_id = None
        parent_code = (values.get("parent_code") or "").strip()
        # A parent named in the file must exist; one derived from the code is used if it does.
        parent_required = bool(parent_code)
        if not parent_code:
            parent_code = {Office.Level.LOCAL: code[:3],
                           Office.Level.PROVINCE: CENTRAL_OFFICE_CODE}.get(level, "")
        if level == Office.Level.CENTRAL:
            parent_code, parent_required = "", False
        if parent_code == code:
            raise RowError(_("Một cơ quan không thể là cơ quan cấp trên của chính nó."))
        first = self.seen.setdefault(code, line)
        if first != line:
            raise RowError(_("Mã cơ quan trùng với dòng %d của tệp.") % first)
        return {
            "office": Office(
                code=code, name=name, level=level, province_id=province_id,
                address=base.text(values.get("address") or "", max_length=300,
                                  label=_l("địa chỉ")),
                phone=base.text(values.get("phone") or "", max_length=30,
                                label=_l("điện thoại")),
                receives_declarations=base.boolean(
                    values.get("receives_declarations") or "", label=_l("tiếp nhận tờ khai"),
                    default=level != Office.Level.CENTRAL,
                ),
                is_active=base.boolean(values.get("is_active") or "",
                                       label=_l("đang hoạt động"), default=True),
            ),
            "parent_code": parent_code,
            "parent_required": parent_required,
        }

    @staticmethod
    def _level(value: str, code: str) -> str:
        if value.strip():
            level = _LEVELS.get(fold(value))
            if level is None:
                raise RowError(_("Cấp cơ quan “%s” không hợp lệ (central, province, local).")
                               % value.strip()[:20])
            return level
        if code == CENTRAL_OFFICE_CODE:
            return Office.Level.CENTRAL
        return Office.Level.PROVINCE if len(code) == 3 else Office.Level.LOCAL

    def write(self, rows: list[Row]) -> BatchResult:
        result = BatchResult()
        rows = sorted(rows, key=lambda row: (_ORDER[row.item["office"].level], row.line))
        existing = set(Office.objects.filter(
            code__in=[row.item["office"].code for row in rows]
        ).values_list("code", flat=True))
        for level in _ORDER:
            ids = dict(Office.objects.values_list("code", "id"))
            group = []
            for row in rows:
                office = row.item["office"]
                if office.level != level:
                    continue
                office.pk = None
                parent_code = row.item["parent_code"]
                if parent_code and parent_code not in ids and row.item["parent_required"]:
                    result.rejected.append(Rejection(
                        row.line, _("Cơ quan cấp trên “%s” chưa có trong danh mục.") % parent_code
                    ))
                    continue
                office.parent_id = ids.get(parent_code) if parent_code else None
                group.append(row)
            if not group:
                continue
            Office.objects.bulk_create(
                [row.item["office"] for row in group], update_conflicts=True,
                unique_fields=["code"], update_fields=self.update_fields,
            )
            for row in group:
                if row.item["office"].code in existing:
                    result.updated += 1
                else:
                    result.created += 1
        return result


def import_offices(
    source: str | Path | IO[bytes] | IO[str], *, batch_size: int = base.DEFAULT_BATCH_SIZE
) -> ImportReport:
    """Import BHXH offices from a CSV file (path or open file). See the module doc."""
    importer = OfficeImporter()
    return base.run_import(
        source, required=REQUIRED, optional=OPTIONAL, parse=importer.parse,
        write=importer.write, batch_size=batch_size, on_header=importer.on_header,
    )
