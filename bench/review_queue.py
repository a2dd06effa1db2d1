"""The staff review queue (admin:declarations_declaration_changelist) with N declarations
(REVIEW_BENCH_ROWS; 1,000,000 on PostgreSQL when DATABASE_URL points at it, else 50,000
on SQLite), in a throwaway test database (dropped at the end).

Data: the reference offices (34 province + 305 local offices), 5,000 insured persons
loaded with the importer, then the declarations in one INSERT ... SELECT over
generate_series (PostgreSQL; a plain executemany on SQLite), spread evenly over the 339
receiving offices and over the last two years: 85 % approved, 10 % rejected, 3 %
submitted, 2 % in review (the pending ones too are spread over two years, so nearly all
of them are overdue: the worst case for the overdue filter), names drawn from the
Vietnamese family/middle/given names of bench.registry_import, BHXH codes = the office's
province code + 8 digits (so Hà Nội's start with "0", as real ones do). VACUUM ANALYZE,
ANALYZE and CHECKPOINT afterwards. submitted_at is random, not in insertion order as in
production: plans that walk the submitted_at index touch one heap page per row here, so
those numbers are pessimistic.

Measures, as p50/p95 in milliseconds per page through Django's test client (one warm-up
request per scenario not counted), as a superuser and as an officer assigned to BHXH TP.
Hà Nội (001, covering its 30 local offices): the unfiltered first page; office + status
filter (pending and submitted); search by a BHXH code (not starting with 0: exact-code
path; starting with 0: the phone-or-code path); search by name without diacritics (a
common prefix "nguyen van" and rare ones); the overdue filter. The target is p95 < 300 ms.
Also reports, per user, whether the unfiltered page ran a COUNT(*) without a LIMIT
subquery (`uncapped_count`, should be false), and on PostgreSQL the EXPLAIN (ANALYZE,
BUFFERS) plans of the page and count queries of the name searches and the office + status
filter (`plans`: a one-line summary each; full text as lines in bench/results.json).
Run: ``python -m bench review_queue``.
"""
from __future__ import annotations

import os
import random
import re
import statistics
import tempfile
import time
import uuid

from bench.registry_import import (
    FAMILY,
    GIVEN,
    MIDDLE,
    load_people,
    setup_django,
    throwaway_database,
)

PEOPLE = 5_000
REQUESTS = 30
TARGET_P95_MS = 300
# A test database of its own: never the test_<name> a concurrent test run may be using.
TEST_DATABASE_NAME = "test_bench_review_queue"
HANOI_OFFICE = "001"
HCM_PROVINCE = "79"
COMMON_NAMES = ["nguyen van"]
RARE_NAMES = ["ly thi diep", "truong xuan kh"]


def default_rows() -> int:
    postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    return int(os.environ.get("REVIEW_BENCH_ROWS", 1_000_000 if postgres else 50_000))


def _ms(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"p50_ms": round(statistics.median(ordered) * 1000, 2),
            "p95_ms": round(p95 * 1000, 2), "n": len(ordered)}


# --- data ------------------------------------------------------------------------------

def _name_parts() -> dict[str, list[str]]:
    """Family names repeated by weight; middle and given names, male ones then female
    ones (index + 10 * sex, + 30 * sex); each with its folded twin."""
    from registry.text import fold

    family = [name for name, weight in FAMILY for _ in range(weight)]
    middle = MIDDLE["M"] + MIDDLE["F"]
    given = GIVEN["M"] + GIVEN["F"]
    return {
        "family": family, "family_folded": [fold(n) for n in family],
        "middle": middle, "middle_folded": [fold(n) for n in middle],
        "given": given, "given_folded": [fold(n) for n in given],
    }


def _receiving_offices() -> list[tuple[int, int]]:
    """(office id, province code as a number) of every office receiving declarations."""
    from registry.models import Office

    return [
        (office_id, int(province_code))
        for office_id, province_code in Office.objects.filter(
            level__in=[Office.Level.PROVINCE, Office.Level.LOCAL],
            receives_declarations=True,
        ).order_by("id").values_list("id", "province__code")
    ]


_INSERT_POSTGRES = """
INSERT INTO declarations_declaration (
    uuid, number, kind, status, office_id, language, insured_person_id, bhxh_code,
    full_name, full_name_folded, date_of_birth, sex, id_type, id_number, address, phone,
    email, send_email, commitment_accepted, submitted_at, updated_at, decided_at,
    rejection_reason_code, rejection_reason, pdf, rejection_notice_pdf
)
SELECT
    gen_random_uuid(),
    'DK2611-' || lpad(g.i::text, 8, '0'),
    'self_registration',
    CASE WHEN g.p < 3 THEN 'submitted' WHEN g.p < 5 THEN 'in_review'
         WHEN g.p < 15 THEN 'rejected' ELSE 'approved' END,
    (%(office_ids)s::int[])[g.o],
    'vi',
    (%(person_ids)s::int[])[g.pe],
    lpad(((%(office_provinces)s::int[])[g.o])::text, 2, '0') || lpad(g.i::text, 8, '0'),
    (%(family)s::text[])[g.f] || ' ' || (%(middle)s::text[])[g.m] || ' '
        || (%(given)s::text[])[g.gv],
    (%(family_folded)s::text[])[g.f] || ' ' || (%(middle_folded)s::text[])[g.m] || ' '
        || (%(given_folded)s::text[])[g.gv],
    date '1950-01-01' + g.dob,
    CASE WHEN g.s = 0 THEN 'M' ELSE 'F' END,
    'cccd',
    lpad(g.i::text, 12, '0'),
    'Số ' || (g.i %% 300 + 1) || ', tổ ' || (g.i %% 40 + 1),
    '+849' || lpad((g.i %% 100000000)::text, 8, '0'),
    '', false, true,
    now() - make_interval(secs => g.age),
    now() - make_interval(secs => g.age),
    CASE WHEN g.p >= 5 THEN now() - make_interval(secs => g.age) + interval '1 day' END,
    '', '', '', ''
FROM (
    SELECT i,
           mod(abs(hashint4extended(i, 1)), 100) AS p,
           mod(abs(hashint4extended(i, 2)), 2)::int AS s,
           mod(abs(hashint4extended(i, 3)), %(n_family)s)::int + 1 AS f,
           mod(abs(hashint4extended(i, 4)), 10)::int + 1
               + 10 * mod(abs(hashint4extended(i, 2)), 2)::int AS m,
           mod(abs(hashint4extended(i, 5)), 30)::int + 1
               + 30 * mod(abs(hashint4extended(i, 2)), 2)::int AS gv,
           mod(abs(hashint4extended(i, 6)), %(n_offices)s)::int + 1 AS o,
           mod(abs(hashint4extended(i, 7)), %(n_people)s)::int + 1 AS pe,
           mod(abs(hashint4extended(i, 8)), 730 * 86400)::int AS age,
           mod(abs(hashint4extended(i, 9)), 20000)::int AS dob
    FROM generate_series(1, %(rows)s) AS i
) AS g
"""


def _generate_postgres(connection, rows: int, offices: list, person_ids: list[int]) -> None:
    from django.db import DatabaseError

    parts = _name_parts()
    params = {
        **parts,
        "office_ids": [office_id for office_id, _province in offices],
        "office_provinces": [province for _office_id, province in offices],
        "person_ids": person_ids,
        "n_family": len(parts["family"]), "n_offices": len(offices),
        "n_people": len(person_ids), "rows": rows,
    }
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_POSTGRES, params)
        cursor.execute("VACUUM ANALYZE declarations_declaration")
        cursor.execute("ANALYZE")  # the offices and users too: their plans join them
        try:
            # Flush the load now, not while the first scenarios are being timed.
            cursor.execute("CHECKPOINT")
        except DatabaseError:  # needs a superuser or pg_checkpoint: then time it anyway
            pass


def _generate_sqlite(connection, rows: int, offices: list, person_ids: list[int]) -> None:
    import datetime

    parts = _name_parts()
    rng = random.Random(20251124)
    now = datetime.datetime.now(datetime.UTC)
    columns = ("uuid, number, kind, status, office_id, language, insured_person_id, bhxh_code, "
               "full_name, full_name_folded, date_of_birth, sex, id_type, id_number, address, "
               "phone, email, send_email, commitment_accepted, submitted_at, updated_at, "
               "decided_at, rejection_reason_code, rejection_reason, pdf, rejection_notice_pdf")
    sql = (f"INSERT INTO declarations_declaration ({columns}) "
           f"VALUES ({', '.join(['%s'] * 26)})")
    batch = []
    with connection.cursor() as cursor:
        for i in range(1, rows + 1):
            p, s = rng.randrange(100), rng.randrange(2)
            f = rng.randrange(len(parts["family"]))
            m, gv = rng.randrange(10) + 10 * s, rng.randrange(30) + 30 * s
            office_id, province = offices[rng.randrange(len(offices))]
            submitted = now - datetime.timedelta(seconds=rng.randrange(730 * 86400))
            status = ("submitted" if p < 3 else "in_review" if p < 5
                      else "rejected" if p < 15 else "approved")
            batch.append((
                uuid.uuid4().hex, f"DK2611-{i:08d}", "self_registration", status, office_id,
                "vi", rng.choice(person_ids), f"{province:02d}{i:08d}",
                f"{parts['family'][f]} {parts['middle'][m]} {parts['given'][gv]}",
                f"{parts['family_folded'][f]} {parts['middle_folded'][m]} "
                f"{parts['given_folded'][gv]}",
                (datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(20000))),
                "MF"[s], "cccd", f"{i:012d}", f"Số {i % 300 + 1}, tổ {i % 40 + 1}",
                f"+849{i % 100_000_000:08d}", "", False, True, submitted, submitted,
                submitted + datetime.timedelta(days=1) if p >= 5 else None, "", "", "", "",
            ))
            if len(batch) == 5_000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def _generate(connection, rows: int) -> dict:
    from registry.models import InsuredPerson

    with tempfile.TemporaryDirectory(prefix="bench-review-") as directory:
        started = time.perf_counter()
        load_people(PEOPLE, directory)  # also loads the reference data (offices)
        people_s = time.perf_counter() - started
    person_ids = list(InsuredPerson.objects.order_by("id").values_list("id", flat=True))
    offices = _receiving_offices()
    started = time.perf_counter()
    if connection.vendor == "postgresql":
        _generate_postgres(connection, rows, offices, person_ids)
    else:
        _generate_sqlite(connection, rows, offices, person_ids)
    return {"people_s": round(people_s, 1),
            "declarations_s": round(time.perf_counter() - started, 1),
            "offices": len(offices)}


# --- users and requests ----------------------------------------------------------------

def _users():
    from django.contrib.auth import get_user_model

    from accounts.models import StaffAssignment
    from accounts.services.staff import officers_group
    from registry.models import Office

    user_model = get_user_model()
    superuser = user_model.objects.create_superuser(
        "bench-admin", email="bench@example.com", password="bench-admin-password"
    )
    officer = user_model.objects.create_user(
        "bench-officer", email="officer@example.com", password="bench-officer-password",
        is_staff=True,
    )
    officer.groups.add(officers_group())
    StaffAssignment.objects.create(
        user=officer, office=Office.objects.get(code=HANOI_OFFICE),
        role=StaffAssignment.Role.OFFICER,
    )
    return {"superuser": superuser, "officer_hanoi": officer}


def _parameters(rng: random.Random, rows: int) -> dict:
    """Scenario name -> (request index -> GET parameters). The same for both users: the
    offices and codes are Hà Nội's (in the officer's scope) except the HCM codes."""
    from declarations.models import Declaration
    from registry.models import Office

    local_offices = list(
        Office.objects.filter(parent__code=HANOI_OFFICE).order_by("code")
        .values_list("code", flat=True)
    )

    def codes(prefix: str) -> list[str]:
        # A sample by number rather than ORDER BY random(): the numbers are DK2611-<i>.
        found: list[str] = []
        for _attempt in range(50):
            numbers = [f"DK2611-{rng.randrange(1, rows + 1):08d}" for _ in range(2000)]
            found += Declaration.objects.filter(
                number__in=numbers, bhxh_code__startswith=prefix
            ).values_list("bhxh_code", flat=True)[: REQUESTS + 1 - len(found)]
            if len(found) > REQUESTS:
                return found
        raise RuntimeError(f"fewer than {REQUESTS + 1} declarations with codes {prefix}…")

    hanoi_codes, hcm_codes = codes("01"), codes(HCM_PROVINCE)
    return {
        "list_unfiltered": lambda i: {},
        "filter_office_pending": lambda i: {
            "office": local_offices[i % len(local_offices)], "status": "pending"},
        "filter_office_submitted": lambda i: {
            "office": local_offices[i % len(local_offices)], "status": "submitted"},
        "search_bhxh_code": lambda i: {"q": hcm_codes[i]},
        "search_bhxh_code_leading_zero": lambda i: {"q": hanoi_codes[i]},
        "search_name_common_prefix": lambda i: {"q": COMMON_NAMES[i % len(COMMON_NAMES)]},
        "search_name_rare_prefix": lambda i: {"q": RARE_NAMES[i % len(RARE_NAMES)]},
        "filter_overdue": lambda i: {"overdue": "yes"},
    }


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def _get(client, url: str, params: dict):
    response = client.get(url, params)
    if response.status_code != 200:
        raise RuntimeError(f"{url} {params}: HTTP {response.status_code}")
    return response


def _timings(client, url: str, scenarios: dict) -> dict:
    results = {}
    for name, params in scenarios.items():
        response = _get(client, url, params(REQUESTS))  # warm-up, not counted
        timings = []
        for index in range(REQUESTS):
            started = time.perf_counter()
            response = _get(client, url, params(index))
            timings.append(time.perf_counter() - started)
        results[name] = {**_ms(timings), "result_count": response.context["cl"].result_count}
        results[name]["under_target"] = results[name]["p95_ms"] < TARGET_P95_MS
    return results


_CAPPED_COUNT = re.compile(r"COUNT\(\*\).*FROM\s*\(\s*SELECT\b.*\bLIMIT\s+\d+\s*\)", re.I | re.S)


def _queries(client, url: str, params: dict) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        _get(client, url, params)
    return [query["sql"] for query in captured.captured_queries]


def _count_check(client, url: str) -> dict:
    """The COUNT(*) queries of one unfiltered page: each must count a LIMITed subquery."""
    queries = _queries(client, url, {})
    counts = [sql for sql in queries if "COUNT(" in sql.upper()]
    uncapped = [sql for sql in counts if not _CAPPED_COUNT.search(sql)]
    return {"queries": len(queries), "count_queries": len(counts),
            "uncapped_count": bool(uncapped), "uncapped_sql": [s[:300] for s in uncapped]}


def _plan_summary(plan: str) -> str:
    scans = re.findall(
        r"((?:Parallel )?(?:Bitmap )?(?:Index(?: Only)? |Seq |Heap )Scan (?:Backward )?"
        r"(?:using|on) \S+)", plan)
    sorts = re.findall(r"(Incremental Sort|Sort Method: \S+)", plan)
    total = re.search(r"Execution Time: ([0-9.]+) ms", plan)
    seen = list(dict.fromkeys(scans + sorts))
    return f"{total.group(1) if total else '?'} ms: " + "; ".join(seen)


def _plans(client, url: str, scenarios: dict) -> dict:
    """EXPLAIN (ANALYZE, BUFFERS) of the declaration queries (page, capped count) that one
    request of each scenario runs, as sent (parameters interpolated by psycopg)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return {}
    plans = {}
    for name, params in scenarios.items():
        for sql in _queries(client, url, params(0)):
            if 'FROM "declarations_declaration"' not in sql:
                continue
            kind = "count" if "COUNT(" in sql.upper() else "page"
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
            plans[f"{name}.{kind}"] = {"summary": _plan_summary(plan),
                                       "text": plan.splitlines()}
    return plans


def run() -> dict:
    setup_django()
    from django.db import connection
    from django.urls import reverse

    if connection.vendor == "postgresql":
        connection.settings_dict.setdefault("TEST", {})["NAME"] = TEST_DATABASE_NAME
    rows = default_rows()
    rng = random.Random(11)
    with throwaway_database() as connection:
        generated = _generate(connection, rows)
        url = reverse("admin:declarations_declaration_changelist")
        scenarios = _parameters(rng, rows)
        plan_scenarios = {name: scenarios[name] for name in (
            "search_name_common_prefix", "search_name_rare_prefix", "filter_office_pending")}
        users, admin, counts, plans = _users(), {}, {}, {}
        for label, user in users.items():
            client = _client(user)
            counts[label] = _count_check(client, url)
            admin[label] = _timings(client, url, scenarios)
            plans[label] = _plans(client, url, plan_scenarios)
        missed = sorted(f"{label}.{name}" for label, results in admin.items()
                        for name, numbers in results.items() if not numbers["under_target"])
        return {
            "database": connection.vendor,
            "rows": rows,
            "load": generated,
            "target_p95_ms": TARGET_P95_MS,
            "missed_target": missed,
            "admin": admin,
            "unfiltered_count_check": counts,
            "plans": plans,
        }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2, ensure_ascii=False))
