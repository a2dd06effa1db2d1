"""Bulk import of health facilities (cơ sở KCB) from CSV (upsert by `code`).

Columns: code ("01C54" or as printed, "01 - C54"), name (required); province_code (derived
from the code's first 2 digits; must agree with them when given), level (central,
province, district, commune, or the Vietnamese "trung ương", "tỉnh", "huyện", "xã"; default
commune), accepts_registration (1/0, có/không; default 1), address.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from registry.importers import base
from registry.importers.base import BatchResult, ImportReport, Row, RowError
from registry.models import HealthFacility, Province
from registry.text import fold

REQUIRED = ("code", "name")
OPTIONAL = ("province_code", "level", "accepts_registration", "address")
FIELDS = {
    "name": ("name", "name_folded"), "province_code": ("province",), "level": ("level",),
    "accepts_registration": ("accepts_registration",), "address": ("address",),
}
_CODE = re.compile(r"^[0-9]{2}[0-9A-Z]{3}$")
Level = HealthFacility.Level
_LEVELS = {
    "central": Level.CENTRAL, "trung uong": Level.CENTRAL, "tuyen trung uong": Level.CENTRAL,
    "province": Level.PROVINCE, "tinh": Level.PROVINCE, "tuyen tinh": Level.PROVINCE,
    "district": Level.DISTRICT, "huyen": Level.DISTRICT, "tuyen huyen": Level.DISTRICT,
    "commune": Level.COMMUNE, "xa": Level.COMMUNE, "tuyen xa": Level.COMMUNE,
}


class FacilityImporter:
    def __init__(self) -> None:
        self.provinces = dict(Province.objects.values_list("code", "id"))
        self.seen: dict[str, int] = {}
        self.update_fields: list[str] = []

    def on_header(self, columns: set[str]) -> None:
        self.update_fields = [f for c in FIELDS if c in columns for f in FIELDS[c]]
        if "province" not in self.update_fields:
            self.update_fields.append("province")  # derived from the code

    def parse(self, line: int, values: dict[str, str]) -> HealthFacility:
        code = "".join(values["code"].replace("-", " ").split()).upper()
        if not _CODE.match(code):
            raise RowError(
                _("Mã cơ sở KCB “%s” phải gồm 2 số tỉnh và 3 chữ/số (ví dụ 01C54).")
                % values["code"].strip()[:20]
            )
        given = (values.get("province_code") or "").strip()
        if given and given.zfill(2) != code[:2]:
            raise RowError(_("Mã tỉnh không khớp với 2 số đầu của mã cơ sở KCB."))
        province_id = base.province_code(code[:2], self.provinces, required=True)
        raw_level = values.get("level") or ""
        level = _LEVELS.get(fold(raw_level)) if raw_level.strip() else Level.COMMUNE
        if level is None:
            raise RowError(_("Tuyến “%s” không hợp lệ (trung ương, tỉnh, huyện, xã).")
                           % raw_level.strip()[:20])
        first = self.seen.setdefault(code, line)
        if first != line:
            raise RowError(_("Mã cơ sở KCB trùng với dòng %d của tệp.") % first)
        return HealthFacility(
            code=code,
            name=base.text(values["name"], max_length=250, label=_l("tên cơ sở KCB"),
                           required=True),
            province_id=province_id, level=level,
            accepts_registration=base.boolean(
                values.get("accepts_registration") or "", label=_l("nhận đăng ký KCB ban đầu"),
                default=True,
            ),
            address=base.text(values.get("address") or "", max_length=300, label=_l("địa chỉ")),
        )

    def write(self, rows: list[Row]) -> BatchResult:
        facilities = [row.item for row in rows]
        for facility in facilities:
            facility.pk = None
        existing = set(HealthFacility.objects.filter(
            code__in=[f.code for f in facilities]
        ).values_list("code", flat=True))
        HealthFacility.objects.bulk_create(
            facilities, update_conflicts=True, unique_fields=["code"],
            update_fields=self.update_fields,
        )
        created = sum(1 for f in facilities if f.code not in existing)
        return BatchResult(created=created, updated=len(facilities) - created)


def import_facilities(
    source: str | Path | IO[bytes] | IO[str], *, batch_size: int = base.DEFAULT_BATCH_SIZE
) -> ImportReport:
    """Import health facilities from a CSV file (path or open file). See the module doc."""
    importer = FacilityImporter()
    return base.run_import(
        source, required=REQUIRED, optional=OPTIONAL, parse=importer.parse,
        write=importer.write, batch_size=batch_size, on_header=importer.on_header,
    )
