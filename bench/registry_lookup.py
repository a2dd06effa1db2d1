"""Look-up latency with a registry of N insured persons (REGISTRY_BENCH_ROWS; 1,000,000 on
PostgreSQL when DATABASE_URL is set, else 50,000 on SQLite), loaded with the importer
into a throwaway test database (dropped at the end).

Measures, as p50/p95 in milliseconds:
- the BHXH code look-up (name + date of birth + province, name typed without diacritics,
  in NFD, or in capitals; hits and misses) through registry.selectors.insured_person_lookup;
- the admin change list of insured persons at that size, through Django's test client:
  search by BHXH code, by CCCD, by name prefix (common and rare), the unfiltered list, a
  province filter, and a deep page; plus the PostgreSQL plans of the two name queries.
Run: ``python -m bench registry_lookup``.
"""
from __future__ import annotations

import random
import re
import statistics
import tempfile
import time
import unicodedata

from bench.registry_import import default_rows, load_people, throwaway_database

LOOKUPS = 400
ADMIN_REQUESTS = 20


def _ms(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"p50_ms": round(statistics.median(ordered) * 1000, 2),
            "p95_ms": round(p95 * 1000, 2), "n": len(ordered)}


def _lookup_function():
    try:
        from registry.selectors import insured_person_lookup
    except ImportError:  # no selector module: the equivalent query
        from registry.models import InsuredPerson
        from registry.text import fold

        def insured_person_lookup(*, full_name, date_of_birth, province_code):
            year = date_of_birth if isinstance(date_of_birth, int) else date_of_birth.year
            return list(InsuredPerson.objects.filter(
                name_folded=fold(full_name), birth_year=year, province__code=province_code
            )[:10])
    return insured_person_lookup


def _sample(count: int, rng: random.Random) -> list:
    from django.db.models import Max, Min

    from registry.models import InsuredPerson

    bounds = InsuredPerson.objects.aggregate(low=Min("id"), high=Max("id"))
    ids = rng.sample(range(bounds["low"], bounds["high"] + 1), count * 2)
    people = list(
        InsuredPerson.objects.filter(id__in=ids).select_related("province")
        .only("full_name", "date_of_birth", "birth_year", "bhxh_code", "id_number",
              "province__code")
    )
    rng.shuffle(people)
    return people[:count]


def _typed(name: str, rng: random.Random) -> str:
    """The name as a citizen might type it."""
    from registry.text import fold

    return rng.choice([
        fold(name), unicodedata.normalize("NFD", name), name.upper(), f"  {name}  ",
    ])


def _lookups(people: list, rng: random.Random) -> dict:
    lookup = _lookup_function()
    hits, misses, found = [], [], 0
    for person in people:
        dob = person.date_of_birth or person.birth_year
        started = time.perf_counter()
        result = lookup(full_name=_typed(person.full_name, rng), date_of_birth=dob,
                        province_code=person.province.code)
        hits.append(time.perf_counter() - started)
        found += any(p.bhxh_code == person.bhxh_code for p in result)
        started = time.perf_counter()
        lookup(full_name=f"{person.full_name} Khôngcó", date_of_birth=dob,
               province_code=person.province.code)
        misses.append(time.perf_counter() - started)
    return {"hit": _ms(hits), "miss": _ms(misses), "found_rate": round(found / len(people), 3)}


def _admin(people: list, rng: random.Random, rows: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from registry.models import Province
    from registry.text import fold

    user = get_user_model().objects.create_superuser(
        "bench-admin", email="bench@example.com", password="bench-admin-password"
    )
    client = Client()
    client.force_login(user)
    url = reverse("admin:registry_insuredperson_changelist")
    hanoi = Province.objects.get(code="01").pk
    adults = [p for p in people if p.id_number]
    scenarios = {
        "search_bhxh_code": lambda i: {"q": people[i].bhxh_code},
        "search_cccd": lambda i: {"q": adults[i].id_number},
        "search_name_common_prefix": lambda i: {"q": rng.choice(["nguyen van", "tran thi"])},
        "search_full_name": lambda i: {"q": fold(people[i].full_name)},
        "search_rare_or_absent_name": lambda i: {"q": rng.choice(["ly thi diep", "xyz abc"])},
        "list_unfiltered": lambda i: {},
        "filter_province": lambda i: {"province": str(hanoi)},
        "filter_province_and_name": lambda i: {"province": str(hanoi), "q": "le thi"},
        "list_deep_page": lambda i: {"p": str(max(1, min(200, rows // 100)))},
    }
    results = {}
    for name, params in scenarios.items():
        timings = []
        for index in range(ADMIN_REQUESTS):
            started = time.perf_counter()
            response = client.get(url, params(index))
            timings.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise RuntimeError(f"{name}: HTTP {response.status_code}")
        results[name] = _ms(timings)
    return results


def _plans(people: list) -> dict:
    from django.db import connection

    from registry.admin import person_search
    from registry.models import InsuredPerson
    from registry.text import fold

    if connection.vendor != "postgresql":
        return {}
    person = people[0]
    lookup = InsuredPerson.objects.filter(
        name_folded=fold(person.full_name), birth_year=person.birth_year,
        province__code=person.province.code,
    )
    search = person_search(InsuredPerson.objects.all(), "nguyen thi a").order_by("bhxh_code")
    rare = person_search(InsuredPerson.objects.all(), "ly thi diep").order_by("bhxh_code")

    def index_lines(queryset) -> str:
        """The scans of the plan, e.g. "Index Scan using insured_lookup"."""
        plan = queryset[:50].explain()
        scans = re.findall(r"((?:Bitmap )?(?:Index(?: Only)? |Seq )Scan (?:using|on) \S+)", plan)
        return "; ".join(sorted(set(scans)))

    return {"lookup": index_lines(lookup), "admin_name_search_common": index_lines(search),
            "admin_name_search_rare": index_lines(rare)}


def run() -> dict:
    rows = default_rows()
    rng = random.Random(7)
    with throwaway_database() as connection, tempfile.TemporaryDirectory(
        prefix="bench-lookup-"
    ) as directory:
        loaded = load_people(rows, directory)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        people = _sample(min(LOOKUPS, rows // 2), rng)
        return {
            "database": connection.vendor,
            "rows": rows,
            "load_s": round(loaded["import_s"], 1),
            "lookup": _lookups(people, rng),
            "admin": _admin(people, rng, rows),
            "plans": _plans(people),
        }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2, ensure_ascii=False))
