"""The registry admin: searches hit exact/indexed look-ups, lists never count whole tables."""
import datetime
import unicodedata

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry import admin as registry_admin
from registry.admin import EstimatedCountPaginator, person_search
from registry.models import InsuredPerson
from tests.registry.factories import (
    HealthFacilityFactory,
    HealthInsuranceCardFactory,
    InsuredPersonFactory,
    OfficeFactory,
    ParticipationPeriodFactory,
    ProvinceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    hanoi = ProvinceFactory(code="01", name="Hà Nội")
    hcm = ProvinceFactory(code="79", name="TP Hồ Chí Minh")
    dong_da = OfficeFactory(code="00106", name="BHXH cơ sở Đống Đa", province=hanoi)
    return {
        "anh": InsuredPersonFactory(bhxh_code="0100000001", full_name="Nguyễn Thị Ánh",
                                    id_number="001190000001", province=hanoi, office=dong_da),
        "an": InsuredPersonFactory(bhxh_code="0100000002", full_name="Nguyễn Văn An",
                                   id_number="023456789", province=hcm),
        "dang": InsuredPersonFactory(bhxh_code="7900000003", full_name="Đặng Văn Nguyễn",
                                     id_number=None, province=hcm),
    }


def search(term: str) -> list[str]:
    return sorted(person_search(InsuredPerson.objects.all(), term).values_list(
        "bhxh_code", flat=True))


def test_search_by_code_id_number_card_and_name_without_diacritics(people):
    assert search("0100000001") == ["0100000001"]
    assert search(" 0100 000 001 ") == ["0100000001"]
    assert search("001190000001") == ["0100000001"]
    assert search("023456789") == ["0100000002"]
    assert search("DN4010100000002") == ["0100000002"]
    assert search("79") == ["7900000003"]  # code prefix
    assert search("nguyen") == ["0100000001", "0100000002"]  # a prefix: not "Đặng Văn Nguyễn"
    assert search("NGUYEN THI") == ["0100000001"]
    assert search(unicodedata.normalize("NFD", "nguyễn  thị ánh")) == ["0100000001"]
    assert search("dang") == ["7900000003"]
    assert search("0100000009") == []
    assert search("12345678901234") == []
    assert search("   ") == ["0100000001", "0100000002", "7900000003"]


def test_name_search_is_a_prefix_match_never_a_leading_wildcard(people):
    sql = str(person_search(InsuredPerson.objects.all(), "Nguyễn Văn").query)
    assert "name_folded" in sql and "nguyen van%" in sql
    assert "%nguyen" not in sql
    sql = str(person_search(InsuredPerson.objects.all(), "001190000001").query)
    assert "id_number" in sql and "LIKE" not in sql.upper()


def test_changelist_search_and_filters(admin_client, people):
    url = reverse("admin:registry_insuredperson_changelist")
    response = admin_client.get(url, {"q": "nguyen thi anh"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [people["anh"]]
    hcm = people["an"].province
    response = admin_client.get(url, {"province": str(hcm.pk)})
    assert {p.bhxh_code for p in response.context["cl"].result_list} == {
        "0100000002", "7900000003"}
    office = people["anh"].office
    response = admin_client.get(url, {"office__id__exact": str(office.pk)})
    assert list(response.context["cl"].result_list) == [people["anh"]]


def test_changelist_never_counts_the_whole_table(admin_client, people):
    url = reverse("admin:registry_insuredperson_changelist")
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(url)
    assert response.status_code == 200
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    table = InsuredPerson._meta.db_table
    for sql in counts:  # only capped counts: COUNT over a LIMITed sub-select
        if table in sql:
            assert "LIMIT" in sql.upper(), sql


def test_paginator_caps_filtered_counts(people, monkeypatch):
    monkeypatch.setattr(registry_admin, "COUNT_CAP", 1)
    paginator = EstimatedCountPaginator(InsuredPerson.objects.all(), 1)
    assert paginator.count == 2  # "more than one": capped at COUNT_CAP + 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_class estimate: PostgreSQL only")
def test_paginator_uses_the_planner_estimate_on_postgresql(people, monkeypatch):
    monkeypatch.setattr(registry_admin, "ESTIMATE_ABOVE", -1)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {InsuredPerson._meta.db_table}")
    with CaptureQueriesContext(connection) as queries:
        count = EstimatedCountPaginator(InsuredPerson.objects.all(), 10).count
    assert "reltuples" in queries.captured_queries[0]["sql"]
    assert count >= 0


def test_every_registry_admin_page_renders(admin_client, people):
    card = HealthInsuranceCardFactory(person=people["anh"],
                                      facility=HealthFacilityFactory(code="01C54"))
    period = ParticipationPeriodFactory(person=people["anh"])
    for model, obj in (
        ("province", people["anh"].province), ("office", people["anh"].office),
        ("healthfacility", card.facility), ("insuredperson", people["anh"]),
        ("healthinsurancecard", card), ("participationperiod", period),
    ):
        changelist = reverse(f"admin:registry_{model}_changelist")
        assert admin_client.get(changelist).status_code == 200, model
        assert admin_client.get(changelist, {"q": "01"}).status_code == 200, model
        change = reverse(f"admin:registry_{model}_change", args=[obj.pk])
        assert admin_client.get(change).status_code == 200, model
    response = admin_client.get(reverse("admin:registry_insuredperson_change",
                                        args=[people["anh"].pk]))
    assert card.card_number in response.content.decode()  # cards and periods are inlines
    response = admin_client.get(reverse("admin:registry_healthinsurancecard_changelist"),
                                {"q": "0100000001"})
    assert list(response.context["cl"].result_list) == [card]
    response = admin_client.get(reverse("admin:registry_healthfacility_changelist"),
                                {"q": "tram y te"})
    assert card.facility in response.context["cl"].result_list
    response = admin_client.get(reverse("admin:registry_participationperiod_changelist"),
                                {"q": "0100000001"})
    assert list(response.context["cl"].result_list) == [period]


def test_adding_a_person_in_the_admin_fills_the_derived_columns(admin_client, people):
    url = reverse("admin:registry_insuredperson_add")
    data = {
        "bhxh_code": "0100000077", "full_name": "Hồ  Thị Lan", "date_of_birth": "1970-04-05",
        "birth_year": "", "sex": "F", "id_number": "", "address": "", "province": "",
        "office": "", "phone": "", "email": "",
        "cards-TOTAL_FORMS": "0", "cards-INITIAL_FORMS": "0",
        "participation_periods-TOTAL_FORMS": "0", "participation_periods-INITIAL_FORMS": "0",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    person = InsuredPerson.objects.get(bhxh_code="0100000077")
    assert (person.full_name, person.name_folded, person.birth_year) == (
        "Hồ Thị Lan", "ho thi lan", 1970)
    assert person.date_of_birth == datetime.date(1970, 4, 5)
    data.update(bhxh_code="12345", date_of_birth="", birth_year="")
    response = admin_client.post(url, data)
    assert response.status_code == 200
    errors = str(response.context["adminform"].form.errors)
    assert "10 chữ số" in errors and "năm sinh" in errors
