"""PostgreSQL fast path of the person import: COPY a batch into a temporary table, then one
INSERT ... SELECT ... ON CONFLICT (bhxh_code) DO UPDATE ... RETURNING per table.

bulk_create() spends most of its time compiling and binding parameters in Python (the
import ran at half the rate with it, see bench/registry_import.py); COPY streams the values
instead. The rows carry the same values the ORM path would write (derived columns
included), the same database constraints apply, and a failure raises DatabaseError so that
the caller's row-by-row fallback (ORM, one savepoint per row) takes over.
"""
from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.utils import timezone

from registry.models import HealthInsuranceCard, InsuredPerson

PERSON_FIELDS = ("bhxh_code", "full_name", "name_folded", "birth_year", "date_of_birth",
                 "sex", "id_number", "address", "province", "office", "phone", "email")
CARD_FIELDS = ("card_number", "person", "participant_group", "benefit_level", "facility",
               "valid_from", "valid_to", "issue_date", "issuing_office", "five_years_from")


def available() -> bool:
    return connection.vendor == "postgresql"


def _columns(model, names: Sequence[str]) -> list[str]:
    return [model._meta.get_field(name).column for name in names]


def _copy_into_temp(cursor, model, table: str, fields: Sequence[str], rows) -> list[str]:
    columns = _columns(model, fields)
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    # Dropped at commit; also dropped here for a caller that runs several batches in one
    # outer transaction (tests do).
    cursor.execute(f"DROP TABLE IF EXISTS {table}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {table} ON COMMIT DROP AS "
        f"SELECT {quoted} FROM {model._meta.db_table} WITH NO DATA"
    )
    with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    return columns


def upsert_persons(persons: Sequence, update_fields: Sequence[str]) -> dict[str, tuple[int, bool]]:
    """Insert or update `persons` (by bhxh_code); return {bhxh_code: (id, created)}.
    `persons` carry the column values as attributes (InsuredPerson instances, or the
    importer's PersonValues with the derived columns already filled in). Must run inside
    a transaction (the temporary table lives until commit)."""
    for person in persons:
        if isinstance(person, InsuredPerson):
            person.fill_derived()
    quote = connection.ops.quote_name
    now = timezone.now()
    with connection.cursor() as cursor:
        columns = _copy_into_temp(
            cursor, InsuredPerson, "registry_import_person", PERSON_FIELDS,
            (
                (p.bhxh_code, p.full_name, p.name_folded, p.birth_year, p.date_of_birth, p.sex,
                 p.id_number, p.address, p.province_id, p.office_id, p.phone, p.email)
                for p in persons
            ),
        )
        updates = [
            InsuredPerson._meta.get_field(name).column for name in update_fields
            if name != "updated_at"
        ]
        assignments = ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in updates)
        names = ", ".join(quote(c) for c in columns)
        cursor.execute(
            f"INSERT INTO {InsuredPerson._meta.db_table} ({names}, created_at, updated_at) "
            f"SELECT {names}, %s, %s FROM registry_import_person "
            f"ON CONFLICT (bhxh_code) DO UPDATE SET {assignments}, "
            "updated_at = EXCLUDED.updated_at "
            "RETURNING id, bhxh_code, (xmax = 0)",
            [now, now],
        )
        return {code: (pk, created) for pk, code, created in cursor.fetchall()}


def upsert_cards(cards: Sequence, update_fields: Sequence[str]) -> None:
    """Insert or update `cards` (by card_number); person_id must be set."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        columns = _copy_into_temp(
            cursor, HealthInsuranceCard, "registry_import_card", CARD_FIELDS,
            (
                (c.card_number, c.person_id, c.participant_group, c.benefit_level,
                 c.facility_id, c.valid_from, c.valid_to, c.issue_date, c.issuing_office_id,
                 c.five_years_from)
                for c in cards
            ),
        )
        updates = _columns(HealthInsuranceCard, update_fields)
        assignments = ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in updates)
        names = ", ".join(quote(c) for c in columns)
        cursor.execute(
            f"INSERT INTO {HealthInsuranceCard._meta.db_table} ({names}) "
            f"SELECT {names} FROM registry_import_card "
            f"ON CONFLICT (card_number) DO UPDATE SET {assignments}"
        )
