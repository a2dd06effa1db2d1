"""The one client-address function: X-Forwarded-For is believed only from configured
proxies, read from the right."""
import pytest
from django.test import RequestFactory

from audit.actions import AuditAction
from audit.context import AuditContext, client_address
from audit.services import audit_record


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        ([], "203.0.113.5", "1.2.3.4", "203.0.113.5"),
        (["10.0.0.0/8"], "203.0.113.5", "1.2.3.4", "203.0.113.5"),
        (["10.0.0.0/8"], "10.0.0.2", "1.2.3.4", "1.2.3.4"),
        (["10.0.0.0/8"], "10.0.0.2", "6.6.6.6, 1.2.3.4", "1.2.3.4"),
        (["10.0.0.0/8"], "10.0.0.2", "1.2.3.4, 10.0.0.9", "1.2.3.4"),
        (["10.0.0.0/8"], "10.0.0.2", "garbage", "10.0.0.2"),
        (["10.0.0.0/8"], "10.0.0.2", "", "10.0.0.2"),
        (["127.0.0.1"], "127.0.0.1", "2001:db8::1", "2001:db8::1"),
        ([], "not-an-ip", "", None),
    ],
)
def test_client_address(settings, proxies, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


@pytest.mark.parametrize(("proxies", "forwarded", "expected"), [
    (0, "1.2.3.4", "203.0.113.5"),
    (1, "1.2.3.4", "1.2.3.4"),
    (1, "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # a forged entry on the left is not the client
    (2, "6.6.6.6, 1.2.3.4, 10.0.0.9", "1.2.3.4"),
    (2, "1.2.3.4", "1.2.3.4"),
    (1, "garbage", "203.0.113.5"),
    (1, "", "203.0.113.5"),
])
def test_client_address_with_a_number_of_proxies(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXIES = []
    settings.NUM_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.5",
                                   HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


@pytest.mark.parametrize("settings_key,value", [("NUM_PROXIES", 1),
                                                ("TRUSTED_PROXIES", ["10.0.0.0/8"])])
def test_a_long_forged_header_cannot_push_the_proxys_entry_out(settings, settings_key, value):
    """2,000 characters ending in an address of the client's choice, then the proxy's
    entry: the proxy's entry is still read."""
    setattr(settings, settings_key, value)
    forged = "1.1.1.1, " * 300 + "6.6.6.6"
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2",
                                   HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.77")
    assert client_address(request) == "203.0.113.77"


def test_zoned_and_overlong_addresses_are_not_addresses(settings):
    settings.NUM_PROXIES = 1
    for value in ("fe80::1%" + "z" * 500, "fe80::1%eth0", "1" * 100):
        request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2",
                                       HTTP_X_FORWARDED_FOR=value)
        assert client_address(request) == "10.0.0.2"


def test_a_unix_socket_behind_a_proxy_uses_the_forwarded_address(settings):
    settings.NUM_PROXIES = 1
    request = RequestFactory().get("/", REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert client_address(request) == "203.0.113.8"
    settings.NUM_PROXIES = 0
    assert client_address(request) is None


def test_unknown_actions_are_refused(db):
    with pytest.raises(ValueError):
        audit_record(action="declaration.made_up", object_type="x", object_id="1")
    record = audit_record(action=AuditAction.DECLARATION_VIEWED, object_type="x",
                          object_id="1", context=AuditContext(channel="admin"))
    assert record.data == {"channel": "admin"}


def test_ipv4_written_as_ipv6_is_the_same_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = RequestFactory().get("/", REMOTE_ADDR="::ffff:10.0.0.2",
                                   HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_address(request) == "1.2.3.4"
