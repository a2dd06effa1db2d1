import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured

from notifications.sms import SMSDeliveryError, SMSMessage, get_sms_backend
from notifications.sms.backends import locmem
from notifications.sms.backends.failing import FailingSMSBackend
from notifications.sms.backends.file import FileSMSBackend
from notifications.sms.backends.http import HTTPGatewaySMSBackend

MSG = SMSMessage(to="+84912345678", body="Ma OTP cua ban la 123456", id="abc")


def test_get_sms_backend_follows_settings(settings):
    settings.SMS_BACKEND = "notifications.sms.backends.failing.FailingSMSBackend"
    assert isinstance(get_sms_backend(), FailingSMSBackend)


def test_file_backend_appends_json_lines(tmp_path, settings):
    settings.SMS_FILE_PATH = str(tmp_path / "outbox" / "sms.jsonl")
    backend = FileSMSBackend()
    backend.send(MSG)
    result = backend.send(SMSMessage(to="+84987654321", body="x" * 200, id="def"))
    lines = [json.loads(line) for line in open(settings.SMS_FILE_PATH, encoding="utf-8")]
    assert [line["to"] for line in lines] == ["+84912345678", "+84987654321"]
    assert lines[0]["body"] == MSG.body and lines[0]["id"] == "abc"
    assert lines[0]["segments"] == 1 and lines[1]["segments"] == 2
    assert lines[0]["sent_at"].startswith("20")
    assert result.segments == 2 and result.provider_id == "file:def"


def test_locmem_backend_keeps_an_outbox():
    get_sms_backend("notifications.sms.backends.locmem.LocMemSMSBackend").send(MSG)
    assert locmem.outbox == [MSG]


def test_failing_backend_always_fails():
    with pytest.raises(SMSDeliveryError):
        FailingSMSBackend().send(MSG)


class _Gateway(BaseHTTPRequestHandler):
    requests: list = []
    mode = "ok"

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        self.requests.append((dict(self.headers), json.loads(self.rfile.read(length))))
        if self.mode == "slow":
            time.sleep(1.5)
        if self.mode == "error":
            self.send_response(503)
            self.end_headers()
            return
        body = b'{"id": "gw-42", "segments": 1}' if self.mode != "noid" else b"{}"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    _Gateway.requests = []
    _Gateway.mode = "ok"
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.SMS_GATEWAY_USERNAME = "portal"
    settings.SMS_GATEWAY_PASSWORD = "s3cret"
    settings.SMS_GATEWAY_SENDER = "VssID"
    settings.SMS_GATEWAY_TIMEOUT = 0.5
    yield _Gateway
    server.shutdown()
    server.server_close()


def test_http_gateway_posts_json_with_basic_auth(gateway):
    result = HTTPGatewaySMSBackend().send(MSG)
    assert result.provider_id == "gw-42" and result.segments == 1
    headers, payload = gateway.requests[0]
    assert payload == {"from": "VssID", "to": MSG.to, "text": MSG.body, "reference": "abc"}
    assert headers["Authorization"] == "Basic " + base64.b64encode(b"portal:s3cret").decode()


@pytest.mark.parametrize("mode", ["error", "slow", "noid"])
def test_http_gateway_failures_raise_delivery_errors(gateway, mode):
    gateway.mode = mode
    with pytest.raises(SMSDeliveryError):
        HTTPGatewaySMSBackend().send(MSG)


def test_http_gateway_unreachable(settings):
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:1/send"
    with pytest.raises(SMSDeliveryError, match="unreachable"):
        HTTPGatewaySMSBackend().send(MSG)


def test_http_gateway_needs_a_url(settings):
    settings.SMS_GATEWAY_URL = ""
    with pytest.raises(ImproperlyConfigured):
        HTTPGatewaySMSBackend()
