"""Hostile input on the registration steps, the registration API and the status pages:
every bad request gets a 4xx (or the step again) with a Vietnamese message, never a 500;
nothing accepted is lost; no personal data where it should not be."""
import datetime
import json
import logging
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import signing
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from declarations.models import Attachment, Declaration
from declarations.status_links import status_path
from declarations.views_draft import SENT_KEY, SESSION_KEY
from tests.declarations.registration_helpers import (
    CCCD_FOR_1990_WOMAN,
    jpeg_bytes,
    person_and_office,
    personal_post,
    photo_files,
    step,
)
from tests.language import all_vietnamese, error_summary_items, vietnamese

pytestmark = pytest.mark.django_db

API = "/api/v1/registrations/"
LONG = "A" * 10_000


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


def summary_of(response) -> str:
    page = response.content.decode()
    assert 'data-testid="error-summary"' in page, page[-3000:]
    return error_summary_items(page)


def walk_to_review(client, person, office):
    assert client.post(step("personal"), personal_post(person)).status_code == 302
    assert client.post(step("photos"), {**photo_files(), "action": "next"}).status_code == 302
    response = client.post(step("office"), {"office": office.code, "action": "next"})
    assert response.status_code == 302, response.content.decode()[-2000:]


# --- step 1 ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("bhxh_code", LONG), ("bhxh_code", "01\x0012345678"), ("bhxh_code", "abcdefghij"),
        ("full_name", LONG), ("full_name", "Nguyễn\x00Thị Ánh"), ("full_name", "Nguyễn\x1bThị"),
        ("date_of_birth", "31/02/1990"), ("date_of_birth", "1990-02-31"),
        ("date_of_birth", "0000-01-01"), ("date_of_birth", "00/00/0000"),
        ("date_of_birth", "99999-01-01"), ("date_of_birth", "1/1/99999"),
        ("date_of_birth", "9999-12-31"), ("date_of_birth", "0001-01-01"),
        ("date_of_birth", LONG), ("date_of_birth", "\x00"),
        ("sex", "X"), ("sex", "\x00"), ("sex", LONG),
        ("id_type", "bogus"), ("id_type", "\x00"),
        ("id_number", LONG), ("id_number", "0011901\x0023456"),
        ("address", LONG), ("address", "Hà Nội\x00"), ("address", "Hà\x08Nội"),
        ("phone", LONG), ("phone", "0912\x00345678"), ("phone", "+1 202 555 0100"),
        ("phone", "0241234567"),
    ],
)
def test_step_one_bad_field_shows_vietnamese_error(client, field, value):
    person, office = person_and_office()
    response = client.post(step("personal"), personal_post(person, **{field: value}))
    assert response.status_code == 200
    assert vietnamese(summary_of(response))
    assert "personal" not in client.session[SESSION_KEY]["completed"]


@pytest.mark.parametrize("field", ["bhxh_code", "full_name", "date_of_birth", "sex", "id_type",
                                   "id_number", "address", "phone"])
def test_step_one_missing_field_shows_vietnamese_error(client, field):
    person, office = person_and_office()
    response = client.post(step("personal"), personal_post(person, **{field: None}))
    assert response.status_code == 200
    assert vietnamese(summary_of(response))


def test_step_one_repeated_fields_and_unknown_params(client):
    person, office = person_and_office()
    data = personal_post(person, junk="1")
    data["bhxh_code"] = ["0000000000", person.bhxh_code]
    response = client.post(step("personal") + "?page=-1&x=%00", data)
    assert response.status_code == 302


def test_step_one_multipart_with_invalid_utf8_is_not_a_500(client):
    person, office = person_and_office()
    boundary = "BoUnDaRy"
    values = {k: v.encode() for k, v in personal_post(person).items()}
    values["full_name"] = b"Nguy\xff\xfen"
    body = b"".join(
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n".encode()
        + value + b"\r\n" for name, value in values.items()
    ) + f"--{boundary}--\r\n".encode()
    response = client.generic("POST", step("personal"), body,
                              content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 200
    assert vietnamese(summary_of(response))


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_steps_refuse_other_methods(client, method):
    assert getattr(client, method)(step("personal")).status_code == 405


def test_unknown_step_is_404(client):
    start = reverse("declarations:register")
    assert client.get(f"{start}nope/").status_code == 404
    assert client.get(f"{start}personal/").status_code == 404  # a key is not a slug
    assert client.post(f"{start}..%2Fadmin/", {}).status_code == 404


# --- step 2 ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("x.jpg", b"", content_type="image/jpeg"),
        SimpleUploadedFile("x.jpg", b"\x00" * 100, content_type="image/jpeg"),
        SimpleUploadedFile("x.jpg", b"GIF89a" + b"\x00" * 100, content_type="image/gif"),
        SimpleUploadedFile("x.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>",
                           content_type="image/svg+xml"),
        SimpleUploadedFile("\x00.jpg", jpeg_bytes()[:200], content_type="image/jpeg"),
        SimpleUploadedFile("x" * 5000 + ".jpg", b"not an image", content_type="text/plain"),
    ],
    ids=["empty", "nul-bytes", "gif-header", "svg", "truncated", "long-name"],
)
def test_step_two_bad_upload_shows_vietnamese_error(client, upload):
    person, office = person_and_office()
    client.post(step("personal"), personal_post(person))
    files = photo_files()
    files["portrait"] = upload
    response = client.post(step("photos"), {**files, "action": "next"})
    assert response.status_code == 200
    assert vietnamese(summary_of(response))
    # The good photos of the same request are kept.
    assert set(client.session[SESSION_KEY]["photos"]) == {"id_front", "id_back"}


def test_step_two_photo_as_a_text_field_is_not_a_500(client):
    person, office = person_and_office()
    client.post(step("personal"), personal_post(person))
    response = client.post(step("photos"), {"portrait": "hello", "action": "next"})
    assert response.status_code == 200
    assert vietnamese(summary_of(response))


def test_step_two_repeated_file_field_keeps_one(client):
    person, office = person_and_office()
    client.post(step("personal"), personal_post(person))
    files = photo_files()
    files["portrait"] = [SimpleUploadedFile("a.jpg", jpeg_bytes(), content_type="image/jpeg"),
                         SimpleUploadedFile("b.jpg", jpeg_bytes(), content_type="image/jpeg")]
    response = client.post(step("photos"), {**files, "action": "next"})
    assert response.status_code == 302


# --- stale and corrupted drafts --------------------------------------------------------------

@pytest.mark.parametrize(
    "raw",
    [
        "garbage", 42, ["personal"], {"personal": "x", "office": 5, "photos": [1]},
        {"personal": {"bhxh_code": 123, "date_of_birth": "31/02/1990", "full_name": None},
         "completed": "personal", "step": 7},
        {"photos": {"portrait": {"name": "../../etc/passwd"}, "id_front": "x",
                    "id_back": {"name": 5, "sha256": None}},
         "completed": ["personal", "photos", "office"], "step": "review"},
    ],
)
def test_corrupted_draft_never_500s(client, raw):
    session = client.session
    session[SESSION_KEY] = raw
    session.save()
    for name in ("personal", "photos", "office", "review"):
        response = client.get(step(name))
        assert response.status_code in (200, 302)
    assert client.get(reverse("declarations:register")).status_code == 302
    for kind in ("portrait", "id_front", "id_back"):
        url = reverse("declarations:register_photo", kwargs={"kind": kind})
        assert client.get(url).status_code == 404
    response = client.post(step("review"), {"commitment": "on", "action": "submit"})
    assert response.status_code in (200, 302)
    assert not Declaration.objects.exists()


def test_draft_photo_deleted_from_storage_is_asked_again(client):
    person, office = person_and_office()
    walk_to_review(client, person, office)
    default_storage.delete(client.session[SESSION_KEY]["photos"]["id_back"]["name"])
    response = client.post(step("review"), {"commitment": "on", "action": "submit"})
    assert response.status_code == 200
    assert "Vui lòng cung cấp ảnh mặt sau CCCD." in summary_of(response)
    assert not Declaration.objects.exists()
    preview = reverse("declarations:register_photo", kwargs={"kind": "id_back"})
    assert client.get(preview).status_code == 404
    page = client.get(step("photos")).content.decode()
    assert 'data-testid="preview-id_back"' not in page


def test_office_deactivated_since_step_three_is_reported_on_review(client):
    person, office = person_and_office()
    walk_to_review(client, person, office)
    office.is_active = False
    office.save()
    response = client.post(step("review"), {"commitment": "on", "action": "submit"})
    assert response.status_code == 200
    assert "không tiếp nhận tờ khai" in summary_of(response)
    assert not Declaration.objects.exists()
    # The office step shows the problem too, in Vietnamese, not a 500.
    response = client.post(step("office"), {"office": office.code, "action": "next"})
    assert response.status_code == 200
    assert vietnamese(summary_of(response))


@pytest.mark.parametrize(
    "office_value", ["", "99999", "\x00", "001\x00", LONG, "<script>", "00121' OR 1=1 --"]
)
def test_office_step_bad_office_shows_vietnamese_error(client, office_value):
    person, office = person_and_office()
    client.post(step("personal"), personal_post(person))
    client.post(step("photos"), {**photo_files(), "action": "next"})
    response = client.post(step("office"), {"office": office_value, "action": "next"})
    assert response.status_code == 200
    assert vietnamese(summary_of(response))


@pytest.mark.parametrize(
    "overrides",
    [
        {"email": LONG}, {"email": "a\x00@example.vn"}, {"email": "not-an-email"},
        {"send_email": "on", "email": ""}, {"province": "\x00"}, {"province": LONG},
    ],
)
def test_office_step_bad_email_or_province_shows_vietnamese_error(client, overrides):
    person, office = person_and_office()
    client.post(step("personal"), personal_post(person))
    client.post(step("photos"), {**photo_files(), "action": "next"})
    data = {"office": office.code, "action": "next", **overrides}
    response = client.post(step("office"), data)
    if response.status_code == 302:
        assert set(overrides) == {"province"}
        return
    assert response.status_code == 200
    assert vietnamese(summary_of(response))


@pytest.mark.parametrize("province", ["\x00", "zz", LONG, "%ff"])
def test_office_step_get_with_odd_province_filter(client, province):
    person, office = person_and_office()
    client.post(step("personal"), personal_post(person))
    client.post(step("photos"), {**photo_files(), "action": "next"})
    assert client.get(step("office"), {"province": province}).status_code == 200


# --- step 4: submit --------------------------------------------------------------------------

def test_double_submit_files_one_declaration_and_shows_the_sent_page(client):
    person, office = person_and_office()
    walk_to_review(client, person, office)
    first = client.post(step("review"), {"commitment": "on", "action": "submit"})
    assert first["Location"] == reverse("declarations:register_sent")
    second = client.post(step("review"), {"commitment": "on", "action": "submit"})
    assert second.status_code == 302
    assert second["Location"] == reverse("declarations:register_sent")
    assert Declaration.objects.count() == 1
    assert Attachment.objects.count() == 3
    for attachment in Attachment.objects.all():
        assert default_storage.exists(attachment.file.name)


def test_submit_without_commitment_is_a_vietnamese_error(client):
    person, office = person_and_office()
    walk_to_review(client, person, office)
    for data in ({"action": "submit"}, {"action": "submit", "commitment": ""},
                 {"action": "\x00"}):
        response = client.post(step("review"), data)
        assert response.status_code == 200
        assert vietnamese(summary_of(response))
    assert not Declaration.objects.exists()


def test_get_on_scan_endpoint_goes_back_to_step_one(client):
    response = client.get(reverse("declarations:register_scan"))
    assert response.status_code == 302
    assert response["Location"] == step("personal")
    assert client.put(reverse("declarations:register_scan")).status_code == 405


@pytest.mark.parametrize("kind", ["cccd", "bhyt", "nope", ""])
def test_scan_without_js_with_garbage_is_a_vietnamese_message(client, kind):
    person, office = person_and_office()
    data = personal_post(person, scan=kind)
    data[f"scan_{kind}"] = SimpleUploadedFile("q.jpg", b"\x00garbage", content_type="image/jpeg")
    response = client.post(reverse("declarations:register_scan"), data, follow=True)
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert messages and vietnamese(" ".join(messages))


# --- the sent page and the status page --------------------------------------------------------

def _submitted(client) -> Declaration:
    person, office = person_and_office(phone="+84912345678", email="anh@example.org")
    walk_to_review(client, person, office)
    client.post(step("review"), {"commitment": "on", "action": "submit"})
    return Declaration.objects.get()


PERSONAL = ("Nguyễn Thị Ánh", "Ánh", CCCD_FOR_1990_WOMAN, "912345678", "0912 345 678",
            "phố Huế", "17/05/1990", "1990-05-17")


def test_sent_and_status_pages_reveal_no_personal_data(client):
    declaration = _submitted(client)
    sent = client.get(reverse("declarations:register_sent")).content.decode()
    status = Client().get(status_path(declaration))
    assert status.status_code == 200
    html = status.content.decode()
    assert declaration.number in html and declaration.number in sent
    for secret in (*PERSONAL, declaration.bhxh_code):
        assert secret not in sent, secret
        assert secret not in html, secret
    assert status["Referrer-Policy"] == "strict-origin"
    assert "no-store" in status["Cache-Control"] or "max-age=0" in status["Cache-Control"]


@pytest.mark.parametrize(
    "token",
    ["x", "a" * 5000, "%00", "abc:def:ghi", "..", "-", "%ff%fe", "other-salt"],
)
def test_forged_status_tokens_are_a_vietnamese_404(client, token):
    if token == "other-salt":  # signed with the right key but for another purpose
        token = signing.TimestampSigner(salt="other").sign(
            "00000000-0000-0000-0000-000000000000"
        )
    response = client.get(f"/to-khai/trang-thai/{token}/")
    assert response.status_code == 404
    assert "Liên kết không hợp lệ" in response.content.decode()


def test_expired_status_token_is_a_vietnamese_404(client, monkeypatch):
    declaration = _submitted(client)
    path = status_path(declaration)
    later = datetime.datetime.now().timestamp() + 91 * 24 * 3600
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = Client().get(path)
    assert response.status_code == 404
    assert "đã hết hạn" in response.content.decode()


def test_status_token_of_a_deleted_declaration_is_a_404(client):
    declaration = _submitted(client)
    path = status_path(declaration)
    Declaration.objects.filter(pk=declaration.pk).delete()
    assert Client().get(path).status_code == 404


@pytest.mark.parametrize(
    "data",
    [{}, {"number": LONG, "bhxh_code": LONG}, {"number": "\x00", "bhxh_code": "\x00"},
     {"number": "DK2611-ABCDEF", "bhxh_code": "0101234567"},
     {"number": ["a", "b"], "bhxh_code": "x"}],
)
def test_status_lookup_bad_input_is_a_vietnamese_error(client, data):
    response = client.post(reverse("declarations:status_lookup"), data)
    assert response.status_code == 200
    assert vietnamese(summary_of(response))


def test_status_lookup_refuses_put(client):
    assert client.put(reverse("declarations:status_lookup")).status_code == 405


# --- the API ---------------------------------------------------------------------------------

def api_payload(person, office, /, **overrides) -> dict:
    data = {
        "bhxh_code": person.bhxh_code, "full_name": person.full_name,
        "date_of_birth": person.date_of_birth.isoformat(), "sex": person.sex,
        "id_type": "cccd", "id_number": CCCD_FOR_1990_WOMAN,
        "address": "Số 12 phố Huế, Hà Nội", "phone": "0912345678", "office": office.code,
        "send_email": "false", **photo_files(),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def messages_of(response) -> str:
    return json.dumps(response.json(), ensure_ascii=False)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("bhxh_code", LONG), ("bhxh_code", "01\x0012345678"), ("full_name", "Nguyễn\x00"),
        ("full_name", "Nguyễn\x07Thị Ánh"), ("date_of_birth", "31/02/1990"),
        ("date_of_birth", "0000-01-01"), ("date_of_birth", "99999-01-01"),
        ("date_of_birth", "9999-12-31"), ("sex", "\x00"), ("sex", LONG), ("id_type", "\x00"),
        ("id_number", "\x00"), ("address", LONG), ("address", "Hà Nội\x00"),
        ("phone", "\x00"), ("email", "a\x00@b.vn"), ("email", LONG), ("office", "\x00"),
        ("office", LONG), ("office", "99999"), ("send_email", "maybe"),
        ("portrait", "not a file"),
        ("portrait", SimpleUploadedFile("p.jpg", b"", content_type="image/jpeg")),
        ("portrait", SimpleUploadedFile("p.jpg", b"<?php", content_type="image/jpeg")),
    ],
)
def test_api_bad_field_is_400_in_vietnamese(field, value):
    person, office = person_and_office()
    response = APIClient().post(API, api_payload(person, office, **{field: value}),
                                format="multipart")
    assert response.status_code == 400, response.content[:500]
    assert all_vietnamese(response), response.json()
    assert not Declaration.objects.exists()


@pytest.mark.parametrize("body", ["[]", '"x"', "{", "null", '{"bhxh_code": 1}'])
def test_api_json_bodies_are_refused_in_vietnamese(body):
    response = APIClient().generic("POST", API, body, content_type="application/json")
    assert response.status_code in (400, 415)
    assert all_vietnamese(response), response.json()


def test_api_multipart_with_invalid_utf8_is_not_a_500():
    person, office = person_and_office()
    boundary = "BoUnDaRy"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"full_name\"\r\n\r\n"
            .encode() + b"Nguy\xff\xfen\r\n" + f"--{boundary}--\r\n".encode())
    response = APIClient().generic("POST", API, body,
                                   content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 400
    assert all_vietnamese(response)


def test_api_broken_multipart_is_400_in_vietnamese():
    response = APIClient().generic("POST", API, b"--x\r\ngarbage",
                                   content_type="multipart/form-data; boundary=x")
    assert response.status_code == 400
    assert all_vietnamese(response), response.json()


def test_api_multipart_without_boundary_is_400_in_vietnamese():
    response = APIClient().generic("POST", API, b"abc", content_type="multipart/form-data")
    assert response.status_code == 400
    assert all_vietnamese(response), response.json()


def test_api_repeated_fields_and_unknown_params():
    person, office = person_and_office()
    data = api_payload(person, office, junk="1")
    data["bhxh_code"] = ["0000000000", person.bhxh_code]
    response = APIClient().post(API + "?page=-1", data, format="multipart")
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_api_other_methods_are_405_in_vietnamese(method):
    response = getattr(APIClient(), method)(API)
    assert response.status_code == 405
    assert all_vietnamese(response)


@pytest.mark.parametrize(
    "accept_language", ["*", "xx-YY", "vi;q=abc", "en;q=0.5,,,;;", "a" * 600, "é", "EN-us"]
)
def test_api_odd_accept_language_is_not_a_500(accept_language):
    person, office = person_and_office()
    response = APIClient().post(API, api_payload(person, office), format="multipart",
                                HTTP_ACCEPT_LANGUAGE=accept_language)
    assert response.status_code == 201, response.content
    assert Declaration.objects.get().language in {"vi", "en"}


def test_api_double_submit_is_refused_and_the_first_kept():
    person, office = person_and_office()
    first = APIClient().post(API, api_payload(person, office), format="multipart")
    second = APIClient().post(API, api_payload(person, office), format="multipart")
    assert first.status_code == 201
    assert second.status_code == 400
    assert "đang chờ" in messages_of(second)
    assert Declaration.objects.get().number == first.json()["number"]


def test_api_answer_reveals_only_number_status_and_link():
    person, office = person_and_office()
    response = APIClient().post(API, api_payload(person, office), format="multipart")
    assert set(response.json()) == {"number", "status", "status_url"}
    for secret in PERSONAL:
        assert secret not in response.content.decode()


# --- files and logs --------------------------------------------------------------------------

def test_private_files_are_not_under_static_and_have_no_url(client):
    declaration = _submitted(client)
    root = Path(default_storage.location).resolve()
    static_roots = [Path(django_settings.STATIC_ROOT).resolve(),
                    *(Path(p).resolve() for p in django_settings.STATICFILES_DIRS)]
    for attachment in declaration.attachments.all():
        path = Path(default_storage.path(attachment.file.name)).resolve()
        assert path.is_relative_to(root)
        assert not any(path.is_relative_to(static) for static in static_roots)
        with pytest.raises(ValueError):
            default_storage.url(attachment.file.name)
    assert not django_settings.MEDIA_URL


def test_logs_carry_no_personal_data(client, caplog):
    with caplog.at_level(logging.DEBUG):
        declaration = _submitted(client)
        Client().get(status_path(declaration))
        person, office = person_and_office(bhxh_code="0107654321")
        APIClient().post(API, api_payload(person, office, full_name="Trần Văn Khác"),
                         format="multipart")
    text = "\n".join(record.getMessage() for record in caplog.records)
    for secret in (*PERSONAL, declaration.bhxh_code, "0107654321", "Trần Văn Khác",
                   "+84912345678"):
        assert secret not in text, secret


def test_sent_page_without_a_submission_goes_back_to_the_form(client):
    session = client.session
    session[SENT_KEY] = "garbage"
    session.save()
    assert client.get(reverse("declarations:register_sent")).status_code in (200, 302)


def test_a_huge_posted_value_is_refused_and_not_kept_whole_in_the_session(client):
    person, office = person_and_office()
    huge = "Nguyễn " * 200_000  # 1.6 MB
    response = client.post(step("personal"), personal_post(person, full_name=huge))
    assert response.status_code == 200
    assert vietnamese(summary_of(response))
    kept = client.session[SESSION_KEY]["personal"]["full_name"]
    assert 100 < len(kept) <= 1000


@pytest.mark.parametrize("cookie", ["xx", "", "\x00", "en-US", "a" * 500])
def test_odd_language_cookie_or_header_on_pages_falls_back_to_vietnamese(client, cookie):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = cookie
    response = client.post(step("personal"), {"action": "next"},
                           HTTP_ACCEPT_LANGUAGE="*;q=abc, zz")
    assert response.status_code == 200
    assert "Vui lòng nhập mã số BHXH." in response.content.decode()


def test_api_text_field_sent_as_a_file_is_400_in_vietnamese():
    person, office = person_and_office()
    data = api_payload(person, office)
    data["bhxh_code"] = SimpleUploadedFile("code.txt", b"0100000000", content_type="text/plain")
    response = APIClient().post(API, data, format="multipart")
    assert response.status_code == 400
    assert "bhxh_code" in response.json()
    assert all_vietnamese(response)


def test_service_refuses_an_overlong_email_and_odd_office_codes():
    from django.core.exceptions import ValidationError

    from declarations.services.registration import self_registration_validate
    from tests.declarations.registration_helpers import registration_data

    person, office = person_and_office()
    long_email = "a" * 250 + "@example.vn"
    for overrides, field in (({"email": long_email}, "email"), ({"office": "\x00"}, "office"),
                             ({"office": "0" * 50}, "office"), ({"office": "001; --"}, "office")):
        with pytest.raises(ValidationError) as exc:
            self_registration_validate(data=registration_data(person, office, **overrides))
        assert field in exc.value.error_dict
        assert vietnamese(" ".join(exc.value.message_dict[field]))


@pytest.mark.parametrize("query", ["q=%00", "status=%00", "status=x%00&q=DK", "kind=%00&p=-5"])
def test_admin_changelist_with_nul_in_the_query_is_not_a_500(admin_client, query):
    response = admin_client.get(f"/admin/declarations/declaration/?{query}", follow=True)
    assert response.status_code == 200
    assert "\x00" not in response.redirect_chain[-1][0] if response.redirect_chain else True


def _multipart(parts: list[tuple[str, bytes, bytes | None]], boundary: str = "BoUnDaRy"):
    """(name, value, raw filename or None) -> (body, content type)."""
    body = b""
    for name, value, filename in parts:
        disposition = f'form-data; name="{name}"'.encode()
        if filename is not None:
            disposition += b'; filename="' + filename + b'"'
        headers = b"Content-Disposition: " + disposition + b"\r\n"
        if filename is not None:
            headers += b"Content-Type: image/jpeg\r\n"
        body += f"--{boundary}\r\n".encode() + headers + b"\r\n" + value + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def test_photos_with_invalid_utf8_file_names_are_asked_again(client):
    # Django's multipart parser drops a file part whose file name is not UTF-8 (browsers
    # always send UTF-8): the citizen is asked for the photo, in Vietnamese, no 500.
    person, office = person_and_office()
    client.post(step("personal"), personal_post(person))
    body, content_type = _multipart(
        [(kind, jpeg_bytes(), b"\xff\xfe\xc3(" + kind.encode() + b".jpg")
         for kind in ("portrait", "id_front", "id_back")] + [("action", b"next", None)]
    )
    response = client.generic("POST", step("photos"), body, content_type=content_type)
    assert response.status_code == 200
    assert "Vui lòng cung cấp ảnh chân dung." in summary_of(response)


def test_api_with_invalid_utf8_file_names_is_a_400_asking_for_the_photos():
    person, office = person_and_office()
    fields = {k: v for k, v in api_payload(person, office).items() if isinstance(v, str)}
    parts = [(k, v.encode(), None) for k, v in fields.items()]
    parts += [(kind, jpeg_bytes(), b"\xff" + kind.encode() + b"\x00.jpg")
              for kind in ("portrait", "id_front", "id_back")]
    body, content_type = _multipart(parts)
    response = APIClient().generic("POST", API, body, content_type=content_type)
    assert response.status_code == 400
    assert "Vui lòng cung cấp ảnh chân dung." in response.json()["portrait"]
    assert not Declaration.objects.exists()


def test_api_with_too_many_fields_is_400_in_vietnamese():
    data = {f"f{i}": "x" for i in range(1200)}
    response = APIClient().post(API, data, format="multipart")
    assert response.status_code == 400
    assert all_vietnamese(response), response.content[:300]
    response = APIClient().post("/api/v1/lookup/bhxh-code/", data, format="json")
    assert response.status_code in (200, 400)
    response = APIClient().generic("POST", "/api/v1/lookup/bhxh-code/",
                                   "&".join(f"f{i}=x" for i in range(1200)),
                                   content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert all_vietnamese(response), response.content[:300]
