"""The portal's pages side by side with a bare Django view, in one run.

Both are served by gunicorn with the repository's gunicorn.conf.py (2 workers here): the
portal with its production settings on PostgreSQL + Redis, reference and demo data loaded;
the bare site (bench/bare_site: one view rendering a small template, no middleware) beside
it. wrk (or bench/_loadgen.py when wrk is missing) loads them from a second process in
interleaved rounds: in each round, for each page, the bare view then the page, for
BENCH_PAGES_SECONDS each (default 4). Reported per page: req/s, p50 and p99 (ms, medians
over the rounds), non-2xx answers, and the ratio of its req/s to the bare view's measured
right before it (median over the rounds). The goal is a ratio of 0.5 or more.

Throttling is on, its rates raised so that the load is counted but never refused
(THROTTLE_*=100000000/hour): what is measured is what counting costs.

PostgreSQL: DATABASE_URL's server (or 127.0.0.1:5432), in a database of its own created and
dropped here. Redis: REDIS_URL (or redis://127.0.0.1:6379/8). Without them the scenario
says so and measures nothing. Environment: BENCH_PAGES_ROUNDS (3), BENCH_PAGES_SECONDS (4),
BENCH_PAGES_CONNECTIONS (4). Run: ``python -m bench http_pages``.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path

from bench.http_home import ROOT, _free_port, _manage, _static_root, _stop, _wait_ready

HIGH = "100000000/hour"
THROTTLES = ("ANON", "USER", "AUTH", "LOOKUP", "REGISTRATION", "SCAN", "OTP", "PHOTOS")
CITIZEN = ("0126000101", "congdan-demo-2026")
BENCH_DB = "vssid_bench_pages"


def _services() -> tuple[str, str] | str:
    """(postgres server URL without the database, redis URL), or why not."""
    database = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not database.startswith("postgres"):
        return f"DATABASE_URL is not PostgreSQL ({database.split(':')[0]})"
    server = database.rsplit("/", 1)[0]
    redis = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/8")
    host = urllib.parse.urlsplit(server)
    for name, (address, port) in (("PostgreSQL", (host.hostname, host.port or 5432)),
                                  ("Redis", (urllib.parse.urlsplit(redis).hostname,
                                             urllib.parse.urlsplit(redis).port or 6379))):
        try:
            socket.create_connection((address, port), timeout=2).close()
        except OSError:
            return f"{name} is not reachable at {address}:{port}"
    return server, redis


def _psql(server: str, sql: str) -> None:
    subprocess.run(["psql", f"{server}/postgres", "-q", "-c", sql], check=True,
                   stdout=subprocess.DEVNULL)


def _portal_env(directory: Path, database: str, redis: str) -> dict:
    env = {key: value for key, value in os.environ.items()
           if key not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG"}}
    env.update(
        DJANGO_SETTINGS_MODULE="vssid_portal.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false", DATABASE_URL=database, REDIS_URL=redis,
        VAR_DIR=str(directory / "var"), LOG_LEVEL="WARNING", STAFF_OTP_REQUIRED="false",
        GUNICORN_WORKERS=os.environ.get("BENCH_HTTP_WORKERS", "2"),
        GUNICORN_ACCESS_LOG="/dev/null", GUNICORN_LOG_LEVEL="warning",
        **{f"THROTTLE_{name}": HIGH for name in THROTTLES},
    )
    return env


def _gunicorn(env: dict, app: str, port: int) -> subprocess.Popen:
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", app],
        cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL)


def _status_path(env: dict) -> str:
    code = ("from declarations.models import Declaration;"
            "from declarations.status_links import status_path;"
            "print(status_path(Declaration.objects.order_by('submitted_at').first()))")
    out = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT,
                         env=env, check=True, capture_output=True, text=True).stdout
    return out.strip().splitlines()[-1]


def _login(base: str) -> str:
    """A citizen's session cookie, logged in through the real form."""
    class PlainHttpPolicy(DefaultCookiePolicy):
        # The production settings mark cookies Secure; the bench serves plain HTTP.
        def return_ok_secure(self, cookie, request):
            return True

    jar = CookieJar(policy=PlainHttpPolicy())
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login = base + "/tai-khoan/dang-nhap/"
    page = opener.open(login).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": CITIZEN[0],
                                   "password": CITIZEN[1]}).encode()
    request = urllib.request.Request(login, data=data, headers={"Referer": login})
    opener.open(request).read()
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "sessionid" not in cookies:
        raise RuntimeError("the demo citizen could not log in")
    return f"sessionid={cookies['sessionid']}"


def _pages(status_path: str) -> dict[str, tuple[str, bool]]:
    """name -> (path, logged in)."""
    quote = urllib.parse.quote
    return {
        "home": ("/", False),
        "login": ("/tai-khoan/dang-nhap/", False),
        "lookup_form": ("/tra-cuu/ma-so-bhxh/", False),
        "offices": (f"/tra-cuu/co-quan-bhxh/?province=01&q={quote('Đống Đa')}", False),
        "facilities": (f"/tra-cuu/co-so-kham-chua-benh/?province=01&q={quote('bệnh viện')}",
                       False),
        "status_page": (status_path, False),
        "my_card": ("/tai-khoan/the-bhyt/", True),
        "my_history": ("/tai-khoan/qua-trinh-tham-gia/", True),
        "api_offices": ("/api/v1/offices/?province=01", False),
        "api_facilities": ("/api/v1/facilities/?province=01", False),
        "healthz": ("/healthz", False),
    }


def _wrk(url: str, seconds: float, connections: int, cookie: str) -> dict:
    headers = ["-H", "Accept-Language: vi"]
    if cookie:
        headers += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency",
         *headers, url],
        capture_output=True, text=True, check=True, timeout=seconds + 60).stdout

    def latency(label: str) -> float:
        found = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(found.group(1)), found.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50_ms": latency("50%"), "p99_ms": latency("99%"),
            "non_2xx": int(non_2xx.group(1)) if non_2xx else 0}


def _python_load(url: str, seconds: float, connections: int, cookie: str) -> dict:
    if cookie:
        raise RuntimeError("logged-in pages need wrk (Debian's wrk; make setup installs it)")
    out = subprocess.run(
        [sys.executable, "-m", "bench._loadgen", "--url", url, "--seconds", str(seconds),
         "--threads", str(connections)], cwd=ROOT, capture_output=True, text=True,
        check=True, timeout=seconds + 60).stdout
    numbers = json.loads(out)
    return {"rps": numbers["requests_per_s"], "p50_ms": numbers["p50_ms"],
            "p99_ms": numbers["p99_ms"], "non_2xx": numbers["non_200"]}


def run() -> dict:
    services = _services()
    if isinstance(services, str):
        return {"skipped": services}
    server, redis = services
    rounds = int(os.environ.get("BENCH_PAGES_ROUNDS", "3"))
    seconds = float(os.environ.get("BENCH_PAGES_SECONDS", "4"))
    connections = int(os.environ.get("BENCH_PAGES_CONNECTIONS", "4"))
    load = _wrk if shutil.which("wrk") else _python_load
    _psql(server, f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
    _psql(server, f'CREATE DATABASE "{BENCH_DB}"')
    portal = bare = None
    try:
        with tempfile.TemporaryDirectory(prefix="bench-pages-") as name:
            env = _portal_env(Path(name), f"{server}/{BENCH_DB}", redis)
            _manage(env, "migrate", "--noinput", "-v", "0")
            _manage({**env, "DJANGO_SETTINGS_MODULE": "vssid_portal.settings.dev"},
                    "load_demo_data")
            static_root = _static_root()
            env["STATIC_ROOT"] = str(static_root)
            if not (static_root / "staticfiles.json").exists():
                _manage(env, "collectstatic", "--noinput", "-v", "0")
            status_path = _status_path(env)
            portal_port, bare_port = _free_port(), _free_port()
            portal = _gunicorn(env, "vssid_portal.wsgi", portal_port)
            bare = _gunicorn({**env, "DJANGO_SETTINGS_MODULE": "bench.bare_site.settings"},
                             "bench.bare_site.wsgi", bare_port)
            portal_base = f"http://127.0.0.1:{portal_port}"
            bare_url = f"http://127.0.0.1:{bare_port}/"
            _wait_ready(portal_base + "/healthz", portal)
            _wait_ready(bare_url, bare)
            cookie = _login(portal_base)
            pages = _pages(status_path)
            for path, logged_in in pages.values():  # warm-up: imports, caches, connections
                load(portal_base + path, 1, connections, cookie if logged_in else "")
            load(bare_url, 1, connections, "")
            runs: dict[str, list] = {page: [] for page in pages}
            for _ in range(rounds):
                for page, (path, logged_in) in pages.items():
                    reference = load(bare_url, seconds, connections, "")
                    measured = load(portal_base + path, seconds, connections,
                                    cookie if logged_in else "")
                    measured["bare_rps"] = reference["rps"]
                    measured["ratio"] = measured["rps"] / reference["rps"]
                    runs[page].append(measured)
    finally:
        for process in (portal, bare):
            if process is not None:
                _stop(process)
        _psql(server, f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
    result: dict = {"load": load.__name__.strip("_"), "rounds": rounds, "seconds": seconds,
                    "connections": connections, "gunicorn": "gunicorn.conf.py, 2 workers"}
    bare_all = [r["bare_rps"] for page_runs in runs.values() for r in page_runs]
    result["bare_view_rps"] = round(statistics.median(bare_all))
    for page, page_runs in runs.items():
        result[page] = {
            "rps": round(statistics.median(r["rps"] for r in page_runs)),
            "p50_ms": round(statistics.median(r["p50_ms"] for r in page_runs), 2),
            "p99_ms": round(statistics.median(r["p99_ms"] for r in page_runs), 2),
            "ratio": round(statistics.median(r["ratio"] for r in page_runs), 2),
            "non_2xx": sum(r["non_2xx"] for r in page_runs),
        }
    return result


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
