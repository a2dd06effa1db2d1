"""Hostile input on the registry look-ups: every bad request gets a 4xx (or a page) with a
Vietnamese message, never a 500, and the answers reveal no more than they should."""
import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from registry import views
from tests.language import all_vietnamese, error_summary_items, vietnamese
from tests.registry.factories import (
    HealthFacilityFactory,
    HealthInsuranceCardFactory,
    InsuredPersonFactory,
    OfficeFactory,
    ProvinceFactory,
)

pytestmark = pytest.mark.django_db

LOOKUP_API = "/api/v1/lookup/bhxh-code/"
OFFICES_API = "/api/v1/offices/"
FACILITIES_API = "/api/v1/facilities/"
LOOKUP_PAGE = reverse("registry:lookup_bhxh_code")
OFFICES_PAGE = reverse("registry:offices")
FACILITIES_PAGE = reverse("registry:facilities")
CARD_PAGE = reverse("accounts:my_card")
HISTORY_PAGE = reverse("accounts:my_participation")

LONG = "A" * 10_000


def api_messages(response) -> str:
    return json.dumps(response.json(), ensure_ascii=False)


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def anh():
    ProvinceFactory()
    return InsuredPersonFactory(
        bhxh_code="0101234567", full_name="Nguyễn Thị Ánh",
        date_of_birth=datetime.date(1990, 5, 17), phone="+84912345678",
        email="anh@example.org", id_number="001190012345",
    )


@pytest.fixture
def directory():
    ProvinceFactory()
    OfficeFactory(province_office=True)
    for _ in range(3):
        OfficeFactory()
        HealthFacilityFactory()


# --- BHXH code look-up API ------------------------------------------------------------------

GOOD = {"full_name": "Nguyễn Thị Ánh", "date_of_birth": "1990-05-17", "province": "01"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("full_name", LONG),
        ("full_name", "Nguyễn\x00Ánh"),
        ("full_name", "Nguyễn\x07Ánh"),
        ("full_name", "12345"),
        ("full_name", ""),
        ("date_of_birth", "31/02/1990"),
        ("date_of_birth", "1990-02-31"),
        ("date_of_birth", "0000-01-01"),
        ("date_of_birth", "0000"),
        ("date_of_birth", "99999"),
        ("date_of_birth", "99999-01-01"),
        ("date_of_birth", "2999-01-01"),
        ("date_of_birth", LONG),
        ("date_of_birth", "1990\x00"),
        ("province", "1"),
        ("province", "abc"),
        ("province", "00"),
        ("province", "0\x00"),
        ("province", LONG),
    ],
)
def test_lookup_api_bad_field_is_400_in_vietnamese(api, anh, field, value):
    response = api.post(LOOKUP_API, {**GOOD, field: value}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert all_vietnamese(response), response.json()


@pytest.mark.parametrize("value", [123, 19.5, True, None, ["Nguyễn"], {"a": 1}])
def test_lookup_api_wrong_json_types_are_400_in_vietnamese(api, anh, value):
    for field in GOOD:
        response = api.post(LOOKUP_API, {**GOOD, field: value}, format="json")
        assert response.status_code == 400, (field, value)
        assert all_vietnamese(response), response.json()


@pytest.mark.parametrize("body", ["[]", "[1, 2]", '"Nguyễn"', "42", "null", "{", "\xff\xfe"])
def test_lookup_api_body_that_is_not_an_object_is_400_in_vietnamese(api, anh, body):
    response = api.generic("POST", LOOKUP_API, body.encode("utf-8", "surrogateescape"),
                           content_type="application/json")
    assert response.status_code == 400
    assert all_vietnamese(response), response.json()


def test_lookup_api_invalid_utf8_json_is_400(api, anh):
    response = api.generic("POST", LOOKUP_API, b'{"full_name": "\xff\xfe"}',
                           content_type="application/json")
    assert response.status_code == 400
    assert all_vietnamese(response), response.json()


def test_lookup_api_missing_everything_names_each_field(api, anh):
    response = api.post(LOOKUP_API, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"full_name", "date_of_birth", "province"}
    assert all_vietnamese(response)


def test_lookup_api_repeated_and_unknown_fields(api, anh):
    response = api.post(
        LOOKUP_API + "?debug=1&page=-1",
        "full_name=X&full_name=Nguyễn Thị Ánh&date_of_birth=1990-05-17&province=01&evil=1",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_lookup_api_multipart_with_invalid_utf8_is_not_a_500(api, anh):
    boundary = "BoUnDaRy"
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"full_name\"\r\n\r\n"
    ).encode() + b"Nguy\xff\xfen" + (
        f"\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"date_of_birth\"\r\n\r\n"
        f"1990\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"province\"\r\n\r\n"
        f"01\r\n--{boundary}--\r\n"
    ).encode()
    response = api.generic("POST", LOOKUP_API, body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_lookup_api_other_methods_are_405_in_vietnamese(api, method):
    response = getattr(api, method)(LOOKUP_API)
    assert response.status_code == 405
    assert all_vietnamese(response), response.json()


@pytest.mark.parametrize(
    "accept_language",
    ["*", "xx-YY", "vi;q=abc", "en;q=0.5,,,;;", "a" * 600, "zh-Hant-TW;q=0.9, *;q=0.1", "é"],
)
def test_lookup_api_odd_accept_language(api, anh, accept_language):
    response = api.post(LOOKUP_API, {**GOOD, "province": "x"}, format="json",
                        HTTP_ACCEPT_LANGUAGE=accept_language)
    assert response.status_code == 400
    assert "province" in response.json()


def test_lookup_api_answer_is_masked(api, anh):
    response = api.post(LOOKUP_API, GOOD, format="json")
    body = response.content.decode()
    assert response.status_code == 200
    for secret in ["Thị", "Ánh", "17", "05", "+84912345678", "0912", "anh@example.org",
                   "001190012345", "phố"]:
        assert secret not in body


# --- Offices and facilities API -------------------------------------------------------------

@pytest.mark.parametrize("url", [OFFICES_API, FACILITIES_API])
@pytest.mark.parametrize(
    "query",
    [
        {"page": "abc"}, {"page": "-1"}, {"page": "0"}, {"page": "99999999999999999999999"},
        {"page": "1.5"}, {"page": "\x00"}, {"province": "abc"}, {"province": "0\x00"},
        {"q": LONG}, {"q": "ha\x00noi"},
    ],
)
def test_directory_api_bad_query_is_4xx_in_vietnamese(api, directory, url, query):
    response = api.get(url, query)
    assert response.status_code in (400, 404), response.content[:300]
    assert all_vietnamese(response), response.json()


def test_facility_api_bad_boolean_is_400_in_vietnamese(api, directory):
    response = api.get(FACILITIES_API, {"accepts_registration": "maybe"})
    assert response.status_code == 400
    assert all_vietnamese(response)


@pytest.mark.parametrize("url", [OFFICES_API, FACILITIES_API])
def test_directory_api_unknown_params_and_control_chars_are_ignored_or_refused(
    api, directory, url
):
    assert api.get(url, {"debug": "1", "ordering": "-id", "q": ""}).status_code == 200
    assert api.get(url, {"q": "ha\x07noi"}).status_code in (200, 400)
    assert api.get(url, {"province": ["01", "79"]}).status_code == 200


@pytest.mark.parametrize("url", [OFFICES_API, FACILITIES_API])
def test_directory_api_post_is_405(api, url):
    response = api.post(url, {}, format="json")
    assert response.status_code == 405
    assert all_vietnamese(response)


# --- The logged-in citizen's API --------------------------------------------------------------

@pytest.mark.parametrize("url", ["/api/v1/me/card/", "/api/v1/me/participation/"])
def test_me_api_anonymous_is_refused_in_vietnamese(api, url):
    response = api.get(url)
    assert response.status_code in (401, 403)
    assert all_vietnamese(response)


@pytest.mark.parametrize("url", ["/api/v1/me/card/", "/api/v1/me/participation/"])
def test_me_api_without_person_is_404_in_vietnamese(api, url):
    user = User.objects.create_user(username="staff-no-person", password="x-1234567")
    api.force_authenticate(user)
    response = api.get(url)
    assert response.status_code == 404
    assert all_vietnamese(response)


@pytest.mark.parametrize("url", ["/api/v1/me/card/", "/api/v1/me/participation/"])
def test_me_api_post_is_405(api, anh, url):
    user = User.objects.create_user(username=anh.bhxh_code, password="x-1234567",
                                    insured_person=anh)
    api.force_authenticate(user)
    response = api.post(url, {}, format="json")
    assert response.status_code == 405


def test_me_card_is_private_and_only_the_callers(api, anh):
    other = InsuredPersonFactory(full_name="Lê Văn Bình", bhxh_code="0109999999")
    HealthInsuranceCardFactory(person=anh)
    HealthInsuranceCardFactory(person=other)
    user = User.objects.create_user(username=anh.bhxh_code, password="x-1234567",
                                    insured_person=anh)
    api.force_authenticate(user)
    response = api.get("/api/v1/me/card/", {"person": other.pk, "bhxh_code": other.bhxh_code})
    assert response.status_code == 200
    assert response.json()["bhxh_code"] == anh.bhxh_code
    assert "Bình" not in response.content.decode()
    assert "no-store" in response["Cache-Control"]


# --- The web pages ---------------------------------------------------------------------------

def _check_answer(client: Client) -> dict:
    """A correct answer to the human check the page just issued."""
    checks = client.session["registry_human_checks"]
    token, (a, b, _issued) = max(checks.items(), key=lambda item: item[1][2])
    return {"check_token": token, "check_answer": str(a + b)}


def lookup_post(client: Client, **fields) -> object:
    client.get(LOOKUP_PAGE)
    data = {"full_name": "Nguyễn Thị Ánh", "date_of_birth": "17/05/1990", "province": "01",
            **_check_answer(client)}
    data.update(fields)
    return client.post(LOOKUP_PAGE, {k: v for k, v in data.items() if v is not None})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("full_name", None),
        ("full_name", LONG),
        ("full_name", "Nguyễn\x00Ánh"),
        ("full_name", "Nguyễn\x1bÁnh"),
        ("date_of_birth", "31/02/1990"),
        ("date_of_birth", "00/00/0000"),
        ("date_of_birth", "0000"),
        ("date_of_birth", "99999"),
        ("date_of_birth", "1/1/99999"),
        ("date_of_birth", "\x00"),
        ("province", "zz"),
        ("province", "0\x00"),
        ("province", LONG),
        ("check_answer", "abc"),
        ("check_answer", "\x00"),
        ("check_answer", LONG),
        ("check_token", "forged"),
        ("check_token", LONG),
    ],
)
def test_lookup_page_bad_input_shows_a_vietnamese_error(client, anh, field, value):
    response = lookup_post(client, **{field: value})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="error-summary"' in page
    summary = error_summary_items(page)
    assert vietnamese(summary), summary
    assert 'data-testid="lookup-results"' not in page


def test_lookup_page_answer_is_masked(client, anh):
    response = lookup_post(client)
    page = response.content.decode()
    assert "0101234567" in page
    results = page.split('data-testid="lookup-results"', 1)[1].split("</section>", 1)[0]
    for secret in ["Thị", "Ánh", "17/05", "+84912345678", "anh@example.org", "001190012345"]:
        assert secret not in results


def test_lookup_page_repeated_fields_and_unknown_params(client, anh):
    client.get(LOOKUP_PAGE + "?page=-1&x=\x00")
    data = {"full_name": ["X", "Nguyễn Thị Ánh"], "date_of_birth": "17/05/1990",
            "province": "01", "junk": "1", **_check_answer(client)}
    response = client.post(LOOKUP_PAGE + "?debug=1", data)
    assert response.status_code == 200
    assert "0101234567" in response.content.decode()


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_lookup_page_other_methods_are_405(client, method):
    assert getattr(client, method)(LOOKUP_PAGE).status_code == 405


def test_lookup_page_multipart_with_invalid_utf8_is_not_a_500(client, anh):
    client.get(LOOKUP_PAGE)
    check = _check_answer(client)
    boundary = "BoUnDaRy"
    parts = [("full_name", b"Nguy\xff\xfen"), ("date_of_birth", b"1990"), ("province", b"01"),
             ("check_token", check["check_token"].encode()),
             ("check_answer", check["check_answer"].encode())]
    body = b"".join(
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n".encode()
        + value + b"\r\n" for name, value in parts
    ) + f"--{boundary}--\r\n".encode()
    response = client.generic("POST", LOOKUP_PAGE, body,
                              content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 200


def test_lookup_page_throttled_is_429_with_a_vietnamese_message(client, anh, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                                   "lookup": "1/hour"},
    }
    from rest_framework.settings import api_settings
    api_settings.reload()
    try:
        lookup_post(client)
        response = lookup_post(client, full_name="Nguyễn\x00")
    finally:
        api_settings.reload()
    assert response.status_code == 429
    assert "quá nhiều lần" in response.content.decode()


@pytest.mark.parametrize("url", [OFFICES_PAGE, FACILITIES_PAGE])
@pytest.mark.parametrize(
    "query",
    [
        "page=abc", "page=-1", "page=0", "page=99999999999999999999999", "page=%00",
        "province=zz", "province=0%00", "q=" + "a" * 10_000, "q=ha%00noi", "q=%ff%fe",
        "accepts_registration=maybe", "province=01&province=79", "unknown=1&page=2",
    ],
)
def test_directory_pages_survive_bad_queries(client, directory, url, query):
    response = client.get(f"{url}?{query}")
    assert response.status_code == 200
    page = response.content.decode()
    if "error-summary" in page:
        summary = error_summary_items(page)
        assert vietnamese(summary), summary


def test_directory_page_invalid_query_is_reported_not_silently_dropped(client, directory):
    page = client.get(OFFICES_PAGE + "?province=zz").content.decode()
    assert 'data-testid="error-summary"' in page
    assert "Chọn một tỉnh/thành phố trong danh sách." in page


def test_directory_page_number_past_the_end_shows_the_last_page(client, directory):
    response = client.get(OFFICES_PAGE + "?page=999999")
    assert response.status_code == 200
    assert response.context["page_obj"].number == response.context["page_obj"].paginator.num_pages


@pytest.mark.parametrize("url", [OFFICES_PAGE, FACILITIES_PAGE])
def test_directory_pages_refuse_post(client, url):
    assert client.post(url, {}).status_code == 405


@pytest.mark.parametrize("url", [CARD_PAGE, HISTORY_PAGE])
def test_personal_pages_need_login_and_refuse_post(client, anh, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")
    user = User.objects.create_user(username=anh.bhxh_code, password="x-1234567",
                                    insured_person=anh)
    client.force_login(user)
    assert client.post(url, {}).status_code == 405


def test_card_page_without_a_facility_or_office_does_not_crash(client, anh):
    HealthInsuranceCardFactory(person=anh, issuing_office=None)
    user = User.objects.create_user(username=anh.bhxh_code, password="x-1234567",
                                    insured_person=anh)
    client.force_login(user)
    response = client.get(f"{CARD_PAGE}?x=%00")
    assert response.status_code == 200


def test_directory_page_size_is_bounded():
    assert views.DIRECTORY_PAGE_SIZE <= 50


def test_card_with_longest_name_and_address_still_has_a_readable_qr(client):
    from registry.card_qr import QR_MAX_BYTES, card_qr_payload, parse_card_qr

    ProvinceFactory()
    person = InsuredPersonFactory(
        bhxh_code="0105555555", full_name="Nguyễn " + "ệ" * 93,
        address="ệ" * 300,
    )
    card = HealthInsuranceCardFactory(person=person, card_number="DN401" + person.bhxh_code)
    payload = card_qr_payload(card)
    assert len(payload.encode()) <= QR_MAX_BYTES
    assert parse_card_qr(payload).full_name == person.full_name
    user = User.objects.create_user(username=person.bhxh_code, password="x-1234567",
                                    insured_person=person)
    client.force_login(user)
    response = client.get(CARD_PAGE)
    assert response.status_code == 200
    assert 'data-testid="card-qr"' in response.content.decode()


def test_new_messages_are_translated_for_english_clients(api, anh):
    response = api.post(LOOKUP_API, {**GOOD, "full_name": "A\x00"}, format="json",
                        HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["full_name"] == [
        "The text contains invalid (control) characters. Please type it again using letters, "
        "digits and punctuation."
    ]
    response = api.generic("POST", LOOKUP_API, b"{", content_type="application/json",
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["detail"] == "Invalid JSON body (syntax error or not UTF-8)."


@pytest.mark.parametrize("stored", ["x", 5, ["a"], {"t": "x"}, {"t": [1, 2]}, {"t": [1, "b", 3]}])
def test_lookup_page_with_a_corrupted_human_check_in_the_session(client, anh, stored):
    session = client.session
    session["registry_human_checks"] = stored
    session.save()
    response = client.post(LOOKUP_PAGE, {**{k: v for k, v in GOOD.items()},
                                         "date_of_birth": "1990", "check_token": "t",
                                         "check_answer": "3"})
    assert response.status_code == 200
    assert "Câu trả lời chưa đúng" in response.content.decode()
    assert client.get(LOOKUP_PAGE).status_code == 200
