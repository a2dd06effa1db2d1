"""The benchmark runner and the load generator (no timing asserted: only behaviour)."""
import http.server
import json
import threading

import pytest

from bench import __main__ as runner
from bench._loadgen import generate, percentile


def test_discovers_scenario_modules_but_not_private_ones():
    names = runner.discover()
    assert "http_home" in names
    assert "_loadgen" not in names
    assert "__main__" not in names


def test_table_lists_every_number():
    text = runner.table({"demo": {"home": {"p50_ms": 1.5, "requests": 10}, "flag": "x"}})
    assert "home.p50_ms" in text
    assert "1.500" in text
    assert "home.requests" in text
    assert "flag" in text


def test_machine_has_cores_and_date():
    info = runner.machine()
    assert info["cores"] >= 1
    assert "T" in info["date"]


def test_unknown_name_is_refused(capsys):
    assert runner.main(["no_such_benchmark"]) == 2
    assert "Unknown benchmark" in capsys.readouterr().out


def test_single_module_run_merges_into_results(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "RESULTS", tmp_path / "results.json")
    monkeypatch.setattr(runner, "discover", lambda: ["a", "b"])
    (tmp_path / "results.json").write_text(json.dumps({"scenarios": {"b": {"x": 1}}}))
    monkeypatch.setattr(runner, "run_module", lambda name: ({"y": 2}, 0.1))
    assert runner.main(["a"]) == 0
    saved = json.loads((tmp_path / "results.json").read_text())
    assert saved["scenarios"] == {"a": {"y": 2}, "b": {"x": 1}}
    assert saved["machine"]["cores"] >= 1


def test_failed_module_is_recorded_and_exit_code_is_1(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "RESULTS", tmp_path / "results.json")
    monkeypatch.setattr(runner, "discover", lambda: ["a"])
    monkeypatch.setattr(runner, "run_module", lambda name: ({"error": "exit code 1"}, 0.1))
    assert runner.main([]) == 1
    assert json.loads((tmp_path / "results.json").read_text())["scenarios"]["a"]["error"]


def test_percentiles():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.50) == 50.0
    assert percentile(values, 0.95) == 95.0
    assert percentile(values, 0.99) == 99.0


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        status = 200 if self.path == "/" else 404
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_load_generator_counts_requests_and_statuses(server):
    result = generate(server + "/", seconds=0.3, threads=2)
    assert result["requests"] > 0
    assert result["ok_200"] == result["requests"]
    assert result["errors"] == 0
    assert result["p50_ms"] <= result["p95_ms"] <= result["p99_ms"]
    missing = generate(server + "/missing", seconds=0.2, threads=1)
    assert missing["non_200"] == missing["requests"] > 0
