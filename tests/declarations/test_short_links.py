"""The short links of the SMS (`/s/<token>`): random enough, kept only as a hash, created
in the SMS's transaction, expiring like the signed links they stand for (status 90 days,
PDF 30 days), a child's PDF dead at 18, clear pages for unknown, malformed and expired
tokens, a per-address limit on failures; and the signed links already sent still work."""
import datetime
import hashlib
import math

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from declarations.download_links import pdf_download_path
from declarations.models import Declaration, ShortLink
from declarations.services.review import declaration_reject
from declarations.short_links import TOKEN_ALPHABET, TOKEN_LENGTH, short_token_new
from declarations.status_links import status_path
from notifications.models import OutboundMessage
from tests.declarations.child_helpers import a_child, family, submit_child
from tests.declarations.review_helpers import CONTEXT, declaration_for, officer, two_provinces
from tests.declarations.short_link_helpers import short_link_path_in

pytestmark = pytest.mark.django_db
SECOND = datetime.timedelta(seconds=1)


def _sms_link(declaration: Declaration, dedup_suffix: str = ":received:sms") -> str:
    sms = OutboundMessage.objects.get(dedup_key=f"declaration:{declaration.uuid}{dedup_suffix}")
    path = short_link_path_in(sms.body)
    assert path, sms.body
    return path


def _token(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def _with_pdf(declaration: Declaration) -> Declaration:
    declaration.pdf.save("to-khai.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    return declaration


@pytest.fixture
def offices():
    return two_provinces()


def _short(token: str) -> str:
    return reverse("short_links:open", kwargs={"token": token})


def test_a_token_has_over_64_random_bits_and_only_its_hash_is_stored(offices):
    assert TOKEN_LENGTH * math.log2(len(set(TOKEN_ALPHABET))) >= 64
    assert len(set(TOKEN_ALPHABET)) == 62
    tokens = {short_token_new() for _ in range(2000)}
    assert len(tokens) == 2000 and all(len(t) == TOKEN_LENGTH for t in tokens)
    assert set("".join(tokens)) == set(TOKEN_ALPHABET)  # the whole alphabet is drawn

    declaration = declaration_for(offices.dongda)
    token = _token(_sms_link(declaration))
    link = ShortLink.objects.get(declaration=declaration)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert link.kind == ShortLink.Kind.STATUS
    stored = [str(getattr(link, field.attname)) for field in ShortLink._meta.concrete_fields]
    assert not any(token in value for value in stored)


def test_the_link_is_written_in_the_transaction_of_its_sms(offices):
    declaration = declaration_for(offices.dongda)
    before = ShortLink.objects.count()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        declaration_reject(actor=officer(offices.dongda), declaration_id=declaration.pk,
                           reason_code="photo_blurred", text="Ảnh mờ.", context=CONTEXT)
        assert ShortLink.objects.count() == before + 1
        1 / 0  # noqa: B018  the decision fails after its SMS was written
    assert ShortLink.objects.count() == before
    assert not OutboundMessage.objects.filter(dedup_key__endswith=":rejected:sms").exists()


def test_the_status_link_shows_the_status_page_for_90_days(offices):
    declaration = declaration_for(offices.dongda)
    path = _sms_link(declaration)
    link = ShortLink.objects.get(declaration=declaration)
    assert abs(link.expires_at - link.created_at - datetime.timedelta(days=90)) < SECOND
    client = Client()
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert declaration.number in page and 'data-testid="declaration-status"' in page
    assert response["Referrer-Policy"] == "strict-origin"
    assert "no-cache" in response["Cache-Control"]
    with freeze_time(timezone.now() + datetime.timedelta(days=89)):
        assert client.get(path).status_code == 200
    with freeze_time(timezone.now() + datetime.timedelta(days=91)):
        response = client.get(path)
    assert response.status_code == 410
    assert "Liên kết đã hết hạn" in response.content.decode()
    assert reverse("declarations:status_lookup") in response.content.decode()


def test_the_decisions_carry_their_own_status_links(offices):
    approved = declaration_for(offices.dongda)
    from declarations.services.review import declaration_approve

    declaration_approve(actor=officer(offices.dongda), declaration_id=approved.pk,
                        context=CONTEXT)
    response = Client().get(_sms_link(approved, ":approved:sms"))
    assert response.status_code == 200 and 'data-testid="decision"' in response.content.decode()
    assert ShortLink.objects.filter(declaration=approved).count() == 2


def test_the_pdf_link_downloads_for_30_days_and_202_while_rendering(offices):
    guardian, office = family()
    declaration = submit_child(guardian, a_child(office), office)  # on-commit never ran
    path = _sms_link(declaration)
    link = ShortLink.objects.get(declaration=declaration)
    assert link.kind == ShortLink.Kind.PDF
    assert abs(link.expires_at - link.created_at - datetime.timedelta(days=30)) < SECOND
    client = Client()
    response = client.get(path)
    assert response.status_code == 202 and response["Retry-After"] == "30"
    _with_pdf(declaration)
    response = client.get(path)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Referrer-Policy"] == "strict-origin"
    with freeze_time(timezone.now() + datetime.timedelta(days=29)):
        assert client.get(path).status_code == 200
    with freeze_time(timezone.now() + datetime.timedelta(days=31)):
        assert client.get(path).status_code == 410


def test_a_childs_pdf_link_dies_on_the_18th_birthday(offices):
    guardian, office = family()
    today = timezone.localdate()
    birthday = today + datetime.timedelta(days=10)
    born = birthday.replace(year=birthday.year - 18)
    child = a_child(office, date_of_birth=born, birth_year=born.year)
    declaration = _with_pdf(submit_child(guardian, child, office))
    path = _sms_link(declaration)
    signed = pdf_download_path(declaration)
    client = Client()
    with freeze_time(birthday - datetime.timedelta(days=1)):
        assert client.get(path).status_code == 200
        assert client.get(signed).status_code == 200
    with freeze_time(birthday):
        for url in (path, signed):
            response = client.get(url)
            assert response.status_code == 404, url
            assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("token", [
    "AbCdEfGh1234",  # the right shape, never issued
    "abc",
    "AbCdEfGh12345",
    "AbCdEfGh123-",
    "AbCdEfGh123ä",
    "%00" * 4,
    "' OR 1=1 --",
])
def test_unknown_and_malformed_tokens_get_a_clear_404(client, token):
    response = client.get(_short(token))
    assert response.status_code == 404
    page = response.content.decode()
    assert "Liên kết không đúng" in page and 'data-testid="short-link-unknown"' in page
    assert response["Referrer-Policy"] == "strict-origin"


def test_the_invalid_page_speaks_english(client):
    client.cookies["vssid_language"] = "en"
    response = client.get(_short("AbCdEfGh1234"))
    assert response.status_code == 404
    assert "This link is not right" in response.content.decode()


def test_failures_are_limited_per_address_and_links_that_work_are_always_served(
    offices, settings, caplog
):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                                   "short_link": "3/hour"},
    }
    path = _sms_link(declaration_for(offices.dongda))
    guesser = Client(REMOTE_ADDR="198.51.100.20")
    for _ in range(10):
        assert guesser.get(path).status_code == 200  # a working link is never counted
    for guess in ("AAAAAAAAAAAA", "BBBBBBBBBBBB", "bad"):
        assert guesser.get(_short(guess)).status_code == 404
    with caplog.at_level("INFO"):
        refused = guesser.get(_short("CCCCCCCCCCCC"))
    assert refused.status_code == 429 and refused["Retry-After"] == "3600"
    assert "CCCCCCCCCCCC" not in caplog.text  # refused paths are not logged
    assert 'data-testid="short-link-too_many"' in refused.content.decode()
    # Many phones share one carrier address: its guesses never lock out a good link, for
    # this client or anyone behind the same address.
    assert guesser.get(path).status_code == 200
    assert Client(REMOTE_ADDR="198.51.100.20").get(path).status_code == 200
    assert Client(REMOTE_ADDR="198.51.100.21").get(_short("DDDDDDDDDDDD")).status_code == 404
    with freeze_time(timezone.now() + datetime.timedelta(hours=1, minutes=1)):
        assert guesser.get(_short("EEEEEEEEEEEE")).status_code == 404


def test_only_get_and_head(offices):
    path = _sms_link(declaration_for(offices.dongda))
    client = Client()
    assert client.head(path).status_code == 200
    assert client.post(path).status_code == 405


def test_signed_links_already_sent_keep_working(offices):
    declaration = _with_pdf(declaration_for(offices.dongda))
    client = Client()
    response = client.get(status_path(declaration))
    assert response.status_code == 200 and declaration.number in response.content.decode()
    response = client.get(pdf_download_path(declaration))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
