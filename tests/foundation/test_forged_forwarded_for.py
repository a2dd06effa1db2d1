"""Every limit counts real clients: a forged, rotating X-Forwarded-For is no new client
(NUM_PROXIES = 0 and no TRUSTED_PROXIES: the header is ignored); behind a configured proxy
the proxy's entry is the client."""
import pytest
from rest_framework.test import APIClient

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_rates(monkeypatch, settings):
    from vssid_portal.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle

    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
             "registration": "3/hour", "scan": "3/hour", "auth": "3/hour", "anon": "3/hour",
             "user": "3/hour", "lookup": "3/hour"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    for throttle in (AnonRateThrottle, ScopedRateThrottle, UserRateThrottle):
        monkeypatch.setattr(throttle, "THROTTLE_RATES", rates)
    return rates


def _codes(send, tries: int = 6) -> list[int]:
    return [send(f"198.51.100.{n}").status_code for n in range(tries)]


@pytest.mark.parametrize("method,url,body", [
    ("post", "/api/v1/registrations/", {}),
    ("post", "/api/v1/scan/", {"kind": "cccd"}),
    ("post", "/api/v1/auth/token/", {"bhxh_code": "0100000001", "password": "x"}),
    ("get", "/api/v1/offices/", None),
    ("post", "/api/v1/lookup/bhxh-code/", {"full_name": "Nguyễn Văn A",
                                           "date_of_birth": "1990", "province": "01"}),
])
def test_a_rotating_forged_header_does_not_escape_the_limit(small_rates, method, url, body):
    api = APIClient()
    codes = _codes(lambda ip: getattr(api, method)(url, body, HTTP_X_FORWARDED_FOR=ip))
    assert codes[-1] == 429 and codes.count(429) >= 3, codes


def test_the_user_limit_too(small_rates):
    api = APIClient()
    api.force_authenticate(UserFactory())
    codes = _codes(lambda ip: api.get("/api/v1/me/card/", HTTP_X_FORWARDED_FOR=ip))
    assert codes[-1] == 429, codes


def test_behind_one_proxy_each_client_has_its_own_count(small_rates, settings):
    settings.NUM_PROXIES = 1
    api = APIClient()
    codes = [api.get("/api/v1/offices/", HTTP_X_FORWARDED_FOR=f"6.6.6.6, 198.51.100.{n}"
                     ).status_code for n in range(6)]
    assert 429 not in codes  # six clients behind the proxy, once each
    codes = [api.get("/api/v1/offices/", HTTP_X_FORWARDED_FOR=f"6.6.6.{n}, 198.51.100.9"
                     ).status_code for n in range(6)]
    assert codes[-1] == 429  # one client forging the left part
